//! The demo records: the two news releases of the office, recorded fact by fact.

use crate::ExchangeDocument;

/// The seed document, in the same form `liaison import` reads.
pub const SEEDS_JSON: &str = include_str!("demo/seeds.json");

/// The seed records, ready to import.
pub fn seed_document() -> Result<ExchangeDocument, serde_json::Error> {
    serde_json::from_str(SEEDS_JSON)
}
