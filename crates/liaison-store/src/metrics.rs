//! Figures of the store's work for operators: connection pools in use and write transactions begun.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::AnyPool;

use crate::{Backend, Store};

/// Counts of the write transactions this process has tried to begin, kept as they happen.
#[derive(Debug, Default)]
pub(crate) struct StoreMetrics {
    begun: AtomicU64,
    refused: AtomicU64,
    /// Time spent waiting for a write transaction to begin, in nanoseconds: waiting for the write
    /// connection (on SQLite the only one, so writers queue there) and for the database's lock.
    waited_nanos: AtomicU64,
    /// Search documents indexed from the queue ([`Store::index_queued`]).
    indexed: AtomicU64,
}

impl StoreMetrics {
    /// Awaits `begin`, the beginning of a write transaction, and counts it as begun or refused
    /// with the time it took; its result is handed back unchanged.
    pub(crate) async fn count_write_begin<T, E>(
        &self,
        begin: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let result = begin.await;
        let waited = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.waited_nanos.fetch_add(waited, Ordering::Relaxed);
        let outcome = if result.is_ok() {
            &self.begun
        } else {
            &self.refused
        };
        outcome.fetch_add(1, Ordering::Relaxed);
        result
    }

    /// Counts `n` search documents indexed from the queue.
    pub(crate) fn count_indexed(&self, n: usize) {
        self.indexed
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// The store's figures at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsSnapshot {
    /// Write transactions begun since the process started.
    pub write_transactions_begun: u64,
    /// Write transactions that could not begin: the database busy past its timeout, or not
    /// answering.
    pub write_transactions_refused: u64,
    /// The time all those transactions, begun or refused, waited to begin.
    pub write_transactions_waited: Duration,
    /// Search documents whose words this process indexed from the queue, after their change.
    pub search_documents_indexed: u64,
    /// Each connection pool, by name.
    pub pools: Vec<PoolSnapshot>,
}

/// How a pool of connections is used at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolSnapshot {
    /// `read` and `write` on SQLite; `shared` on PostgreSQL, where one pool serves both.
    pub name: &'static str,
    /// Connections open, in use or idle.
    pub open: u32,
    /// Connections open and waiting to be used.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

impl PoolSnapshot {
    fn of(name: &'static str, pool: &AnyPool) -> PoolSnapshot {
        PoolSnapshot {
            name,
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
}

impl Store {
    /// The store's figures now, for `/metrics`.
    pub fn metrics(&self) -> MetricsSnapshot {
        let figures = &self.metrics;
        let pools = match self.backend {
            Backend::Sqlite => vec![
                PoolSnapshot::of("read", &self.read),
                PoolSnapshot::of("write", &self.write),
            ],
            // `Store::open` gives reads and writes the same pool on PostgreSQL; listing it twice
            // would count each connection twice.
            Backend::Postgres => vec![PoolSnapshot::of("shared", &self.read)],
        };
        MetricsSnapshot {
            write_transactions_begun: figures.begun.load(Ordering::Relaxed),
            write_transactions_refused: figures.refused.load(Ordering::Relaxed),
            write_transactions_waited: Duration::from_nanos(
                figures.waited_nanos.load(Ordering::Relaxed),
            ),
            search_documents_indexed: figures.indexed.load(Ordering::Relaxed),
            pools,
        }
    }
}
