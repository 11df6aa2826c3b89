//! Turning text into search terms, and finding them again to highlight.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, Script};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};
use jieba_rs::{Jieba, TokenizeMode};
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use utoipa::ToSchema;

/// A query is cut to this many distinct words; longer ones are refined, not searched whole.
pub const MAX_QUERY_TERMS: usize = 12;
/// Words longer than this are not words but noise (pasted identifiers, base64…).
const MAX_TERM_CHARS: usize = 40;
/// Short English words that every record has; they neither find nor rank anything.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
];

/// A part of a text, marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Segment {
    pub text: String,
    #[serde(rename = "match")]
    pub matched: bool,
}

/// The segmenters and stemmer, loaded once: jieba's dictionary takes a moment to read.
pub struct Analyzer {
    jieba: Jieba,
    /// Words of every other script by Unicode's rules (UAX #29), with ICU4X's dictionaries for
    /// the scripts written without spaces (Thai, Lao, Khmer, Burmese, Japanese kana).
    words: WordSegmenterBorrowed<'static>,
    stemmer: Stemmer,
}

/// The one analyzer of the process.
pub fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer {
        jieba: Jieba::new(),
        words: WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()),
        stemmer: Stemmer::create(Algorithm::English),
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A word of a text, and where it lies in the text, in characters.
struct Word<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

fn is_mark(c: char) -> bool {
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

/// Whether a letter is a part of a word: letters, digits, and the marks that belong to a
/// letter (Thai vowels and tones, Devanagari signs), which are not letters themselves.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Whether the marks on letters of this script are left out of terms. Accents on Latin
/// letters (Vietnamese, French), Greek tonos and Arabic and Hebrew vowel points are often not
/// typed, so "Ha" finds "Hà"; in Cyrillic, Thai or Devanagari a mark makes another letter or
/// syllable, so it is kept.
fn folds_marks(script: Script) -> bool {
    matches!(
        script,
        Script::Latin | Script::Greek | Script::Arabic | Script::Hebrew
    )
}

/// A word as it is compared: lower case, in one Unicode form (NFC), without the marks
/// [`folds_marks`] leaves out, and with the Latin letters that have a stroke rather than a
/// mark (Vietnamese đ, Polish ł, Danish ø) written without it, as people type them.
fn fold(word: &str) -> String {
    // Most words of most records are plain ASCII, which has nothing to fold.
    if word.is_ascii() {
        return word
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
    }
    let lower = word.to_lowercase();
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(&lower);
    let scripts = CodePointMapData::<Script>::new();
    let mut folded = String::with_capacity(decomposed.len());
    let mut drop_marks = false;
    for c in decomposed.chars() {
        if is_mark(c) {
            if !drop_marks {
                folded.push(c);
            }
        } else if c.is_alphanumeric() {
            drop_marks = folds_marks(scripts.get(c));
            folded.push(match c {
                'đ' => 'd',
                'ł' => 'l',
                'ø' => 'o',
                'ı' => 'i',
                _ => c,
            });
        }
    }
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&folded)
        .into_owned()
}

