//! Helpers shared by the queries: reading rows, building filters, stored text forms of values.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use liaison_core::{Meta, Named, Page, PageRequest, display_name};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use crate::{Error, Result, Store};

/// The current time as stored: RFC 3339 in UTC with microseconds, so it sorts as text.
pub(crate) fn now() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The stored name of an enum value: its serde name, such as `inbound_visit`.
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    liaison_core::code(value).unwrap_or_else(|| format!("{:?}", serde_json::to_value(value)))
}

pub(crate) fn parse_enum<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| Error::Corrupt(format!("unknown value '{text}'")))
}

pub(crate) fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// Typed access to the columns of a row, with damaged values reported as such.
pub(crate) trait RowExt {
    fn text(&self, column: &str) -> Result<String>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;

    fn date(&self, column: &str) -> Result<NaiveDate> {
        let text = self.text(column)?;
        text.parse()
            .map_err(|_| Error::Corrupt(format!("{column}: '{text}' is not a date")))
    }

    fn opt_date(&self, column: &str) -> Result<Option<NaiveDate>> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| Error::Corrupt(format!("{column}: '{text}' is not a date"))),
        }
    }

    fn timestamp(&self, column: &str) -> Result<DateTime<Utc>> {
        let text = self.text(column)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| Error::Corrupt(format!("{column}: '{text}' is not a timestamp")))
    }

    fn enumerated<T: DeserializeOwned>(&self, column: &str) -> Result<T> {
        parse_enum(&self.text(column)?)
    }

    fn json<T: DeserializeOwned>(&self, column: &str) -> Result<T> {
        let text = self.text(column)?;
        serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("{column}: {e}")))
    }

    /// The bookkeeping columns every record table has, read under the given table alias.
    fn meta(&self) -> Result<Meta> {
        Ok(Meta {
            id: self.int("id")?,
            key: self.opt_text("key")?,
            version: self.int("version")?,
            created_at: self.timestamp("created_at")?,
            updated_at: self.timestamp("updated_at")?,
        })
    }

    /// A joined record selected as `{prefix}_id`, `{prefix}_key`, `{prefix}_name_zh` and
    /// `{prefix}_name_en`; `None` when the join found nothing.
    fn named(&self, prefix: &str) -> Result<Option<Named>> {
        let Some(id) = self.opt_int(&format!("{prefix}_id"))? else {
            return Ok(None);
        };
        Ok(Some(Named {
            id,
            key: self.opt_text(&format!("{prefix}_key"))?,
            name: display_name(
                &self.opt_text(&format!("{prefix}_name_zh"))?,
                &self.opt_text(&format!("{prefix}_name_en"))?,
            ),
        }))
    }
}

impl RowExt for AnyRow {
    fn text(&self, column: &str) -> Result<String> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }
}

/// The fields of a record named in a list, read from table alias `alias`.
pub(crate) fn named_fields(alias: &str) -> Vec<(&'static str, String)> {
    ["id", "key", "name_zh", "name_en"]
        .into_iter()
        .map(|field| (field, format!("{alias}.{field}")))
        .collect()
}

/// The columns a query selects, each an SQL expression and the name its value is read by.
/// A list reads its rows by these names, so they are kept as data: nothing takes SQL text apart
/// to find them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    columns: Vec<(String, String)>,
}

impl Selection {
    /// The columns `names` of the table aliased `alias`, each read by its own name.
    pub(crate) fn of(alias: &str, names: &[&str]) -> Selection {
        Selection::default().columns(alias, names)
    }

    /// Adds the columns `names` of the table aliased `alias`, each read by its own name.
    pub(crate) fn columns(mut self, alias: &str, names: &[&str]) -> Selection {
        for name in names {
            self.columns
                .push((format!("{alias}.{name}"), (*name).to_owned()));
        }
        self
    }

    /// Adds `expression`, read as `name`.
    pub(crate) fn with(mut self, expression: impl Into<String>, name: impl Into<String>) -> Self {
        self.columns.push((expression.into(), name.into()));
        self
    }

    /// Adds a joined record aliased `alias` for [`RowExt::named`] under `prefix`.
    pub(crate) fn named(self, alias: &str, prefix: &str) -> Selection {
        ["id", "key", "name_zh", "name_en"]
            .into_iter()
            .fold(self, |selection, field| {
                selection.with(format!("{alias}.{field}"), format!("{prefix}_{field}"))
            })
    }

