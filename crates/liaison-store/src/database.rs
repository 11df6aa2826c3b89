//! The one place where SQLite and PostgreSQL differ: URLs, connection settings, migrations, backup.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use liaison_core::Policy;
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AnyConnection, AnyPool, Executor};

use crate::{Error, Result, Store};

/// The kind of database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A checked database location. Anything Liaison cannot use is refused here, before a file or a
/// connection is made, so a typing mistake never leaves an empty database behind.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (or `sqlite:PATH`) and `postgres://…` (or `postgresql://…`).
    pub fn parse(input: &str) -> Result<Self> {
        let input = input.trim();
        let usage = "use sqlite://PATH for an embedded database or postgres://USER@HOST/DATABASE";
        if let Some(rest) = input.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() || path.starts_with(':') {
                return Err(Error::Url(format!(
                    "'{input}' names no database file; {usage}"
                )));
            }
            if path.contains(['?', '#']) {
                return Err(Error::Url(format!(
                    "'{input}': options in a SQLite URL are not supported; Liaison sets them itself"
                )));
            }
            return Ok(DatabaseUrl::Sqlite {
                path: PathBuf::from(path),
            });
        }
        if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            PgConnectOptions::from_str(input).map_err(|e| {
                Error::Url(format!(
                    "'{}' is not a valid PostgreSQL URL: {e}",
                    redact(input)
                ))
            })?;
            let host = input.split_once("://").map_or("", |(_, r)| r);
            if host.is_empty() || host.starts_with('/') && !host.contains("host=") {
                return Err(Error::Url(format!(
                    "'{}' names no server; {usage}",
                    redact(input)
                )));
            }
            return Ok(DatabaseUrl::Postgres {
                url: input.to_owned(),
            });
        }
        let scheme = input.split_once(':').map_or(input, |(s, _)| s);
        Err(Error::Url(format!(
            "'{}' is not a database Liaison supports (scheme '{scheme}'); {usage}",
            redact(input)
        )))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        }
    }
}

/// Hides the password of a URL such as `postgres://user:secret@host/db`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Connections kept for reading on SQLite: two for each processor. Each connection has a thread
/// and a page cache of its own; on two processors eight readers answered no faster than four and
/// held 25 MiB more (docs/BENCHMARKS.md).
fn sqlite_readers() -> u32 {
    let processors = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    (processors * 2).clamp(2, 16)
}
/// Connections to a PostgreSQL server from one Liaison process.
const POSTGRES_CONNECTIONS: u32 = 16;

/// How long a write waits for its turn before the store answers [`Error::Busy`]: for the one
/// write connection of a SQLite process, then for another process's write lock (SQLite) or a row
/// another transaction holds (PostgreSQL).
pub const DEFAULT_WRITE_WAIT: Duration = Duration::from_secs(10);

/// WAL lets readers go on while one writer writes; foreign keys are off in SQLite unless asked
/// for. The busy timeout, set beside these, makes a second process wait for the lock. Secure
/// delete overwrites what a change frees, so personal data written in clear by an older version
/// and sealed since does not linger in the file's free pages.
const SQLITE_SETTINGS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

/// The write connection copies no pages from the WAL into the database file itself: SQLite's
/// automatic checkpoint, every 1,000 pages, ran on the committing connection and made every few
/// writes wait for it and its fsync. A background task does it instead, every
/// [`CHECKPOINT_EVERY`].
const WRITER_SETTINGS: &str = "PRAGMA wal_autocheckpoint = 0;";
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// The file beside a SQLite database where imports being saved write how far they have come:
/// `liaison.db-saving` for `liaison.db`. It holds nothing else, and nothing that needs a backup.
pub(crate) fn saving_progress_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-saving");
    PathBuf::from(name)
}

/// What a write transaction says to begin. SQLite's default, `BEGIN` (deferred), takes the
/// write lock only at the first write; when another process wrote in between, SQLite cannot
/// upgrade the transaction's older snapshot and fails at once with "database is locked", without
/// waiting. `BEGIN IMMEDIATE` takes the lock first, where the busy timeout waits for it.
pub(crate) fn begin_write_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    }
}

