//! Country outlines for the annual review's world map, drawn as SVG paths in the page.
//!
//! `static/world-110m.json` is vendored: Natural Earth's 1:110m Admin 0 countries (public
//! domain) as published in the npm package world-atlas 2.0.2 (`countries-110m.json`), converted
//! once from TopoJSON to SVG path data in an equirectangular projection (2 units a degree,
//! latitudes 84° N to 60° S, Antarctica left out) and keyed by ISO 3166-1 alpha-2 instead of
//! numeric codes. Its `source` field says the same. Places too small for this scale (Hong Kong,
//! Macao, Singapore…) have no outline; the review's tables list them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The map file as vendored.
#[derive(Debug, Default, Deserialize)]
pub struct WorldMap {
    pub width: u32,
    pub height: u32,
    pub countries: BTreeMap<String, Outline>,
}

/// One country's outline. The file also gives Natural Earth's English name, which Liaison does
/// not read: countries are named from CLDR in both languages (`liaison_core::countries`).
#[derive(Debug, Deserialize)]
pub struct Outline {
    /// SVG path data.
    pub d: String,
}

/// The outlines, read from the binary once.
pub fn world() -> &'static WorldMap {
    static MAP: OnceLock<WorldMap> = OnceLock::new();
    MAP.get_or_init(|| {
        // The file is part of the binary and checked by a test; were it damaged, the review
        // would show no map rather than fail.
        serde_json::from_str(include_str!("../../static/world-110m.json")).unwrap_or_else(|err| {
            tracing::error!(error = %err, "the world map file could not be read");
            WorldMap::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_map_has_an_outline_for_nearly_every_country_keyed_by_iso_code() {
        let map = world();
        assert_eq!((map.width, map.height), (720, 288));
        assert!(map.countries.len() > 170, "{}", map.countries.len());
        for (code, outline) in &map.countries {
            assert!(
                liaison_core::CountryCode::parse(code).is_ok(),
                "{code} is not an ISO code"
            );
            assert!(
                outline.d.starts_with('M') && outline.d.ends_with('Z'),
                "{code}"
            );
        }
        for code in ["CN", "LA", "GB", "TW", "RU", "US", "BR", "ZA"] {
            assert!(map.countries.contains_key(code), "{code}");
        }
    }
}
