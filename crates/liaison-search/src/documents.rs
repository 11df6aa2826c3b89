//! What of each record is searchable, and how much each part counts.

use std::collections::BTreeMap;

use liaison_core::{RecordKind, SearchText};
use serde::{Deserialize, Serialize};

use crate::analyzer::analyzer;

/// A title or name counts this many times an ordinary word, so a record named by the query
/// comes before one that only mentions it.
const TITLE_WEIGHT: i64 = 5;
const TEXT_WEIGHT: i64 = 1;

/// BM25's constants, as most search engines set them: how soon more occurrences of a word stop
/// adding, and how much a long record is discounted.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// The weighted lengths of a typical name or title in two languages, and of a typical summary;
/// longer ones are discounted against them.
const TYPICAL_TITLE_LENGTH: f64 = 50.0;
const TYPICAL_TEXT_LENGTH: f64 = 40.0;
/// How much more a word of the name or title counts than a word of the text.
const TITLE_BOOST: f64 = 3.0;

/// The filters a search may narrow to that a record of this kind, year and countries answers:
/// `kind:…`, `year:…` and `country:…`, each once. The index keeps the records of each like those of
/// a word ([`crate::blocks`]), so a filter is one more list to intersect.
pub fn facets(kind: Option<&str>, year: Option<i32>, countries: &[String]) -> Vec<String> {
    let mut facets: Vec<String> = kind
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| format!("kind:{k}"))
        .into_iter()
        .chain(year.map(|y| format!("year:{y}")))
        .chain(
            countries
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                // A country may be asked for by name ("Belarus", 白俄罗斯) as well as by code.
                .map(|c| format!("country:{}", liaison_core::country_filter_code(c))),
        )
        .collect();
    facets.sort();
    facets.dedup();
    facets
}

/// The key under which the index keeps the records of `entity` whose names or titles hold
/// `term`, by record number rather than document number: a list's words are answered from it
/// ([`Document::title_terms`]). A term is made of letters and digits only, so no term is a key.
pub fn title_key(entity: RecordKind, term: &str) -> String {
    format!("title:{}:{term}", entity.as_str())
}

/// The words of a file's name: its extension left out (every photo would otherwise be found by
/// "jpg"), and the underscores, hyphens and dots that join words in names made spaces.
pub fn file_words(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.len() <= 4 => stem,
        _ => name,
    };
    stem.replace(['_', '-', '.'], " ")
}

/// Whether a file's name or caption holds one of the words searched for (`terms`, as
/// [`crate::Analyzer::query_terms`] gives them), to name the file in a result.
pub fn file_matches(name: &str, caption: &str, terms: &[String]) -> bool {
    [file_words(name).as_str(), caption].iter().any(|text| {
        analyzer()
            .index_terms(text)
            .iter()
            .any(|(term, _)| terms.contains(term))
    })
}

/// One record as search sees it. It serializes whole, with the texts it weighs, so that its
/// words can be indexed after the transaction that wrote it (an import's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub entity: RecordKind,
    pub record_id: i64,
    /// The name shown in results.
    pub title: String,
    /// Every searchable text of the record, one per line, for the highlighted snippet.
    pub body: String,
    /// The activity, organization or agreement kind, the gift direction or person category.
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// ISO codes of the countries involved.
    pub countries: Vec<String>,
    fields: Vec<(String, i64)>,
}

impl Document {
    fn new(entity: RecordKind, record_id: i64, title: String) -> Document {
        Document {
            entity,
            record_id,
            title,
            body: String::new(),
            kind: None,
            year: None,
            countries: Vec::new(),
            fields: Vec::new(),
        }
    }

    fn add(&mut self, weight: i64, text: impl AsRef<str>) {
        let text = text.as_ref().trim();
        if text.is_empty() {
            return;
        }
        if !self.body.is_empty() {
            self.body.push('\n');
        }
        self.body.push_str(text);
        self.fields.push((text.to_owned(), weight));
    }

