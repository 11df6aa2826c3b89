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

    /// A form as sent with `pairs`, for the tests of how forms read.
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> Values {
        Values(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
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

    /// Whether these values were sent by a form (which always carries its `csrf` field), rather
    /// than read from a record or drawn for the first time.
    pub fn was_sent(&self) -> bool {
        self.0.contains_key("csrf")
    }

    /// What a row button asked for: `add` names a group to give one more row, `remove` names
    /// one row as `group-INDEX`.
    pub fn row_change(&self) -> Option<RowChange> {
        if let Some(group) = self.text("add") {
            return Some(RowChange::Add(group));
        }
        let remove = self.text("remove")?;
        let (group, index) = remove.rsplit_once('-')?;
        let index = index.parse().ok().filter(|i| *i < MAX_ROWS)?;
        Some(RowChange::Remove(group.to_owned(), index))
    }

    /// The values with the rows of every group numbered from 0 in the order they were sent,
    /// leaving out the numbers of rows no longer in the page (removed by a script, or by
    /// [`Values::without_row`]), and without the row buttons, so that a form drawn again shows
    /// exactly the rows the user had.
    pub fn compacted(&self) -> Values {
        let mut indexes: BTreeMap<&str, std::collections::BTreeSet<usize>> = BTreeMap::new();
        for key in self.0.keys() {
            if let Some((group, index, _)) = row_field(key) {
                indexes.entry(group).or_default().insert(index);
            }
        }
        let renumbered: BTreeMap<(&str, usize), usize> = indexes
            .iter()
            .flat_map(|(group, set)| {
                set.iter()
                    .enumerate()
                    .map(move |(new, old)| ((*group, *old), new))
            })
            .collect();
        let mut out = BTreeMap::new();
        for (key, value) in &self.0 {
            if key == "add" || key == "remove" {
                continue;
            }
            match row_field(key) {
                Some((group, index, field)) => {
                    let new = renumbered[&(group, index)];
                    out.insert(format!("{group}-{new}-{field}"), value.clone());
                }
                None => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Values(out)
    }

    /// The values without one row of a group, the others numbered again from 0.
    pub fn without_row(&self, group: &str, index: usize) -> Values {
        let prefix = format!("{group}-{index}-");
        let mut kept = self.clone();
        kept.0.retain(|k, _| !k.starts_with(&prefix));
        kept.compacted()
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

/// What looking up the names typed in a form found: the problems (a name several records
/// match, a name no record has), and for each field the records offered to choose from.
#[derive(Debug, Default)]
pub struct Resolution {
    pub errors: FieldErrors,
    /// By field name: the choices (value, label) offered as `{name}_pick`.
    pub offers: BTreeMap<String, Vec<(String, String)>>,
}

impl Resolution {
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every problem of the names and of the rest of the form at once, one for each field.
    pub fn with(mut self, other: FieldErrors) -> FieldErrors {
        for e in other.0 {
            let field = field_name(&e.field);
            if !self
                .errors
                .0
                .iter()
                .any(|known| field_name(&known.field) == field)
            {
                self.errors.0.push(e);
            }
        }
        self.errors
    }
}

/// A row button pressed: one more row for a group, or one row taken away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowChange {
    Add(String),
    Remove(String, usize),
}

/// The group, row number and field of a row's input name (`participants-2-role`); `None` for
/// other inputs and for rows numbered beyond [`MAX_ROWS`].
fn row_field(key: &str) -> Option<(&str, usize, &str)> {
    let (group, rest) = key.split_once('-')?;
    let (index, field) = rest.split_once('-')?;
    if group.is_empty() || field.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let index = index.parse().ok().filter(|i| *i < MAX_ROWS)?;
    Some((group, index, field))
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
    fn rows_are_numbered_again_in_order_without_the_ones_taken_away() {
        let values = Values::from_pairs(vec![
            ("csrf".into(), "t".into()),
            ("title_en".into(), "Course".into()),
            ("participants-0-person".into(), "Wu".into()),
            ("participants-3-person".into(), "".into()),
            ("participants-7-person".into(), "Lee".into()),
            ("agenda-5-title_en".into(), "Opening".into()),
            ("remove".into(), "participants-3".into()),
        ]);
        assert_eq!(
            values.row_change(),
            Some(RowChange::Remove("participants".into(), 3))
        );
        let kept = values.without_row("participants", 3);
        assert_eq!(kept.rows("participants"), 2);
        assert_eq!(kept.get("participants-1-person"), "Lee");
        assert_eq!(kept.get("agenda-0-title_en"), "Opening");
        assert_eq!(kept.get("title_en"), "Course");
        assert!(!kept.0.contains_key("remove"));
        let same = values.compacted();
        assert_eq!(same.rows("participants"), 3, "an empty row sent is kept");
        assert_eq!(same.get("participants-2-person"), "Lee");
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
