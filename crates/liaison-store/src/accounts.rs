//! Users, sessions, API tokens and login attempts.

use chrono::{DateTime, Duration, Utc};
use liaison_core::accounts::{ApiToken, authorize, authorize_role, token_days};
use liaison_core::secrets::NO_PASSWORD;
use liaison_core::{
    Action, Actor, Error as DomainError, ExchangeAccount, Page, PageRequest, USER, User, UserInput,
    UserRole, Validate,
};
use sqlx::AnyConnection;

use crate::locks::{self, Lock};
use crate::sql::{self, ListQuery, RowExt, Selection, Total, enum_text};
use crate::{Result, Store, audit, records};

/// How far the stored last use of a session may lag behind its real last use: it is written
/// again only once it has fallen this far behind, so a session in steady use writes at most
/// twice a minute. Idleness is counted from the stored time plus this margin, so a session ends
/// between the idle limit and the idle limit plus this margin after its last use, never before.
pub const SESSION_LAST_USE_MARGIN: Duration = Duration::seconds(30);

/// How often an API token's last use is written: a token a script uses every second writes it
/// once a minute.
const TOKEN_LAST_USE_STEP: Duration = Duration::minutes(1);

/// What a password hash is replaced with once a one-time password has opened its session: no
/// password matches it.
const SPENT_PASSWORD: &str = "(a one-time password, used)";

/// A time as stored: RFC 3339 in UTC with microseconds, so that stored times sort as text.
fn time_text(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

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
            "must_change_password",
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
        must_change_password: row.int("must_change_password")? != 0,
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

/// Ends everything that lets an account in without its password: its sessions (all but
/// `keep`, the one making the change, if any), its API tokens and its calendar feeds.
async fn end_credentials(conn: &mut AnyConnection, user_id: i64, keep: Option<&str>) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *conn)
        .await?;
    let now = sql::now();
    for table in ["api_tokens", "calendar_feeds"] {
        sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"
        ))
        .bind(user_id)
        .bind(now.as_str())
        .execute(&mut *conn)
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

/// Whether a sign-in attempt may go on to the password check, with the failures that slow it
/// down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginAttempt {
    /// This address has failed for this account as many times as allowed within the window;
    /// nothing was recorded.
    Refused,
    /// The attempt was recorded, as failed until [`Store::mark_login_succeeded`] says otherwise.
    Admitted {
        id: i64,
        /// Failed (or still unchecked) attempts for the account within the window, from every
        /// address, this one excluded.
        for_account: i64,
        /// Failed attempts from the address within the window, for every account, this one
        /// excluded.
        from_address: i64,
    },
}

const API_TOKEN_COLUMNS: &str = "t.id, t.user_id, s.username, t.name, t.created_at, \
     t.expires_at, t.last_used_at, t.revoked_at";

fn api_token_from_row(row: &sqlx::any::AnyRow) -> Result<ApiToken> {
    let optional_time = |column: &str| -> Result<_> {
        match row.opt_text(column)? {
            Some(_) => Ok(Some(row.timestamp(column)?)),
            None => Ok(None),
        }
    };
    Ok(ApiToken {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        username: row.text("username")?,
        name: row.text("name")?,
        created_at: row.timestamp("created_at")?,
        expires_at: row.timestamp("expires_at")?,
        last_used_at: optional_time("last_used_at")?,
        revoked_at: optional_time("revoked_at")?,
    })
}

