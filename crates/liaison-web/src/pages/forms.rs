//! Reading HTML forms into records, and records back into forms.
//!
//! A form arrives as name/value pairs. Repeating rows are named `group-INDEX-field`, the same
//! path a field error carries (`participants[2].role` is the field `participants-2-role`), so
//! every problem can be shown beside the input it is about.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use liaison_core::{FieldErrors, Link, Named, PersonInput, Ref};

use super::{Field, Ui};

/// The most rows of one group a form holds: more participants than any delegation brings.
pub const MAX_ROWS: usize = 500;

/// The submitted values of a form, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(pub BTreeMap<String, String>);

impl Values {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Values {
        Values(pairs.into_iter().collect())
    }

    /// The values of a query string, without the empty ones, so that a filter left blank reads
    /// as not chosen, and without any holding U+0000, which no one types into a filter and
    /// PostgreSQL cannot compare.
    pub fn from_query(raw: Option<&str>) -> Values {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default();
        Values::from_pairs(
            pairs
                .into_iter()
                .filter(|(k, v)| {
                    !v.trim().is_empty()
                        && !liaison_core::limits::has_nul(k)
                        && !liaison_core::limits::has_nul(v)
                })
                .collect(),
        )
    }

    /// A link to `path` with these values as its query, changed by `changes`; an empty change
    /// removes the value.
    pub fn link(&self, path: &str, changes: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        pairs.extend(
            changes
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| ((*k).to_owned(), v.clone())),
        );
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        }
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or_default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(name.into(), value);
        }
    }

    /// The trimmed value, or `None` when empty.
    pub fn text(&self, name: &str) -> Option<String> {
        Some(self.get(name).trim().to_owned()).filter(|s| !s.is_empty())
    }

    /// The non-empty lines of a text area.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// How many rows of a group were sent (the highest index, plus one), at most [`MAX_ROWS`]:
    /// a row numbered beyond that was not made by a form of Liaison and is not read.
    pub fn rows(&self, group: &str) -> usize {
        let prefix = format!("{group}-");
        self.0
            .keys()
            .filter_map(|k| {
                k.strip_prefix(&prefix)?
                    .split('-')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .filter(|i| *i < MAX_ROWS)
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }

    /// Whether every field of a row is empty: such a row is left out.
    pub fn row_is_empty(&self, group: &str, index: usize) -> bool {
        let prefix = format!("{group}-{index}-");
        self.0
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .all(|(_, v)| v.trim().is_empty())
    }
}

/// The record read from a form, or every problem with it: those found reading the form and,
/// when a record could still be put together, those its own rules find, so the user sees all
/// of them at once.
pub fn finish<T: liaison_core::Validate + Clone>(
    input: Option<T>,
    reader: Reader,
) -> Result<T, FieldErrors> {
    let mut errors = reader.errors;
    match input {
        Some(input) if errors.is_empty() => Ok(input),
        Some(input) => {
            let mut checked = input;
            let mut rules = FieldErrors::new();
            checked.check(&mut rules);
            for e in rules.0 {
                let field = field_name(&e.field);
                if !errors
                    .0
                    .iter()
                    .any(|known| field_name(&known.field) == field)
                {
                    errors.0.push(e);
                }
            }
            Err(errors)
        }
        None => Err(errors),
    }
}

/// Collects the problems of reading a form, by field name.
#[derive(Debug, Default)]
pub struct Reader {
    pub errors: FieldErrors,
}

impl Reader {
    fn problem(&mut self, field: &str, message: String) {
        self.errors.add(field, "invalid", message);
    }

    /// A typed value, or a problem when it does not read.
    pub fn parse<T: FromStr>(&mut self, values: &Values, field: &str, what: &str) -> Option<T> {
        let text = values.text(field)?;
        match text.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem(field, format!("'{text}' is not {what}"));
                None
            }
        }
    }

    /// A date as `YYYY-MM-DD` in the years every input allows (`liaison_core::limits`).
    pub fn date(&mut self, values: &Values, field: &str) -> Option<NaiveDate> {
        let text = values.text(field)?;
        match liaison_core::limits::parse_date(&text) {
            Ok(date) => Some(date),
            Err(message) => {
                self.problem(field, message);
                None
            }
        }
    }

    /// A value the serde form of an enum reads, such as `inbound_visit`.
    pub fn choice<T: serde::de::DeserializeOwned>(
        &mut self,
        values: &Values,
        field: &str,
    ) -> Option<T> {
        let text = values.text(field)?;
        match serde_json::from_value(serde_json::Value::String(text.clone())) {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem(field, format!("'{text}' is not one of the choices"));
                None
            }
        }
    }

    /// A link to an existing record: `#12` (its number) or `@key`.
    pub fn link(&mut self, values: &Values, field: &str) -> Option<Link> {
        let text = values.text(field)?;
        let link = link_of(&text);
        if link.is_none() {
            self.problem(
                field,
                format!("'{text}': write # and the record's number, such as #12"),
            );
        }
        link
    }

    /// Every line of a text area as a link.
    pub fn links(&mut self, values: &Values, field: &str) -> Vec<Link> {
        let mut links = Vec::new();
        for line in values.lines(field) {
            match link_of(&line) {
                Some(link) => links.push(link),
                None => self.problem(
                    field,
                    format!("'{line}': write # and the record's number, such as #12"),
                ),
            }
        }
        links
    }

    /// An amount in yuan, such as `200` or `1234.50`, as fen.
    pub fn yuan(&mut self, values: &Values, field: &str) -> Option<i64> {
        let text = values.text(field)?;
        let parsed = text
            .replace([',', '¥', ' '], "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0 && *v < 1e15);
        match parsed {
            Some(yuan) => Some((yuan * 100.0).round() as i64),
            None => {
                self.problem(field, format!("'{text}' is not an amount in yuan"));
                None
            }
        }
    }
}

