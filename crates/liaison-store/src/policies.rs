//! The policies admins save in the browser as versions (the trip policy, the passport policy,
//! the reminders' timing): each save a row of `policy_versions` under the policy's name, the
//! newest in force, the settings file's values before the first.

use liaison_core::Actor;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::AnyConnection;

use crate::sql::{self, RowExt, json_text};
use crate::{Result, audit};

/// The newest saved version of the policy `name` and its number, or `default` as version 0
/// while none is saved.
pub(crate) async fn in_force<P: DeserializeOwned + Clone>(
    conn: &mut AnyConnection,
    name: &str,
    default: &P,
) -> Result<(i64, P)> {
    let row = sqlx::query(
        "SELECT version, settings FROM policy_versions WHERE name = $1 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok((0, default.clone())),
        Some(row) => Ok((row.int("version")?, row.json("settings")?)),
    }
}

/// Saves `policy` as the next version of the policy `name`, in the transaction `tx`, and audits
/// it as an update of `entity` with its values. The caller has checked the actor and the values.
pub(crate) async fn save<P: Serialize>(
    tx: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    entity: &str,
    policy: &P,
) -> Result<i64> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM policy_versions WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    let version = last.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO policy_versions (name, version, settings, saved_at, saved_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(name)
    .bind(version)
    .bind(json_text(policy))
    .bind(sql::now())
    .bind(&actor.username)
    .execute(&mut *tx)
    .await?;
    audit::record(
        tx,
        actor,
        "update",
        entity,
        Some(version),
        &serde_json::to_value(policy).unwrap_or_default(),
    )
    .await?;
    Ok(version)
}