/// A text as a typed name is compared with the names on record: each word of it folded as a
/// search term is (lower case, without the accents people leave out), in order, one space
/// apart; punctuation is left out. "Hà Nội" and "ha noi" both read "ha noi".
pub fn fold_words(text: &str) -> String {
    text.split_whitespace()
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Analyzer {
    /// The term a token stands for: Chinese as it is, other words folded ([`fold`]), and
    /// those in plain Latin letters stemmed as English; `None` for spaces, punctuation and stop
    /// words.
    fn term(&self, token: &str) -> Option<String> {
        let token = token.trim();
        if token.is_empty() || token.chars().count() > MAX_TERM_CHARS {
            return None;
        }
        if token.chars().any(is_cjk) {
            let cjk: String = token.chars().filter(|c| is_cjk(*c)).collect();
            return Some(cjk);
        }
        if !token.chars().any(char::is_alphanumeric) {
            return None;
        }
        let folded = fold(token);
        if folded.is_empty() || STOP_WORDS.contains(&folded.as_str()) {
            return None;
        }
        if folded.chars().all(|c| c.is_ascii_digit()) || !folded.is_ascii() {
            return Some(folded);
        }
        Some(self.stemmer.stem(&folded).into_owned())
    }

    /// The words of a text in order: Chinese by jieba (in `mode`), every other script by
    /// Unicode's word boundaries, each word then cut where a character that is neither a letter,
    /// a digit nor a mark stands inside it ("kind:lecture", "U.S."). Spaces and punctuation are
    /// not words.
    fn words<'t>(&self, text: &'t str, mode: TokenizeMode) -> Vec<Word<'t>> {
        let mut words = Vec::new();
        let mut offset = 0;
        for (run, cjk) in runs(text) {
            if cjk {
                for token in self.jieba.tokenize(run, mode, true) {
                    words.push(Word {
                        text: token.word,
                        start: offset + token.start,
                        end: offset + token.end,
                    });
                }
            } else {
                let mut from = 0;
                let mut from_chars = offset;
                for (to, kind) in self.words.segment_str(run).iter_with_word_type() {
                    if to == 0 {
                        continue;
                    }
                    let piece = &run[from..to];
                    if kind.is_word_like() {
                        split_at_punctuation(piece, from_chars, &mut words);
                    }
                    from_chars += piece.chars().count();
                    from = to;
                }
            }
            offset += run.chars().count();
        }
        words
    }

    /// The terms of a text to index, with how often each occurs: every word the search mode
    /// of jieba finds, so that 联合会 and also 联合 are found. Single characters are indexed
    /// only where jieba finds them as words of their own: indexing every character doubled the
    /// index and the time to load it, for queries of one character that find little of use.
    pub fn index_terms(&self, text: &str) -> BTreeMap<String, i64> {
        let mut terms = BTreeMap::new();
        for word in self.words(text, TokenizeMode::Search) {
            if let Some(term) = self.term(word.text) {
                *terms.entry(term).or_insert(0) += 1;
            }
        }
        terms
    }

    /// The distinct terms of a query, in order, at most [`MAX_QUERY_TERMS`]. Quotes, operators
    /// and other punctuation are not words and are left out.
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        // A query is a few words: a long paste is read only as far as it is useful, up to the
        // last space so that no word is cut in two.
        let mut query: String = query.chars().take(500).collect();
        if query.chars().count() == 500
            && let Some(space) = query.rfind(char::is_whitespace)
        {
            query.truncate(space);
        }
        for word in self.words(&query, TokenizeMode::Default) {
            if let Some(term) = self.term(word.text)
                && !terms.contains(&term)
            {
                terms.push(term);
                if terms.len() == MAX_QUERY_TERMS {
                    break;
                }
            }
        }
        terms
    }

    /// The part of `text` around the first match, at most about `width` characters, with every
    /// match marked. `None` when nothing in the text matches.
    pub fn highlight(&self, text: &str, terms: &[String], width: usize) -> Option<Vec<Segment>> {
        self.highlighter(terms).highlight(text, width)
    }

    /// Marks the words `terms` in many texts, such as a page of results.
    pub fn highlighter<'a>(&'a self, terms: &'a [String]) -> Highlighter<'a> {
        Highlighter {
            analyzer: self,
            terms,
            matches: HashMap::new(),
        }
    }
}

/// A text cut into runs of Chinese characters and runs of anything else, each with whether it
/// is Chinese.
fn runs(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let cjk = is_cjk(first);
        let end = rest
            .char_indices()
            .find(|(_, c)| is_cjk(*c) != cjk)
            .map_or(rest.len(), |(i, _)| i);
        let (run, after) = rest.split_at(end);
        rest = after;
        Some((run, cjk))
    })
}

/// Adds the parts of a word between characters that are not parts of words, each with where
/// it lies; `start` is where the word starts, in characters.
fn split_at_punctuation<'t>(word: &'t str, start: usize, words: &mut Vec<Word<'t>>) {
    let mut part: Option<(usize, usize)> = None;
    let mut at = start;
    for (i, c) in word.char_indices() {
        if is_word_char(c) {
            if part.is_none() {
                part = Some((i, at));
            }
        } else if let Some((from, from_chars)) = part.take() {
            words.push(Word {
                text: &word[from..i],
                start: from_chars,
                end: at,
            });
        }
        at += 1;
    }
    if let Some((from, from_chars)) = part {
        words.push(Word {
            text: &word[from..],
            start: from_chars,
            end: at,
        });
    }
}

/// Marks the words of one search in texts one after the other, stemming each distinct word once:
/// the texts of a page of results share most of their words, and stemming was most of the work.
pub struct Highlighter<'a> {
    analyzer: &'a Analyzer,
    terms: &'a [String],
    /// Whether a word as written matches one of the terms.
    matches: HashMap<String, bool>,
}

