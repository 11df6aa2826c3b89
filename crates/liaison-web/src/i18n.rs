//! The interface in Simplified Chinese and English: Fluent message catalogs, and dates and
//! numbers written the way each language writes them.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use liaison_core::DayPart;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(&self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The value of the page's `lang` attribute.
    pub fn html(&self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// The same language as the records' texts name it.
    pub fn language(&self) -> liaison_core::NewsLanguage {
        match self {
            Lang::Zh => liaison_core::NewsLanguage::Zh,
            Lang::En => liaison_core::NewsLanguage::En,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a browser prefers, from its Accept-Language header: the first of Chinese
    /// and English it names, by weight; Chinese when it names neither.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::default();
        };
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                let lang = if tag.starts_with("zh") {
                    Lang::Zh
                } else if tag.starts_with("en") {
                    Lang::En
                } else {
                    return None;
                };
                Some((weight, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map_or(Lang::default(), |(_, lang)| *lang)
    }
}

type Bundle = FluentBundle<FluentResource>;

/// The message catalogs, one pair (Chinese, English) per part of the interface.
const CATALOGS: [(&str, &str); 10] = [
    (
        include_str!("../locales/zh/main.ftl"),
        include_str!("../locales/en/main.ftl"),
    ),
    (
        include_str!("../locales/zh/documents.ftl"),
        include_str!("../locales/en/documents.ftl"),
    ),
    (
        include_str!("../locales/zh/review.ftl"),
        include_str!("../locales/en/review.ftl"),
    ),
    (
        include_str!("../locales/zh/sheets.ftl"),
        include_str!("../locales/en/sheets.ftl"),
    ),
    (
        include_str!("../locales/zh/workdays.ftl"),
        include_str!("../locales/en/workdays.ftl"),
    ),
    (
        include_str!("../locales/zh/files.ftl"),
        include_str!("../locales/en/files.ftl"),
    ),
    (
        include_str!("../locales/zh/trips.ftl"),
        include_str!("../locales/en/trips.ftl"),
    ),
    (
        include_str!("../locales/zh/account.ftl"),
        include_str!("../locales/en/account.ftl"),
    ),
    (
        include_str!("../locales/zh/passports.ftl"),
        include_str!("../locales/en/passports.ftl"),
    ),
    (
        include_str!("../locales/zh/notices.ftl"),
        include_str!("../locales/en/notices.ftl"),
    ),
];

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<HashMap<Lang, Bundle>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| {
        [
            (Lang::Zh, 0, unic_langid::langid!("zh-CN")),
            (Lang::En, 1, unic_langid::langid!("en")),
        ]
        .into_iter()
        .map(|(lang, column, id)| {
            let mut bundle = Bundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            for catalog in CATALOGS {
                let source = if column == 0 { catalog.0 } else { catalog.1 };
                // The catalogs are part of the binary and checked by the tests; a broken one
                // is a build defect, reported here in full.
                let resource = FluentResource::try_new(source.to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{} catalog: {errors:?}", lang.code()));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("{} catalog: {errors:?}", lang.code()));
            }
            (lang, bundle)
        })
        .collect()
    });
    &bundles[&lang]
}

/// The translator of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The message `key`; the key itself when the catalog lacks it, so a gap shows and is
    /// caught by the test that compares the catalogs.
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with named arguments.
    pub fn args(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.clone()));
        }
        self.format(key, Some(&fluent_args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = bundle(self.lang);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// The text in the reader's language when there is one, the other otherwise.
    pub fn pick(&self, zh: &Option<String>, en: &Option<String>) -> String {
        let (first, second) = match self.lang {
            Lang::Zh => (zh, en),
            Lang::En => (en, zh),
        };
        first.clone().or_else(|| second.clone()).unwrap_or_default()
    }

    /// A country's or region's name in the reader's language (老挝, Laos; 中国香港), from CLDR.
    pub fn country(&self, code: liaison_core::CountryCode) -> String {
        liaison_core::country_name(code, self.lang.language())
    }

    /// The name of a country stored or sent as a code; the text itself when it is no code.
    pub fn country_of(&self, code: &str) -> String {
        liaison_core::country_name_of(code, self.lang.language())
    }

    /// The label of an enum value, from the message `{prefix}-{value}`.
    pub fn value(&self, prefix: &str, value: &str) -> String {
        self.get(&format!("{prefix}-{}", value.replace('_', "-")))
    }

    /// A day as each language writes it: 2020年1月9日, 9 January 2020.
    pub fn date(&self, date: NaiveDate) -> String {
        match self.lang {
            Lang::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
            Lang::En => date.format("%-d %B %Y").to_string(),
        }
    }

    pub fn optional_date(&self, date: Option<NaiveDate>) -> String {
        date.map(|d| self.date(d)).unwrap_or_default()
    }

    /// A date range with half days: "2020年1月9日上午", "9 January 2020, morning".
    pub fn span(
        &self,
        start: NaiveDate,
        start_part: DayPart,
        end: NaiveDate,
        end_part: DayPart,
    ) -> String {
        let part = |p: DayPart| match p {
            DayPart::FullDay => String::new(),
            other => self.value("day-part", other.as_str()),
        };
        let one = |d: NaiveDate, p: DayPart| {
            let part = part(p);
            match (self.lang, part.is_empty()) {
                (_, true) => self.date(d),
                (Lang::Zh, false) => format!("{}{part}", self.date(d)),
                (Lang::En, false) => format!("{}, {part}", self.date(d)),
            }
        };
        if start == end && start_part == end_part {
            one(start, start_part)
        } else if start == end {
            format!("{} – {}", one(start, start_part), part(end_part))
        } else {
            format!("{} – {}", one(start, start_part), one(end, end_part))
        }
    }

    /// A whole number with thousands separators, as both languages print them in the office.
    pub fn number(&self, n: i64) -> String {
        liaison_core::thousands(n)
    }

    /// An amount in yuan from fen: ¥1,234.50.
    pub fn money(&self, fen: i64) -> String {
        format!("¥{}.{:02}", self.number(fen / 100), (fen % 100).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<String> {
        let mut keys: Vec<String> = source
            .lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or_default().trim().to_owned())
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn both_catalogs_hold_the_same_messages() {
        let mut all = Vec::new();
        for (zh, en) in CATALOGS {
            let zh = keys(zh);
            let en = keys(en);
            let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
            let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
            assert!(
                only_zh.is_empty() && only_en.is_empty(),
                "only in zh: {only_zh:?}; only in en: {only_en:?}"
            );
            all.extend(zh);
        }
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "a message is defined in two catalogs");
        assert_eq!(Tr::new(Lang::Zh).get("nav-activities"), "活动");
        assert_eq!(Tr::new(Lang::En).get("nav-activities"), "Activities");
    }

    #[test]
    fn the_browser_language_decides_the_first_default() {
        assert_eq!(
            Lang::from_accept_language(Some("en-GB,en;q=0.9,zh-CN;q=0.8")),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language(Some("fr-FR, en;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
    }

    #[test]
    fn dates_and_numbers_are_written_the_way_each_language_writes_them() {
        let (zh, en) = (Tr::new(Lang::Zh), Tr::new(Lang::En));
        let d = NaiveDate::from_ymd_opt(2020, 1, 9).unwrap();
        assert_eq!(
            zh.span(d, DayPart::Morning, d, DayPart::Morning),
            "2020年1月9日上午"
        );
        assert_eq!(
            en.span(d, DayPart::Morning, d, DayPart::Morning),
            "9 January 2020, morning"
        );
        let e = NaiveDate::from_ymd_opt(2020, 1, 10).unwrap();
        assert_eq!(
            en.span(d, DayPart::FullDay, e, DayPart::FullDay),
            "9 January 2020 – 10 January 2020"
        );
        assert_eq!(en.number(220000), "220,000");
        assert_eq!(zh.money(123456), "¥1,234.56");
    }
}
