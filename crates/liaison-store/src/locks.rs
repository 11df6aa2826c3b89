//! The one order in which a write transaction takes its locks on PostgreSQL, so that concurrent
//! writers wait for each other only where they touch the same rows, and never in a circle.
//!
//! Every write transaction takes what it needs in this order, and each kind in order of key:
//!
//! A sign-in attempt takes [`Lock::SignIn`] on its username alone, in a transaction that writes
//! nothing else, so it is outside this order.
//!
//! 0. [`Lock::Import`], if it writes many records at once (an import): two such transactions
//!    would otherwise each hold rows the other waits for, such as keys both insert; or
//!    [`Lock::Queue`], if it indexes queued search documents (`search::index_some_queued`), so
//!    that one process indexes the queue at a time. A transaction takes one of the two, never
//!    both, so indexing goes on while an import is written;
//! 1. the rows of the records it writes (its own `INSERT`, `UPDATE` and `DELETE`; a record whose
//!    files it changes, or which it deletes, is held first, `files::hold_record`), and an
//!    application's rows of `trip_waiting` and `trip_destinations` after the application's own
//!    (triggers copy its sort keys and its destinations into them);
//! 2. [`Lock::Rebuild`], shared: rebuilding the derived data (`liaison reindex`) takes it
//!    exclusively, and so waits for the writers under way and holds back the next ones;
//! 3. [`Lock::Document`] of each record whose search document it rewrites;
//! 4. [`Lock::Timeline`] of each record whose rows of `organization_timeline` it rewrites;
//! 5. [`Lock::Block`] of each (word or filter, block) of `search_blocks` it rewrites;
//! 6. the rows of `search_terms` whose counts it changes, by (term, kind of record), through one
//!    sorted `INSERT … ON CONFLICT` (see `search.rs`);
//! 7. at the commit, the slots of `activity_counts` by (kind, slot), then the rows of
//!    `activity_filter_counts` and of `activity_filter_bits` its activities' filters change, in
//!    order of (filter, word), then the rows of `people_category_counts` of the categories
//!    whose people it adds or removes, in order of category, by the deferred triggers of one
//!    mark, which PostgreSQL fires in the order of their names (migrations
//!    `activity_filter_changes` and `people_category_counts`).
//!
//! Steps 2 to 6 are taken together at the end of the transaction, after every record is written
//! (`records::refresh_since`), and the rows many writers share (the newest block of a common word
//! or filter, a common word's count) last of all, so they are held only from there to the commit. There is no lock that every writer
//! takes exclusively. SQLite has a single writer at a time and takes none of these.

use sqlx::AnyConnection;

use crate::{Backend, Result};

/// Advisory locks are two numbers: the kind of lock, and a key within it. The kinds are numbered
/// from Liaison's own prefix so that they are not mistaken for another program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    Rebuild = 0x4c69_6101,
    Document = 0x4c69_6102,
    Block = 0x4c69_6103,
    Timeline = 0x4c69_6104,
    Import = 0x4c69_6105,
    SignIn = 0x4c69_6106,
    Queue = 0x4c69_6107,
}

/// Keys taken to one statement.
const KEYS_PER_STATEMENT: usize = 500;

/// The key of a lock on `name`: 32 bits of FNV-1a. Two names sharing a key only make their
/// writers wait for each other; the order stays the same for all.
pub(crate) fn key(name: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as i32
}

/// Holds the locks of `lock` on `keys` until the transaction ends, taken in order of key.
pub(crate) async fn hold(conn: &mut AnyConnection, lock: Lock, mut keys: Vec<i32>) -> Result<()> {
    if Backend::of(conn) != Backend::Postgres {
        return Ok(());
    }
    keys.sort_unstable();
    keys.dedup();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        // A scan of VALUES yields its rows in the order written, so the locks are taken in it.
        let rows = (0..chunk.len())
            .map(|i| format!("(${})", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT pg_advisory_xact_lock($1, k) FROM (VALUES {rows}) AS keys (k)");
        let mut query = sqlx::query(&sql).bind(lock as i32);
        for key in chunk {
            query = query.bind(*key);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Holds [`Lock::Rebuild`] until the transaction ends: shared by writers, or `exclusive` for a
/// rebuild of all that is derived.
pub(crate) async fn rebuild(conn: &mut AnyConnection, exclusive: bool) -> Result<()> {
    if Backend::of(conn) != Backend::Postgres {
        return Ok(());
    }
    let function = if exclusive {
        "pg_advisory_xact_lock"
    } else {
        "pg_advisory_xact_lock_shared"
    };
    sqlx::query(&format!("SELECT {function}($1, 0)"))
        .bind(Lock::Rebuild as i32)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_always_has_the_same_key_and_others_mostly_differ() {
        assert_eq!(key("activity:12"), key("activity:12"));
        let keys: std::collections::HashSet<i32> = (0..10_000)
            .map(|i| key(&format!("union\u{1f}{i}")))
            .collect();
        assert!(keys.len() > 9_990, "{} distinct keys", keys.len());
    }
}