/// `#12`, `12` or `#12 Wu Wanxiong` link by number; `@key` by key.
pub fn link_of(text: &str) -> Option<Link> {
    let text = text.trim();
    if let Some(key) = text.strip_prefix('@') {
        let key = key.split_whitespace().next()?;
        return liaison_core::values::check_key(key)
            .ok()
            .map(|_| Link::Key(key.to_owned()));
    }
    let number = text.strip_prefix('#').unwrap_or(text);
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    let rest = &number[digits.len()..];
    let separated = rest.is_empty() || rest.starts_with(char::is_whitespace);
    match digits.parse::<i64>() {
        Ok(id) if id > 0 && separated && (text.starts_with('#') || rest.is_empty()) => {
            Some(Link::Id(id))
        }
        _ => None,
    }
}

/// A person field: an existing person by `#number`, or a new one by name (Chinese names go to
/// the Chinese name, others to the English one).
pub fn person_ref(text: &str) -> Option<Ref<PersonInput>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(link) = link_of(text) {
        return Some(Ref::Link(link));
    }
    let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut person = PersonInput::default();
    if chinese {
        person.name_zh = Some(text.to_owned());
    } else {
        person.name_en = Some(text.to_owned());
    }
    Some(Ref::New(Box::new(person)))
}

/// How a linked record is written into a form field.
pub fn named(named: &Option<Named>) -> String {
    named
        .as_ref()
        .map(|n| format!("#{} {}", n.id, n.name))
        .unwrap_or_default()
}

/// The form field an error path names: `participants[2].role` → `participants-2-role`.
pub fn field_name(path: &str) -> String {
    path.replace("].", "-")
        .replace('[', "-")
        .replace(']', "")
        .replace('.', "-")
}

/// Puts each error beside its field, and lists them all (with the field's label) for the top of
/// the form.
pub fn attach_errors(ui: &Ui, fields: &mut [&mut Field], errors: &FieldErrors) -> Vec<String> {
    let mut summary = Vec::new();
    for error in &errors.0 {
        let name = field_name(&error.field);
        // English readers get the store's own sentence; others get it translated by its code,
        // with the value at fault when the error names one, never the English sentence.
        let message = match (ui.t.lang, &error.value) {
            (crate::i18n::Lang::En, _) => error.message.clone(),
            (_, Some(value)) => format!("{}（{value}）", ui.t.value("problem", &error.code)),
            (_, None) => ui.t.value("problem", &error.code),
        };
        let field = fields
            .iter_mut()
            .filter(|f| name == f.name || name.starts_with(&format!("{}-", f.name)))
            .max_by_key(|f| f.name.len());
        match field {
            Some(field) => {
                summary.push(format!("{}: {}", field.label, message));
                field.error = Some(message);
            }
            None => summary.push(format!("{}: {message}", error.field)),
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_written_as_a_number_or_a_key() {
        assert_eq!(link_of("#12"), Some(Link::Id(12)));
        assert_eq!(link_of("#12 吴万雄 (Wu Wanxiong)"), Some(Link::Id(12)));
        assert_eq!(link_of("12"), Some(Link::Id(12)));
        assert_eq!(link_of("@org-lftu"), Some(Link::Key("org-lftu".into())));
        assert_eq!(link_of("12 Monkeys"), None);
        assert_eq!(link_of("Lao Federation"), None);
        assert_eq!(link_of("#0"), None);
    }

    #[test]
    fn a_name_that_is_not_a_link_is_a_new_person() {
        let Some(Ref::New(p)) = person_ref("张才明") else {
            panic!()
        };
        assert_eq!(p.name_zh.as_deref(), Some("张才明"));
        let Some(Ref::New(p)) = person_ref("Zhang Caiming") else {
            panic!()
        };
        assert_eq!(p.name_en.as_deref(), Some("Zhang Caiming"));
        assert!(matches!(
            person_ref("#3 Zhang"),
            Some(Ref::Link(Link::Id(3)))
        ));
        assert!(person_ref("  ").is_none());
    }

    #[test]
    fn error_paths_name_form_fields() {
        assert_eq!(field_name("participants[2].role"), "participants-2-role");
        assert_eq!(field_name("name_en"), "name_en");
        assert_eq!(field_name("agenda[0].points[1]"), "agenda-0-points-1");
    }

    #[test]
    fn a_row_numbered_beyond_any_real_form_is_not_read() {
        let values = Values::from_pairs(vec![
            ("participants-0-person".into(), "#1".into()),
            ("participants-999999999-person".into(), "#2".into()),
            (format!("participants-{}-person", usize::MAX), "#3".into()),
        ]);
        assert_eq!(values.rows("participants"), 1);
    }

    #[test]
    fn rows_of_a_group_are_counted_and_empty_ones_recognised() {
        let values = Values::from_pairs(vec![
            ("participants-0-person".into(), "#1".into()),
            ("participants-2-person".into(), "".into()),
            ("participants-2-role".into(), " ".into()),
        ]);
        assert_eq!(values.rows("participants"), 3);
        assert!(!values.row_is_empty("participants", 0));
        assert!(values.row_is_empty("participants", 2));
    }
}
