//! Turning text into search terms, and finding them again to highlight.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

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

/// The segmenter and stemmer, loaded once: jieba's dictionary takes a moment to read.
pub struct Analyzer {
    jieba: Jieba,
    stemmer: Stemmer,
}

/// The one analyzer of the process.
pub fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer {
        jieba: Jieba::new(),
        stemmer: Stemmer::create(Algorithm::English),
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

impl Analyzer {
    /// The term a token stands for: Chinese as it is, other words lower-cased and stemmed;
    /// `None` for spaces, punctuation and stop words.
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
        let lower: String = token
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if STOP_WORDS.contains(&lower.as_str()) {
            return None;
        }
        if lower.chars().all(|c| c.is_ascii_digit()) {
            return Some(lower);
        }
        Some(self.stemmer.stem(&lower).into_owned())
    }

    /// The terms of a text to index, with how often each occurs: every word the search mode
    /// of jieba finds, so that 联合会 and also 联合 are found. Single characters are indexed
    /// only where jieba finds them as words of their own: indexing every character doubled the
    /// index and the time to load it, for queries of one character that find little of use.
    pub fn index_terms(&self, text: &str) -> BTreeMap<String, i64> {
        let mut terms = BTreeMap::new();
        for token in self.jieba.tokenize(text, TokenizeMode::Search, true) {
            if let Some(term) = self.term(token.word) {
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
        for token in self.jieba.tokenize(&query, TokenizeMode::Default, true) {
            if let Some(term) = self.term(token.word)
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
        for token in self
            .analyzer
            .jieba
            .tokenize(text, TokenizeMode::Default, true)
        {
            if token.word.chars().any(is_cjk) {
                continue;
            }
            let matched = match self.matches.get(token.word) {
                Some(matched) => *matched,
                None => {
                    let matched = self
                        .analyzer
                        .term(token.word)
                        .is_some_and(|term| terms.contains(&term));
                    self.matches.insert(token.word.to_owned(), matched);
                    matched
                }
            };
            if matched {
                marked[token.start..token.end]
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
}