    /// Each term of the record with how much it counts there, worked out once when the record is
    /// indexed so that a query only adds these up, weighted by how rare each word is.
    ///
    /// Names and titles and the rest of the text are scored apart (BM25 for each, as BM25F
    /// does), each against its own typical length, and a word of the name counts three times:
    /// the organization named "Lao Federation of Trade Unions" comes before the person whose
    /// position mentions it, however long the organization's profile.
    pub fn scored_postings(&self) -> Vec<(String, f64)> {
        let part = |title: bool| {
            let mut terms: BTreeMap<String, f64> = BTreeMap::new();
            for (text, weight) in self
                .fields
                .iter()
                .filter(|(_, w)| (*w >= TITLE_WEIGHT) == title)
            {
                for (term, count) in analyzer().index_terms(text) {
                    *terms.entry(term).or_insert(0.0) += (count * weight) as f64;
                }
            }
            let length: f64 = terms.values().sum();
            (terms, length)
        };
        let bm25 = |weight: f64, length: f64, typical: f64| {
            let discount = 1.0 - BM25_B + BM25_B * length / typical;
            weight * (BM25_K1 + 1.0) / (weight + BM25_K1 * discount)
        };
        let (titles, title_length) = part(true);
        let (texts, text_length) = part(false);
        let mut scores: BTreeMap<String, f64> = BTreeMap::new();
        for (term, weight) in titles {
            *scores.entry(term).or_insert(0.0) +=
                TITLE_BOOST * bm25(weight, title_length, TYPICAL_TITLE_LENGTH);
        }
        for (term, weight) in texts {
            *scores.entry(term).or_insert(0.0) += bm25(weight, text_length, TYPICAL_TEXT_LENGTH);
        }
        scores.into_iter().collect()
    }

    /// The terms of the record's names or titles (the texts that weigh as a title), in order,
    /// each once: what a list's words look for, with the same cutting, folding and stemming as
    /// search.
    pub fn title_terms(&self) -> Vec<String> {
        let mut terms = std::collections::BTreeSet::new();
        for (text, _) in self.fields.iter().filter(|(_, w)| *w >= TITLE_WEIGHT) {
            terms.extend(analyzer().index_terms(text).into_keys());
        }
        terms.into_iter().collect()
    }

    /// A document from its parts, for data that is not a stored record yet (the benchmark's
    /// generated dataset): each text with its weight.
    pub fn from_parts(
        entity: RecordKind,
        record_id: i64,
        texts: Vec<(String, i64)>,
        kind: Option<String>,
        year: Option<i32>,
        countries: Vec<String>,
    ) -> Document {
        let title = texts
            .iter()
            .filter(|(t, w)| *w >= TITLE_WEIGHT && !t.is_empty())
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>();
        let title = match title.as_slice() {
            [zh, en, ..] if zh != en => format!("{zh} ({en})"),
            [one, ..] => (*one).to_owned(),
            [] => String::new(),
        };
        let text = SearchText {
            title,
            texts: texts
                .into_iter()
                .map(|(text, weight)| (text, weight >= TITLE_WEIGHT))
                .collect(),
            kind,
            year,
            countries,
            organizations: Vec::new(),
        };
        Document::of(entity, record_id, text, Vec::new())
    }

    /// The document of the record `record_id` of `entity`, from what its kind says search finds
    /// of it ([`liaison_core::Searchable`]); `countries` are those of the organizations it
    /// involves ([`SearchText::organizations`]), which the store looks up.
    pub fn of(
        entity: RecordKind,
        record_id: i64,
        text: SearchText,
        countries: Vec<String>,
    ) -> Document {
        let SearchText {
            title,
            texts,
            kind,
            year,
            countries: own,
            organizations: _,
        } = text;
        let mut d = Document::new(entity, record_id, title);
        for (text, names) in texts {
            d.add(if names { TITLE_WEIGHT } else { TEXT_WEIGHT }, text);
        }
        d.kind = kind;
        d.year = year;
        d.with_countries(own.into_iter().chain(countries).collect())
    }

    /// The filters of a search this record answers, as [`facets`] names them.
    pub fn facets(&self) -> Vec<String> {
        facets(self.kind.as_deref(), self.year, &self.countries)
    }

    /// The files kept with the record, each a (name, caption) pair: a record is found by what
    /// its photos and documents are called, like by the rest of its text, and is the result
    /// shown (a file's permissions are its record's).
    pub fn with_files<'a>(
        mut self,
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Document {
        for (name, caption) in files {
            self.add(TEXT_WEIGHT, file_words(name));
            self.add(TEXT_WEIGHT, caption);
        }
        self
    }

    fn with_countries(mut self, countries: Vec<String>) -> Document {
        self.countries = countries;
        self.countries.sort();
        self.countries.dedup();
        self.add_country_names();
        self
    }

    /// The names of the record's countries in both languages, as text of the record, so that
    /// "Belarus", 白俄罗斯 or "Nepal" finds the records of that country.
    fn add_country_names(&mut self) {
        let names: Vec<String> = self
            .countries
            .iter()
            .filter_map(|c| liaison_core::CountryCode::parse(c).ok())
            .flat_map(liaison_core::countries::country_names)
            .collect();
        if !names.is_empty() {
            self.add(TEXT_WEIGHT, names.join(" "));
        }
    }
}