    /// The names the values are read by, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(_, name)| name.as_str())
    }

    /// The expressions, in order.
    pub(crate) fn expressions(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .map(|(expression, _)| expression.as_str())
    }

    /// The select list: `expression AS name, …`.
    pub(crate) fn sql(&self) -> String {
        self.columns
            .iter()
            .map(|(expression, name)| format!("{expression} AS {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A record named in one of a record's lists read as JSON ([`crate::Backend::json_rows_sql`]).
#[derive(Deserialize)]
pub(crate) struct NamedJson {
    pub(crate) id: i64,
    pub(crate) key: Option<String>,
    pub(crate) name_zh: Option<String>,
    pub(crate) name_en: Option<String>,
}

impl NamedJson {
    pub(crate) fn named(self) -> Named {
        Named {
            id: self.id,
            name: display_name(&self.name_zh, &self.name_en),
            key: self.key,
        }
    }
}

/// A value to bind to a placeholder of a query built at run time. Empty values keep their
/// type, because PostgreSQL refuses a text NULL for a number column.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(Option<i64>),
    Text(Option<String>),
    Real(f64),
    Bytes(Vec<u8>),
}

impl Param {
    pub(crate) fn int(value: i64) -> Param {
        Param::Int(Some(value))
    }

    pub(crate) fn text(value: impl Into<String>) -> Param {
        Param::Text(Some(value.into()))
    }
}

/// Binds parameters in order.
pub(crate) fn bind_params<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    params: &'q [Param],
) -> Query<'q, Any, AnyArguments<'q>> {
    for p in params {
        query = match p {
            Param::Int(i) => query.bind(*i),
            Param::Text(s) => query.bind(s.as_deref()),
            Param::Real(r) => query.bind(*r),
            Param::Bytes(b) => query.bind(b.as_slice()),
        };
    }
    query
}

/// The data columns of one record and their values, listed once for both insert and update.
#[derive(Debug, Default, Clone)]
pub(crate) struct Columns {
    pub(crate) names: Vec<&'static str>,
    pub(crate) values: Vec<Param>,
}

impl Columns {
    pub(crate) fn text(mut self, name: &'static str, value: Option<&str>) -> Self {
        self.names.push(name);
        self.values.push(Param::Text(value.map(str::to_owned)));
        self
    }

    pub(crate) fn int(mut self, name: &'static str, value: Option<i64>) -> Self {
        self.names.push(name);
        self.values.push(Param::Int(value));
        self
    }
}

/// `count` numbered placeholders from `$first`, comma-separated: the list of an `IN (…)` or a
/// row of `VALUES`.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `IN` the values of a JSON list bound as text to `$1` ([`json_list`]), each as `sql_type`:
/// thousands of values with one parameter, where binding each costs more the more a statement
/// has (see [`insert_rows`]).
pub(crate) fn in_json_list(backend: crate::Backend, sql_type: &str) -> String {
    format!(
        "IN (SELECT CAST(value ->> 0 AS {sql_type}) FROM {})",
        backend.json_elements_sql()
    )
}

/// The JSON list [`in_json_list`] reads: each value in an array of its own, as
/// [`crate::Backend::json_elements_sql`] reads rows.
pub(crate) fn json_list<T: Serialize>(values: &[T]) -> String {
    json_text(&values.iter().map(|v| [v]).collect::<Vec<_>>())
}

/// The `WHERE` clause of a list, built from the filters a user chose, with its parameters.
#[derive(Debug, Default, Clone)]
pub(crate) struct Filter {
    conditions: Vec<String>,
    params: Vec<Param>,
}

impl Filter {
    /// Adds a parameter and returns its placeholder, `$1`, `$2`…
    pub(crate) fn param(&mut self, value: Param) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    pub(crate) fn and(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    /// How many conditions the filter holds.
    pub(crate) fn len(&self) -> usize {
        self.conditions.len()
    }

    /// Adds a condition that any of `columns` contains the words of `q`, ignoring case.
    pub(crate) fn contains(&mut self, columns: &[&str], q: &Option<String>) {
        let Some(q) = q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
            return;
        };
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = self.param(Param::text(format!("%{escaped}%")));
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER({c}) LIKE {p} ESCAPE '\\'"))
            .collect();
        self.and(format!("({})", any.join(" OR ")));
    }

    /// Adds a condition that `column`, a record's number, is one of `records`, each looked up by
    /// number: a JSON array bound as one parameter. For a list whose order follows what found
    /// its records (the people found by a name, listed by name), where walking the list in its
    /// order would pass every row before the first found.
    pub(crate) fn among(&mut self, backend: crate::Backend, column: &str, records: &[i64]) {
        if records.is_empty() {
            self.and("1 = 0".to_owned());
            return;
        }
        let numbers = self.numbers(backend, records);
        self.and(format!("{column} IN ({numbers})"));
    }

    /// SQL selecting the numbers `records`: a JSON array bound as one parameter.
    pub(crate) fn numbers(&mut self, backend: crate::Backend, records: &[i64]) -> String {
        let json = format!(
            "[{}]",
            records
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let p = self.param(Param::text(json));
        backend.json_numbers_sql(&p)
    }

    /// Like [`Filter::among`] for a list of about `listed` rows walked in an order that has
    /// nothing to do with how `records` (in increasing order) were found, such as the
    /// activities by date: a few are looked up by number, many are a byte for each number,
    /// tested row by row as the list is walked, which stops at the page. Looking up a quarter
    /// of 100,000 activities to sort them took longer than walking to the page's rows.
    pub(crate) fn among_walked(
        &mut self,
        backend: crate::Backend,
        column: &str,
        records: &[i64],
        listed: i64,
    ) {
        let found = records.len() as i64;
        // Looking a record up costs about as much as walking past a few rows, and a page of
        // 50 walks about 50 * listed / found rows.
        let Some(&last) = records
            .last()
            .filter(|_| found * found > 5 * listed.max(found))
        else {
            self.among(backend, column, records);
            return;
        };
        let mut bytes = vec![0u8; usize::try_from(last).unwrap_or(0)];
        for &record in records {
            if let Some(byte) = usize::try_from(record - 1)
                .ok()
                .and_then(|i| bytes.get_mut(i))
            {
                *byte = 1;
            }
        }
        let p = self.param(Param::Bytes(bytes));
        let one = self.param(Param::Bytes(vec![1]));
        self.and(format!("substr({p}, CAST({column} AS INTEGER), 1) = {one}"));
    }

    /// The filter's conditions joined by `AND`, if it has any.
    pub(crate) fn conditions(&self) -> Option<String> {
        (!self.conditions.is_empty()).then(|| self.conditions.join(" AND "))
    }

    pub(crate) fn sql(&self) -> String {
        self.conditions()
            .map(|conditions| format!("WHERE {conditions}"))
            .unwrap_or_default()
    }

    pub(crate) fn bind<'q>(
        &'q self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        bind_params(query, &self.params)
    }
}

/// How a list's total is found.
pub(crate) enum Total<'a> {
    /// Counted by the database: `count` (`COUNT(*)`, or the sum of counts kept in advance) over
    /// the rows of `from`, the list's own table without the joins that only bring names to show.
    /// The filters may name only its columns.
    Counted { from: &'a str, count: &'a str },
    /// A scalar subquery of its own, which may use the filter's parameters.
    Expression(String),
    /// Known before the page is read.
    Known(i64),
}

