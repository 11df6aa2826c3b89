//! Calendar feeds: made and revoked by their owner, found by the hash of their secret, and the
//! activities they carry.

use chrono::NaiveDate;
use liaison_core::{
    Activity, Actor, CalendarFeed, Error as DomainError, ExchangeCalendarFeed, UNIT, User,
    UserRole, export_key,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::sql::{self, RowExt};
use crate::{Result, Store, audit};

const COLUMNS: &str = "f.id, f.user_id, f.name, f.created_at, f.last_used_at, f.revoked_at, \
     u.id AS unit_id, u.key AS unit_key, u.name_zh AS unit_name_zh, u.name_en AS unit_name_en";
const FROM: &str = "calendar_feeds f LEFT JOIN units u ON u.id = f.unit_id";

fn from_row(row: &AnyRow) -> Result<CalendarFeed> {
    let optional_time = |column: &str| -> Result<_> {
        match row.opt_text(column)? {
            Some(_) => Ok(Some(row.timestamp(column)?)),
            None => Ok(None),
        }
    };
    Ok(CalendarFeed {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        name: row.text("name")?,
        unit: row.named("unit")?,
        created_at: row.timestamp("created_at")?,
        last_used_at: optional_time("last_used_at")?,
        revoked_at: optional_time("revoked_at")?,
    })
}

/// The longest name a feed may have.
const MAX_NAME_CHARS: usize = 100;

/// Adds a feed an exchange document brings, for the user `user_id` and the unit `unit_id`, in
/// the import's transaction; `false` when a feed with its secret is there already, which is
/// left as it is.
pub(crate) async fn import_feed(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    unit_id: Option<i64>,
    feed: &ExchangeCalendarFeed,
) -> Result<bool> {
    let name = feed.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            "name",
            "required",
            format!("give the feed a name of at most {MAX_NAME_CHARS} characters"),
        )
        .into());
    }
    // The secret's hash as every feed keeps it: 64 hexadecimal digits.
    if feed.token_hash.len() != 64 || !feed.token_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            DomainError::invalid("token_hash", "invalid", "not the SHA-256 of a secret").into(),
        );
    }
    let found = sqlx::query("SELECT id FROM calendar_feeds WHERE token_hash = $1")
        .bind(feed.token_hash.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if found.is_some() {
        return Ok(false);
    }
    let time = |at: &chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let row = sqlx::query(
        "INSERT INTO calendar_feeds (token_hash, user_id, unit_id, name, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(feed.token_hash.as_str())
    .bind(user_id)
    .bind(unit_id)
    .bind(name)
    .bind(time(&feed.created_at))
    .bind(feed.revoked_at.as_ref().map(time))
    .fetch_one(&mut *conn)
    .await?;
    let id = row.int("id")?;
    let changes = serde_json::json!({
        "name": {"after": name},
        "unit_id": {"after": unit_id},
        "user_id": {"after": user_id},
    });
    audit::record(conn, actor, "create", "calendar_feed", Some(id), &changes).await?;
    Ok(true)
}

/// Every feed as an export carries it, oldest first, its owner named by username and its unit
/// by key.
pub(crate) async fn exported_feeds(conn: &mut AnyConnection) -> Result<Vec<ExchangeCalendarFeed>> {
    let rows = sqlx::query(
        "SELECT f.token_hash, f.name, f.created_at, f.revoked_at, s.username, u.id AS unit_id, \
         u.key AS unit_key FROM calendar_feeds f JOIN users s ON s.id = f.user_id \
         LEFT JOIN units u ON u.id = f.unit_id ORDER BY f.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ExchangeCalendarFeed {
                user: row.text("username")?,
                name: row.text("name")?,
                unit: match row.opt_int("unit_id")? {
                    Some(id) => Some(export_key(UNIT, id, &row.opt_text("unit_key")?)),
                    None => None,
                },
                token_hash: row.text("token_hash")?,
                created_at: row.timestamp("created_at")?,
                revoked_at: match row.opt_text("revoked_at")? {
                    Some(_) => Some(row.timestamp("revoked_at")?),
                    None => None,
                },
            })
        })
        .collect()
}