static DRIVERS: Once = Once::new();

impl Store {
    /// Connects to the database, writes waiting at most [`DEFAULT_WRITE_WAIT`] for their turn.
    pub async fn open(url: &DatabaseUrl) -> Result<Store> {
        Store::open_with(url, DEFAULT_WRITE_WAIT).await
    }

    /// Connects to the database. The SQLite file is created when missing; nothing else is. A
    /// write that has not had its turn after `write_wait` is refused as [`Error::Busy`].
    pub async fn open_with(url: &DatabaseUrl, write_wait: Duration) -> Result<Store> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let wait_ms = write_wait.as_millis().max(1);
        let (read, write, saving) = match url {
            DatabaseUrl::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                    && !parent.is_dir()
                {
                    return Err(Error::Url(format!(
                        "the folder {} for the database does not exist",
                        parent.display()
                    )));
                }
                let any_url = format!("sqlite://{}?mode=rwc", path.display());
                let options = |more: &'static str| {
                    AnyPoolOptions::new()
                        .acquire_timeout(write_wait)
                        .after_connect(move |conn, _| {
                            Box::pin(async move {
                                conn.execute(SQLITE_SETTINGS).await?;
                                if !more.is_empty() {
                                    conn.execute(more).await?;
                                }
                                conn.execute(format!("PRAGMA busy_timeout = {wait_ms};").as_str())
                                    .await?;
                                Ok(())
                            })
                        })
                };
                // The writer connects first so that it is the one that creates the file and
                // switches it to WAL before any reader opens it.
                let write = options(WRITER_SETTINGS)
                    .max_connections(1)
                    .connect(&any_url)
                    .await?;
                let read = options("")
                    .max_connections(sqlite_readers())
                    .connect(&any_url)
                    .await?;
                // Saving an import holds the database's only writer until it commits, so how far
                // it has come is written beside the database, in a file with a lock of its own
                // that every process sharing the database opens too (see `imports.rs`).
                let saving = options("")
                    .max_connections(2)
                    .connect(&format!(
                        "sqlite://{}?mode=rwc",
                        saving_progress_path(path).display()
                    ))
                    .await?;
                saving
                    .execute(
                        "CREATE TABLE IF NOT EXISTS import_saving \
                         (batch_id INTEGER PRIMARY KEY, saved INTEGER NOT NULL)",
                    )
                    .await?;
                (read, write, Some(saving))
            }
            DatabaseUrl::Postgres { url } => {
                // A row another transaction holds is waited for as long as SQLite waits for
                // another process's lock; past that the statement fails and the write is busy.
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .acquire_timeout(write_wait)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(format!("SET lock_timeout = {wait_ms}").as_str())
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?;
                (pool.clone(), pool, None)
            }
        };
        let checkpoints = match url.backend() {
            Backend::Sqlite => Some(checkpoint_in_background(read.clone())),
            Backend::Postgres => None,
        };
        Ok(Store {
            backend: url.backend(),
            checkpoints,
            read,
            write,
            saving,
            policy: Policy::default(),
            review_cache: Default::default(),
            kept: Default::default(),
            metrics: Default::default(),
            indexer: Default::default(),
        })
    }

    /// Applies the migrations embedded in the binary that the database has not seen yet, then
    /// makes sure the built-in roles and the shipped working-day calendar exist and the search
    /// index has its blocks.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                // Two processes starting at once on a database with migrations to apply both
                // applied them, and the second stopped with "table … already exists". The
                // migrations run in one transaction that holds the write lock from its start, so
                // the second process waits and then finds them applied. (On PostgreSQL the
                // migrator takes an advisory lock of its own.)
                let mut tx = self.write.begin_with(begin_write_sql(self.backend)).await?;
                sqlx::migrate!("./migrations/sqlite").run(&mut tx).await?;
                tx.commit().await?;
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.write)
                    .await?
            }
        }
        self.ensure_built_in_roles().await?;
        self.ensure_shipped_calendar().await?;
        self.ensure_search_blocks().await?;
        self.ensure_search_version().await?;
        self.ensure_names_folded().await?;
        self.check_personal_key().await
    }

    /// Clears from the database's files what changes have freed, so values written over (personal
    /// data sealed where it was in clear) are gone from the disk too: on SQLite the whole file is
    /// rewritten and the WAL emptied; on PostgreSQL the tables are rewritten, without the old
    /// versions of their rows.
    pub(crate) async fn purge_freed_space(&self, tables: &[&str]) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                self.write.execute("VACUUM").await?;
                self.write
                    .execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await?;
            }
            Backend::Postgres => {
                for table in tables {
                    self.write
                        .execute(format!("VACUUM FULL {table}").as_str())
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Writes a consistent copy of a live SQLite database to `destination`, which must not exist.
    pub async fn backup(&self, destination: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Unsupported(
                "backup copies SQLite databases; for PostgreSQL use pg_dump, or `liaison export`"
                    .to_owned(),
            ));
        }
        if destination.exists() {
            return Err(Error::Unsupported(format!(
                "{} already exists; choose a new file so no backup is overwritten",
                destination.display()
            )));
        }
        let path = destination
            .to_str()
            .ok_or_else(|| Error::Unsupported("the backup path must be valid UTF-8".to_owned()))?;
        // VACUUM INTO reads one snapshot, so writers may go on while it runs.
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.read)
            .await?;
        Ok(())
    }
}