/// The parts of a list query: what to select, from where, and the sort keys it offers.
pub(crate) struct ListQuery<'a> {
    pub columns: Selection,
    /// Columns worked out for the page's rows alone, once the page is cut, from its columns
    /// under the alias `r`: a record's lists, which would otherwise be built for every row the
    /// filters keep before the sort chooses the page.
    pub page_columns: Selection,
    pub from: &'a str,
    /// How the total is found.
    pub total: Total<'a>,
    pub filter: Filter,
    /// The `ORDER BY` expressions for the chosen sort key, without direction; the last one is
    /// the id, so pages never repeat or skip rows with equal keys.
    pub order: &'a [&'a str],
}

impl Store {
    /// Runs a list query: the total count and the rows of the requested page, in one statement
    /// that answers with one row. The page's rows come as one JSON array of arrays built by the
    /// database, in the page's order: rows sent one by one cost more in hand-offs to and from the
    /// connection's thread than reading them (see `Backend::json_arrays_sql`).
    pub(crate) async fn list_page<T>(
        &self,
        list: ListQuery<'_>,
        page: &PageRequest,
        map: impl Fn(&ListRow) -> Result<T>,
    ) -> Result<Page<T>> {
        let where_sql = list.filter.sql();
        let count_sql = match list.total {
            Total::Counted { from, count } => {
                format!("(SELECT {count} AS n FROM {from} {where_sql})")
            }
            Total::Expression(expression) => expression,
            Total::Known(total) => total.to_string(),
        };
        let direction = if page.descending { "DESC" } else { "ASC" };
        // Each sort key is selected with the page's rows, so the array is gathered in their order.
        let mut sort_columns = Vec::new();
        let mut page_order = Vec::new();
        let mut array_order = Vec::new();
        for (i, part) in list.order.iter().enumerate() {
            // SQLite and PostgreSQL put NULL at opposite ends; a missing value goes last in both.
            let (expression, nulls) = match part.strip_suffix(" NULLS LAST") {
                Some(expression) => (expression, " NULLS LAST"),
                None => (*part, ""),
            };
            sort_columns.push(format!("{expression} AS list_sort_{i}"));
            page_order.push(format!("{expression} {direction}{nulls}"));
            array_order.push(format!("r.list_sort_{i} {direction}{nulls}"));
        }
        let values: Vec<String> = list
            .columns
            .names()
            .map(|name| format!("r.{name}"))
            .chain(list.page_columns.expressions().map(str::to_owned))
            .collect();
        let rows = self.backend.json_arrays_sql(
            &values,
            &format!(
                "FROM (SELECT {}, {} FROM {} {where_sql} ORDER BY {} LIMIT {} OFFSET {}) r",
                list.columns.sql(),
                sort_columns.join(", "),
                list.from,
                page_order.join(", "),
                page.per_page,
                page.offset()
            ),
            &array_order.join(", "),
        );
        // The filter's numbered parameters serve both the count and the page. The count's own
        // table alias hides the list's inside its subquery.
        let sql = format!("SELECT {count_sql} AS list_total, {rows} AS list_rows");
        let row = list
            .filter
            .bind(sqlx::query(&sql))
            .fetch_one(&self.read)
            .await?;
        let names: Arc<[String]> = list
            .columns
            .names()
            .chain(list.page_columns.names())
            .map(str::to_owned)
            .collect();
        let items = row
            .json::<Vec<Vec<serde_json::Value>>>("list_rows")?
            .into_iter()
            .map(|values| {
                map(&ListRow {
                    names: Arc::clone(&names),
                    values,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            items,
            total: row.int("list_total")?,
            page: page.page,
            per_page: page.per_page,
        })
    }
}

/// One row of a list page read as JSON: its values in the order of the list's columns.
pub(crate) struct ListRow {
    names: Arc<[String]>,
    values: Vec<serde_json::Value>,
}

impl ListRow {
    /// The value of `column`.
    fn value(&self, column: &str) -> Result<&serde_json::Value> {
        self.names
            .iter()
            .position(|name| name == column)
            .and_then(|place| self.values.get(place))
            .ok_or_else(|| Error::Corrupt(format!("{column}: not in the list's row")))
    }
}

impl RowExt for ListRow {
    fn text(&self, column: &str) -> Result<String> {
        self.opt_text(column)?
            .ok_or_else(|| Error::Corrupt(format!("{column}: empty")))
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        use serde_json::Value;
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::String(text) => Ok(Some(text.clone())),
            // A list built by the database (SQLite keeps it as JSON inside JSON).
            value @ (Value::Array(_) | Value::Object(_)) => Ok(Some(value.to_string())),
            other => Err(Error::Corrupt(format!("{column}: {other} is not text"))),
        }
    }
    fn json<T: DeserializeOwned>(&self, column: &str) -> Result<T> {
        let corrupt = |e: serde_json::Error| Error::Corrupt(format!("{column}: {e}"));
        match self.value(column)? {
            // JSON the database took out of a longer text comes as JSON, not as text again.
            value @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                T::deserialize(value).map_err(corrupt)
            }
            _ => serde_json::from_str(&self.text(column)?).map_err(corrupt),
        }
    }
    fn int(&self, column: &str) -> Result<i64> {
        self.opt_int(column)?
            .ok_or_else(|| Error::Corrupt(format!("{column}: empty")))
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        match self.value(column)? {
            serde_json::Value::Null => Ok(None),
            value => value
                .as_i64()
                .map(Some)
                .ok_or_else(|| Error::Corrupt(format!("{column}: {value} is not a whole number"))),
        }
    }
}

