//! Answers kept for a moment: who a session or token belongs to, the units, the roles, the
//! size of the search index.
//!
//! Nearly every page asks these questions and their answers rarely change, so a process keeps
//! each answer for [`KEPT_FOR`]. Every write transaction of the process moves [`Writes`] on,
//! which discards everything kept: a change made here (a sign-out, a new unit) is seen by the
//! next request. A change made by another process sharing the database is seen within
//! [`KEPT_FOR`]. Records themselves and search results are never kept.
//!
//! Answers that the database numbers as they change ([`ByVersion`]: the bits of the activity
//! list's kept filters) are kept instead for as long as their number stays the same, which every
//! request asks the database: a change made by any process is seen at once.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Transaction};

use crate::Result;

/// How long an answer is kept.
pub(crate) const KEPT_FOR: Duration = Duration::from_secs(2);

/// More keys than this and a keeper starts afresh, so a flood of sessions cannot grow it.
const MOST_KEYS: usize = 10_000;

/// The number of write transactions this process has committed (or given up).
#[derive(Debug, Default)]
pub(crate) struct Writes(AtomicU64);

impl Writes {
    pub(crate) fn count(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// A transaction on the write connection that moves [`Writes`] on when it ends, however it ends.
pub(crate) struct WriteTransaction {
    tx: Option<Transaction<'static, Any>>,
    writes: Arc<Writes>,
}

impl WriteTransaction {
    pub(crate) fn new(tx: Transaction<'static, Any>, writes: Arc<Writes>) -> Self {
        WriteTransaction {
            tx: Some(tx),
            writes,
        }
    }

    pub(crate) async fn commit(mut self) -> Result<()> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Drop for WriteTransaction {
    /// After the commit, or when the transaction is dropped and so rolled back: either way
    /// whatever was kept before it may be out of date.
    fn drop(&mut self) {
        self.writes.advance();
    }
}

impl Deref for WriteTransaction {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.tx.as_ref().expect("a transaction in use")
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.tx.as_mut().expect("a transaction in use")
    }
}

/// Answers by key, each kept for [`KEPT_FOR`] and while no write happened.
#[derive(Debug)]
pub(crate) struct Keeper<K, V> {
    answers: Mutex<HashMap<K, Kept<V>>>,
}

#[derive(Debug)]
struct Kept<V> {
    value: V,
    writes: u64,
    at: Instant,
}

impl<K, V> Default for Keeper<K, V> {
    fn default() -> Self {
        Keeper {
            answers: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Keeper<K, V> {
    /// The kept answer, if it is recent and nothing was written since.
    pub(crate) fn get<Q>(&self, key: &Q, writes: &Writes) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        answers
            .get(key)
            .filter(|kept| kept.writes == writes.count() && kept.at.elapsed() < KEPT_FOR)
            .map(|kept| kept.value.clone())
    }

    /// Keeps an answer read when the write count was `writes_before`, which the caller read
    /// before asking the database, so an answer read across a write is never taken as current.
    pub(crate) fn put(&self, key: K, value: V, writes_before: u64) {
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if answers.len() >= MOST_KEYS {
            answers.clear();
        }
        answers.insert(
            key,
            Kept {
                value,
                writes: writes_before,
                at: Instant::now(),
            },
        );
    }
}

/// More answers than this and a [`ByVersion`] starts afresh.
const MOST_VERSIONED: usize = 64;

/// Answers by key, each kept with the version the database gave it and used while the database
/// still gives that version.
#[derive(Debug)]
pub(crate) struct ByVersion<K, V> {
    answers: Mutex<HashMap<K, (i64, V)>>,
}

impl<K, V> Default for ByVersion<K, V> {
    fn default() -> Self {
        ByVersion {
            answers: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> ByVersion<K, V> {
    /// The answer kept for `key`, with its version. The caller asks the database whether that
    /// version is still current, and uses this very answer if it is: asking again here could
    /// find another request's newer answer in its place.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<(i64, V)>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        answers
            .get(key)
            .map(|(version, value)| (*version, value.clone()))
    }

    /// Keeps an answer the database gave together with its version, in one statement.
    pub(crate) fn put(&self, key: K, version: i64, value: V) {
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if answers.len() >= MOST_VERSIONED {
            answers.clear();
        }
        answers.insert(key, (version, value));
    }
}

/// What a store keeps.
#[derive(Debug, Default)]
pub(crate) struct KeptAnswers {
    pub(crate) writes: Arc<Writes>,
    /// By token hash: the user, the CSRF token and when the session was last seen.
    pub(crate) sessions: Keeper<String, (liaison_core::User, String, DateTime<Utc>)>,
    /// By token hash: the user and when the token expires.
    pub(crate) tokens: Keeper<String, (liaison_core::User, DateTime<Utc>)>,
    pub(crate) units: Keeper<(), Arc<[liaison_core::Unit]>>,
    pub(crate) roles: Keeper<(), Vec<liaison_core::Role>>,
    pub(crate) documents: Keeper<(), i64>,
    /// By filter: the words of its bits (see `activities.rs`), by the filter's version.
    pub(crate) filter_bits: ByVersion<String, Arc<[(i64, i64)]>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_kept_until_a_write() {
        let writes = Writes::default();
        let keeper: Keeper<&str, i32> = Keeper::default();
        let before = writes.count();
        keeper.put("a", 1, before);
        assert_eq!(keeper.get(&"a", &writes), Some(1));
        writes.advance();
        assert_eq!(keeper.get(&"a", &writes), None);
    }

    #[test]
    fn an_answer_read_across_a_write_is_not_current() {
        let writes = Writes::default();
        let keeper: Keeper<&str, i32> = Keeper::default();
        let before = writes.count();
        writes.advance();
        keeper.put("a", 1, before);
        assert_eq!(keeper.get(&"a", &writes), None);
    }

    #[test]
    fn an_answer_by_version_is_kept_with_its_version() {
        let kept: ByVersion<String, i32> = ByVersion::default();
        assert_eq!(kept.get("a"), None);
        kept.put("a".to_owned(), 3, 1);
        assert_eq!(kept.get("a"), Some((3, 1)));
        assert_eq!(kept.get("b"), None);
        kept.put("a".to_owned(), 4, 2);
        assert_eq!(kept.get("a"), Some((4, 2)));
    }

    #[test]
    fn answers_by_version_are_bounded() {
        let kept: ByVersion<usize, usize> = ByVersion::default();
        for key in 0..=MOST_VERSIONED {
            kept.put(key, 1, key);
        }
        assert_eq!(kept.get(&MOST_VERSIONED), Some((1, MOST_VERSIONED)));
        assert_eq!(kept.get(&0), None);
    }
}
