//! The SQLite and PostgreSQL migrations build the same schema: the same tables, columns, keys
//! and indexes, so the one set of queries the store shares between them finds what it expects on
//! both. A difference fails with its table, column or index named.

use std::collections::{BTreeMap, BTreeSet};

use liaison_store::testing::TestDatabase;
use liaison_store::{Backend, DatabaseUrl};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, PgConnection, Row, SqliteConnection};

/// Differences the two migrations make on purpose, each with the reason it is harmless. A
/// difference found that is not listed here fails the test, and so does one listed here that is
/// no longer found, so the list stays true.
const ALLOWED: &[(&str, &str)] = &[
    (
        "table activity_filter_changes: only on PostgreSQL",
        "a PostgreSQL transaction notes its changes to the list filters here and applies them at \
         its commit; SQLite, with one writer at a time, applies them as each row is written",
    ),
    (
        "table activity_filter_pending: only on PostgreSQL",
        "the mark whose deferred trigger applies a transaction's changes to the list filters at \
         its commit, as above",
    ),
    (
        "table people_category_changes: only on PostgreSQL",
        "a PostgreSQL transaction notes how many people of each category it adds or removes here, \
         and a deferred trigger on the list filters' mark writes the counts at its commit; SQLite \
         writes them as each person is written",
    ),
];

/// A column as both databases can be compared: its kind of value and whether it may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    class: &'static str,
    not_null: bool,
}

/// An index: whether it is unique, partial (has a WHERE clause), and what it covers in order;
/// an expression shows as `(expression)`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    unique: bool,
    partial: bool,
    columns: Vec<String>,
}

impl std::fmt::Display for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}({}){}",
            if self.unique { "unique " } else { "" },
            self.columns.join(", "),
            if self.partial { " where …" } else { "" }
        )
    }
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// Indexes created by name, by their name; indexes that back a UNIQUE constraint by their
    /// columns, since each database names those itself.
    indexes: BTreeMap<String, Index>,
}

type Schema = BTreeMap<String, Table>;

/// The kind of value of a declared SQLite type, by SQLite's own affinity rules.
fn sqlite_class(declared: &str) -> &'static str {
    let declared = declared.to_ascii_uppercase();
    if declared.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "text"
    } else if declared.is_empty() || declared.contains("BLOB") {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "real"
    } else {
        "numeric"
    }
}

/// The kind of value of a PostgreSQL type, in the classes of [`sqlite_class`].
fn postgres_class(data_type: &str) -> &'static str {
    match data_type {
        "smallint" | "integer" | "bigint" => "integer",
        "text" | "character varying" | "character" => "text",
        "bytea" => "blob",
        "real" | "double precision" => "real",
        _ => "numeric",
    }
}

/// Constraint indexes are keyed by what they cover; named indexes by their name.
fn constraint_key(columns: &[String]) -> String {
    format!("unique ({})", columns.join(", "))
}

async fn sqlite_schema(path: &std::path::Path) -> Schema {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .expect("the SQLite test database opens");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in tables {
        let mut table = Table::default();
        let columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(&name)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let mut key = Vec::new();
        for row in columns {
            let column: String = row.get("name");
            let pk: i64 = row.get("pk");
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            let not_null: bool = row.get("notnull");
            table.columns.insert(
                column,
                Column {
                    class: sqlite_class(row.get("type")),
                    // A primary key is never empty in Liaison's tables; SQLite only leaves it
                    // out of `notnull` for historical reasons.
                    not_null: not_null || pk > 0,
                },
            );
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, column)| column).collect();
        let indexes =
            sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for row in indexes {
            let index_name: String = row.get("name");
            let origin: String = row.get("origin");
            if origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> = sqlx::query_scalar(
                "SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&index_name)
            .fetch_all(&mut conn)
            .await
            .unwrap();
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "(expression)".to_owned()))
                .collect();
            let index = Index {
                unique: row.get("unique"),
                partial: row.get("partial"),
                columns,
            };
            let key = if origin == "u" {
                constraint_key(&index.columns)
            } else {
                index_name
            };
            table.indexes.insert(key, index);
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(url: &str) -> Schema {
    let mut conn = PgConnection::connect(url)
        .await
        .expect("the PostgreSQL test database opens");
    let mut schema = Schema::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations' ORDER BY table_name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for name in tables {
        schema.insert(name, Table::default());
    }
    let columns = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                data_type::text AS data_type, is_nullable = 'NO' AS not_null \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for row in columns {
        let table: String = row.get("table_name");
        if let Some(table) = schema.get_mut(&table) {
            table.columns.insert(
                row.get("column_name"),
                Column {
                    class: postgres_class(row.get("data_type")),
                    not_null: row.get("not_null"),
                },
            );
        }
    }
    // Each index with its columns in order (an expression has no column, attnum 0), and whether
    // it is the primary key or backs a UNIQUE constraint of its own table.
    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, c.relname::text AS index_name, \
                i.indisunique AS is_unique, i.indisprimary AS is_primary, \
                i.indpred IS NOT NULL AS partial, \
                EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid \
                        AND k.conrelid = i.indrelid AND k.contype = 'u') AS is_constraint, \
                ARRAY(SELECT CASE WHEN i.indkey[n] = 0 THEN '(expression)' ELSE a.attname::text END \
                      FROM generate_series(0, i.indnkeyatts - 1) AS n \
                      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[n] \
                      ORDER BY n) AS columns \
         FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for row in indexes {
        let table: String = row.get("table_name");
        let Some(table) = schema.get_mut(&table) else {
            continue;
        };
        let index = Index {
            unique: row.get("is_unique"),
            partial: row.get("partial"),
            columns: row.get("columns"),
        };
        if row.get::<bool, _>("is_primary") {
            table.primary_key = index.columns;
        } else if row.get::<bool, _>("is_constraint") {
            table.indexes.insert(constraint_key(&index.columns), index);
        } else {
            table.indexes.insert(row.get("index_name"), index);
        }
    }
    schema
}