impl Backend {
    /// The database a connection talks to.
    pub(crate) fn of(conn: &AnyConnection) -> Backend {
        if conn.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// SQL for the rows of a correlated query as one JSON array of objects, as text, so that a
    /// record's lists come with the record in one statement: `fields` are (name, expression)
    /// pairs, read `from` (a `FROM … WHERE …` clause) in `order`; `[]` when there are none.
    pub(crate) fn json_rows_sql<E: AsRef<str>>(
        &self,
        fields: &[(&str, E)],
        from: &str,
        order: &str,
    ) -> String {
        let pairs = fields
            .iter()
            .map(|(name, expression)| format!("'{name}', {}", expression.as_ref()))
            .collect::<Vec<_>>()
            .join(", ");
        self.json_array_sql(["json_object", "json_build_object"], &pairs, from, order)
    }

    /// SQL for rows as one JSON array of arrays, as text, like [`Backend::json_rows_sql`] but
    /// without names: `values` are the expressions of each row, read `from` in `order`.
    pub(crate) fn json_arrays_sql<E: AsRef<str>>(
        &self,
        values: &[E],
        from: &str,
        order: &str,
    ) -> String {
        let values = values
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ");
        self.json_array_sql(["json_array", "json_build_array"], &values, from, order)
    }

    /// SQL for the rows of the numbers of a JSON array of whole numbers bound, as text, to
    /// `placeholder`: one parameter for a set of records of any size.
    pub(crate) fn json_numbers_sql(&self, placeholder: &str) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each({placeholder})"),
            Backend::Postgres => format!(
                "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({placeholder} AS json))"
            ),
        }
    }

    /// The clause naming the index a table is read through where the planner would not
    /// choose it: SQLite's `INDEXED BY`; PostgreSQL chooses by its own statistics.
    pub(crate) fn indexed_by(&self, index: &str) -> String {
        match self {
            Backend::Sqlite => format!("INDEXED BY {index}"),
            Backend::Postgres => String::new(),
        }
    }

    /// SQL for a text value of each row, read `from` (a `FROM … WHERE …` clause) in no order,
    /// joined by spaces; NULL when there are none. For long lists of numbers, which both
    /// databases join as text several times faster than they build a JSON array of them.
    pub(crate) fn spaced_text_sql(&self, value: &str, from: &str) -> String {
        match self {
            Backend::Sqlite => format!("(SELECT group_concat({value}, ' ') {from})"),
            Backend::Postgres => {
                format!("(SELECT string_agg(CAST({value} AS TEXT), ' ') {from})")
            }
        }
    }

    /// SQL for the day `days` days after `day` (before it, when `days` is negative), both as the
    /// text `YYYY-MM-DD` the dates are kept as.
    pub(crate) fn days_after_sql(&self, day: &str, days: &str) -> String {
        match self {
            Backend::Sqlite => format!("date({day}, ({days}) || ' days')"),
            Backend::Postgres => {
                format!("to_char(CAST({day} AS DATE) + ({days}), 'YYYY-MM-DD')")
            }
        }
    }

    /// One JSON array, as text, of a value made from `arguments` for each row read `from` in
    /// `order`, by the function `row` names for SQLite and for PostgreSQL; `[]` for no rows.
    fn json_array_sql(&self, row: [&str; 2], arguments: &str, from: &str, order: &str) -> String {
        let [sqlite, postgres] = row;
        match self {
            Backend::Sqlite => {
                format!("(SELECT json_group_array({sqlite}({arguments}) ORDER BY {order}) {from})")
            }
            Backend::Postgres => format!(
                "(SELECT CAST(COALESCE(json_agg({postgres}({arguments}) ORDER BY {order}), \
                 '[]') AS TEXT) {from})"
            ),
        }
    }

    /// The rows of a JSON array of arrays bound as text to `$1`, one `value` each, to be read
    /// with `value ->> 0`, `value ->> 1`…: how many values go to one statement with a single
    /// parameter (`sql::in_json_list`, and `sql::insert_rows` through
    /// [`Backend::inserted_rows_sql`]), since binding costs more the more parameters a statement
    /// has.
    pub(crate) fn json_elements_sql(&self) -> &'static str {
        match self {
            Backend::Sqlite => "json_each($1)",
            Backend::Postgres => "json_array_elements(CAST($1 AS json))",
        }
    }

    /// How [`crate::sql::insert_rows`] reads the rows of the JSON array of arrays bound to `$1`:
    /// a `WITH` clause to write before its `INSERT`, and what to read the rows `FROM`, one
    /// `value` each. SQLite converts each row once to its binary JSON, kept aside
    /// (`MATERIALIZED`), which `value ->> i` then reads without parsing the row's text again for
    /// every column; PostgreSQL parses the array once as it is.
    pub(crate) fn inserted_rows_sql(&self) -> (&'static str, &'static str) {
        match self {
            Backend::Sqlite => (
                "WITH r(value) AS MATERIALIZED (SELECT jsonb(value) FROM json_each($1)) ",
                "r",
            ),
            Backend::Postgres => ("", self.json_elements_sql()),
        }
    }

    /// The condition that keeps, of the audit entries after a transaction's first, those it wrote
    /// itself. On PostgreSQL other transactions commit entries meanwhile, and each entry names
    /// its transaction; SQLite has one writer at a time, so every later entry is the writer's.
    pub(crate) fn own_audit_entries_sql(&self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " AND tx = txid_current()",
        }
    }

    /// What a `SELECT` of one row ends with to hold the row until the transaction ends:
    /// PostgreSQL locks it; SQLite, whose writer holds the whole file, has no such clause.
    pub(crate) fn row_lock_sql(&self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// SQL for the calendar days activity `a` touches, its first and last day both counted:
    /// SQLite has no date type and counts through `julianday`, PostgreSQL subtracts dates.
    pub(crate) fn activity_days_sql(&self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "CAST(julianday(a.end_date) - julianday(a.start_date) AS INTEGER) + 1"
            }
            Backend::Postgres => {
                "CAST(CAST(a.end_date AS date) - CAST(a.start_date AS date) AS BIGINT) + 1"
            }
        }
    }

    /// SQL for the number of outcomes recorded with activity `a`, a JSON array kept as text:
    /// PostgreSQL must be told the text is JSON, SQLite reads it as it is.
    pub(crate) fn outcome_count_sql(&self) -> &'static str {
        match self {
            Backend::Sqlite => "json_array_length(a.outcomes)",
            Backend::Postgres => "json_array_length(CAST(a.outcomes AS json))",
        }
    }
}

