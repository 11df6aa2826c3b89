//! The search index: written in the transaction of every change, read by search.

use liaison_core::{Activity, Agreement, Gift, Organization, PageRequest, Person, Policy};
use liaison_search::{
    Document, Entity, EntityCount, SearchHit, SearchRequest, SearchResults, Segment, analyzer,
    facets,
};
use sqlx::AnyConnection;

use crate::records::StoredRecord;
use crate::sql::{Filter, Param, RowExt};
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
    let postings = document.scored_postings();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO search_documents (entity, record_id, title, body, kind, year, countries) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(document.entity.as_str())
    .bind(document.record_id)
    .bind(document.title.as_str())
    .bind(document.body.as_str())
    .bind(document.kind.as_deref())
    .bind(document.year.map(i64::from))
    .bind(countries)
    .fetch_one(&mut *conn)
    .await?;
    for chunk in postings.chunks(POSTINGS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * i + 1,
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO search_postings (term, document_id, entity, score) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (term, score) in chunk {
            query = query
                .bind(term.as_str())
                .bind(id)
                .bind(document.entity.as_str())
                .bind(*score);
        }
        query.execute(&mut *conn).await?;
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, 1)", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO search_terms (term, entity, documents) VALUES {} \
             ON CONFLICT (term, entity) DO UPDATE SET documents = search_terms.documents + 1",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (term, _) in chunk {
            query = query.bind(term.as_str()).bind(document.entity.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    count_in_facets(conn, document.entity, &postings, &document.facets()).await
}

/// Counts one more record for each word in `postings` under each of `facets`.
async fn count_in_facets(
    conn: &mut AnyConnection,
    entity: Entity,
    postings: &[(String, f64)],
    facets: &[String],
) -> Result<()> {
    if facets.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(&str, &str)> = postings
        .iter()
        .flat_map(|(term, _)| facets.iter().map(move |f| (term.as_str(), f.as_str())))
        .collect();
    for chunk in pairs.chunks(POSTINGS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, $1, 1)", 2 * i + 2, 2 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO search_facets (term, facet, entity, documents) VALUES {} \
             ON CONFLICT (term, facet, entity) \
             DO UPDATE SET documents = search_facets.documents + 1",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(entity.as_str());
        for (term, facet) in chunk {
            query = query.bind(*term).bind(*facet);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn remove(conn: &mut AnyConnection, entity: Entity, record_id: i64) -> Result<()> {
    let old = sqlx::query(
        "SELECT id, kind, year, countries FROM search_documents \
         WHERE entity = $1 AND record_id = $2",
    )
    .bind(entity.as_str())
    .bind(record_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(old) = old {
        let countries: Vec<String> = old
            .text("countries")?
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let facets = facets(
            old.opt_text("kind")?.as_deref(),
            old.opt_int("year")?.map(|y| y as i32),
            &countries,
        );
        if !facets.is_empty() {
            // The same words as search_terms below, under each filter the record answered.
            let placeholders: Vec<String> =
                (3..facets.len() + 3).map(|i| format!("${i}")).collect();
            let sql = format!(
                "UPDATE search_facets SET documents = documents - 1 \
                 WHERE entity = $1 AND facet IN ({}) AND term IN \
                 (SELECT term FROM search_postings WHERE document_id = $2)",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(entity.as_str()).bind(old.int("id")?);
            for facet in &facets {
                query = query.bind(facet.as_str());
            }
            query.execute(&mut *conn).await?;
        }
    }
    sqlx::query(
        "UPDATE search_terms SET documents = documents - 1 WHERE entity = $1 AND term IN \
         (SELECT p.term FROM search_postings p JOIN search_documents d ON d.id = p.document_id \
          WHERE d.entity = $1 AND d.record_id = $2)",
    )
    .bind(entity.as_str())
    .bind(record_id)
    .execute(&mut *conn)
    .await?;
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

/// The SQL of the matching documents with their scores, as a `WITH hits AS (…)` clause, and the
/// filter holding its parameters; the term placeholders come first. A score is BM25: each word's
/// part worked out at indexing, weighted by how rare the word is (`idf`).
///
/// The rarest word's postings are read, and each of its records is looked up by number in the
/// postings of every other word: a search for a rare and a common word reads the few records
/// of the rare one, not all of the common one. The terms come rarest first.
fn hits(terms: &[String], idf: &[f64], filter: &mut Filter) -> String {
    let placeholders: Vec<String> = terms
        .iter()
        .map(|t| filter.param(Param::text(t.as_str())))
        .collect();
    // One word's own score orders its postings as its weighted score would, and is the column
    // the `search_postings_best` index is sorted by: the first page is read, not sorted.
    let mut score = if terms.len() == 1 {
        "r.score".to_owned()
    } else {
        format!("r.score * {:.6}", idf[0])
    };
    let mut joins = String::new();
    for (i, (placeholder, weight)) in placeholders.iter().zip(idf).enumerate().skip(1) {
        joins.push_str(&format!(
            " JOIN search_postings o{i} ON o{i}.term = {placeholder} AND o{i}.document_id = r.document_id"
        ));
        score.push_str(&format!(" + o{i}.score * {weight:.6}"));
    }
    format!(
        "WITH hits AS (SELECT r.document_id, r.entity, {score} AS score \
         FROM search_postings r{joins} WHERE r.term = {})",
        placeholders[0]
    )
}

/// Adds the filters of a request to the conditions on documents `d`.
fn narrow(filter: &mut Filter, request: &SearchRequest, with_type: bool) {
    if let (true, Some(entity)) = (with_type, request.entity) {
        let p = filter.param(Param::text(entity.as_str()));
        filter.and(format!("h.entity = {p}"));
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
            "SELECT term, CAST(SUM(documents) AS BIGINT) AS n FROM search_terms \
             WHERE term IN ({}) GROUP BY term HAVING SUM(documents) > 0",
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
        let documents = self.documents(&mut conn).await?;
        let mut by_rarity = Vec::new();
        for term in &terms {
            let df = rows
                .iter()
                .find(|r| r.text("term").is_ok_and(|t| &t == term))
                .map(|r| r.int("n"))
                .transpose()?
                .unwrap_or(1)
                .max(1);
            by_rarity.push((df, term.clone(), (1.0 + documents as f64 / df as f64).ln()));
        }
        by_rarity.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let rarest_first: Vec<String> = by_rarity.iter().map(|(_, t, _)| t.clone()).collect();
        let idf: Vec<f64> = by_rarity.iter().map(|(_, _, w)| *w).collect();

        let mut counts_filter = Filter::default();
        let with = hits(&rarest_first, &idf, &mut counts_filter);
        narrow(&mut counts_filter, request, false);
        let filtered = counts_filter.sql().contains("d.");
        let facet = request.facet();
        let counts_sql = if rarest_first.len() == 1 && !filtered {
            // One word and no filter: the counts kept with the index are the answer.
            counts_filter = Filter::default();
            let term = counts_filter.param(Param::text(rarest_first[0].as_str()));
            format!(
                "SELECT entity, documents AS n FROM search_terms \
                 WHERE term = {term} AND documents > 0"
            )
        } else if let (1, Some(facet)) = (rarest_first.len(), facet) {
            // One word and one filter: so are the counts kept by filter.
            counts_filter = Filter::default();
            let term = counts_filter.param(Param::text(rarest_first[0].as_str()));
            let facet = counts_filter.param(Param::text(facet));
            format!(
                "SELECT entity, documents AS n FROM search_facets \
                 WHERE term = {term} AND facet = {facet} AND documents > 0"
            )
        } else {
            // Without filters the hits alone are counted; a filter needs the documents' columns.
            let counted = if filtered {
                "hits h JOIN search_documents d ON d.id = h.document_id"
            } else {
                "hits h"
            };
            format!(
                "{with} SELECT h.entity, COUNT(*) AS n FROM {counted} {} GROUP BY h.entity",
                counts_filter.sql()
            )
        };
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
        let with = hits(&rarest_first, &idf, &mut items_filter);
        narrow(&mut items_filter, request, true);
        // Equally good matches come newest first (newer records have larger numbers). Without
        // filters on the documents only the page of hits is joined to them.
        let page_sql = format!("LIMIT {} OFFSET {}", page.per_page, page.offset());
        let items_sql = if items_filter.sql().contains("d.") {
            format!(
                "{with} SELECT d.entity, d.record_id, d.title, d.body, d.kind, d.year, h.score \
                 FROM hits h JOIN search_documents d ON d.id = h.document_id {} \
                 ORDER BY h.score DESC, h.document_id DESC {page_sql}",
                items_filter.sql()
            )
        } else {
            format!(
                "{with} SELECT d.entity, d.record_id, d.title, d.body, d.kind, d.year, h.score \
                 FROM (SELECT * FROM hits h {} ORDER BY h.score DESC, h.document_id DESC \
                 {page_sql}) h JOIN search_documents d ON d.id = h.document_id \
                 ORDER BY h.score DESC, h.document_id DESC",
                items_filter.sql()
            )
        };
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
                // A one-word search ranks by the word's own score; shown, it is weighted like any.
                score: sqlx::Row::try_get::<f64, _>(&row, "score")?
                    * if rarest_first.len() == 1 { idf[0] } else { 1.0 },
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

    /// How many documents the index holds, for the weights of words; counting them takes
    /// milliseconds at 100,000 records, so the number is kept for a moment.
    async fn documents(&self, conn: &mut AnyConnection) -> Result<i64> {
        let writes = self.kept.writes.count();
        if let Some(n) = self.kept.documents.get(&(), &self.kept.writes) {
            return Ok(n);
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_documents")
            .fetch_one(&mut *conn)
            .await?;
        self.kept.documents.put((), n, writes);
        Ok(n)
    }

    /// Rebuilds the whole search index from the records, in one transaction; returns how many
    /// documents it holds.
    pub async fn reindex(&self) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM search_postings")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_terms")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_facets")
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