/// Every way the two schemas differ, one line each, naming what differs.
fn differences(sqlite: &Schema, postgres: &Schema) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                found.insert(format!("table {name}: only on SQLite"));
                continue;
            }
            (None, Some(_)) => {
                found.insert(format!("table {name}: only on PostgreSQL"));
                continue;
            }
            (None, None) => unreachable!("the name comes from one of them"),
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(sc), Some(pc)) => {
                    if sc.class != pc.class {
                        found.insert(format!(
                            "column {name}.{column}: {} on SQLite, {} on PostgreSQL",
                            sc.class, pc.class
                        ));
                    }
                    if sc.not_null != pc.not_null {
                        let null = |n: bool| if n { "NOT NULL" } else { "nullable" };
                        found.insert(format!(
                            "column {name}.{column}: {} on SQLite, {} on PostgreSQL",
                            null(sc.not_null),
                            null(pc.not_null)
                        ));
                    }
                }
                (Some(_), None) => {
                    found.insert(format!("column {name}.{column}: only on SQLite"));
                }
                (None, Some(_)) => {
                    found.insert(format!("column {name}.{column}: only on PostgreSQL"));
                }
                (None, None) => unreachable!("the name comes from one of them"),
            }
        }
        if s.primary_key != p.primary_key {
            found.insert(format!(
                "primary key of {name}: ({}) on SQLite, ({}) on PostgreSQL",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(si), Some(pi)) if si != pi => {
                    found.insert(format!(
                        "index {index} on {name}: {si} on SQLite, {pi} on PostgreSQL"
                    ));
                }
                (Some(_), Some(_)) => {}
                (Some(si), None) => {
                    found.insert(format!("index {index} on {name}: only on SQLite, {si}"));
                }
                (None, Some(pi)) => {
                    found.insert(format!("index {index} on {name}: only on PostgreSQL, {pi}"));
                }
                (None, None) => unreachable!("the name comes from one of them"),
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgresql_have_the_same_tables_columns_and_indexes() {
    let sqlite_db = TestDatabase::new(Backend::Sqlite).await;
    let postgres_db = TestDatabase::new(Backend::Postgres).await;
    let DatabaseUrl::Sqlite { path } = &sqlite_db.url else {
        panic!("a SQLite test database has a file");
    };
    let DatabaseUrl::Postgres { url } = &postgres_db.url else {
        panic!("a PostgreSQL test database has a URL");
    };
    let sqlite = sqlite_schema(path).await;
    let postgres = postgres_schema(url).await;
    // The comparison must see the schema, not two empty lists that agree.
    assert!(
        sqlite.contains_key("activities") && postgres.contains_key("activities"),
        "the schemas were not read: SQLite has {:?}, PostgreSQL {:?}",
        sqlite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>()
    );
    assert!(
        sqlite["organizations"]
            .indexes
            .contains_key("organizations_country"),
        "SQLite's indexes were not read"
    );
    assert!(
        postgres["organizations"]
            .indexes
            .contains_key("organizations_country"),
        "PostgreSQL's indexes were not read"
    );

    let found = differences(&sqlite, &postgres);
    let allowed: BTreeSet<String> = ALLOWED.iter().map(|(d, _)| (*d).to_owned()).collect();
    let unexpected: Vec<&String> = found.difference(&allowed).collect();
    let stale: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        unexpected.is_empty(),
        "the SQLite and PostgreSQL migrations build different schemas; make them agree, or list \
         a deliberate difference with its reason in ALLOWED:\n  {}",
        unexpected
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    assert!(
        stale.is_empty(),
        "these allowed differences no longer exist; remove them from ALLOWED:\n  {}",
        stale
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
