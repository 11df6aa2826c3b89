//! Users, sessions, API tokens and login attempts.

use chrono::{Duration, Utc};
use liaison_core::accounts::{authorize, authorize_role};
use liaison_core::secrets::NO_PASSWORD;
use liaison_core::{
    Action, Actor, Error as DomainError, ExchangeAccount, Page, PageRequest, USER, User, UserInput,
    Validate,
};
use sqlx::AnyConnection;

use crate::sql::{self, ListQuery, RowExt, Selection, Total, enum_text};
use crate::{Result, Store, audit, records};

fn columns() -> Selection {
    Selection::of(
        "s",
        &[
            "id",
            "version",
            "username",
            "display_name",
            "role",
            "active",
            "language",
        ],
    )
    .named("u", "unit")
}
const FROM: &str = "users s LEFT JOIN units u ON u.id = s.unit_id";

fn from_row(row: &impl RowExt) -> Result<User> {
    Ok(User {
        id: row.int("id")?,
        version: row.int("version")?,
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        role: row.enumerated("role")?,
        unit: row.named("unit")?,
        active: row.int("active")? != 0,
        language: row.opt_text("language")?,
    })
}

async fn fetch(conn: &mut AnyConnection, id: i64) -> Result<User> {
    let row = sqlx::query(&format!(
        "SELECT {columns} FROM {FROM} WHERE s.id = $1",
        columns = columns().sql()
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| DomainError::not_found("user", id))?;
    from_row(&row)
}

/// Refuses a unit that does not exist as a field error.
async fn unit_exists(conn: &mut AnyConnection, unit: Option<i64>) -> Result<()> {
    if let Some(id) = unit {
        crate::resolve::link(
            conn,
            liaison_core::UNIT,
            "unit",
            &liaison_core::Link::Id(id),
        )
        .await?;
    }
    Ok(())
}

/// Adds an account an exchange document brings, checked, in the import's transaction, without
/// a password (see [`ExchangeAccount`]); `false` when its username is taken already, which
/// leaves that account as it is.
pub(crate) async fn import_account(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &UserInput,
    language: Option<&str>,
) -> Result<bool> {
    authorize_role(actor, Action::Create, USER)?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(input.username.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Ok(false);
    }
    let now = sql::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (created_at, updated_at, username, display_name, role, unit_id, \
         active, language, password_hash) VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
    )
    .bind(now.as_str())
    .bind(input.username.as_str())
    .bind(input.display_name.as_str())
    .bind(enum_text(&input.role))
    .bind(input.unit)
    .bind(i64::from(input.active))
    .bind(language)
    .bind(NO_PASSWORD)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::Error::from_write)?;
    let user = fetch(conn, id).await?;
    let fields = serde_json::to_value(&user).unwrap_or_default();
    let changes = liaison_core::audit::changes(None, Some(&fields));
    audit::record(conn, actor, "create", "user", Some(id), &changes).await?;
    Ok(true)
}

/// Every account as an export carries it, oldest first, its unit named by key.
pub(crate) async fn exported_accounts(conn: &mut AnyConnection) -> Result<Vec<ExchangeAccount>> {
    let rows = sqlx::query(
        "SELECT s.username, s.display_name, s.role, s.active, s.language, u.id AS unit_id, \
         u.key AS unit_key FROM users s LEFT JOIN units u ON u.id = s.unit_id ORDER BY s.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let unit = match row.opt_int("unit_id")? {
                Some(id) => Some(liaison_core::export_key(
                    liaison_core::UNIT,
                    id,
                    &row.opt_text("unit_key")?,
                )),
                None => None,
            };
            Ok(ExchangeAccount {
                username: row.text("username")?,
                display_name: row.text("display_name")?,
                role: row.enumerated("role")?,
                unit,
                active: row.int("active")? != 0,
                language: row.opt_text("language")?,
            })
        })
        .collect()
}

/// Failed sign-ins counted against a username or an address before further tries are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_username: i64,
    pub from_address: i64,
}

impl Store {
    /// How many accounts there are; none means the first admin has yet to be made.
    pub async fn count_users(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }

