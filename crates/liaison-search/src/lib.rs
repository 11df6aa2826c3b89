//! Liaison's search: how text becomes words to index and to look up, what of each record is
//! searchable, and how matches are highlighted. No storage here; the store keeps the index.
//!
//! Chinese has no spaces between words, so a substring scan would be both slow and wrong
//! (a trigram index cannot match the two-character 工会). Text is segmented into words with
//! jieba, the dictionary-based segmenter most Chinese search systems start from, and Latin words
//! are lower-cased and stemmed with the Snowball English stemmer, so "unions" finds "Union".
//! Every other script is cut into words by Unicode's rules (ICU4X's word segmenter, with its
//! dictionaries for Thai, Lao, Khmer and Burmese), and accents are folded, so "Ha" finds "Hà".

mod analyzer;
pub mod blocks;
mod documents;

pub use analyzer::{Analyzer, Highlighter, MAX_QUERY_TERMS, Segment, analyzer, fold_words};
pub use documents::{Document, facets, file_matches, file_words, title_key};
pub use liaison_core::RecordKind;

/// The version of how text becomes terms and what of each record is indexed. An index built by
/// another version is rebuilt when Liaison starts (the store keeps the version with the index):
/// 2 cut every script into words by Unicode's rules, folded marks and indexed countries' names;
/// 3 kept the words of each record's names or titles apart, for the lists ([`title_key`]).
pub const INDEX_VERSION: i64 = 3;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a user asks of search.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchRequest {
    /// Words in Chinese or English, in any mix.
    pub q: Option<String>,
    /// Only this kind of record.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = searchable_kinds)]
    pub entity: Option<RecordKind>,
    /// Only records of this kind: an activity kind, organization kind, agreement kind, gift
    /// direction or person category.
    pub kind: Option<String>,
    /// Only records of this year, 1900 to 2200.
    #[serde(default, deserialize_with = "liaison_core::limits::optional_year")]
    pub year: Option<i32>,
    /// Only records involving this country: its ISO 3166-1 alpha-2 code or its name in Chinese
    /// or English.
    pub country: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The kinds a search may be narrowed to, as the OpenAPI document lists them: those search finds.
fn searchable_kinds() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(RecordKind::searchable().iter().map(|k| k.name)))
        .build()
}

impl SearchRequest {
    /// The request's filters of kind, year and country as facets ([`facets`]).
    pub fn facets(&self) -> Vec<String> {
        let country: Vec<String> = self.country.iter().cloned().collect();
        facets(self.kind.as_deref(), self.year, &country)
    }
}

/// How many records of one kind matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EntityCount {
    #[serde(rename = "type")]
    pub entity: RecordKind,
    pub count: i64,
}

/// One record found.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub entity: RecordKind,
    pub id: i64,
    pub title: String,
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// Where the words matched, marked.
    pub snippet: Vec<Segment>,
    pub score: f64,
    /// The files kept with the record whose name or caption holds a word searched for.
    pub files: Vec<FileHit>,
}

/// A file named in a result: found by its name or caption, and shown on its record's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FileHit {
    /// The file's number among the record's files.
    pub id: i64,
    pub name: String,
    pub caption: String,
}

