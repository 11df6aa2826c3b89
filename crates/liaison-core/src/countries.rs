//! Countries and regions by name, in Chinese and English, from the CLDR data ICU4X compiles in.

use std::collections::HashMap;
use std::sync::OnceLock;

use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_experimental::displaynames::{DisplayNamesOptions, Style};
use icu_locale_core::locale;
use icu_locale_core::subtags::Region;

use crate::values::country_codes;
use crate::{CountryCode, NewsLanguage, RegionClass};

/// The names of every code in one language.
struct Names {
    /// The name the office writes, by code.
    written: HashMap<&'static str, String>,
}

/// The names in both languages, worked out once from the compiled data.
struct Countries {
    zh: Names,
    en: Names,
    /// Every name a user may type for a country, folded ([`fold`]), with its code: the written
    /// names in both languages, CLDR's own names and short names where they differ (香港, Hong
    /// Kong, Bosnia), and the codes themselves.
    by_name: HashMap<String, &'static str>,
}

fn display_names(language: NewsLanguage, style: Option<Style>) -> Option<RegionDisplayNames> {
    let mut options = DisplayNamesOptions::default();
    options.style = style;
    let prefs = match language {
        NewsLanguage::Zh => locale!("zh").into(),
        NewsLanguage::En => locale!("en").into(),
    };
    RegionDisplayNames::try_new(prefs, options).ok()
}

/// A text as names are compared: lower case, spaces and punctuation gone, so "Lao PDR",
/// "lao pdr" and "Lao-PDR" are one name.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn countries() -> &'static Countries {
    static COUNTRIES: OnceLock<Countries> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        let mut by_name: HashMap<String, &'static str> = HashMap::new();
        let mut names = |language: NewsLanguage| {
            let long = display_names(language, None);
            let short = display_names(language, Some(Style::Short));
            let cldr = |names: &Option<RegionDisplayNames>, code: &str| -> Option<String> {
                let region = Region::try_from_str(code).ok()?;
                names.as_ref()?.of(region).map(str::to_owned)
            };
            let china = cldr(&long, "CN").unwrap_or_else(|| "CN".to_owned());
            let mut written = HashMap::new();
            for code in country_codes() {
                let long_name = cldr(&long, code);
                let short_name = cldr(&short, code);
                // Hong Kong, Macao and Taiwan are regions of China, and the office names them so
                // (中国香港, "Hong Kong, China"), from CLDR's short name and China's name.
                let region = CountryCode::parse(code).map(|c| c.region());
                let name = match (region, &short_name) {
                    (
                        Ok(RegionClass::HongKong | RegionClass::Macao | RegionClass::Taiwan),
                        Some(short),
                    ) => match language {
                        NewsLanguage::Zh => format!("{china}{short}"),
                        NewsLanguage::En => format!("{short}, {china}"),
                    },
                    _ => long_name.clone().unwrap_or_else(|| code.to_owned()),
                };
                for typed in [Some(&name), long_name.as_ref(), short_name.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    by_name.entry(fold(typed)).or_insert(code);
                }
                written.insert(code, name);
            }
            Names { written }
        };
        let zh = names(NewsLanguage::Zh);
        let en = names(NewsLanguage::En);
        for code in country_codes() {
            by_name.insert(fold(code), code);
        }
        Countries { zh, en, by_name }
    })
}

/// The name of a country or region as the office writes it, in Chinese or English: CLDR's name
/// (老挝, Laos), and Hong Kong, Macao and Taiwan as regions of China (中国香港, "Hong Kong,
/// China").
pub fn country_name(code: CountryCode, language: NewsLanguage) -> String {
    let names = match language {
        NewsLanguage::Zh => &countries().zh,
        NewsLanguage::En => &countries().en,
    };
    names
        .written
        .get(code.as_str())
        .cloned()
        .unwrap_or_else(|| code.to_string())
}

/// The name of a stored code, or the code itself when it is not one Liaison knows.
pub fn country_name_of(code: &str, language: NewsLanguage) -> String {
    match CountryCode::parse(code) {
        Ok(code) => country_name(code, language),
        Err(_) => code.to_owned(),
    }
}

/// Both names of a country, as search indexes them: "老挝 Laos".
pub fn country_names(code: CountryCode) -> [String; 2] {
    [
        country_name(code, NewsLanguage::Zh),
        country_name(code, NewsLanguage::En),
    ]
}

