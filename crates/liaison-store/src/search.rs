//! The search index, read by search. A change writes its records' documents in its own
//! transaction and leaves their words in `search_queue`; they are indexed just after it commits,
//! many changes' to a transaction ([`Store::index_soon`]), and search indexes what is left in a
//! short queue before it reads ([`Store::index_before_reading`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};

use liaison_core::files::keeps_files;
use liaison_core::{ACTIVITY, Activity, PageRequest, Policy, RecordKind, Searchable};
use liaison_search::blocks::{Entry, Match, intersect};
use liaison_search::{
    Document, EntityCount, FileHit, SearchHit, SearchRequest, SearchResults, Segment, analyzer,
    file_matches, title_key,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::locks::{self, Lock};
use crate::resolve::StoredRecord;
use crate::sql::{Filter, Param, RowExt, json_text, placeholders};
use crate::{Backend, Result, Store, blocks, sql};

/// Words' counts are written this many to a statement. Binding through sqlx costs more per
/// parameter the more a statement has (see the benchmark's loader), so a statement holds a few
/// hundred.
const COUNTS_PER_INSERT: usize = 40;
/// Records whose documents are written, and their words counted, together by `reindex`.
const REINDEXED_TOGETHER: usize = 500;
/// Queued documents indexed to a transaction: about 50,000 postings, a fraction of a second of
/// the writer, which is as long as another write waits for them.
const QUEUED_PER_TRANSACTION: usize = 1_000;
/// A queue search indexes before it reads: the words of the last few changes, one transaction's
/// worth. A longer one is an import's, which its own indexing works through while search
/// answers from what is indexed.
const SHORT_QUEUE: i64 = QUEUED_PER_TRANSACTION as i64;
/// Postings kept before they are written: a million words' worth of an import, about 60 MB.
const POSTINGS_BUFFERED: usize = 1_000_000;
/// Characters of a result's text shown around its first match.
const SNIPPET_CHARS: usize = 160;

/// How a refresh indexes the documents it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexing {
    /// Their words, counts and blocks, in the same transaction.
    Now,
    /// Their words and counts; their blocks are rebuilt in bulk when many records are indexed
    /// together ([`blocks::rebuild`]).
    BlocksLater,
    /// The documents alone; their words, counts and blocks wait in `search_queue` for
    /// [`Store::index_queued`], after the transaction commits. Every change of records is saved
    /// this way, so it holds the writer for the records, not for their index, and never holds
    /// the rows every writer shares (a common word's count and newest blocks): one indexing
    /// transaction writes them for many changes at once.
    Queued,
}

/// The columns of `search_documents` a document is written to, besides its number.
pub(crate) const DOCUMENT_COLUMNS: [&str; 8] = [
    "entity",
    "record_id",
    "title",
    "body",
    "kind",
    "year",
    "countries",
    "title_terms",
];

/// The values of a document for [`DOCUMENT_COLUMNS`], in their order; its countries are written
/// between spaces (" LA VN "), or empty when it has none.
pub(crate) fn document_params(document: &Document) -> Vec<Param> {
    let countries = if document.countries.is_empty() {
        String::new()
    } else {
        format!(" {} ", document.countries.join(" "))
    };
    vec![
        Param::text(document.entity.as_str()),
        Param::int(document.record_id),
        Param::text(document.title.as_str()),
        Param::text(document.body.as_str()),
        Param::Text(document.kind.clone()),
        Param::Int(document.year.map(i64::from)),
        Param::text(countries),
        Param::text(document.title_terms().join(" ")),
    ]
}

/// Writes new documents, many to a statement; returns their numbers, in their order.
async fn insert(conn: &mut AnyConnection, documents: &[Document]) -> Result<Vec<i64>> {
    let returned = sql::insert_rows(
        conn,
        "search_documents",
        &DOCUMENT_COLUMNS,
        documents,
        document_params,
        "id, entity, record_id",
    )
    .await?;
    let mut numbers: HashMap<(String, i64), i64> = HashMap::new();
    for row in returned {
        numbers.insert((row.text("entity")?, row.int("record_id")?), row.int("id")?);
    }
    documents
        .iter()
        .map(|d| {
            numbers
                .get(&(d.entity.as_str().to_owned(), d.record_id))
                .copied()
                .ok_or_else(|| {
                    crate::Error::Corrupt(format!(
                        "the document of {} {} was not written",
                        d.entity, d.record_id
                    ))
                })
        })
        .collect()
}

