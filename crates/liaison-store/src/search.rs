//! The search index: written in the transaction of every change, read by search.

use liaison_core::{Activity, Agreement, Gift, Organization, PageRequest, Person, Policy};
use liaison_search::{
    Document, Entity, EntityCount, SearchHit, SearchRequest, SearchResults, Segment, analyzer,
};
use sqlx::AnyConnection;

use crate::records::StoredRecord;
use crate::sql::{Filter, Param, RowExt, date_text};
use crate::{Result, Store};

/// Postings are written this many to a statement: well under SQLite's limit of parameters.
const POSTINGS_PER_INSERT: usize = 300;
/// Characters of a result's text shown around its first match.
const SNIPPET_CHARS: usize = 160;

/// Writes a document and its postings, replacing what the index held for that record.
async fn write(conn: &mut AnyConnection, document: &Document) -> Result<()> {
    remove(conn, document.entity, document.record_id).await?;
    let countries = if document.countries.is_empty() {
        String::new()
    } else {
        format!(" {} ", document.countries.join(" "))
    };
    let postings: Vec<(String, i64)> = document.postings().into_iter().collect();
    let length: i64 = postings.iter().map(|(_, weight)| weight).sum();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO search_documents (entity, record_id, title, body, kind, year, countries, \
         sort_date, length) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(document.entity.as_str())
    .bind(document.record_id)
    .bind(document.title.as_str())
    .bind(document.body.as_str())
    .bind(document.kind.as_deref())
    .bind(document.year.map(i64::from))
    .bind(countries)
    .bind(document.date.map(date_text))
    .bind(length)
    .fetch_one(&mut *conn)
    .await?;
    for chunk in postings.chunks(POSTINGS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO search_postings (term, document_id, weight) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (term, weight) in chunk {
            query = query.bind(term.as_str()).bind(id).bind(*weight);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn remove(conn: &mut AnyConnection, entity: Entity, record_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM search_documents WHERE entity = $1 AND record_id = $2")
        .bind(entity.as_str())
        .bind(record_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The document of a record as it is now, or `None` when it is gone.
async fn document(
    conn: &mut AnyConnection,
    policy: &Policy,
    entity: Entity,
    id: i64,
) -> Result<Option<Document>> {
    let found = match entity {
        Entity::Activity => match Activity::fetch(conn, policy, id).await {
            Ok(activity) => {
                let ids: Vec<i64> = activity
                    .inviting_organization
                    .iter()
                    .chain(&activity.partners)
                    .map(|n| n.id)
                    .collect();
                let mut countries = Vec::new();
                for org in ids {
                    let country: Option<String> =
                        sqlx::query_scalar("SELECT country FROM organizations WHERE id = $1")
                            .bind(org)
                            .fetch_optional(&mut *conn)
                            .await?;
                    countries.extend(country);
                }
                Ok(Document::from_activity(&activity).with_countries(countries))
            }
            Err(e) => Err(e),
        },
        Entity::Organization => Organization::fetch(conn, policy, id)
            .await
            .map(|o| Document::from_organization(&o)),
        Entity::Person => Person::fetch(conn, policy, id)
            .await
            .map(|p| Document::from_person(&p)),
        Entity::Agreement => Agreement::fetch(conn, policy, id)
            .await
            .map(|a| Document::from_agreement(&a)),
        Entity::Gift => Gift::fetch(conn, policy, id)
            .await
            .map(|g| Document::from_gift(&g)),
    };
    match found {
        Ok(document) => Ok(Some(document)),
        Err(crate::Error::Domain(liaison_core::Error::NotFound { .. })) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Brings one record's document up to date with the record.
async fn refresh(conn: &mut AnyConnection, policy: &Policy, entity: Entity, id: i64) -> Result<()> {
    match document(conn, policy, entity, id).await? {
        Some(document) => write(conn, &document).await,
        None => remove(conn, entity, id).await,
    }
}

/// The newest audit entry; what a transaction changes is audited after it.
pub(crate) async fn audit_mark(conn: &mut AnyConnection) -> Result<i64> {
    let mark: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    Ok(mark.unwrap_or(0))
}

/// Refreshes the documents of every record the audit log shows changed since `mark`: the
/// record itself and the ones created with it on the way, in the same transaction, so a saved
/// change is found at once by every process sharing the database.
pub(crate) async fn refresh_since(
    conn: &mut AnyConnection,
    policy: &Policy,
    mark: i64,
) -> Result<()> {
    let rows = sqlx::query(
        "SELECT DISTINCT entity, record_id FROM audit_log \
         WHERE id > $1 AND record_id IS NOT NULL ORDER BY entity, record_id",
    )
    .bind(mark)
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = Vec::new();
    for row in rows {
        if let Some(entity) = Entity::parse(&row.text("entity")?) {
            changed.push((entity, row.int("record_id")?));
        }
    }
    for (entity, id) in changed {
        refresh(conn, policy, entity, id).await?;
    }
    Ok(())
}

/// BM25's constants, as most search engines set them: how soon more occurrences of a word stop
/// adding, and how much a long record is discounted.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// The SQL of the matching documents with their BM25 scores, as a `WITH hits AS (…)` clause, and
/// the filter holding its parameters; the term placeholders come first.
fn hits(terms: &[String], idf: &[f64], average_length: f64, filter: &mut Filter) -> String {
    let placeholders: Vec<String> = terms
        .iter()
        .map(|t| filter.param(Param::text(t.as_str())))
        .collect();
    let weights: Vec<String> = placeholders
        .iter()
        .zip(idf)
        .map(|(p, w)| format!("WHEN {p} THEN {w:.6}"))
        .collect();
    let k1 = BM25_K1;
    let keep = 1.0 - BM25_B;
    let scale = BM25_B / average_length.max(1.0);
    format!(
        "WITH hits AS (SELECT p.document_id, CAST(SUM((CASE p.term {} END) * p.weight * {:.3} \
         / (p.weight + {k1:.3} * ({keep:.3} + {scale:.9} * d.length))) AS DOUBLE PRECISION) AS score \
         FROM search_postings p JOIN search_documents d ON d.id = p.document_id \
         WHERE p.term IN ({}) GROUP BY p.document_id HAVING COUNT(*) = {})",
        weights.join(" "),
        k1 + 1.0,
        placeholders.join(", "),
        terms.len()
    )
}

/// Adds the filters of a request to the conditions on documents `d`.
fn narrow(filter: &mut Filter, request: &SearchRequest, with_type: bool) {
    if let (true, Some(entity)) = (with_type, request.entity) {
        let p = filter.param(Param::text(entity.as_str()));
        filter.and(format!("d.entity = {p}"));
    }
    if let Some(kind) = request
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        let p = filter.param(Param::text(kind));
        filter.and(format!("d.kind = {p}"));
    }
    if let Some(year) = request.year {
        let p = filter.param(Param::int(i64::from(year)));
        filter.and(format!("d.year = {p}"));
    }
    if let Some(country) = request
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let p = filter.param(Param::text(format!("% {} %", country.to_ascii_uppercase())));
        filter.and(format!("d.countries LIKE {p}"));
    }
}

impl Store {
    /// Finds records by the words of `request.q`: every word must occur; the best matches come
    /// first (words in titles and names count most, rare words more than common ones).
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let page = PageRequest::parse(request.page, request.per_page, None, &["score"], true)?;
        let terms = analyzer().query_terms(request.q.as_deref().unwrap_or_default());
        let empty = |terms: Vec<String>| SearchResults {
            terms,
            total: 0,
            counts: Vec::new(),
            items: Vec::new(),
            page: page.page,
            per_page: page.per_page,
        };
        if terms.is_empty() {
            return Ok(empty(terms));
        }
        let mut conn = self.read.acquire().await?;
        let mut df_filter = Filter::default();
        let placeholders: Vec<String> = terms
            .iter()
            .map(|t| df_filter.param(Param::text(t.as_str())))
            .collect();
        let df_sql = format!(
            "SELECT term, COUNT(*) AS n FROM search_postings WHERE term IN ({}) GROUP BY term",
            placeholders.join(", ")
        );
        let rows = df_filter
            .bind(sqlx::query(&df_sql))
            .fetch_all(&mut *conn)
            .await?;
        if rows.len() < terms.len() {
            // A word that occurs nowhere: nothing can have them all.
            return Ok(empty(terms));
        }
        let stats = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(AVG(length) AS DOUBLE PRECISION) AS average \
             FROM search_documents",
        )
        .fetch_one(&mut *conn)
        .await?;
        let documents = stats.int("n")?;
        let average_length: f64 =
            sqlx::Row::try_get::<Option<f64>, _>(&stats, "average")?.unwrap_or(1.0);
        let mut idf = Vec::new();
        for term in &terms {
            let df = rows
                .iter()
                .find(|r| r.text("term").is_ok_and(|t| &t == term))
                .map(|r| r.int("n"))
                .transpose()?
                .unwrap_or(1)
                .max(1);
            idf.push((1.0 + documents as f64 / df as f64).ln());
        }

        let mut counts_filter = Filter::default();
        let with = hits(&terms, &idf, average_length, &mut counts_filter);
        narrow(&mut counts_filter, request, false);
        let counts_sql = format!(
            "{with} SELECT d.entity, COUNT(*) AS n FROM hits h \
             JOIN search_documents d ON d.id = h.document_id {} GROUP BY d.entity",
            counts_filter.sql()
        );
        let mut counts: Vec<EntityCount> = Vec::new();
        for row in counts_filter
            .bind(sqlx::query(&counts_sql))
            .fetch_all(&mut *conn)
            .await?
        {
            if let Some(entity) = Entity::parse(&row.text("entity")?) {
                counts.push(EntityCount {
                    entity,
                    count: row.int("n")?,
                });
            }
        }
        counts.sort_by_key(|c| c.entity);
        let total = counts
            .iter()
            .filter(|c| request.entity.is_none_or(|e| e == c.entity))
            .map(|c| c.count)
            .sum();

        let mut items_filter = Filter::default();
        let with = hits(&terms, &idf, average_length, &mut items_filter);
        narrow(&mut items_filter, request, true);
        let items_sql = format!(
            "{with} SELECT d.entity, d.record_id, d.title, d.body, d.kind, d.year, h.score \
             FROM hits h JOIN search_documents d ON d.id = h.document_id {} \
             ORDER BY h.score DESC, d.sort_date DESC NULLS LAST, d.id DESC LIMIT {} OFFSET {}",
            items_filter.sql(),
            page.per_page,
            page.offset()
        );
        let mut items = Vec::new();
        for row in items_filter
            .bind(sqlx::query(&items_sql))
            .fetch_all(&mut *conn)
            .await?
        {
            let Some(entity) = Entity::parse(&row.text("entity")?) else {
                continue;
            };
            let body = row.text("body")?;
            let snippet = analyzer()
                .highlight(&body, &terms, SNIPPET_CHARS)
                .unwrap_or_else(|| {
                    vec![Segment {
                        text: body.chars().take(SNIPPET_CHARS).collect(),
                        matched: false,
                    }]
                });
            items.push(SearchHit {
                entity,
                id: row.int("record_id")?,
                title: row.text("title")?,
                kind: row.opt_text("kind")?,
                year: row.opt_int("year")?.map(|y| y as i32),
                snippet,
                score: sqlx::Row::try_get::<f64, _>(&row, "score")?,
            });
        }
        Ok(SearchResults {
            terms,
            total,
            counts,
            items,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Rebuilds the whole search index from the records, in one transaction; returns how many
    /// documents it holds.
    pub async fn reindex(&self) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM search_postings")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_documents")
            .execute(&mut *tx)
            .await?;
        let mut count = 0;
        for (entity, table) in [
            (Entity::Activity, "activities"),
            (Entity::Organization, "organizations"),
            (Entity::Person, "people"),
            (Entity::Agreement, "agreements"),
            (Entity::Gift, "gifts"),
        ] {
            let ids: Vec<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} ORDER BY id"))
                .fetch_all(&mut *tx)
                .await?;
            for id in ids {
                refresh(&mut tx, &self.policy, entity, id).await?;
                count += 1;
            }
        }
        tx.commit().await?;
        Ok(count)
    }
}