/// Rows written by [`insert_rows`] to one statement: a few hundred kilobytes of JSON.
const ROWS_PER_INSERT: usize = 2_000;

/// Inserts a row into `table` for each of `rows`, its `columns` given by `values`, many rows to a
/// statement: they travel as one JSON array bound to a single parameter and are read back into
/// rows by the database ([`crate::Backend::inserted_rows_sql`]), so a statement of two thousand
/// rows costs one parameter, not thousands. Each column is read as the type of its value in the
/// first row. Returns the `returning` columns (`""` for none) of the rows inserted, in no
/// promised order.
pub(crate) async fn insert_rows<T>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[T],
    values: impl Fn(&T) -> Vec<Param>,
    returning: &str,
) -> Result<Vec<AnyRow>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    // Bytes have no JSON form: rows that hold them are written one to a statement.
    if values(first).iter().any(|v| matches!(v, Param::Bytes(_))) {
        return Err(Error::Corrupt(format!(
            "{table}: bytes cannot be written many rows to a statement"
        )));
    }
    let read: Vec<String> = values(first)
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let as_type = match value {
                Param::Int(_) => "BIGINT",
                Param::Text(_) => "TEXT",
                Param::Real(_) => "DOUBLE PRECISION",
                Param::Bytes(_) => "TEXT",
            };
            format!("CAST(value ->> {i} AS {as_type})")
        })
        .collect();
    let returning = if returning.is_empty() {
        String::new()
    } else {
        format!(" RETURNING {returning}")
    };
    let (with, from) = crate::Backend::of(conn).inserted_rows_sql();
    let sql = format!(
        "{with}INSERT INTO {table} ({}) SELECT {} FROM {from}{returning}",
        columns.join(", "),
        read.join(", "),
    );
    let mut returned = Vec::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut json = String::from("[");
        for (n, row) in chunk.iter().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push('[');
            for (i, value) in values(row).iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                let written = match value {
                    Param::Int(Some(v)) => v.to_string(),
                    Param::Text(Some(v)) => serde_json::to_string(v)
                        .map_err(|e| Error::Corrupt(format!("{table}: {e}")))?,
                    Param::Real(v) if v.is_finite() => serde_json::to_string(v)
                        .map_err(|e| Error::Corrupt(format!("{table}: {e}")))?,
                    Param::Int(None) | Param::Text(None) | Param::Real(_) | Param::Bytes(_) => {
                        "null".to_owned()
                    }
                };
                json.push_str(&written);
            }
            json.push(']');
        }
        json.push(']');
        let query = sqlx::query(&sql).bind(json);
        if returning.is_empty() {
            query.execute(&mut *conn).await.map_err(Error::from_write)?;
        } else {
            returned.extend(
                query
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(Error::from_write)?,
            );
        }
    }
    Ok(returned)
}