/// Documents whose postings are worked out on every processor rather than in turn.
const POSTINGS_IN_PARALLEL_FROM: usize = 64;

/// The postings of each document, worked out on every processor: segmenting the text is most of
/// the work of indexing many records.
pub(crate) fn postings_of(documents: &[Document]) -> Vec<Vec<(String, f64)>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = documents.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = documents
            .chunks(share)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(Document::scored_postings)
                        .collect::<Vec<Vec<(String, f64)>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(documents.len());
        for handle in handles {
            // A panic while indexing is passed on as it would be had one thread done it all,
            // never taken for a share without postings.
            all.extend(
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        all
    })
}

/// The postings of `documents`, handed back with them: many documents' on every processor,
/// away from the tasks serving requests.
async fn scored(documents: Vec<Document>) -> Result<(Vec<Document>, Vec<Vec<(String, f64)>>)> {
    if documents.len() < POSTINGS_IN_PARALLEL_FROM {
        let scored = documents.iter().map(Document::scored_postings).collect();
        return Ok((documents, scored));
    }
    tokio::task::spawn_blocking(move || {
        let scored = postings_of(&documents);
        (documents, scored)
    })
    .await
    .map_err(|e| match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(e) => crate::Error::Corrupt(format!("indexing stopped: {e}")),
    })
}

