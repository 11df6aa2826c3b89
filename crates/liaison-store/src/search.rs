//! The search index: written in the transaction of every change, read by search.

use std::collections::HashMap;

use liaison_core::{Activity, Agreement, Gift, Organization, PageRequest, Person, Policy};
use liaison_search::blocks::{Match, intersect};
use liaison_search::{
    Document, Entity, EntityCount, SearchHit, SearchRequest, SearchResults, Segment, analyzer,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::blocks;
use crate::records::StoredRecord;
use crate::sql::{Filter, Param, RowExt};
use crate::{Result, Store};

/// Postings are written this many to a statement: well under SQLite's limit of parameters.
const POSTINGS_PER_INSERT: usize = 300;
/// Characters of a result's text shown around its first match.
const SNIPPET_CHARS: usize = 160;

/// Whether a change to the index rewrites its blocks at once, or leaves them to be rebuilt in
/// bulk when many records are indexed together ([`blocks::rebuild`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocks {
    Now,
    Later,
}

/// Writes a document and its postings, replacing what the index held for that record.
async fn write(conn: &mut AnyConnection, document: &Document, mode: Blocks) -> Result<()> {
    remove(conn, document.entity, document.record_id, mode).await?;
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
    if mode == Blocks::Now {
        let facets = document.facets();
        let keys: Vec<(&str, f32)> = postings
            .iter()
            .map(|(term, score)| (term.as_str(), *score as f32))
            .chain(facets.iter().map(|f| (f.as_str(), 0.0)))
            .collect();
        blocks::add(conn, id, document.entity, &keys).await?;
    }
    Ok(())
}