/// The longest name an API token may have.
const MAX_TOKEN_NAME_CHARS: usize = 100;

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
        self.insert_user(actor, input, password_hash, false).await
    }

    /// Creates an account whose password, printed on the command line, opens one session, in
    /// which a new password must be chosen.
    pub async fn create_user_with_one_time_password(
        &self,
        actor: &Actor,
        input: UserInput,
        password_hash: &str,
    ) -> Result<User> {
        self.insert_user(actor, input, password_hash, true).await
    }

    async fn insert_user(
        &self,
        actor: &Actor,
        input: UserInput,
        password_hash: &str,
        one_time: bool,
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
             active, password_hash, must_change_password) \
             VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(now.as_str())
        .bind(input.username.as_str())
        .bind(input.display_name.as_str())
        .bind(enum_text(&input.role))
        .bind(input.unit)
        .bind(i64::from(input.active))
        .bind(password_hash)
        .bind(i64::from(one_time))
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
            end_credentials(&mut tx, id, None).await?;
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

    /// Sets a new password hash, signs the account out everywhere and revokes its API tokens
    /// and calendar feeds.
    pub async fn set_password(&self, actor: &Actor, username: &str, hash: &str) -> Result<User> {
        self.reset_password(actor, username, hash, false).await
    }

    /// As [`Store::set_password`], with a password printed on the command line: it opens one
    /// session, in which a new password must be chosen.
    pub async fn set_one_time_password(
        &self,
        actor: &Actor,
        username: &str,
        hash: &str,
    ) -> Result<User> {
        self.reset_password(actor, username, hash, true).await
    }

    async fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        hash: &str,
        one_time: bool,
    ) -> Result<User> {
        authorize_role(actor, Action::Change, USER)?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("user", username))?;
        sqlx::query(
            "UPDATE users SET password_hash = $2, updated_at = $3, must_change_password = $4 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(hash)
        .bind(sql::now())
        .bind(i64::from(one_time))
        .execute(&mut *tx)
        .await?;
        end_credentials(&mut tx, id, None).await?;
        let changes = serde_json::json!({"password": {"after": "(changed)"}});
        audit::record(&mut tx, actor, "update", "user", Some(id), &changes).await?;
        let user = fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The signed-in user's own new password: their other sessions end, the one making the
    /// change (`session_hash`) stays, and a password that had to be changed no longer has to.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        session_hash: &str,
        hash: &str,
    ) -> Result<User> {
        let id = actor
            .user_id
            .ok_or_else(|| DomainError::Forbidden("only a user has a password".into()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $2, updated_at = $3, must_change_password = 0 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(hash)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(session_hash)
            .execute(&mut *tx)
            .await?;
        let changes = serde_json::json!({"password": {"after": "(changed)"}});
        audit::record(&mut tx, actor, "update", "user", Some(id), &changes).await?;
        let user = fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Uses up a one-time password that has just matched (`hash` is the hash it matched): true
    /// for the one sign-in that gets to use it, false for any other, even at the same moment.
    pub async fn spend_one_time_password(&self, user_id: i64, hash: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $3 \
             WHERE id = $1 AND password_hash = $2 AND must_change_password = 1",
        )
        .bind(user_id)
        .bind(hash)
        .bind(SPENT_PASSWORD)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
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
    /// `idle` is ended, within [`SESSION_LAST_USE_MARGIN`].
    pub async fn session(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<(User, String)>> {
        self.session_at(token_hash, idle, Utc::now()).await
    }

    /// [`Store::session`] as of `now`. The stored last use is never more than
    /// [`SESSION_LAST_USE_MARGIN`] behind the real one, so the session is ended only once
    /// `idle` and that margin have passed since the stored last use.
    pub async fn session_at(
        &self,
        token_hash: &str,
        idle: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, String)>> {
        let writes = self.kept.writes.count();
        // A kept answer is used only while the stored last use is recent enough not to need
        // writing again.
        if let Some((user, csrf, last_seen)) = self.kept.sessions.get(token_hash, &self.kept.writes)
            && now - last_seen <= SESSION_LAST_USE_MARGIN
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
        let mut last_seen = row.timestamp("last_seen_at")?;
        if now - last_seen > idle + SESSION_LAST_USE_MARGIN {
            self.end_session(token_hash).await?;
            return Ok(None);
        }
        if now - last_seen > SESSION_LAST_USE_MARGIN {
            let mut tx = self.begin_write().await?;
            // Another request may have written a later use meanwhile; it is kept.
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
            )
            .bind(token_hash)
            .bind(time_text(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            last_seen = now;
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

    /// Records a sign-in attempt, unless `address` has already failed `pair_limit` times for
    /// `username` since `since`. The count and the record are one step: on SQLite the write
    /// transaction holds the database, on PostgreSQL a lock on the username, so attempts sent
    /// all at once, by any number of processes, are counted one after the other and no more
    /// than the limit get through. The attempt counts as failed until
    /// [`Store::mark_login_succeeded`] says otherwise.
    pub async fn begin_login_attempt(
        &self,
        username: &str,
        address: &str,
        since: DateTime<Utc>,
        pair_limit: i64,
    ) -> Result<LoginAttempt> {
        let username = username.trim().to_lowercase();
        let since = time_text(since);
        let mut tx = self.begin_write().await?;
        locks::hold(&mut tx, Lock::SignIn, vec![locks::key(&username)]).await?;
        let for_pair: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts \
             WHERE username = $1 AND address = $2 AND at >= $3 AND succeeded = 0",
        )
        .bind(username.as_str())
        .bind(address)
        .bind(since.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if for_pair >= pair_limit {
            return Ok(LoginAttempt::Refused);
        }
        let for_account: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts \
             WHERE username = $1 AND at >= $2 AND succeeded = 0",
        )
        .bind(username.as_str())
        .bind(since.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let from_address: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts \
             WHERE address = $1 AND at >= $2 AND succeeded = 0",
        )
        .bind(address)
        .bind(since.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_attempts (at, username, address, succeeded) \
             VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(sql::now())
        .bind(username.as_str())
        .bind(address)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(LoginAttempt::Admitted {
            id,
            for_account,
            from_address,
        })
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

    /// Stores a new API token (its hash) for a user, lasting the default number of days.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken> {
        self.create_api_token_lasting(actor, username, name, token_hash, None)
            .await
    }

    /// Stores a new API token (its hash) for a user, lasting `days` (the default when absent).
    /// Users make their own tokens, which act with their own permissions; only an admin makes
    /// one for someone else.
    pub async fn create_api_token_lasting(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        token_hash: &str,
        days: Option<i64>,
    ) -> Result<ApiToken> {
        let username = username.trim().to_lowercase();
        if actor.username != username || actor.user_id.is_none() {
            authorize(actor, Action::Change, USER, None)?;
        }
        let days = token_days(days)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME_CHARS {
            return Err(DomainError::invalid(
                "name",
                "required",
                format!("give the token a name of at most {MAX_TOKEN_NAME_CHARS} characters"),
            )
            .into());
        }
        let mut tx = self.begin_write().await?;
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("user", username.as_str()))?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(name)
        .bind(time_text(now))
        .bind(time_text(now + Duration::days(days)))
        .fetch_one(&mut *tx)
        .await?;
        let changes = serde_json::json!({"api_token": {"after": name}, "days": {"after": days}});
        audit::record(&mut tx, actor, "create", "api_token", Some(id), &changes).await?;
        let row = sqlx::query(&format!(
            "SELECT {API_TOKEN_COLUMNS} FROM api_tokens t JOIN users s ON s.id = t.user_id \
             WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let token = api_token_from_row(&row)?;
        tx.commit().await?;
        Ok(token)
    }

    /// API tokens, newest first, revoked and expired ones included: a user's own, or, for an
    /// admin, anyone's (everyone's when `username` is absent).
    pub async fn api_tokens(&self, actor: &Actor, username: Option<&str>) -> Result<Vec<ApiToken>> {
        let username = username.map(|u| u.trim().to_lowercase());
        if username.as_deref() != Some(actor.username.as_str()) || actor.user_id.is_none() {
            authorize(actor, Action::Read, USER, None)?;
        }
        let rows = sqlx::query(&format!(
            "SELECT {API_TOKEN_COLUMNS} FROM api_tokens t JOIN users s ON s.id = t.user_id \
             WHERE $1 IS NULL OR s.username = $1 ORDER BY t.id DESC"
        ))
        .bind(username)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(api_token_from_row).collect()
    }

    /// Writes an API token's last use in the background, so that the request the token came
    /// with never waits for another writer (a long import, another process) for the sake of a
    /// date shown to its owner; a use that cannot be written then is written at a later one.
    /// One statement outside a transaction, like a calendar feed's last use: it touches nothing
    /// kept in memory.
    fn note_token_use(&self, token_id: i64, now: DateTime<Utc>) {
        let write = self.write.clone();
        tokio::spawn(async move {
            let written = sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(token_id)
                .bind(time_text(now))
                .execute(&write)
                .await;
            if let Err(err) = written {
                tracing::debug!(error = %err, "an API token's last use was not written");
            }
        });
    }

    /// Revokes an API token: it opens nothing from now on. Only its owner, or an admin, may.
    pub async fn revoke_api_token(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let owner: i64 = sqlx::query_scalar("SELECT user_id FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("API token", id))?;
        if Some(owner) != actor.user_id && actor.role != UserRole::Admin {
            return Err(DomainError::Forbidden(
                "an API token is revoked by its owner or an admin".into(),
            )
            .into());
        }
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(sql::now())
            .execute(&mut *tx)
            .await?;
        let changes = serde_json::json!({"revoked": {"after": true}});
        audit::record(&mut tx, actor, "revoke", "api_token", Some(id), &changes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active user an unrevoked, unexpired API token belongs to. The token's last use is
    /// written when it has moved on by a minute or more.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        self.api_token_user_at(token_hash, Utc::now()).await
    }

    /// [`Store::api_token_user`] as of `now`.
    pub async fn api_token_user_at(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        let writes = self.kept.writes.count();
        if let Some((user, expires_at)) = self.kept.tokens.get(token_hash, &self.kept.writes)
            && expires_at > now
        {
            return Ok(Some(user));
        }
        let row = sqlx::query(&format!(
            "SELECT {columns}, t.id AS token_id, t.last_used_at, t.expires_at FROM api_tokens t \
             JOIN users s ON s.id = t.user_id LEFT JOIN units u ON u.id = s.unit_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 \
             AND s.active = 1",
            columns = columns().sql()
        ))
        .bind(token_hash)
        .bind(time_text(now))
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = from_row(&row)?;
        let last_used = match row.opt_text("last_used_at")? {
            Some(_) => Some(row.timestamp("last_used_at")?),
            None => None,
        };
        if last_used.is_none_or(|at| now - at >= TOKEN_LAST_USE_STEP) {
            self.note_token_use(row.int("token_id")?, now);
        }
        self.kept.tokens.put(
            token_hash.to_owned(),
            (user.clone(), row.timestamp("expires_at")?),
            writes,
        );
        Ok(Some(user))
    }
}