/// Postings waiting to be written, many documents' to a statement.
#[derive(Default)]
struct Postings(Vec<(String, i64, &'static str, f64)>);

impl Postings {
    async fn add(
        &mut self,
        conn: &mut AnyConnection,
        document: i64,
        entity: RecordKind,
        postings: &[(String, f64)],
    ) -> Result<()> {
        for (term, score) in postings {
            self.0
                .push((term.clone(), document, entity.as_str(), *score));
        }
        if self.0.len() >= POSTINGS_BUFFERED {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Writes the postings waiting, in order of word: the index every search reads them by
    /// (`search_postings_best`) then takes them page by page rather than each at a place of its
    /// own, which is what an import of hundreds of thousands of them spends its time on.
    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<()> {
        self.0
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        sql::insert_rows(
            conn,
            "search_postings",
            &["term", "document_id", "entity", "score"],
            &self.0,
            |(term, document, entity, score)| {
                vec![
                    Param::text(term.as_str()),
                    Param::int(*document),
                    Param::text(*entity),
                    Param::Real(*score),
                ]
            },
            "",
        )
        .await?;
        self.0.clear();
        Ok(())
    }
}

/// A record's document as the index holds it: its number, its words, its filters and the words
/// of its names or titles.
struct Stored {
    id: i64,
    terms: Vec<String>,
    facets: Vec<String>,
    title_terms: Vec<String>,
}

/// Records whose stored documents are read to a statement.
const STORED_PER_READ: usize = 300;

/// What the index holds for each of `records` that it has a document of.
async fn stored(
    conn: &mut AnyConnection,
    records: &[(RecordKind, i64)],
) -> Result<HashMap<(RecordKind, i64), Stored>> {
    let mut found = HashMap::new();
    for &entity in RecordKind::searchable() {
        let ids: Vec<i64> = records
            .iter()
            .filter(|(e, _)| *e == entity)
            .map(|(_, id)| *id)
            .collect();
        for chunk in ids.chunks(STORED_PER_READ) {
            // A document still in the queue has no words, counts or blocks to take back.
            let sql = format!(
                "SELECT d.id, d.record_id, d.kind, d.year, d.countries, d.title_terms, \
                 q.document_id AS queued \
                 FROM search_documents d LEFT JOIN search_queue q ON q.document_id = d.id \
                 WHERE d.entity = $1 AND d.record_id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(entity.as_str());
            for id in chunk {
                query = query.bind(*id);
            }
            let mut documents = HashMap::new();
            for row in query.fetch_all(&mut *conn).await? {
                let indexed = row.opt_int("queued")?.is_none();
                let stored = Stored {
                    id: row.int("id")?,
                    terms: Vec::new(),
                    facets: if indexed {
                        blocks::stored_facets(&row)?
                    } else {
                        Vec::new()
                    },
                    title_terms: if indexed {
                        blocks::stored_title_terms(&row)?
                    } else {
                        Vec::new()
                    },
                };
                documents.insert(stored.id, (row.int("record_id")?, stored));
            }
            if documents.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT document_id, term FROM search_postings WHERE document_id IN ({})",
                placeholders(1, documents.len())
            );
            let mut query = sqlx::query(&sql);
            for id in documents.keys() {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                if let Some((_, stored)) = documents.get_mut(&row.int("document_id")?) {
                    stored.terms.push(row.text("term")?);
                }
            }
            for (_, (record_id, stored)) in documents {
                found.insert((entity, record_id), stored);
            }
        }
    }
    Ok(found)
}

/// Brings the documents of `records` up to date with the records, taking each one's lock first
/// ([`crate::locks`], step 3), and indexes them as `mode` says; hands back the changes to the
/// blocks of their words and filters and to the words' counts, for the caller to write last.
pub(crate) async fn refresh(
    conn: &mut AnyConnection,
    policy: &Policy,
    records: &[(RecordKind, i64)],
    mode: Indexing,
) -> Result<SharedChanges> {
    refresh_with(conn, policy, records, mode, InHand::default()).await
}

/// Records a transaction has in hand as it wrote them, so that their documents are made without
/// reading them back: the activities an import wrote many to a statement. Each is new, so it has
/// no files yet.
#[derive(Default)]
pub(crate) struct InHand {
    activities: HashMap<i64, Activity>,
}

impl InHand {
    pub(crate) fn activities(activities: Vec<Activity>) -> InHand {
        InHand {
            activities: activities.into_iter().map(|a| (a.meta.id, a)).collect(),
        }
    }

    /// The organizations the activities name, whose countries their documents show.
    fn organizations(&self) -> Vec<i64> {
        self.activities
            .values()
            .flat_map(Activity::organizations_abroad)
            .map(|n| n.id)
            .collect()
    }
}

/// [`refresh`], with the documents of the records `in_hand` made from them as they are.
pub(crate) async fn refresh_with(
    conn: &mut AnyConnection,
    policy: &Policy,
    records: &[(RecordKind, i64)],
    mode: Indexing,
    mut in_hand: InHand,
) -> Result<SharedChanges> {
    let mut shared = SharedChanges::default();
    if records.is_empty() {
        return Ok(shared);
    }
    locks::rebuild(conn, false).await?;
    let names = records
        .iter()
        .map(|(entity, id)| locks::key(&format!("{}:{id}", entity.as_str())))
        .collect();
    locks::hold(conn, Lock::Document, names).await?;
    let mut old_documents = Vec::new();
    for ((entity, record_id), old) in stored(conn, records).await? {
        for term in &old.terms {
            *shared
                .counts
                .entry((term.clone(), entity.as_str()))
                .or_default() -= 1;
        }
        if mode != Indexing::BlocksLater {
            for key in old.terms.iter().chain(&old.facets) {
                shared.changes.remove(key, old.id);
            }
            for term in &old.title_terms {
                shared.changes.remove(&title_key(entity, term), record_id);
            }
        }
        old_documents.push(old.id);
    }
    // Their postings go with them (ON DELETE CASCADE).
    for chunk in old_documents.chunks(STORED_PER_READ) {
        let sql = format!(
            "DELETE FROM search_documents WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    let mut known = Countries::default();
    known.read(conn, in_hand.organizations()).await?;
    let mut documents = Vec::new();
    for &(entity, record_id) in records {
        let held = if entity == ACTIVITY {
            in_hand.activities.remove(&record_id)
        } else {
            None
        };
        let document = match held {
            Some(activity) => Some(document_of(conn, &mut known, &activity).await?),
            None => document(conn, policy, &mut known, entity, record_id).await?,
        };
        documents.extend(document);
    }
    let ids = insert(conn, &documents).await?;
    if mode == Indexing::Queued {
        queue(conn, &documents, &ids).await?;
    } else {
        index(conn, documents, &ids, mode, &mut shared).await?;
    }
    Ok(shared)
}

/// Writes the postings of `documents`, numbered `ids`, and adds their words to the counts and
/// (unless `mode` leaves them for later) their words, filters and names to the blocks.
async fn index(
    conn: &mut AnyConnection,
    documents: Vec<Document>,
    ids: &[i64],
    mode: Indexing,
    shared: &mut SharedChanges,
) -> Result<()> {
    let (documents, scored) = scored(documents).await?;
    let mut postings = Postings::default();
    for ((document, &id), scored) in documents.iter().zip(ids).zip(scored) {
        let entity = document.entity;
        for (term, _) in &scored {
            *shared
                .counts
                .entry((term.clone(), entity.as_str()))
                .or_default() += 1;
        }
        if mode == Indexing::Now {
            for (term, score) in &scored {
                shared.changes.add(
                    term,
                    Entry {
                        document: id,
                        score: *score as f32,
                        entity,
                    },
                );
            }
            for facet in document.facets() {
                shared.changes.add(&facet, blocks::filter_entry(id, entity));
            }
            for term in document.title_terms() {
                shared.changes.add(
                    &title_key(entity, &term),
                    blocks::filter_entry(document.record_id, entity),
                );
            }
        }
        postings.add(conn, id, entity, &scored).await?;
    }
    postings.flush(conn).await
}

/// Leaves `documents`, numbered `ids`, for [`Store::index_queued`] to index.
async fn queue(conn: &mut AnyConnection, documents: &[Document], ids: &[i64]) -> Result<()> {
    let queued: Vec<(i64, String)> = ids
        .iter()
        .zip(documents)
        .map(|(id, document)| (*id, json_text(document)))
        .collect();
    sql::insert_rows(
        conn,
        "search_queue",
        &["document_id", "document"],
        &queued,
        |(id, document)| vec![Param::int(*id), Param::text(document.as_str())],
        "",
    )
    .await?;
    Ok(())
}

/// Indexes up to [`QUEUED_PER_TRANSACTION`] queued documents, the oldest first, in the write
/// transaction `conn`; returns how many it took from the queue. It takes the queue's lock first
/// ([`crate::locks`], step 0), so two processes index the queue one after the other, and then
/// each document's lock.
async fn index_some_queued(conn: &mut AnyConnection) -> Result<usize> {
    locks::hold(conn, Lock::Queue, vec![0]).await?;
    locks::rebuild(conn, false).await?;
    let rows =
        sqlx::query("SELECT document_id, document FROM search_queue ORDER BY document_id LIMIT $1")
            .bind(QUEUED_PER_TRANSACTION as i64)
            .fetch_all(&mut *conn)
            .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut queued = Vec::with_capacity(rows.len());
    for row in &rows {
        let text = row.text("document")?;
        let document: Document = serde_json::from_str(&text).map_err(|e| {
            crate::Error::Corrupt(format!("a queued search document does not read: {e}"))
        })?;
        queued.push((row.int("document_id")?, document));
    }
    let names = queued
        .iter()
        .map(|(_, d)| locks::key(&format!("{}:{}", d.entity.as_str(), d.record_id)))
        .collect();
    locks::hold(conn, Lock::Document, names).await?;
    // A record changed again since it was queued took its queued document with the old one and
    // queued a new one; only those still queued are indexed here.
    let ids: Vec<i64> = queued.iter().map(|(id, _)| *id).collect();
    let statement = format!(
        "DELETE FROM search_queue WHERE document_id {} RETURNING document_id",
        sql::in_json_list(Backend::of(conn), "BIGINT")
    );
    let still: HashSet<i64> = sqlx::query_scalar(&statement)
        .bind(sql::json_list(&ids))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    queued.retain(|(id, _)| still.contains(id));
    let taken = rows.len();
    let (ids, documents): (Vec<i64>, Vec<Document>) = queued.into_iter().unzip();
    let mut shared = SharedChanges::default();
    index(conn, documents, &ids, Indexing::Now, &mut shared).await?;
    shared.write(conn).await?;
    Ok(taken)
}

/// Whether a task of [`Store::index_soon`] is indexing the queue, and whether a change was saved
/// since it last looked at it.
#[derive(Debug, Default)]
pub(crate) struct Indexer {
    running: AtomicBool,
    again: AtomicBool,
    /// Told when the task stops.
    stopped: tokio::sync::Notify,
}

impl Indexer {
    /// Whether a task is to be started: none runs. When one does, it is asked to look again.
    fn start(&self) -> bool {
        if !self.running.swap(true, Ordering::AcqRel) {
            return true;
        }
        self.again.store(true, Ordering::Release);
        false
    }

    /// Called by the task when it has worked through the queue: whether it is to look again.
    fn go_on(&self) -> bool {
        loop {
            if self.again.swap(false, Ordering::AcqRel) {
                return true;
            }
            self.running.store(false, Ordering::Release);
            // A change that found the task running just before it stopped asked it to look
            // again: it does, unless a change since started a task of its own.
            if !self.again.load(Ordering::Acquire) || self.running.swap(true, Ordering::AcqRel) {
                self.stopped.notify_waiters();
                return false;
            }
        }
    }
}

/// What a refresh changes in the rows many writers share: the blocks of its words and filters,
/// and the words' counts. They are written last, just before the commit ([`crate::locks`], steps
/// 5 and 6), because a transaction holds them from there until it ends and every writer saving
/// a common word waits for them.
#[must_use = "the changes to the shared rows must be written"]
#[derive(Default)]
pub(crate) struct SharedChanges {
    counts: BTreeMap<(String, &'static str), i64>,
    changes: blocks::Changes,
}

impl SharedChanges {
    pub(crate) async fn write(self, conn: &mut AnyConnection) -> Result<()> {
        blocks::apply(conn, self.changes).await?;
        count_terms(conn, &self.counts).await
    }
}

/// Adds to each word's count of records of a kind, in order of (word, kind): the one order in
/// which writers take these rows (step 6 of [`crate::locks`]). A word whose count does not
/// change is not touched, so editing a record leaves the rows of the words it keeps alone.
async fn count_terms(
    conn: &mut AnyConnection,
    counts: &BTreeMap<(String, &'static str), i64>,
) -> Result<()> {
    let changed: Vec<(&str, &str, i64)> = counts
        .iter()
        .filter(|(_, n)| **n != 0)
        .map(|((term, entity), n)| (term.as_str(), *entity, *n))
        .collect();
    for chunk in changed.chunks(COUNTS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO search_terms (term, entity, documents) VALUES {} \
             ON CONFLICT (term, entity) \
             DO UPDATE SET documents = search_terms.documents + excluded.documents",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (term, entity, n) in chunk {
            query = query.bind(*term).bind(*entity).bind(*n);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The countries of organizations read so far, as activities' documents need them: an import of
/// many activities with the same partners reads each partner once.
#[derive(Default)]
struct Countries(HashMap<i64, Option<String>>);

impl Countries {
    async fn country(
        &mut self,
        conn: &mut AnyConnection,
        organization: i64,
    ) -> Result<Option<String>> {
        if let Some(country) = self.0.get(&organization) {
            return Ok(country.clone());
        }
        let country: Option<String> =
            sqlx::query_scalar("SELECT country FROM organizations WHERE id = $1")
                .bind(organization)
                .fetch_optional(&mut *conn)
                .await?;
        self.0.insert(organization, country.clone());
        Ok(country)
    }

    /// Reads the countries of `organizations` not read yet, many to a statement.
    async fn read(&mut self, conn: &mut AnyConnection, mut organizations: Vec<i64>) -> Result<()> {
        organizations.sort_unstable();
        organizations.dedup();
        organizations.retain(|id| !self.0.contains_key(id));
        for chunk in organizations.chunks(STORED_PER_READ) {
            let sql = format!(
                "SELECT id, country FROM organizations WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                self.0.insert(row.int("id")?, row.opt_text("country")?);
            }
        }
        Ok(())
    }
}

/// The document of `record`, with the countries of the organizations it involves.
async fn document_of<R: Searchable>(
    conn: &mut AnyConnection,
    known: &mut Countries,
    record: &R,
) -> Result<Document> {
    let text = record.search_text();
    let mut countries = Vec::new();
    for &organization in &text.organizations {
        countries.extend(known.country(conn, organization).await?);
    }
    Ok(Document::of(R::KIND, record.meta().id, text, countries))
}

/// The document of the record `id` of the searchable kind `R` as it is now.
async fn read_document<R: StoredRecord + Searchable>(
    conn: &mut AnyConnection,
    policy: &Policy,
    known: &mut Countries,
    id: i64,
) -> Result<Document> {
    let record = R::fetch(conn, policy, id).await?;
    document_of(conn, known, &record).await
}

/// A document being read by a [`DocumentReader`].
type Reading<'a> = Pin<Box<dyn Future<Output = Result<Document>> + Send + 'a>>;

/// How the store reads the documents of one kind declared searchable (`Kind::search`). Reading
/// a record needs its type, so each searchable kind's own module submits its reader
/// (`inventory::submit! { DocumentReader::of::<Gift>() }`) beside its `StoredRecord`; no list of
/// the searchable kinds is written anywhere else.
pub(crate) struct DocumentReader {
    kind: RecordKind,
    read: for<'a> fn(&'a mut AnyConnection, &'a Policy, &'a mut Countries, i64) -> Reading<'a>,
}

inventory::collect!(DocumentReader);

impl DocumentReader {
    pub(crate) const fn of<R: StoredRecord + Searchable + Sync + 'static>() -> DocumentReader {
        DocumentReader {
            kind: R::KIND,
            read: read_boxed::<R>,
        }
    }

    /// The reader of `kind`'s documents, when its module submitted one.
    fn of_kind(kind: RecordKind) -> Option<&'static DocumentReader> {
        inventory::iter::<DocumentReader>
            .into_iter()
            .find(|reader| reader.kind == kind)
    }
}

fn read_boxed<'a, R: StoredRecord + Searchable + Sync + 'static>(
    conn: &'a mut AnyConnection,
    policy: &'a Policy,
    known: &'a mut Countries,
    id: i64,
) -> Reading<'a> {
    Box::pin(read_document::<R>(conn, policy, known, id))
}

/// The document of a record as it is now, or `None` when it is gone or its kind is not
/// searchable; what search finds of each kind is said in its own module ([`Searchable`]).
async fn document(
    conn: &mut AnyConnection,
    policy: &Policy,
    known: &mut Countries,
    entity: RecordKind,
    id: i64,
) -> Result<Option<Document>> {
    if entity.search.is_none() {
        return Ok(None);
    }
    let Some(reader) = DocumentReader::of_kind(entity) else {
        return Err(crate::Error::Unsupported(format!(
            "{entity} records are declared searchable, but the store does not read their \
             documents"
        )));
    };
    let found = (reader.read)(conn, policy, known, id).await;
    match found {
        Ok(document) if keeps_files(entity) => {
            let files = kept_files(conn, entity, id).await?;
            Ok(Some(
                document.with_files(
                    files
                        .iter()
                        .map(|(name, caption)| (name.as_str(), caption.as_str())),
                ),
            ))
        }
        Ok(document) => Ok(Some(document)),
        Err(crate::Error::Domain(liaison_core::Error::NotFound { .. })) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The name and caption of each file kept with a record, in the order they came.
async fn kept_files(
    conn: &mut AnyConnection,
    entity: RecordKind,
    id: i64,
) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT name, caption FROM files WHERE record_kind = $1 AND record_id = $2 ORDER BY id",
    )
    .bind(entity.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.text("name")?, row.text("caption")?)))
        .collect()
}

/// The files of a page of results whose names or captions hold a searched word, by record: a
/// result names them, so the file looked for is a click away. One statement for each kind of
/// record on the page that keeps files.
async fn matched_files(
    conn: &mut AnyConnection,
    found: &[(AnyRow, f64)],
    terms: &[String],
) -> Result<HashMap<(RecordKind, i64), Vec<FileHit>>> {
    let mut by_kind: BTreeMap<&'static str, (RecordKind, Vec<i64>)> = BTreeMap::new();
    for (row, _) in found {
        if let Some(entity) = RecordKind::parse(&row.text("entity")?).filter(|k| keeps_files(*k)) {
            by_kind
                .entry(entity.name)
                .or_insert((entity, Vec::new()))
                .1
                .push(row.int("record_id")?);
        }
    }
    let mut matched: HashMap<(RecordKind, i64), Vec<FileHit>> = HashMap::new();
    for (entity, ids) in by_kind.into_values() {
        let sql = format!(
            "SELECT id, record_id, name, caption FROM files \
             WHERE record_kind = $1 AND record_id IN ({}) ORDER BY id",
            placeholders(2, ids.len())
        );
        let mut query = sqlx::query(&sql).bind(entity.as_str());
        for id in &ids {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let (name, caption) = (row.text("name")?, row.text("caption")?);
            if file_matches(&name, &caption, terms) {
                matched
                    .entry((entity, row.int("record_id")?))
                    .or_default()
                    .push(FileHit {
                        id: row.int("id")?,
                        name,
                        caption,
                    });
            }
        }
    }
    Ok(matched)
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
    for &entity in RecordKind::searchable() {
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
        if let Some(kind) = request.entity.filter(|k| k.search.is_none()) {
            return Err(liaison_core::Error::invalid(
                "type",
                "not_searchable",
                format!("search does not find {kind} records"),
            )
            .into());
        }
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
        self.index_before_reading().await?;
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
            if let Some(entity) = RecordKind::parse(&row.text("entity")?) {
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
            counts.sort_by_key(|c| c.entity.search);
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
        let mut matched = matched_files(&mut conn, &found, &terms).await?;
        let mut items = Vec::new();
        let mut highlighter = analyzer().highlighter(&terms);
        for (row, score) in found {
            let Some(entity) = RecordKind::parse(&row.text("entity")?) else {
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
            let id = row.int("record_id")?;
            items.push(SearchHit {
                files: matched.remove(&(entity, id)).unwrap_or_default(),
                entity,
                id,
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

    /// Indexes the queued documents ([`Indexing::Queued`]), the oldest first, a thousand to a
    /// transaction, until none is left; returns how many it took from the queue. Every other
    /// write waits for one of these transactions at most, not for them all. Any process may run
    /// it at any time: after each change ([`Store::index_soon`]), an import's own task once its
    /// records are saved, and `liaison serve` when it starts, for a queue a stopped process left.
    pub async fn index_queued(&self) -> Result<usize> {
        let mut indexed = 0;
        loop {
            let taken = self.index_queued_once().await?;
            if taken == 0 {
                return Ok(indexed);
            }
            indexed += taken;
        }
    }

    /// One transaction of [`index_some_queued`], counted for `/metrics`.
    async fn index_queued_once(&self) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let taken = index_some_queued(&mut tx).await?;
        tx.commit().await?;
        self.metrics.count_indexed(taken);
        Ok(taken)
    }

    /// Has the words a change just queued indexed by a task of their own, so the change answers
    /// without waiting for them. While one such task runs, the next changes only ask it to look
    /// at the queue once more when it is done, so changes made meanwhile are indexed together.
    /// Behind an import's long queue they wait for the import's own task, which works it all
    /// through. Outside a Tokio runtime nothing is started: search, or the next process to
    /// start, indexes the queue.
    pub(crate) fn index_soon(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if !self.indexer.start() {
            return;
        }
        let store = self.clone();
        runtime.spawn(async move {
            loop {
                if let Err(error) = store.index_short_queue().await {
                    // Nothing saved is lost: the next change, search or start indexes the queue.
                    tracing::warn!(%error, "indexing the queued search documents stopped; they are indexed by the next change, search or start");
                }
                if !store.indexer.go_on() {
                    return;
                }
            }
        });
    }

    /// Waits until the task of [`Store::index_soon`] has stopped, at once when none runs: the
    /// words of the changes this process saved before are indexed, unless they wait behind an
    /// import's long queue. A command that changes records waits for it before it ends, and
    /// tests wait for it to see what the task left.
    pub async fn index_settled(&self) {
        loop {
            let stopped = self.indexer.stopped.notified();
            let mut stopped = std::pin::pin!(stopped);
            // Told from here on, so a task stopping between the look and the wait is not missed.
            stopped.as_mut().enable();
            if !self.indexer.running.load(Ordering::Acquire) {
                return;
            }
            stopped.await;
        }
    }

    /// Indexes a short queue ([`SHORT_QUEUE`]: the words of the last few changes) in one
    /// transaction, and returns how many documents it took; a queue that is empty, looked at
    /// first on a reading connection so that a change whose records search does not find costs
    /// no turn at the writer, or long (an import's, which the import's own task works through)
    /// is left as it is.
    async fn index_short_queue(&self) -> Result<usize> {
        let waiting: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_queue LIMIT {}) q",
            SHORT_QUEUE + 1
        ))
        .fetch_one(&self.read)
        .await?;
        if waiting == 0 || waiting > SHORT_QUEUE {
            return Ok(0);
        }
        self.index_queued_once().await
    }

    /// Before search reads the index: a short queue (the words of the last few changes, not yet
    /// reached by [`Store::index_soon`]'s task) is indexed first, so a record is found as soon
    /// as its change is saved. A long queue (an import's) is left to its own indexing, and a
    /// writer too busy to take it is not waited for past the write wait: search answers from
    /// what is indexed.
    pub(crate) async fn index_before_reading(&self) -> Result<()> {
        match self.index_short_queue().await {
            Ok(_) | Err(crate::Error::Busy) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// How many documents wait in the queue to be indexed: records search does not find yet.
    pub async fn queued_documents(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM search_queue")
            .fetch_one(&self.read)
            .await?)
    }

    /// Rebuilds the whole search index and the organizations' timelines from the records, in one
    /// transaction; returns how many documents the index holds.
    pub async fn reindex(&self) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        // Writers under way finish first; the next ones wait for the rebuild.
        locks::rebuild(&mut tx, true).await?;
        let count = rebuild_index(&mut tx, &self.policy).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Rebuilds the search index when it was built by another version of the analyzer or the
    /// documents ([`liaison_search::INDEX_VERSION`]), once: a process starting while another
    /// rebuilds waits for it under the rebuild lock and then finds the index current.
    pub(crate) async fn ensure_search_version(&self) -> Result<()> {
        if index_version(&self.read).await? == liaison_search::INDEX_VERSION {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        locks::rebuild(&mut tx, true).await?;
        let empty: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM search_documents) THEN 0 ELSE 1 END",
        )
        .fetch_one(&mut *tx)
        .await?;
        if empty == 1 {
            // A new database: its empty index is of every version.
            set_index_version(&mut tx).await?;
        } else if index_version(&mut *tx).await? != liaison_search::INDEX_VERSION {
            let count = rebuild_index(&mut tx, &self.policy).await?;
            tracing::info!(
                documents = count,
                version = liaison_search::INDEX_VERSION,
                "search index rebuilt for a new version"
            );
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The version of the analyzer and documents the index was built by.
async fn index_version<'c>(conn: impl sqlx::Executor<'c, Database = sqlx::Any>) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT version FROM search_index WHERE id = 1")
            .fetch_optional(conn)
            .await?
            .unwrap_or(0),
    )
}

/// Writes the index anew from the records, with the timelines, and records its version; the
/// caller holds the rebuild lock.
async fn rebuild_index(tx: &mut AnyConnection, policy: &Policy) -> Result<i64> {
    sqlx::query("DELETE FROM search_queue")
        .execute(&mut *tx)
        .await?;
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
    for &entity in RecordKind::searchable() {
        let table = entity.table;
        let ids: Vec<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} ORDER BY id"))
            .fetch_all(&mut *tx)
            .await?;
        let records: Vec<(RecordKind, i64)> = ids.into_iter().map(|id| (entity, id)).collect();
        for chunk in records.chunks(REINDEXED_TOGETHER) {
            refresh(&mut *tx, policy, chunk, Indexing::BlocksLater)
                .await?
                .write(&mut *tx)
                .await?;
        }
        count += records.len() as i64;
    }
    blocks::rebuild(&mut *tx).await?;
    crate::timeline::rebuild(&mut *tx).await?;
    set_index_version(tx).await?;
    Ok(count)
}

/// Records that the index is of this version.
async fn set_index_version(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE search_index SET version = $1 WHERE id = 1")
        .bind(liaison_search::INDEX_VERSION)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use liaison_core::RecordKind;

    use super::{Countries, DocumentReader, document};
    use crate::Backend;
    use crate::testing::TestDatabase;

    /// Every kind declared searchable has its document read here: a record not on file has
    /// none, where a kind the store could not read would fail the write that changed it. A kind
    /// not declared searchable has none either.
    #[tokio::test]
    async fn the_store_reads_the_document_of_every_kind_declared_searchable() {
        let db = TestDatabase::new(Backend::Sqlite).await;
        let mut conn = db.store.read.acquire().await.unwrap();
        let policy = db.store.policy().clone();
        let mut known = Countries::default();
        assert!(!RecordKind::searchable().is_empty());
        for &kind in liaison_core::KINDS {
            let found = document(&mut conn, &policy, &mut known, kind, 1_000_000).await;
            assert!(
                matches!(found, Ok(None)),
                "{kind}: {:?}",
                found.map(|d| d.map(|d| d.title))
            );
        }
    }

    /// Each searchable kind's module submits its reader once, and no other kind submits one.
    #[test]
    fn each_searchable_kind_submits_one_reader() {
        let mut submitted: Vec<&str> = inventory::iter::<DocumentReader>
            .into_iter()
            .map(|reader| reader.kind.as_str())
            .collect();
        submitted.sort_unstable();
        let mut declared: Vec<&str> = RecordKind::searchable()
            .iter()
            .map(|kind| kind.as_str())
            .collect();
        declared.sort_unstable();
        assert_eq!(submitted, declared);
    }
}
