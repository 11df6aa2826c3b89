//! Storing the search index's blocks (`liaison_search::blocks`): rewritten in the transaction of
//! each change, rebuilt from the postings in bulk, read by searches for several words or filters.

use std::collections::{BTreeMap, HashMap};

use liaison_core::RecordKind;
use liaison_search::blocks::{BlockBuilder, EncodedBlock, Entry, block_of, decode, encode};
use liaison_search::title_key;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::locks::{self, Lock};
use crate::sql::{RowExt, placeholders};
use crate::{Result, Store};

/// Keys read or written to a statement: well under SQLite's limit of parameters.
const KEYS_PER_STATEMENT: usize = 300;
/// Blocks stored to a statement when they are built in bulk.
const BLOCKS_PER_INSERT: usize = 50;
/// Postings read to a statement when the blocks are rebuilt.
const POSTINGS_PER_READ: i64 = 100_000;
/// What a transaction changes in the blocks: for each (word or filter, block), the documents it
/// takes out and the entries it puts in.
#[derive(Debug, Default)]
pub(crate) struct Changes(BTreeMap<(String, i64), Vec<Change>>);

#[derive(Debug)]
enum Change {
    Remove(i64),
    Add(Entry),
}

impl Changes {
    /// Takes `document` out of the blocks of `key`.
    pub(crate) fn remove(&mut self, key: &str, document: i64) {
        self.at(key, document).push(Change::Remove(document));
    }

    /// Puts `entry` under `key`.
    pub(crate) fn add(&mut self, key: &str, entry: Entry) {
        self.at(key, entry.document).push(Change::Add(entry));
    }

    fn at(&mut self, key: &str, document: i64) -> &mut Vec<Change> {
        self.0
            .entry((key.to_owned(), block_of(document)))
            .or_default()
    }
}

/// Writes `changes` into the stored blocks: the lock of each block first, in the one order
/// writers take them (step 5 of [`crate::locks`]), so no two transactions rewrite a block from the
/// same old copy; then each block read, changed and written back, a block left empty deleted.
pub(crate) async fn apply(conn: &mut AnyConnection, changes: Changes) -> Result<()> {
    let names = changes
        .0
        .keys()
        .map(|(key, block)| locks::key(&format!("{key}\u{1f}{block}")))
        .collect();
    locks::hold(conn, Lock::Block, names).await?;
    let mut by_block: BTreeMap<i64, Vec<(String, Vec<Change>)>> = BTreeMap::new();
    for ((key, block), list) in changes.0 {
        by_block.entry(block).or_default().push((key, list));
    }
    for (block, keys) in by_block {
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            rewrite(conn, block, chunk).await?;
        }
    }
    Ok(())
}

