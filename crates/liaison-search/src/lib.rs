//! Liaison's search: how text becomes words to index and to look up, what of each record is
//! searchable, and how matches are highlighted. No storage here; the store keeps the index.
//!
//! Chinese has no spaces between words, so a substring scan would be both slow and wrong
//! (a trigram index cannot match the two-character 工会). Text is segmented into words with
//! jieba, the dictionary-based segmenter most Chinese search systems start from, and Latin words
//! are lower-cased and stemmed with the Snowball English stemmer, so "unions" finds "Union".

mod analyzer;
mod documents;

pub use analyzer::{Analyzer, MAX_QUERY_TERMS, Segment, analyzer};
pub use documents::{Document, Entity};

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
    #[param(rename = "type")]
    pub entity: Option<Entity>,
    /// Only records of this kind: an activity kind, organization kind, agreement kind, gift
    /// direction or person category.
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// Only records involving this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// How many records of one kind matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EntityCount {
    #[serde(rename = "type")]
    pub entity: Entity,
    pub count: i64,
}

/// One record found.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub entity: Entity,
    pub id: i64,
    pub title: String,
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// Where the words matched, marked.
    pub snippet: Vec<Segment>,
    pub score: f64,
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