impl Store {
    /// Makes a feed for the acting user; only the hash of its secret is kept.
    pub async fn create_calendar_feed(
        &self,
        actor: &Actor,
        name: &str,
        unit: Option<i64>,
        token_hash: &str,
    ) -> Result<CalendarFeed> {
        let user_id = actor
            .user_id
            .ok_or_else(|| DomainError::Forbidden("a calendar feed belongs to a user".into()))?;
        let name = name.trim();
        if liaison_core::limits::has_nul(name) {
            return Err(DomainError::invalid(
                "name",
                "nul_character",
                "must not contain the character U+0000",
            )
            .into());
        }
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::invalid(
                "name",
                "required",
                format!("give the feed a name of at most {MAX_NAME_CHARS} characters"),
            )
            .into());
        }
        let mut tx = self.begin_write().await?;
        if let Some(unit) = unit {
            let found = sqlx::query("SELECT id FROM units WHERE id = $1")
                .bind(unit)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(DomainError::invalid("unit", "not_found", "no such unit").into());
            }
        }
        let row = sqlx::query(
            "INSERT INTO calendar_feeds (token_hash, user_id, unit_id, name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(unit)
        .bind(name)
        .bind(sql::now())
        .fetch_one(&mut *tx)
        .await?;
        let id = row.int("id")?;
        let changes = serde_json::json!({"name": {"after": name}, "unit_id": {"after": unit}});
        audit::record(
            &mut tx,
            actor,
            "create",
            "calendar_feed",
            Some(id),
            &changes,
        )
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE f.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let feed = from_row(&row)?;
        tx.commit().await?;
        Ok(feed)
    }

    /// The acting user's feeds, newest first, revoked ones included.
    pub async fn calendar_feeds(&self, actor: &Actor) -> Result<Vec<CalendarFeed>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE f.user_id = $1 ORDER BY f.id DESC"
        ))
        .bind(actor.user_id.unwrap_or(-1))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes a feed: its address answers nothing from now on. Only its owner, or an admin,
    /// may revoke it.
    pub async fn revoke_calendar_feed(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let owner = sqlx::query("SELECT user_id FROM calendar_feeds WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| DomainError::not_found("calendar feed", id))?
            .int("user_id")?;
        if Some(owner) != actor.user_id && actor.role != UserRole::Admin {
            return Err(DomainError::Forbidden(
                "a calendar feed is revoked by its owner or an admin".into(),
            )
            .into());
        }
        sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        let changes = serde_json::json!({"revoked": {"after": true}});
        audit::record(
            &mut tx,
            actor,
            "revoke",
            "calendar_feed",
            Some(id),
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The feed a secret opens and its owner: none for a revoked feed or an inactive owner.
    pub async fn calendar_feed_for(
        &self,
        token_hash: &str,
    ) -> Result<Option<(CalendarFeed, User)>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {FROM} JOIN users s ON s.id = f.user_id \
             WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND s.active = 1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let feed = from_row(&row)?;
        let user = self.get_user(feed.user_id).await?;
        sqlx::query("UPDATE calendar_feeds SET last_used_at = $2 WHERE id = $1")
            .bind(feed.id)
            .bind(sql::now())
            .execute(&self.write)
            .await?;
        Ok(Some((feed, user)))
    }

    /// The activities a feed carries: those still running on or after `from`, of one unit or
    /// all, soonest first, at most `limit`.
    pub async fn calendar_activities(
        &self,
        unit: Option<i64>,
        from: NaiveDate,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let rows = sqlx::query(
            "SELECT id FROM activities WHERE end_date >= $1 \
             AND ($2 IS NULL OR host_unit_id = $2) ORDER BY start_date, id LIMIT $3",
        )
        .bind(sql::date_text(from))
        .bind(unit)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut activities = Vec::with_capacity(rows.len());
        for row in rows {
            activities.push(self.get::<Activity>(row.int("id")?).await?);
        }
        Ok(activities)
    }
}
