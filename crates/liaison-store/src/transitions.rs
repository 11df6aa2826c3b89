//! Changes of state: the one `transition` operation of every kind of record with a lifecycle,
//! and the append-only history of states it writes.

use liaison_core::lifecycle::CREATED;
use liaison_core::{
    Actor, Error as DomainError, RecordEvent, RecordKind, Stateful, TransitionRequest,
};
use sqlx::AnyConnection;

use crate::records::{self, audit_mark};
use crate::resolve::{self, StoredRecord};
use crate::sql::{self, RowExt};
use crate::{Result, Store, audit};

/// A kind of record the store keeps whose state follows a lifecycle.
pub(crate) trait StatefulRecord: StoredRecord + Stateful {
    /// The column of its table that holds the state.
    const STATE_COLUMN: &'static str = "status";

    /// The version the record is at.
    fn version(&self) -> i64;
}

/// One event to append to the history.
pub(crate) struct NewEvent<'a> {
    pub kind: RecordKind,
    pub record_id: i64,
    /// When it happened, as stored; now, unless an import carries the original time.
    pub at: String,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub transition: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: Option<&'a str>,
}

impl<'a> NewEvent<'a> {
    /// The event of `actor` making `transition` now.
    pub(crate) fn now(
        actor: &'a Actor,
        kind: RecordKind,
        record_id: i64,
        transition: &'a str,
        from: Option<&'a str>,
        to: &'a str,
        note: Option<&'a str>,
    ) -> NewEvent<'a> {
        NewEvent {
            kind,
            record_id,
            at: sql::now(),
            user_id: actor.user_id,
            username: &actor.username,
            transition,
            from,
            to,
            note,
        }
    }

    /// Appends the event to the history.
    pub(crate) async fn append(self, conn: &mut AnyConnection) -> Result<()> {
        sqlx::query(
            "INSERT INTO record_events (entity, record_id, at, user_id, username, transition, \
             from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(self.kind.as_str())
        .bind(self.record_id)
        .bind(self.at)
        .bind(self.user_id)
        .bind(self.username)
        .bind(self.transition)
        .bind(self.from)
        .bind(self.to)
        .bind(self.note)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Appends the first event of a new record: the state it was recorded in.
pub(crate) async fn record_created(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: i64,
    state: &str,
) -> Result<()> {
    NewEvent::now(actor, kind, id, CREATED, None, state, None)
        .append(conn)
        .await
}

fn event_from_row(row: &impl RowExt) -> Result<RecordEvent> {
    Ok(RecordEvent {
        id: row.int("id")?,
        at: row.timestamp("at")?,
        user_id: row.opt_int("user_id")?,
        username: row.text("username")?,
        transition: row.text("transition")?,
        from: row.opt_text("from_state")?,
        to: row.text("to_state")?,
        note: row.opt_text("note")?,
    })
}

const EVENT_COLUMNS: &str =
    "id, record_id, at, user_id, username, transition, from_state, to_state, note";

/// The history of every record of `kind`, oldest first, with the number of the record of each.
pub(crate) async fn all_events(
    conn: &mut AnyConnection,
    kind: RecordKind,
) -> Result<Vec<(i64, RecordEvent)>> {
    sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM record_events e WHERE entity = $1 AND transition <> $2 \
         AND NOT EXISTS (SELECT 1 FROM record_events d WHERE d.entity = e.entity \
                         AND d.record_id = e.record_id AND d.transition = $2 AND d.id > e.id) \
         ORDER BY id"
    ))
    .bind(kind.as_str())
    .bind(records::DELETED)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| Ok((row.int("record_id")?, event_from_row(row)?)))
    .collect()
}

/// The longest note kept with a change of state.
const NOTE_CHARS: usize = 2000;

impl Store {
    /// Makes a transition of the lifecycle of `T` on record `id`, in one transaction: checks
    /// that the actor may make it and that the record is in a state it may be made from, sets
    /// the new state if the record is still at the version the actor saw, appends the event to
    /// the history and writes the audit entry. A stale version is a conflict that carries the
    /// current record.
    pub(crate) async fn transition<T: StatefulRecord>(
        &self,
        actor: &Actor,
        id: i64,
        request: &TransitionRequest,
    ) -> Result<T> {
        // Who may make a transition is the transition's own rule, not the permission to edit:
        // an approval may be given by someone who may not change the record.
        let kind = T::KIND;
        let note = request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > NOTE_CHARS) {
            return Err(DomainError::invalid(
                "note",
                "too_long",
                format!("use at most {NOTE_CHARS} characters"),
            )
            .into());
        }
        let result = async {
            let mut tx = self.begin_write().await?;
            let mark = audit_mark(&mut tx).await?;
            let before = T::fetch(&mut tx, &self.policy, id).await?;
            if before.version() != request.version {
                return Err(records::refuse_stale(&mut tx, T::KIND, id, request.version).await);
            }
            let from = before.state();
            let transition =
                T::lifecycle().check(actor, kind, before.unit(), from, &request.transition)?;
            before.ready_for(transition)?;
            let done = sqlx::query(&format!(
                "UPDATE {} SET {} = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND version = $4",
                T::KIND.table,
                T::STATE_COLUMN
            ))
            .bind(transition.to)
            .bind(sql::now())
            .bind(id)
            .bind(request.version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(records::refuse_stale(&mut tx, T::KIND, id, request.version).await);
            }
            NewEvent::now(
                actor,
                kind,
                id,
                transition.name,
                Some(from),
                transition.to,
                note,
            )
            .append(&mut tx)
            .await?;
            let after = T::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, kind, id, &before, &after).await?;
            self.refresh_and_commit(tx, mark).await?;
            Ok(after)
        }
        .await;
        records::with_current(result, self.get::<T>(id)).await
    }

    /// The history of record `id` of `T`, oldest first; not found when the record is not.
    pub(crate) async fn history<T: StatefulRecord>(&self, id: i64) -> Result<Vec<RecordEvent>> {
        let mut conn = self.read.acquire().await?;
        // Not read whole: its page has just read it.
        resolve::on_record(&mut conn, T::KIND, id).await?;
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM record_events WHERE entity = $1 AND record_id = $2 \
             AND id > COALESCE((SELECT MAX(d.id) FROM record_events d WHERE d.entity = $1 \
                                AND d.record_id = $2 AND d.transition = $3), 0) \
             ORDER BY id"
        ))
        .bind(T::KIND.as_str())
        .bind(id)
        .bind(records::DELETED)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }
}