/// A page of results, best first, with the count for each kind of record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchResults {
    /// The words searched for, as segmented and stemmed.
    pub terms: Vec<String>,
    pub total: i64,
    pub counts: Vec<EntityCount>,
    pub items: Vec<SearchHit>,
    pub page: i64,
    pub per_page: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: Option<&str>, year: Option<i32>, country: Option<&str>) -> SearchRequest {
        SearchRequest {
            kind: kind.map(str::to_owned),
            year,
            country: country.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn a_request_has_a_facet_for_each_filter_given() {
        assert_eq!(
            request(Some(" conference "), Some(2015), Some("la")).facets(),
            ["country:LA", "kind:conference", "year:2015"]
        );
        assert!(request(Some(""), None, Some("  ")).facets().is_empty());
    }

    #[test]
    fn a_country_filter_may_name_the_country_in_either_language() {
        for asked in ["BY", "by", "Belarus", "白俄罗斯"] {
            assert_eq!(request(None, None, Some(asked)).facets(), ["country:BY"]);
        }
    }

    #[test]
    fn the_words_a_list_looks_for_are_those_of_the_names_alone() {
        let document = Document::from_parts(
            liaison_core::ACTIVITY,
            7,
            vec![
                ("老挝工会联合会代表团访问我校".to_owned(), 5),
                ("Liên đoàn delegation visits".to_owned(), 5),
                ("A summary about Réunion".to_owned(), 1),
            ],
            None,
            None,
            vec!["LA".to_owned()],
        );
        let names = document.title_terms();
        for query in ["工会", "lien doan", "VISIT", "Delegations"] {
            for term in analyzer().query_terms(query) {
                assert!(names.contains(&term), "{term} missing from {names:?}");
            }
        }
        // Neither the summary nor the country's name is a name.
        for query in ["summary", "reunion", "Laos"] {
            for term in analyzer().query_terms(query) {
                assert!(!names.contains(&term), "{term} in {names:?}");
            }
        }
        assert_eq!(
            title_key(liaison_core::ACTIVITY, "union"),
            "title:activity:union"
        );
    }

    #[test]
    fn a_record_is_found_by_its_countrys_name_in_either_language() {
        let document = Document::from_parts(
            liaison_core::ORGANIZATION,
            1,
            vec![("Federation of Trade Unions of Belarus".to_owned(), 5)],
            None,
            None,
            vec!["BY".to_owned()],
        );
        let terms: Vec<String> = document
            .scored_postings()
            .into_iter()
            .map(|p| p.0)
            .collect();
        for query in ["Belarus", "白俄罗斯"] {
            for term in analyzer().query_terms(query) {
                assert!(terms.contains(&term), "{term} missing from {terms:?}");
            }
        }
        assert!(document.body.contains("白俄罗斯 Belarus"));
    }

    #[test]
    fn no_word_searched_for_is_taken_for_a_filter() {
        // Filters are kept under keys such as `year:2015` beside the words; no word has a colon.
        let terms = analyzer().query_terms("kind:lecture year:2015 country：LA 年份:2015");
        assert!(!terms.is_empty());
        assert!(
            terms.iter().all(|t| !t.contains(':') && !t.contains('：')),
            "{terms:?}"
        );
    }

    #[test]
    fn a_file_is_matched_by_the_words_of_its_name_and_caption_not_its_extension() {
        assert_eq!(
            file_words("signed-memorandum_2025.pdf"),
            "signed memorandum 2025"
        );
        let words = |q: &str| analyzer().query_terms(q);
        assert!(file_matches(
            "signed-memorandum.pdf",
            "",
            &words("Memorandums")
        ));
        assert!(!file_matches("signed-memorandum.pdf", "", &words("pdf")));
        assert!(file_matches(
            "IMG_0001.JPG",
            "老挝工会代表团合影",
            &words("合影")
        ));
        assert!(!file_matches(
            "IMG_0001.JPG",
            "老挝工会代表团合影",
            &words("签约")
        ));
    }

    #[test]
    fn a_record_answers_each_of_its_filters_once() {
        let countries = vec!["LA".to_owned(), "CN".to_owned(), "la".to_owned()];
        assert_eq!(
            facets(Some("inbound_visit"), Some(2025), &countries),
            [
                "country:CN",
                "country:LA",
                "kind:inbound_visit",
                "year:2025"
            ]
        );
    }

    /// What a kind says search finds of a record becomes its document: its names weigh as
    /// names, its other texts as text, and the countries of the organizations it involves
    /// (looked up by the store) are filters and words of it beside its own.
    #[test]
    fn a_record_s_search_text_becomes_its_document() {
        let mut text = liaison_core::SearchText::titled(
            &Some("尼泊尔工会代表团来访".to_owned()),
            &Some("Nepali union delegation".to_owned()),
        );
        text.names([&Some("尼泊尔工会代表团来访".to_owned())]);
        text.name("Nepali union delegation");
        text.texts([&None, &Some("Talks on vocational training".to_owned())]);
        text.kind_of(&liaison_core::ActivityKind::InboundVisit);
        text.year = Some(2026);
        text.countries = vec!["NP".to_owned()];
        text.organizations = vec![12];
        let document = Document::of(liaison_core::ACTIVITY, 3, text, vec!["VN".to_owned()]);
        assert_eq!(
            document.title,
            "尼泊尔工会代表团来访 (Nepali union delegation)"
        );
        assert_eq!(document.countries, ["NP", "VN"]);
        assert_eq!(
            document.facets(),
            [
                "country:NP",
                "country:VN",
                "kind:inbound_visit",
                "year:2026"
            ]
        );
        let names = document.title_terms();
        assert!(names.contains(&"nepali".to_owned()), "{names:?}");
        assert!(
            !names.iter().any(|t| t.starts_with("vocation")),
            "{names:?}"
        );
        // Vietnam's names in both languages are words of the record, not names.
        let words: Vec<String> = document
            .scored_postings()
            .into_iter()
            .map(|p| p.0)
            .collect();
        for query in ["Vietnam", "越南", "vocational"] {
            for term in analyzer().query_terms(query) {
                assert!(words.contains(&term), "{term} missing from {words:?}");
            }
        }
        assert_eq!(
            document.body.lines().count(),
            4,
            "two names, one text, the countries' names: {}",
            document.body
        );
    }
}