async fn remove(
    conn: &mut AnyConnection,
    entity: Entity,
    record_id: i64,
    mode: Blocks,
) -> Result<()> {
    let old = sqlx::query(
        "SELECT id, kind, year, countries FROM search_documents \
         WHERE entity = $1 AND record_id = $2",
    )
    .bind(entity.as_str())
    .bind(record_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let (Some(old), Blocks::Now) = (old, mode) {
        let id = old.int("id")?;
        let mut keys: Vec<String> =
            sqlx::query_scalar("SELECT term FROM search_postings WHERE document_id = $1")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
        keys.extend(blocks::stored_facets(&old)?);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        blocks::remove(conn, id, &keys).await?;
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
pub(crate) async fn refresh(
    conn: &mut AnyConnection,
    policy: &Policy,
    entity: Entity,
    id: i64,
    mode: Blocks,
) -> Result<()> {
    match document(conn, policy, entity, id).await? {
        Some(document) => write(conn, &document, mode).await,
        None => remove(conn, entity, id, mode).await,
    }
}

/// The counts by kind of record of a search, and its page of documents with their scores.
type Found = (Vec<EntityCount>, Vec<(AnyRow, f64)>);

/// The page of a search for one word and no filter, read from the word's postings in order of
/// score (the `search_postings_best` indexes), not sorted; its counts are those kept with the
/// index (`search_terms`).
async fn one_word(
    conn: &mut AnyConnection,
    request: &SearchRequest,
    term: &str,
    idf: f64,
    page: &PageRequest,
) -> Result<Vec<(AnyRow, f64)>> {
    let mut filter = Filter::default();
    let p = filter.param(Param::text(term));
    filter.and(format!("term = {p}"));
    if let Some(entity) = request.entity {
        let p = filter.param(Param::text(entity.as_str()));
        filter.and(format!("entity = {p}"));
    }
    // Equally good matches come newest first (newer records have larger numbers).
    let sql = format!(
        "SELECT d.entity, d.record_id, d.title, d.body, d.kind, d.year, h.score \
         FROM (SELECT document_id, score FROM search_postings {} \
               ORDER BY score DESC, document_id DESC LIMIT {} OFFSET {}) h \
         JOIN search_documents d ON d.id = h.document_id \
         ORDER BY h.score DESC, h.document_id DESC",
        filter.sql(),
        page.per_page,
        page.offset()
    );
    let mut found = Vec::new();
    for row in filter.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
        // The word's own score orders its postings as its weighted score would.
        let score = sqlx::Row::try_get::<f64, _>(&row, "score")? * idf;
        found.push((row, score));
    }
    Ok(found)
}

/// A search for several words, or narrowed by filters: the blocks of every word and filter are
/// intersected in memory, which counts every match, and the page's documents are read by number.
async fn intersected(
    conn: &mut AnyConnection,
    request: &SearchRequest,
    terms: Vec<String>,
    idf: &[f64],
    filters: Vec<String>,
    page: &PageRequest,
) -> Result<Found> {
    let weights: Vec<f64> = idf
        .iter()
        .copied()
        .chain(filters.iter().map(|_| 0.0))
        .collect();
    let keys: Vec<String> = terms.into_iter().chain(filters).collect();
    let lists = blocks::read(conn, &keys).await?;
    let mut matches = intersect(&lists, &weights);
    let mut counts: Vec<EntityCount> = Vec::new();
    for entity in Entity::ALL {
        let count = matches.iter().filter(|m| m.entity == entity).count() as i64;
        if count > 0 {
            counts.push(EntityCount { entity, count });
        }
    }
    matches.retain(|m| request.entity.is_none_or(|e| e == m.entity));
    // Best first; equally good matches newest first (newer records have larger numbers).
    let order = |a: &Match, b: &Match| {
        b.score
            .total_cmp(&a.score)
            .then(b.document.cmp(&a.document))
    };
    let end = usize::try_from(page.offset() + page.per_page).unwrap_or(usize::MAX);
    if end < matches.len() {
        matches.select_nth_unstable_by(end, order);
        matches.truncate(end);
    }
    matches.sort_unstable_by(order);
    let shown: Vec<Match> = matches
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .collect();
    if shown.is_empty() {
        return Ok((counts, Vec::new()));
    }
    let mut filter = Filter::default();
    let placeholders: Vec<String> = shown
        .iter()
        .map(|m| filter.param(Param::int(m.document)))
        .collect();
    let sql = format!(
        "SELECT id, entity, record_id, title, body, kind, year FROM search_documents \
         WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut rows: HashMap<i64, AnyRow> = HashMap::new();
    for row in filter.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await? {
        rows.insert(row.int("id")?, row);
    }
    let found = shown
        .iter()
        .filter_map(|m| rows.remove(&m.document).map(|row| (row, m.score)))
        .collect();
    Ok((counts, found))
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
        // How many records of each kind have each word: how rare each word is and, for a search
        // of one word, the counts to show.
        let df_sql = format!(
            "SELECT term, entity, documents FROM search_terms \
             WHERE term IN ({}) AND documents > 0",
            placeholders.join(", ")
        );
        let mut by_term: HashMap<String, Vec<EntityCount>> = HashMap::new();
        for row in df_filter
            .bind(sqlx::query(&df_sql))
            .fetch_all(&mut *conn)
            .await?
        {
            if let Some(entity) = Entity::parse(&row.text("entity")?) {
                by_term
                    .entry(row.text("term")?)
                    .or_default()
                    .push(EntityCount {
                        entity,
                        count: row.int("documents")?,
                    });
            }
        }
        if by_term.len() < terms.len() {
            // A word that occurs nowhere: nothing can have them all.
            return Ok(empty(terms));
        }
        let documents = self.documents(&mut conn).await?;
        let mut by_rarity = Vec::new();
        for term in &terms {
            let df = by_term
                .get(term)
                .map_or(1, |counts| counts.iter().map(|c| c.count).sum::<i64>())
                .max(1);
            by_rarity.push((df, term.clone(), (1.0 + documents as f64 / df as f64).ln()));
        }
        by_rarity.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let rarest_first: Vec<String> = by_rarity.iter().map(|(_, t, _)| t.clone()).collect();
        let idf: Vec<f64> = by_rarity.iter().map(|(_, _, w)| *w).collect();

        let filters = request.facets();
        let (counts, found) = if rarest_first.len() == 1 && filters.is_empty() {
            let mut counts = by_term.remove(&rarest_first[0]).unwrap_or_default();
            counts.sort_by_key(|c| c.entity);
            let found = one_word(&mut conn, request, &rarest_first[0], idf[0], &page).await?;
            (counts, found)
        } else {
            intersected(&mut conn, request, rarest_first, &idf, filters, &page).await?
        };
        let total = counts
            .iter()
            .filter(|c| request.entity.is_none_or(|e| e == c.entity))
            .map(|c| c.count)
            .sum();
        let mut items = Vec::new();
        let mut highlighter = analyzer().highlighter(&terms);
        for (row, score) in found {
            let Some(entity) = Entity::parse(&row.text("entity")?) else {
                continue;
            };
            let body = row.text("body")?;
            let snippet = highlighter
                .highlight(&body, SNIPPET_CHARS)
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
                score,
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

    /// Rebuilds the whole search index and the organizations' timelines from the records, in one
    /// transaction; returns how many documents the index holds.
    pub async fn reindex(&self) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        crate::records::lock_derived(&mut tx).await?;
        sqlx::query("DELETE FROM search_postings")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_terms")
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
                refresh(&mut tx, &self.policy, entity, id, Blocks::Later).await?;
                count += 1;
            }
        }
        blocks::rebuild(&mut tx).await?;
        crate::timeline::rebuild(&mut tx).await?;
        tx.commit().await?;
        Ok(count)
    }
}