#[cfg(test)]
mod tests {
    use liaison_core::{Actor, Organization, PageRequest};

    use super::{Filter, ListQuery, RowExt, Selection, Total};
    use crate::Backend;
    use crate::testing::TestDatabase;

    /// A list whose columns hold commas inside a string and inside function calls reads each
    /// value under its own name, on both databases.
    async fn commas_inside_a_column_do_not_split_it(backend: Backend) {
        let db = TestDatabase::new(backend).await;
        let store = &db.store;
        for (name, country) in [("Mekong, Lancang Institute", "LA"), ("Plain", "TH")] {
            let input = serde_json::from_value(serde_json::json!({
                "kind": "university", "country": country, "name_en": name
            }))
            .unwrap();
            store
                .create::<Organization>(&Actor::command_line("sql test"), input)
                .await
                .unwrap();
        }
        let list = ListQuery {
            columns: Selection::of("o", &["id"])
                .with("COALESCE(o.name_zh, 'none, given')", "fallback")
                .with("REPLACE(o.name_en, ',', ' /')", "slashed")
                .with("o.country || ', ' || o.region", "place"),
            page_columns: Selection::default()
                .with("r.fallback || ', ' || 'after'", "after")
                .with("r.id + 1", "next"),
            from: "organizations o",
            total: Total::Counted {
                from: "organizations o",
                count: "COUNT(*)",
            },
            filter: Filter::default(),
            order: &["o.id"],
        };
        let page = PageRequest::parse(Some(1), Some(10), None, &["id"], false).unwrap();
        let rows = store
            .list_page(list, &page, |row| {
                Ok((
                    row.int("id")?,
                    row.text("fallback")?,
                    row.text("slashed")?,
                    row.text("place")?,
                    row.text("after")?,
                    row.int("next")?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(rows.total, 2);
        let (id, fallback, slashed, place, after, next) = &rows.items[0];
        assert_eq!(fallback, "none, given");
        assert_eq!(slashed, "Mekong / Lancang Institute");
        assert_eq!(place, "LA, foreign");
        assert_eq!(after, "none, given, after");
        assert_eq!(*next, id + 1);
        assert_eq!(rows.items[1].2, "Plain");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_commas_inside_a_column_do_not_split_it() {
        commas_inside_a_column_do_not_split_it(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_commas_inside_a_column_do_not_split_it() {
        commas_inside_a_column_do_not_split_it(Backend::Postgres).await;
    }
}
