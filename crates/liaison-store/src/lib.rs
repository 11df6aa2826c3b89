//! Liaison's persistence: one set of queries over an embedded SQLite file or a PostgreSQL server.
//!
//! Both databases are reached through sqlx's `Any` driver, so every query is written once with
//! `$1` placeholders (which SQLite also understands). What differs between the two lives in
//! [`database`]: the URL, the connection settings, the migrations folder and the backup.

mod accounts;
mod activities;
mod agreements;
mod audit;
mod bench;
mod blocks;
mod calendars;
mod database;
mod dossier;
mod error;
mod exchange;
mod files;
mod gifts;
mod health;
mod imports;
pub mod jobs;
mod kept;
mod locks;
mod metrics;
mod names;
mod news;
mod organizations;
mod passport_exchange;
mod passports;
mod people;
mod personal;
mod policies;
mod records;
pub mod reminders;
mod resolve;
mod review;
mod roles;
mod search;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;
mod timeline;
mod transitions;
mod trip_exchange;
mod trips;
mod units;
mod workdays;

pub use accounts::{LoginAttempt, SESSION_LAST_USE_MARGIN};
pub use bench::LoadReport;
pub use database::{Backend, DEFAULT_WRITE_WAIT, DatabaseUrl};
pub use error::Error;
pub use metrics::{MetricsSnapshot, PoolSnapshot};
pub use personal::{Keyring, install as install_personal_key};
pub use records::Records;
pub use resolve::StoredRecord;

use liaison_core::Policy;
use sqlx::AnyPool;

/// The result of every store operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone and share between requests.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    /// Connections for reading.
    read: AnyPool,
    /// Connections for writing. On SQLite this is a single connection, so writers queue here
    /// instead of failing with "database is locked" when two transactions both want to write.
    write: AnyPool,
    /// On SQLite, the file beside the database where an import being saved writes how far it
    /// has come ([`imports`]); on PostgreSQL, `None`: the count goes into the database itself.
    saving: Option<AnyPool>,
    policy: Policy,
    /// Annual reviews already counted, kept until the records change.
    review_cache: std::sync::Arc<review::ReviewCache>,
    /// Answers read moments ago: sessions, tokens, units, roles, the search index's size.
    kept: std::sync::Arc<kept::KeptAnswers>,
    /// While a SQLite store is in use, a background task checkpoints its WAL.
    #[expect(
        dead_code,
        reason = "never read: held so that the checkpoints stop with the last clone of the store"
    )]
    checkpoints: Option<std::sync::Arc<()>>,
    /// How write transactions began, for `/metrics`.
    metrics: std::sync::Arc<metrics::StoreMetrics>,
    /// Whether changes' queued search documents are being indexed ([`Store::index_soon`]).
    indexer: std::sync::Arc<search::Indexer>,
}

impl Store {
    /// Which database this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The policy parameters in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The same store under the university's own policy parameters.
    pub fn with_policy(mut self, policy: Policy) -> Store {
        self.policy = policy;
        self
    }

    /// Begins a transaction on the write connection; when it ends, whatever the store keeps
    /// (see [`kept`]) is read afresh.
    pub(crate) async fn begin_write(&self) -> Result<kept::WriteTransaction> {
        let begin = self
            .write
            .begin_with(database::begin_write_sql(self.backend));
        let tx = self.metrics.count_write_begin(begin).await?;
        Ok(kept::WriteTransaction::new(
            tx,
            std::sync::Arc::clone(&self.kept.writes),
        ))
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

impl Store {
    /// Whether the database holds no records yet (roles aside, which every database has).
    pub async fn is_empty(&self) -> Result<bool> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM activities) \
             + (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM units) AS n",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(sql::RowExt::int(&row, "n")? == 0)
    }
}

impl Store {
    /// The number of a unit named by number or key.
    pub async fn unit_id(&self, unit: &liaison_core::Link) -> Result<i64> {
        let mut conn = self.read.acquire().await?;
        resolve::link(&mut conn, liaison_core::UNIT, "unit", unit).await
    }
}