/// Copies what the WAL holds into the database file every [`CHECKPOINT_EVERY`] (a passive
/// checkpoint, which waits for no reader or writer), for as long as a store holds the token it
/// returns.
fn checkpoint_in_background(pool: AnyPool) -> Arc<()> {
    let token = Arc::new(());
    let alive = Arc::downgrade(&token);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            if alive.strong_count() == 0 || pool.is_closed() {
                break;
            }
            if let Err(err) = pool.execute("PRAGMA wal_checkpoint(PASSIVE);").await {
                tracing::warn!(error = %err, "a checkpoint of the WAL failed");
            }
        }
    });
    token
}

/// SQLite's page cache, in KiB, while one transaction writes many records (an import, the
/// benchmark's load). With the default 2 MB the pages a large transaction writes spill to the WAL
/// before it commits, and are read back from there.
pub(crate) const LARGE_CACHE_KIB: i64 = 262_144;

impl Store {
    /// Gives the write connection a large page cache, and statement journals in memory, for one
    /// large transaction; [`Store::narrow_cache`] gives the memory back. PostgreSQL needs neither.
    pub(crate) async fn widen_cache(&self, conn: &mut AnyConnection) -> Result<()> {
        if self.backend == Backend::Sqlite {
            conn.execute(
                format!("PRAGMA cache_size = -{LARGE_CACHE_KIB}; PRAGMA temp_store = MEMORY;")
                    .as_str(),
            )
            .await?;
        }
        Ok(())
    }

