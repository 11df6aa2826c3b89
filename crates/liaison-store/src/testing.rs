//! Fresh databases for tests: a SQLite file in a temporary folder, or a new database on the
//! PostgreSQL server named by `LIAISON_TEST_POSTGRES_URL`.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection};

use crate::{Backend, DatabaseUrl, Store};

/// The variable naming a PostgreSQL server (a user allowed to create databases) for the tests.
pub const POSTGRES_URL_VAR: &str = "LIAISON_TEST_POSTGRES_URL";

/// A migrated, empty database that lives as long as this value: the SQLite file's folder is
/// removed, and the PostgreSQL database dropped, when it goes, so a long suite does not fill the
/// disk with databases nobody reads again.
pub struct TestDatabase {
    pub store: Store,
    pub url: DatabaseUrl,
    /// Keeps the SQLite file's folder until the test ends.
    _folder: Option<tempfile::TempDir>,
    /// The PostgreSQL database to drop at the end.
    postgres: Option<String>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> TestDatabase {
        let db = TestDatabase::unmigrated(backend).await;
        db.store.migrate().await.expect("the migrations apply");
        db
    }

    /// A database migrated up to and including `version` only, as an older Liaison left it;
    /// [`Store::migrate`] then brings it up to date as a newer one would on its first start.
    pub async fn migrated_until(backend: Backend, version: i64) -> TestDatabase {
        let db = TestDatabase::unmigrated(backend).await;
        let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            });
        let older = tempfile::tempdir().expect("a temporary folder");
        for entry in std::fs::read_dir(&all).expect("the migrations folder") {
            let path = entry.expect("a migration").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let number: i64 = name
                .split('_')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(i64::MAX);
            if number <= version {
                std::fs::copy(&path, older.path().join(name)).expect("a migration copied");
            }
        }
        sqlx::migrate::Migrator::new(older.path())
            .await
            .expect("the older migrations read")
            .run(&db.store.write)
            .await
            .expect("the older migrations apply");
        db
    }

    async fn unmigrated(backend: Backend) -> TestDatabase {
        let (url, folder, postgres) = match backend {
            Backend::Sqlite => {
                let folder = tempfile::tempdir().expect("a temporary folder");
                let path = folder.path().join("liaison.db");
                (DatabaseUrl::Sqlite { path }, Some(folder), None)
            }
            Backend::Postgres => {
                let (url, name) = fresh_postgres_database().await;
                (url, None, Some(name))
            }
        };
        install_test_key();
        let store = Store::open(&url).await.expect("the test database opens");
        TestDatabase {
            store,
            url,
            _folder: folder,
            postgres,
        }
    }
}

/// Gives this test process a key to seal personal data with, once: each process makes its
/// own, as Liaison makes one on its first start.
pub fn install_test_key() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| crate::install_personal_key(&crate::Keyring::generate()));
}

/// Drops the test's PostgreSQL database, closing whatever connections are still open to it
/// (a server the test started may still hold some). It runs on a thread of its own, since a
/// value is dropped inside the test's runtime, where nothing may be awaited.
impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres.take() else {
            return;
        };
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&postgres_server_url()).await.ok()?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        // A database left behind only costs disk; it never fails the test that is ending.
        let _ = dropped.join();
    }
}

/// The URL of the test server. The README's test command always provides one; a plain
/// `cargo test` says how to get one instead of quietly testing SQLite alone.
pub fn postgres_server_url() -> String {
    std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set, so the PostgreSQL half of the suite cannot run. \
             Run the whole suite with scripts/test.sh, which starts a private PostgreSQL \
             (installing Debian's postgresql package if needed), or set {POSTGRES_URL_VAR} to \
             postgres://USER@HOST:PORT/postgres for a server where USER may create databases."
        )
    })
}

/// Creates a database with a name no other test uses and returns its URL and name.
async fn fresh_postgres_database() -> (DatabaseUrl, String) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let server = postgres_server_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let name = format!(
        "liaison_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {server}: {e}"));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("the test database is created");
    admin.close().await.ok();
    let (base, _) = server
        .rsplit_once('/')
        .expect("the server URL ends with a database name");
    let url = DatabaseUrl::parse(&format!("{base}/{name}")).expect("a valid URL");
    (url, name)
}

impl Store {
    /// Runs a statement outside every rule of the store, as someone with direct access to the
    /// database could; tests use it to show what the database itself refuses.
    pub async fn execute_unchecked_for_tests(&self, statement: &str) -> crate::Result<()> {
        sqlx::query(statement).execute(&self.write).await?;
        Ok(())
    }

    /// The one number a query answers, read outside every rule of the store: tests use it to
    /// compare what the database keeps with what it should.
    pub async fn count_unchecked_for_tests(&self, query: &str) -> crate::Result<i64> {
        Ok(sqlx::query_scalar(query).fetch_one(&self.read).await?)
    }
}