    /// Creates an account with an already hashed password.
    pub async fn create_user(
        &self,
        actor: &Actor,
        input: UserInput,
        password_hash: &str,
    ) -> Result<User> {
        authorize(actor, Action::Create, USER, None)?;
        let input = input.validated()?;
        let mut tx = self.begin_write().await?;
        unit_exists(&mut tx, input.unit).await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(input.username.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(DomainError::invalid(
                "username",
                "taken",
                format!("the username '{}' is taken", input.username),
            )
            .into());
        }
        let now = sql::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (created_at, updated_at, username, display_name, role, unit_id, \
             active, password_hash) VALUES ($1, $1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(now.as_str())
        .bind(input.username.as_str())
        .bind(input.display_name.as_str())
        .bind(enum_text(&input.role))
        .bind(input.unit)
        .bind(i64::from(input.active))
        .bind(password_hash)
        .fetch_one(&mut *tx)
        .await
        .map_err(crate::Error::from_write)?;
        let user = fetch(&mut tx, id).await?;
        let fields = serde_json::to_value(&user).unwrap_or_default();
        let changes = liaison_core::audit::changes(None, Some(&fields));
        audit::record(&mut tx, actor, "create", "user", Some(id), &changes).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes an account's name, role, unit or whether it may sign in.
    pub async fn update_user(&self, actor: &Actor, id: i64, input: UserInput) -> Result<User> {
        authorize(actor, Action::Change, USER, None)?;
        let input = input.validated()?;
        let version = records::required_version(input.version)?;
        let mut tx = self.begin_write().await?;
        unit_exists(&mut tx, input.unit).await?;
        let before = fetch(&mut tx, id).await?;
        let done = sqlx::query(
            "UPDATE users SET version = version + 1, updated_at = $3, display_name = $4, \
             role = $5, unit_id = $6, active = $7 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(sql::now())
        .bind(input.display_name.as_str())
        .bind(enum_text(&input.role))
        .bind(input.unit)
        .bind(i64::from(input.active))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(DomainError::Conflict {
                message: format!(
                    "this user was changed by someone else: you edited version {version}, it is now at version {}. Nothing was saved.",
                    before.version
                ),
                current: serde_json::to_value(&before).ok(),
            }
            .into());
        }
        if !input.active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let after = fetch(&mut tx, id).await?;
        audit::updated(&mut tx, actor, USER, id, &before, &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn list_users(&self, actor: &Actor, page: &PageRequest) -> Result<Page<User>> {
        authorize(actor, Action::Read, USER, None)?;
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total: Total::Counted {
                from: "users s",
                count: "COUNT(*)",
            },
            filter: Default::default(),
            order: &["s.username", "s.id"],
        };
        self.list_page(list, page, from_row).await
    }

    pub async fn get_user(&self, id: i64) -> Result<User> {
        let mut conn = self.read.acquire().await?;
        fetch(&mut conn, id).await
    }

    /// An active account and its password hash, for signing in.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {columns}, s.password_hash FROM {FROM} WHERE s.username = $1 AND s.active = 1",
            columns = columns().sql()
        ))
        .bind(username.trim().to_lowercase())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((from_row(&r)?, r.text("password_hash")?)))
            .transpose()
    }

    /// Sets a new password hash and signs the account out everywhere.
    pub async fn set_password(&self, actor: &Actor, username: &str, hash: &str) -> Result<User> {
        authorize_role(actor, Action::Change, USER)?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("user", username))?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .bind(sql::now())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let changes = serde_json::json!({"password": {"after": "(changed)"}});
        audit::record(&mut tx, actor, "update", "user", Some(id), &changes).await?;
        let user = fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Remembers the interface language a user chose.
    pub async fn set_user_language(&self, user_id: i64, language: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(user_id)
            .bind(language)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a session for a user who has just signed in, and audits the sign-in.
    pub async fn create_session(
        &self,
        actor: &Actor,
        token_hash: &str,
        csrf_token: &str,
    ) -> Result<()> {
        let user_id = actor
            .user_id
            .ok_or_else(|| DomainError::not_found("user", ""))?;
        let now = sql::now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now.as_str())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "login",
            "session",
            Some(user_id),
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user and CSRF token of a session still in use; a session idle for longer than
    /// `idle` is ended. The last-seen time is written at most once a minute.
    pub async fn session(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<(User, String)>> {
        let writes = self.kept.writes.count();
        if let Some((user, csrf, last_seen)) = self.kept.sessions.get(token_hash, &self.kept.writes)
            && Utc::now() - last_seen <= idle
        {
            return Ok(Some((user, csrf)));
        }
        let row = sqlx::query(&format!(
            "SELECT {columns}, x.csrf_token, x.last_seen_at FROM sessions x \
             JOIN users s ON s.id = x.user_id LEFT JOIN units u ON u.id = s.unit_id \
             WHERE x.token_hash = $1 AND s.active = 1",
            columns = columns().sql()
        ))
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen = row.timestamp("last_seen_at")?;
        let now = Utc::now();
        if now - last_seen > idle {
            self.end_session(token_hash).await?;
            return Ok(None);
        }
        if now - last_seen > Duration::minutes(1) {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(sql::now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        let (user, csrf) = (from_row(&row)?, row.text("csrf_token")?);
        self.kept.sessions.put(
            token_hash.to_owned(),
            (user.clone(), csrf.clone(), last_seen),
            writes,
        );
        Ok(Some((user, csrf)))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a sign-in attempt as failed until [`Store::mark_login_succeeded`] says otherwise,
    /// so that attempts sent all at once are counted before any of them is checked; returns its
    /// number.
    pub async fn begin_login_attempt(&self, username: &str, address: &str) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_attempts (at, username, address, succeeded) \
             VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(sql::now())
        .bind(username.trim().to_lowercase())
        .bind(address)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes a failed sign-in to the audit log.
    pub async fn login_failed(&self, username: &str, address: &str) -> Result<()> {
        let actor = Actor {
            user_id: None,
            username: username.trim().to_lowercase(),
            role: liaison_core::UserRole::Viewer,
            unit_id: None,
            address: Some(address.to_owned()),
        };
        let mut tx = self.begin_write().await?;
        audit::record(
            &mut tx,
            &actor,
            "login_failed",
            "session",
            None,
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a sign-in attempt as the success it turned out to be.
    pub async fn mark_login_succeeded(&self, attempt: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
            .bind(attempt)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a session on the user's request, and audits it.
    pub async fn sign_out(&self, actor: &Actor, token_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "logout",
            "session",
            actor.user_id,
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Failed sign-ins since `since`, for a username and from an address.
    pub async fn recent_login_failures(
        &self,
        username: &str,
        address: &str,
        since: chrono::DateTime<Utc>,
    ) -> Result<RecentFailures> {
        let since = since.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        let count = |column: &'static str, value: String| {
            let since = since.clone();
            async move {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM login_attempts \
                     WHERE {column} = $1 AND at >= $2 AND succeeded = 0"
                ))
                .bind(value)
                .bind(since)
                .fetch_one(&self.read)
                .await?;
                Ok::<_, crate::Error>(n)
            }
        };
        Ok(RecentFailures {
            for_username: count("username", username.trim().to_lowercase()).await?,
            from_address: count("address", address.to_owned()).await?,
        })
    }

    /// Stores a new API token (its hash) for a user.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        token_hash: &str,
    ) -> Result<i64> {
        authorize(actor, Action::Change, USER, None)?;
        let mut tx = self.begin_write().await?;
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.trim().to_lowercase())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("user", username))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(name)
        .bind(sql::now())
        .fetch_one(&mut *tx)
        .await?;
        let changes = serde_json::json!({"api_token": {"after": name}});
        audit::record(&mut tx, actor, "create", "api_token", Some(id), &changes).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The active user an unrevoked API token belongs to.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let writes = self.kept.writes.count();
        if let Some(user) = self.kept.tokens.get(token_hash, &self.kept.writes) {
            return Ok(Some(user));
        }
        let row = sqlx::query(&format!(
            "SELECT {columns} FROM api_tokens t JOIN users s ON s.id = t.user_id \
             LEFT JOIN units u ON u.id = s.unit_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.active = 1",
            columns = columns().sql()
        ))
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = from_row(&row)?;
        self.kept
            .tokens
            .put(token_hash.to_owned(), user.clone(), writes);
        Ok(Some(user))
    }
}
