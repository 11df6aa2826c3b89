//! What search finds of a record: each searchable kind says it in its own module, and the
//! search crate weighs and indexes it.

use serde::Serialize;

use crate::{Record, display_name};

/// What of a record search finds: its names or titles, the rest of its text, and the filters it
/// answers (`kind:`, `year:`, `country:`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchText {
    /// The name shown in results.
    pub title: String,
    /// Each text, one a line of the record's snippet, and whether it names the record (a name
    /// or a title, which counts more than a word of the rest).
    pub texts: Vec<(String, bool)>,
    /// The code of the record's kind, direction or category.
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// ISO codes of the countries the record is of.
    pub countries: Vec<String>,
    /// Organizations whose countries the record involves, by number: the store, which knows
    /// their countries, adds them to [`SearchText::countries`].
    pub organizations: Vec<i64>,
}

impl SearchText {
    /// A record shown in results by its Chinese and English names.
    pub fn titled(zh: &Option<String>, en: &Option<String>) -> SearchText {
        SearchText {
            title: display_name(zh, en),
            ..SearchText::default()
        }
    }

    /// Texts that name the record, those it has.
    pub fn names<'a>(&mut self, texts: impl IntoIterator<Item = &'a Option<String>>) {
        for text in texts.into_iter().flatten() {
            self.name(text);
        }
    }

    /// A text that names the record.
    pub fn name(&mut self, text: &str) {
        self.texts.push((text.to_owned(), true));
    }

    /// Texts of the record beyond its names, those it has.
    pub fn texts<'a>(&mut self, texts: impl IntoIterator<Item = &'a Option<String>>) {
        for text in texts.into_iter().flatten() {
            self.text(text);
        }
    }

    /// A text of the record beyond its names.
    pub fn text(&mut self, text: &str) {
        self.texts.push((text.to_owned(), false));
    }

    /// The code of a value of a vocabulary (an activity's kind), as the `kind:` filter names it.
    pub fn kind_of<T: Serialize>(&mut self, value: &T) {
        self.kind = crate::kind::code(value);
    }
}

/// A kind of record search finds (its declaration's `search` gives its code in the index).
pub trait Searchable: Record {
    /// What of this record search finds.
    fn search_text(&self) -> SearchText;
}