impl Highlighter<'_> {
    /// The part of `text` around the first match, at most about `width` characters, with every
    /// match marked. `None` when nothing in the text matches.
    pub fn highlight(&mut self, text: &str, width: usize) -> Option<Vec<Segment>> {
        let terms = self.terms;
        let chars: Vec<char> = text.chars().collect();
        let mut marked = vec![false; chars.len()];
        // Chinese terms are found where they occur, whatever the segmentation around them.
        for term in terms.iter().filter(|t| t.chars().any(is_cjk)) {
            let needle: Vec<char> = term.chars().collect();
            for start in 0..chars.len().saturating_sub(needle.len() - 1) {
                if chars[start..start + needle.len()] == needle[..] {
                    marked[start..start + needle.len()]
                        .iter_mut()
                        .for_each(|m| *m = true);
                }
            }
        }
        // Other words match by their stem.
        for word in self.analyzer.words(text, TokenizeMode::Default) {
            if word.text.chars().any(is_cjk) {
                continue;
            }
            let matched = match self.matches.get(word.text) {
                Some(matched) => *matched,
                None => {
                    let matched = self
                        .analyzer
                        .term(word.text)
                        .is_some_and(|term| terms.contains(&term));
                    self.matches.insert(word.text.to_owned(), matched);
                    matched
                }
            };
            if matched {
                marked[word.start..word.end]
                    .iter_mut()
                    .for_each(|m| *m = true);
            }
        }
        let first = marked.iter().position(|m| *m)?;
        let start = first.saturating_sub(width / 3);
        let end = (start + width).min(chars.len());
        let mut segments: Vec<Segment> = Vec::new();
        if start > 0 {
            segments.push(Segment {
                text: "…".to_owned(),
                matched: false,
            });
        }
        for i in start..end {
            match segments.last_mut() {
                Some(last) if last.matched == marked[i] && last.text != "…" => {
                    last.text.push(chars[i])
                }
                _ => segments.push(Segment {
                    text: chars[i].to_string(),
                    matched: marked[i],
                }),
            }
        }
        if end < chars.len() {
            segments.push(Segment {
                text: "…".to_owned(),
                matched: false,
            });
        }
        Some(segments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(terms: &BTreeMap<String, i64>, term: &str) -> bool {
        terms.contains_key(term)
    }

    #[test]
    fn a_highlighter_marks_each_text_as_a_single_highlight_would() {
        let a = analyzer();
        let terms = a.query_terms("unions 工会");
        let texts = [
            "Lao Federation of Trade Unions 老挝工会联合会",
            "A union forum; the unions met",
            "nothing to see",
            "UNION",
        ];
        let mut highlighter = a.highlighter(&terms);
        for text in texts {
            assert_eq!(
                highlighter.highlight(text, 80),
                a.highlight(text, &terms, 80),
                "{text}"
            );
        }
    }

    #[test]
    fn chinese_text_is_indexed_by_its_words() {
        let terms = analyzer().index_terms("老挝工会联合会副主席率团访问我校");
        for word in ["老挝", "工会", "联合会", "联合", "访问", "我校", "副"] {
            assert!(has(&terms, word), "{word} missing from {terms:?}");
        }
    }

    #[test]
    fn english_words_are_lower_cased_and_stemmed() {
        let a = analyzer();
        let terms = a.index_terms("The Lao Federation of Trade Unions visited the university");
        assert!(has(&terms, "union") && has(&terms, "visit") && has(&terms, "lao"));
        assert!(!has(&terms, "the") && !has(&terms, "of"));
        assert_eq!(a.query_terms("UNIONS Visiting"), ["union", "visit"]);
    }

    #[test]
    fn mixed_text_keeps_both_kinds_of_words_and_numbers() {
        let a = analyzer();
        let terms = a.index_terms("Phonesane Vilaymeng 率团访问, the 12351 hotline");
        for term in ["phonesan", "vilaymeng", "率团", "访问", "12351", "hotlin"] {
            assert!(has(&terms, term), "{term} missing from {terms:?}");
        }
        assert_eq!(a.query_terms("老挝 unions"), ["老挝", "union"]);
    }

    #[test]
    fn odd_queries_give_words_or_nothing_never_a_failure() {
        let a = analyzer();
        assert!(a.query_terms("").is_empty());
        assert!(a.query_terms("\"\" AND OR NOT * ( ) -- ; % _ '").len() <= 3);
        assert!(a.query_terms("!!! ??? ……").is_empty());
        assert_eq!(a.query_terms("\"工会\" +union -").len(), 2);
        let long = "工会 trade ".repeat(10_000);
        assert_eq!(a.query_terms(&long), ["工会", "trade"]);
        let many: String = (0..100).map(|i| format!("word{i} ")).collect();
        assert_eq!(a.query_terms(&many).len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn matches_are_marked_in_a_snippet_around_the_first_one() {
        let a = analyzer();
        let terms = a.query_terms("工会 hotline");
        let segments = a
            .highlight(
                "关于数字社会中的智慧工会，以及 12351 worker service hotlines。",
                &terms,
                80,
            )
            .unwrap();
        let marked: Vec<_> = segments
            .iter()
            .filter(|s| s.matched)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["工会", "hotlines"]);
        let text: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert!(text.contains("智慧工会"));
        assert!(a.highlight("nothing here", &terms, 80).is_none());
        let long = format!("{}工会{}", "前".repeat(200), "后".repeat(200));
        let snippet = a.highlight(&long, &terms, 60).unwrap();
        assert_eq!(snippet.first().unwrap().text, "…");
        assert!(
            snippet
                .iter()
                .map(|s| s.text.chars().count())
                .sum::<usize>()
                <= 62
        );
    }

    #[test]
    fn cyrillic_is_cut_into_words_not_letters() {
        let a = analyzer();
        let terms = a.index_terms(
            "Уральский федеральный университет имени первого Президента России Б. Н. Ельцина",
        );
        for word in ["уральский", "федеральный", "университет", "ельцина"]
        {
            assert!(has(&terms, word), "{word} missing from {terms:?}");
        }
        assert_eq!(a.query_terms("Путин"), ["путин"]);
        assert!(a.query_terms("Путин").iter().all(|t| !has(&terms, t)));
        // A mark that makes another letter is kept: й is not и.
        assert_eq!(a.query_terms("Чайка"), ["чайка"]);
    }

    #[test]
    fn vietnamese_words_are_found_with_or_without_their_marks() {
        let a = analyzer();
        let terms = a.index_terms("Trường Đại học Công đoàn Hà Nội");
        for word in ["truong", "dai", "hoc", "cong", "doan", "ha", "noi"] {
            assert!(has(&terms, word), "{word} missing from {terms:?}");
        }
        assert_eq!(a.query_terms("Hà"), ["ha"]);
        assert_eq!(a.query_terms("Ha"), ["ha"]);
        assert_eq!(a.query_terms("ĐOÀN"), ["doan"]);
        assert!(!has(&terms, "a") && !has(&terms, "h"), "{terms:?}");
        // The same word decomposed (e + combining grave) is the same term.
        assert_eq!(a.query_terms("Ha\u{0300}"), ["ha"]);
    }

    #[test]
    fn arabic_is_cut_into_words_and_its_vowel_points_are_optional() {
        let a = analyzer();
        let terms = a.index_terms("الاتحاد العام لنقابات العمال");
        assert_eq!(terms.len(), 4, "{terms:?}");
        assert!(has(&terms, "الاتحاد"));
        assert_eq!(a.query_terms("الاتِّحاد"), ["الاتحاد"]);
    }

    #[test]
    fn thai_is_cut_into_words_by_a_dictionary() {
        let a = analyzer();
        // "The Labour Union of Thailand", written without spaces: the labour union, of, Thailand.
        let terms = a.index_terms("สหภาพแรงงานแห่งประเทศไทย");
        let words: Vec<&str> = terms.keys().map(String::as_str).collect();
        assert_eq!(words, ["ประเทศไทย", "สหภาพแรงงาน", "แห่ง"]);
        assert_eq!(a.query_terms("ประเทศไทย"), ["ประเทศไทย"]);
        assert_eq!(
            a.query_terms("สหภาพแรงงาน ประเทศไทย"),
            ["สหภาพแรงงาน", "ประเทศไทย"]
        );
    }

    #[test]
    fn other_scripts_are_cut_into_words_too() {
        let a = analyzer();
        for (text, word) in [
            ("Εθνικό Μετσόβιο Πολυτεχνείο", "εθνικο"),
            ("नेपाल ट्रेड यूनियन कांग्रेस", "नेपाल"),
            ("Histadrut הסתדרות העובדים", "הסתדרות"),
            ("대한민국 한국노동조합총연맹", "대한민국"),
        ] {
            let terms = a.index_terms(text);
            assert!(has(&terms, word), "{word} missing from {terms:?}");
            assert!(terms.keys().all(|t| t.chars().count() > 1), "{terms:?}");
        }
    }

    #[test]
    fn a_word_without_its_marks_is_highlighted_where_it_has_them() {
        let a = analyzer();
        let terms = a.query_terms("Ha Noi");
        let segments = a.highlight("Đại học Công đoàn Hà Nội", &terms, 80).unwrap();
        let marked: Vec<_> = segments
            .iter()
            .filter(|s| s.matched)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["Hà", "Nội"]);
        let terms = a.query_terms("Путин");
        assert!(
            a.highlight("Уральский федеральный университет", &terms, 80)
                .is_none()
        );
    }
}