/// Applies the changes of `keys` to their block `block`.
async fn rewrite(
    conn: &mut AnyConnection,
    block: i64,
    keys: &[(String, Vec<Change>)],
) -> Result<()> {
    let sql = format!(
        "SELECT term, entries FROM search_blocks WHERE block = $1 AND term IN ({})",
        placeholders(2, keys.len())
    );
    let mut query = sqlx::query(&sql).bind(block);
    for (key, _) in keys {
        query = query.bind(key.as_str());
    }
    let mut stored: HashMap<String, Vec<u8>> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        stored.insert(row.text("term")?, row.try_get("entries")?);
    }
    let mut changed = Vec::new();
    let mut emptied = Vec::new();
    for (key, list) in keys {
        // Decoded once and encoded once, however many changes: an import puts thousands of
        // documents into the newest block of a common word.
        let old = stored.get(key).map(Vec::as_slice).unwrap_or_default();
        let mut entries: BTreeMap<i64, Entry> = decode(block, old)
            .into_iter()
            .map(|entry| (entry.document, entry))
            .collect();
        for change in list {
            match change {
                Change::Remove(document) => entries.remove(document),
                Change::Add(entry) => entries.insert(entry.document, *entry),
            };
        }
        let new = encode(&entries.into_values().collect::<Vec<_>>());
        if !new.is_empty() {
            changed.push((key.as_str(), new));
        } else if stored.contains_key(key) {
            emptied.push(key.as_str());
        }
    }
    if !changed.is_empty() {
        let rows = (0..changed.len())
            .map(|i| format!("(${}, $1, ${})", 2 * i + 2, 2 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO search_blocks (term, block, entries) VALUES {rows} \
             ON CONFLICT (term, block) DO UPDATE SET entries = excluded.entries"
        );
        let mut query = sqlx::query(&sql).bind(block);
        for (key, bytes) in &changed {
            query = query.bind(*key).bind(bytes.as_slice());
        }
        query.execute(&mut *conn).await?;
    }
    if !emptied.is_empty() {
        let sql = format!(
            "DELETE FROM search_blocks WHERE block = $1 AND term IN ({})",
            placeholders(2, emptied.len())
        );
        let mut query = sqlx::query(&sql).bind(block);
        for key in &emptied {
            query = query.bind(*key);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores finished blocks, many to a statement.
pub(crate) async fn store(conn: &mut AnyConnection, blocks: &[EncodedBlock]) -> Result<()> {
    for chunk in blocks.chunks(BLOCKS_PER_INSERT) {
        let rows = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO search_blocks (term, block, entries) VALUES {rows}");
        let mut query = sqlx::query(&sql);
        for (term, block, bytes) in chunk {
            query = query
                .bind(term.as_str())
                .bind(*block)
                .bind(bytes.as_slice());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Builds every block again: the filters from the documents, the words from the postings read
/// in the order they are stored, a word's blocks finished when the next word begins.
pub(crate) async fn rebuild(conn: &mut AnyConnection) -> Result<()> {
    // Two processes starting at once on a database without blocks build them one after the
    // other, and no writer changes a block meanwhile.
    locks::rebuild(conn, true).await?;
    sqlx::query("DELETE FROM search_blocks")
        .execute(&mut *conn)
        .await?;
    let mut filters = BlockBuilder::default();
    let documents =
        sqlx::query("SELECT id, entity, kind, year, countries FROM search_documents ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for row in documents {
        let Some(entity) = RecordKind::parse(&row.text("entity")?) else {
            continue;
        };
        let document = row.int("id")?;
        for facet in stored_facets(&row)? {
            filters.add(&facet, filter_entry(document, entity));
        }
    }
    store(conn, &filters.finish()).await?;
    // The words of names and titles are kept by record number, so they are built in that order.
    let mut titles = BlockBuilder::default();
    let documents = sqlx::query(
        "SELECT entity, record_id, title_terms FROM search_documents ORDER BY entity, record_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in documents {
        let Some(entity) = RecordKind::parse(&row.text("entity")?) else {
            continue;
        };
        let record = row.int("record_id")?;
        for term in stored_title_terms(&row)? {
            titles.add(&title_key(entity, &term), filter_entry(record, entity));
        }
    }
    store(conn, &titles.finish()).await?;

    let mut word = BlockBuilder::default();
    let mut last: Option<(String, i64)> = None;
    loop {
        let (term, document) = last.clone().unwrap_or_default();
        let postings = sqlx::query(
            "SELECT term, document_id, score, entity FROM search_postings \
             WHERE (term, document_id) > ($1, $2) ORDER BY term, document_id LIMIT $3",
        )
        .bind(term)
        .bind(document)
        .bind(POSTINGS_PER_READ)
        .fetch_all(&mut *conn)
        .await?;
        if postings.is_empty() {
            break;
        }
        let mut finished = Vec::new();
        for row in postings {
            let term = row.text("term")?;
            if last.as_ref().is_some_and(|(t, _)| *t != term) {
                finished.extend(std::mem::take(&mut word).finish());
            }
            let document = row.int("document_id")?;
            if let Some(entity) = RecordKind::parse(&row.text("entity")?) {
                let score: f64 = row.try_get("score")?;
                let score = score as f32;
                word.add(
                    &term,
                    Entry {
                        document,
                        score,
                        entity,
                    },
                );
            }
            last = Some((term, document));
        }
        store(conn, &finished).await?;
    }
    store(conn, &word.finish()).await
}

/// The filters a stored document answers, from its `kind`, `year` and `countries` columns.
pub(crate) fn stored_facets(row: &AnyRow) -> Result<Vec<String>> {
    let countries: Vec<String> = row
        .text("countries")?
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    Ok(liaison_search::facets(
        row.opt_text("kind")?.as_deref(),
        row.opt_int("year")?.map(|y| y as i32),
        &countries,
    ))
}

/// The words of a stored document's names or titles, from its `title_terms` column.
pub(crate) fn stored_title_terms(row: &AnyRow) -> Result<Vec<String>> {
    Ok(row
        .text("title_terms")?
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

/// The records of `entity` whose names or titles hold every word of `q`, by number in order, as
/// search cuts, folds and stems them; `None` when `q` holds no word to look for. Read from the
/// blocks kept for each word of a kind's names ([`liaison_search::title_key`]), so a list's
/// words cost what a search's do, and the number found is exact. Like search, a text without a
/// word to look for (only punctuation or words such as "the") finds nothing. A short queue of
/// changes' words is indexed first, as for search ([`Store::index_before_reading`]).
pub(crate) async fn titled(store: &Store, entity: RecordKind, q: &str) -> Result<Vec<i64>> {
    let terms = liaison_search::analyzer().query_terms(q);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = terms.iter().map(|t| title_key(entity, t)).collect();
    store.index_before_reading().await?;
    let mut conn = store.read.acquire().await?;
    let lists = read(&mut conn, &keys).await?;
    Ok(liaison_search::blocks::documents_in_all(&lists))
}

/// A document's entry under one of its filters: it is there or not, with no score.
pub(crate) fn filter_entry(document: i64, entity: RecordKind) -> Entry {
    Entry {
        document,
        score: 0.0,
        entity,
    }
}

/// The blocks of each key, by block number; a key with none has an empty map.
pub(crate) async fn read(
    conn: &mut AnyConnection,
    keys: &[String],
) -> Result<Vec<BTreeMap<i64, Vec<u8>>>> {
    let sql = format!(
        "SELECT term, block, entries FROM search_blocks WHERE term IN ({})",
        placeholders(1, keys.len())
    );
    let mut query = sqlx::query(&sql);
    for key in keys {
        query = query.bind(key.as_str());
    }
    let mut lists = vec![BTreeMap::new(); keys.len()];
    for row in query.fetch_all(&mut *conn).await? {
        let term = row.text("term")?;
        if let Some(i) = keys.iter().position(|k| *k == term) {
            lists[i].insert(row.int("block")?, row.try_get("entries")?);
        }
    }
    Ok(lists)
}

impl Store {
    /// Builds the search index's blocks from its postings when it has documents and no blocks:
    /// once, on a database indexed before blocks were kept (SQL alone cannot pack them).
    pub(crate) async fn ensure_search_blocks(&self) -> Result<()> {
        let missing: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM search_documents) \
             AND NOT EXISTS (SELECT 1 FROM search_blocks) THEN 1 ELSE 0 END",
        )
        .fetch_one(&self.read)
        .await?;
        if missing == 1 {
            let mut tx = self.begin_write().await?;
            rebuild(&mut tx).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