    /// Puts the write connection's cache back to SQLite's default once a large transaction has
    /// ended, and frees what it held.
    pub(crate) async fn narrow_cache(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.write
                .execute(
                    "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT; PRAGMA shrink_memory;",
                )
                .await?;
        }
        Ok(())
    }
}

/// After rows were written with their ids given, moves PostgreSQL's id sequences past them, so
/// that the next record gets a free number; SQLite always takes the next number after the
/// largest.
pub(crate) async fn reset_id_sequences(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    tables: &[&str],
) -> Result<()> {
    if backend == Backend::Postgres {
        for table in tables {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_postgres_urls_are_accepted() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/liaison.db").unwrap(),
            DatabaseUrl::Sqlite {
                path: "data/liaison.db".into()
            }
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:liaison.db").unwrap().backend(),
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://liaison@localhost/liaison")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn malformed_and_unknown_urls_are_refused_with_the_reason() {
        for (url, said) in [
            ("mysql://localhost/x", "scheme 'mysql'"),
            ("liaison.db", "is not a database Liaison supports"),
            ("sqlite://", "names no database file"),
            ("sqlite::memory:", "names no database file"),
            ("sqlite://x.db?mode=ro", "options"),
            ("postgres://", "names no server"),
            (
                "postgres://u:p@host:notaport/db",
                "not a valid PostgreSQL URL",
            ),
        ] {
            let err = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(said), "{url}: {err}");
        }
    }

    #[test]
    fn passwords_never_appear_in_messages() {
        let url = DatabaseUrl::parse("postgres://liaison:s3cret@db.example.org/liaison").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://liaison:***@db.example.org/liaison"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let err = DatabaseUrl::parse("postgres://u:s3cret@h:x/db")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("s3cret"), "{err}");
    }

    /// `.cargo/config.toml` compiles SQLite with a page cache for each connection and without
    /// counting allocations; a build that lost those flags makes concurrent readers wait for
    /// one mutex, and fails here.
    #[tokio::test]
    async fn sqlite_is_built_with_a_page_cache_for_each_connection() {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
    }
}