/// The country a user named: its code in either case, or its name in Chinese or English, in
/// any case and spacing (老挝, laos, "Lao PDR", 香港, "Hong Kong, China"). `None` when the text
/// names no country.
pub fn find_country(text: &str) -> Option<CountryCode> {
    let folded = fold(text);
    if folded.is_empty() {
        return None;
    }
    countries()
        .by_name
        .get(&folded)
        .and_then(|code| CountryCode::parse(code).ok())
}

/// Reads a country as a form or filter gives it, by code or by name.
pub fn parse_country(text: &str) -> Result<CountryCode, String> {
    find_country(text).ok_or_else(|| {
        format!("'{text}' names no country or region (type its name, such as 老挝 or Laos)")
    })
}

/// The code a list filter asks for, given a code or a name: "Belarus", 白俄罗斯 and "by" all
/// ask for `BY`; a text that names no country is kept, upper case, and finds nothing.
pub fn country_filter_code(text: &str) -> String {
    find_country(text).map_or_else(|| text.trim().to_ascii_uppercase(), |c| c.to_string())
}

/// Every country and region with its names in both languages, in the order of the given
/// language's names, for the choices of a form.
pub fn countries_by_name(language: NewsLanguage) -> Vec<(CountryCode, String, String)> {
    let mut all: Vec<(CountryCode, String, String)> = country_codes()
        .filter_map(|code| CountryCode::parse(code).ok())
        .map(|code| {
            let [zh, en] = country_names(code);
            match language {
                NewsLanguage::Zh => (code, zh, en),
                NewsLanguage::En => (code, en, zh),
            }
        })
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> CountryCode {
        CountryCode::parse(c).unwrap()
    }

    #[test]
    fn countries_are_named_from_cldr_in_both_languages() {
        for (c, zh, en) in [
            ("LA", "老挝", "Laos"),
            ("BY", "白俄罗斯", "Belarus"),
            ("NP", "尼泊尔", "Nepal"),
            ("VN", "越南", "Vietnam"),
            ("RU", "俄罗斯", "Russia"),
            ("GB", "英国", "United Kingdom"),
        ] {
            assert_eq!(country_name(code(c), NewsLanguage::Zh), zh);
            assert_eq!(country_name(code(c), NewsLanguage::En), en);
        }
    }

    #[test]
    fn hong_kong_macao_and_taiwan_are_named_as_regions_of_china() {
        for (c, zh, en) in [
            ("HK", "中国香港", "Hong Kong, China"),
            ("MO", "中国澳门", "Macao, China"),
            ("TW", "中国台湾", "Taiwan, China"),
        ] {
            assert_eq!(country_name(code(c), NewsLanguage::Zh), zh);
            assert_eq!(country_name(code(c), NewsLanguage::En), en);
        }
    }

    #[test]
    fn every_code_has_a_name_in_both_languages() {
        for c in country_codes() {
            let [zh, en] = country_names(code(c));
            assert_ne!(zh, c, "no Chinese name for {c}");
            assert_ne!(en, c, "no English name for {c}");
        }
    }

    #[test]
    fn a_country_is_found_by_its_code_or_any_of_its_names() {
        for (typed, c) in [
            ("la", "LA"),
            ("老挝", "LA"),
            ("laos", "LA"),
            (" LAOS ", "LA"),
            ("白俄罗斯", "BY"),
            ("belarus", "BY"),
            ("香港", "HK"),
            ("中国香港", "HK"),
            ("Hong Kong", "HK"),
            ("hong kong, china", "HK"),
            ("台湾", "TW"),
            ("Taiwan, China", "TW"),
            ("united kingdom", "GB"),
            ("Bosnia", "BA"),
        ] {
            assert_eq!(find_country(typed), Some(code(c)), "{typed}");
        }
        for typed in ["", "Atlantis", "ZZ", "中"] {
            assert_eq!(find_country(typed), None, "{typed}");
        }
        assert!(parse_country("Atlantis").is_err());
        assert_eq!(country_filter_code("白俄罗斯"), "BY");
        assert_eq!(country_filter_code(" zz "), "ZZ");
    }

    #[test]
    fn the_choices_are_sorted_by_name_in_the_language_asked() {
        let en = countries_by_name(NewsLanguage::En);
        assert_eq!(en.len(), country_codes().count());
        assert!(en.windows(2).all(|w| w[0].1 <= w[1].1));
        let laos = en.iter().find(|(c, _, _)| c.as_str() == "LA").unwrap();
        assert_eq!((laos.1.as_str(), laos.2.as_str()), ("Laos", "老挝"));
    }
}
