//! A kind's fields, declared once: what each field of a record holds, and where it is shown.
//! The list's columns and cells, the spreadsheet's, the record page's sections, the values a
//! form starts from and the form's inputs are all drawn from the one declaration
//! ([`RecordPages::FIELDS`](super::records::RecordPages::FIELDS)); a kind writes by hand only what
//! no field says, such as a section of repeating rows or a page's title.

use chrono::NaiveDate;
use liaison_core::{CountryCode, DayPart, FieldErrors, Money, Named, Record, Validate};
use liaison_reports::Cell as SheetCell;
use liaison_store::Store;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as JsonValue, json};

use super::forms::{Reader, Values, field_name, finish, named};
use super::kinds::{choices, country_field, unit_choices};
use super::{Cell, Field, Section, Ui};

/// What a field of one record holds, typed, so that each place shows it its own way: a day
/// as a date in a spreadsheet and in words on a page, an amount as a number to sum and as
/// "¥1,234.50", a choice as its code in a form and by its name elsewhere.
pub enum Value {
    Text(Option<String>),
    Date(Option<NaiveDate>),
    /// From one day to another, each whole or a half (`Tr::span`).
    Span(NaiveDate, DayPart, NaiveDate, DayPart),
    /// A whole number written as it is, such as a year.
    Int(Option<i64>),
    /// A count, written with thousands separators on pages.
    Count(Option<i64>),
    Money(Option<Money>),
    /// A value of a vocabulary: the catalog's prefix of its names, and its code.
    Choice(&'static str, String),
    Country(Option<CountryCode>),
    Yes(bool),
    /// Another record, named, and the path of its kind's pages.
    Link(Option<Named>, &'static str),
    /// Other records, named, and the path of their kind's pages: written one a line in a form.
    Links(Vec<Named>, &'static str),
    /// Several texts (an activity's tags): written one a line in a form.
    Lines(Vec<String>),
    /// A name in Chinese and in English, shown in the reader's language (the other when it has
    /// only that one).
    Names(Option<String>, Option<String>),
    /// A value, followed on pages by the catalog's note when the flag is set ("Recorded · must
    /// be declared").
    Noted(Box<Value>, &'static str, bool),
    /// The record itself, by a value that names it (the record's number): the list links it to
    /// the record's page.
    Record(Box<Value>, i64),
}

impl Value {
    /// As a page shows it: the list's cell and the record page's row.
    fn text(&self, ui: &Ui) -> String {
        let t = &ui.t;
        match self {
            Value::Text(text) => text.clone().unwrap_or_default(),
            Value::Date(date) => t.optional_date(*date),
            Value::Span(start, start_part, end, end_part) => {
                t.span(*start, *start_part, *end, *end_part)
            }
            Value::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Value::Count(n) => n.map(|n| t.number(n)).unwrap_or_default(),
            Value::Money(m) => m.map(|m| t.money(m.fen())).unwrap_or_default(),
            Value::Choice(prefix, code) => t.value(prefix, code),
            Value::Country(code) => code.map(|c| t.country(c)).unwrap_or_default(),
            Value::Yes(yes) => t.get(if *yes { "yes" } else { "no" }),
            Value::Link(named, _) => named.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
            Value::Links(named, _) => names(named),
            Value::Lines(lines) => lines.join(" · "),
            Value::Names(zh, en) => super::kinds::name_of(zh, en, ui),
            Value::Noted(value, note, true) => format!("{} · {}", value.text(ui), t.get(note)),
            Value::Noted(value, _, false) => value.text(ui),
            Value::Record(value, _) => value.text(ui),
        }
    }

    /// As a spreadsheet holds it: numbers as numbers and days as dates, so the office can sum
    /// and sort them.
    fn cell(&self, ui: &Ui) -> SheetCell {
        match self {
            Value::Text(text) => text.clone().into(),
            Value::Date(date) => date.map_or(SheetCell::Empty, SheetCell::Date),
            Value::Int(n) | Value::Count(n) => n.map_or(SheetCell::Empty, SheetCell::Int),
            Value::Money(m) => m.map_or(SheetCell::Empty, |m| {
                SheetCell::Number(m.fen() as f64 / 100.0)
            }),
            Value::Yes(yes) => {
                ui.t.get(if *yes { "export-yes" } else { "export-no" })
                    .into()
            }
            Value::Link(named, _) => named
                .as_ref()
                .map_or(SheetCell::Empty, |n| SheetCell::Text(n.name.clone())),
            Value::Links(named, _) => names(named).into(),
            Value::Lines(lines) => lines.join("; ").into(),
            Value::Country(None) => SheetCell::Empty,
            Value::Noted(value, ..) | Value::Record(value, _) => value.cell(ui),
            other => other.text(ui).into(),
        }
    }

    /// As a form holds it, to be read back by the form's reader.
    fn form(&self, input: Input) -> String {
        match self {
            // A unit is chosen from a list of them, by number.
            Value::Link(unit, _) if matches!(input, Input::Unit) => {
                unit.as_ref().map(|u| u.id.to_string()).unwrap_or_default()
            }
            Value::Text(text) => text.clone().unwrap_or_default(),
            Value::Date(date) => date.map(|d| d.to_string()).unwrap_or_default(),
            // Never asked in a form: an activity's days are asked one by one.
            Value::Span(start, _, end, _) => format!("{start} – {end}"),
            Value::Int(n) | Value::Count(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Value::Money(m) => m
                .map(|m| format!("{}.{:02}", m.fen() / 100, m.fen() % 100))
                .unwrap_or_default(),
            Value::Choice(_, code) => code.clone(),
            Value::Country(code) => code.map(|c| c.to_string()).unwrap_or_default(),
            Value::Yes(yes) => if *yes { "true" } else { "" }.to_owned(),
            Value::Link(named_record, _) => named(named_record),
            Value::Links(records, _) => records
                .iter()
                .map(|n| format!("#{} {}", n.id, n.name))
                .collect::<Vec<_>>()
                .join("\n"),
            Value::Lines(lines) => lines.join("\n"),
            Value::Names(zh, en) => liaison_core::display_name(zh, en),
            Value::Noted(value, ..) | Value::Record(value, _) => value.form(input),
        }
    }
}

/// How a form asks for a field, and how what is typed reads into the field of the kind's input.
#[derive(Clone, Copy)]
pub enum Input {
    Text,
    /// Several lines of text.
    Area,
    Date,
    /// A whole number.
    Number,
    /// An amount in yuan, such as `200` or `1,234.50`, kept in fen.
    Yuan,
    /// One of a vocabulary's codes, named from the catalog by the prefix.
    Choice(&'static str, fn() -> Vec<String>),
    /// A country or region, by its name in either language (`kinds::country_field`).
    Country,
    /// An e-mail address.
    Email,
    /// One of the university's units, chosen from them all.
    Unit,
    /// Another record, written `#12 Name` (as a picker writes it) or `@key`.
    Link,
    /// Other records, one a line, each written like a [`Input::Link`].
    Links,
    /// Several texts, one a line.
    Lines,
}

/// One field of a kind of record, declared once: its name in the form, its label's catalog key,
/// what it holds, and each place it is shown.
/// The places are given by the builders, in `const` declarations:
///
/// ```ignore
/// Declared::new("kind", "field-kind", |u: &Unit| Value::Choice("unit-kind", code(&u.kind)))
///     .listed(None)
///     .in_sheet()
///     .in_section(OVERVIEW)
///     .asked(Input::Choice("unit-kind", || codes(&KINDS))),
/// ```
pub struct Declared<R> {
    name: &'static str,
    label: &'static str,
    value: fn(&R) -> Value,
    /// In the list, with the sort key its column offers.
    list: Option<Option<&'static str>>,
    sheet: bool,
    /// The record page's section it is a row of, by the section's catalog key.
    section: Option<&'static str>,
    input: Option<Input>,
    /// Where the form's value goes in the input, as a path of fields (`giver.person`); its
    /// name unless said.
    at: Option<&'static str>,
    required: bool,
    hint: Option<&'static str>,
    /// For a choice that may be left empty, the catalog key naming the empty choice.
    none: Option<&'static str>,
    /// For a record, the kinds its picker offers (`organization`, `organization,unit`).
    picks: Option<&'static str>,
}

impl<R> Declared<R> {
    pub const fn new(
        name: &'static str,
        label: &'static str,
        value: fn(&R) -> Value,
    ) -> Declared<R> {
        Declared {
            name,
            label,
            value,
            list: None,
            sheet: false,
            section: None,
            input: None,
            at: None,
            required: false,
            hint: None,
            none: None,
            picks: None,
        }
    }

    /// A column of the list, sorted by `sort` when it offers one; a [`Value::Record`] links to
    /// the record.
    pub const fn listed(mut self, sort: Option<&'static str>) -> Declared<R> {
        self.list = Some(sort);
        self
    }

    /// A column of the list's spreadsheet.
    pub const fn in_sheet(mut self) -> Declared<R> {
        self.sheet = true;
        self
    }

    /// A row of the record page's section titled by the catalog's `section`; shown only when
    /// it holds something.
    pub const fn in_section(mut self, section: &'static str) -> Declared<R> {
        self.section = Some(section);
        self
    }

    /// An input of the form.
    pub const fn asked(mut self, input: Input) -> Declared<R> {
        self.input = Some(input);
        self
    }

    /// An input whose value goes at `path` of the input (`giver.person`), not at its name.
    pub const fn at(mut self, path: &'static str) -> Declared<R> {
        self.at = Some(path);
        self
    }

    /// An input the form marks as one that must be filled in.
    pub const fn required(mut self) -> Declared<R> {
        self.required = true;
        self
    }

    /// The input's hint, by its catalog key.
    pub const fn hinted(mut self, key: &'static str) -> Declared<R> {
        self.hint = Some(key);
        self
    }

    /// A choice that may be left empty, the empty choice named by the catalog's `key`
    /// ("choice-none", or "choice-same" for an activity's last half-day).
    pub const fn or_none(mut self, key: &'static str) -> Declared<R> {
        self.none = Some(key);
        self
    }

    /// A record picked by name among those of `kinds` as it is typed.
    pub const fn picks(mut self, kinds: &'static str) -> Declared<R> {
        self.picks = Some(kinds);
        self
    }

    fn label(&self, ui: &Ui) -> String {
        ui.t.get(self.label)
    }
}

/// The list's columns: their labels' catalog keys and the sort each offers.
pub fn columns<R>(fields: &[Declared<R>]) -> Vec<(&'static str, Option<&'static str>)> {
    fields
        .iter()
        .filter_map(|f| f.list.map(|sort| (f.label, sort)))
        .collect()
}

/// A row's cells in the list; the value naming the record ([`Value::Record`]) links to its page
/// under `/{path}`.
pub fn cells<R>(ui: &Ui, fields: &[Declared<R>], row: &R, path: &str) -> Vec<Cell> {
    fields
        .iter()
        .filter(|f| f.list.is_some())
        .map(|f| match (f.value)(row) {
            Value::Record(value, id) => Cell::link(value.text(ui), format!("/{path}/{id}")),
            value => Cell::text(value.text(ui)),
        })
        .collect()
}

/// The spreadsheet's columns, by their labels' catalog keys.
pub fn sheet_columns<R>(fields: &[Declared<R>]) -> Vec<&'static str> {
    fields.iter().filter(|f| f.sheet).map(|f| f.label).collect()
}

/// A row of the spreadsheet, in the columns of [`sheet_columns`].
pub fn sheet_cells<R>(ui: &Ui, fields: &[Declared<R>], row: &R) -> Vec<SheetCell> {
    fields
        .iter()
        .filter(|f| f.sheet)
        .map(|f| (f.value)(row).cell(ui))
        .collect()
}

/// The record page's sections of declared rows, titled by the catalog keys `titles` in that
/// order; a field's row links to the record it names.
pub fn sections<R>(ui: &Ui, fields: &[Declared<R>], record: &R, titles: &[&str]) -> Vec<Section> {
    titles
        .iter()
        .map(|title| section(ui, fields, record, title, ""))
        .collect()
}

/// The record page's section titled by the catalog key `title`, of the fields declared in it;
/// when none holds anything it says so by the catalog key `empty` (nothing when blank).
pub fn section<R>(
    ui: &Ui,
    fields: &[Declared<R>],
    record: &R,
    title: &str,
    empty: &str,
) -> Section {
    let empty = if empty.is_empty() {
        String::new()
    } else {
        ui.t.get(empty)
    };
    let mut section = Section::new(ui.t.get(title), empty);
    for field in fields.iter().filter(|f| f.section == Some(title)) {
        let value = (field.value)(record);
        match &value {
            Value::Link(Some(named), path) => section.link_row(
                field.label(ui),
                named.name.clone(),
                format!("/{path}/{}", named.id),
            ),
            Value::Links(records, path) => {
                for named in records {
                    section.link_row(
                        field.label(ui),
                        named.name.clone(),
                        format!("/{path}/{}", named.id),
                    );
                }
            }
            _ => section.row(field.label(ui), value.text(ui)),
        }
    }
    section
}

/// The values a form to change `record` starts from.
pub fn values<R>(fields: &[Declared<R>], record: &R) -> Values {
    let mut values = Values::default();
    for field in fields {
        if let Some(input) = field.input {
            values.set(field.name, (field.value)(record).form(input));
        }
    }
    values
}

/// The form's inputs, showing `values`.
pub async fn inputs<R>(
    ui: &Ui,
    store: &Store,
    fields: &[Declared<R>],
    values: &Values,
) -> liaison_store::Result<Vec<Field>> {
    let mut inputs = Vec::new();
    for f in fields {
        let Some(input) = f.input else { continue };
        let value = values.get(f.name);
        let label = f.label(ui);
        let mut field = match input {
            Input::Text | Input::Yuan | Input::Link => Field::new("text", f.name, label, value),
            Input::Area | Input::Links | Input::Lines => {
                Field::new("textarea", f.name, label, value)
            }
            Input::Date => Field::new("date", f.name, label, value),
            Input::Number => Field::new("number", f.name, label, value),
            Input::Email => Field::new("email", f.name, label, value),
            Input::Choice(prefix, codes) => {
                Field::select(f.name, label, value, choices(ui, prefix, &codes(), f.none))
            }
            Input::Unit => Field::select(f.name, label, value, unit_choices(ui, store).await?),
            Input::Country => Field {
                label,
                ..country_field(ui, values, f.name)
            },
        };
        field.required = f.required;
        if let Some(hint) = f.hint {
            field.hint = Some(ui.t.get(hint));
        }
        if let Some(kinds) = f.picks {
            field = field.picks(kinds, values);
        }
        inputs.push(field);
    }
    Ok(inputs)
}

/// Reads a form into the kind's input `T`, as its declared fields say: each input is read as its
/// [`Input`] says (a day, a number, an amount, a choice among its codes, a country, records by
/// number) into the JSON of the input at its path, `more` adds what no field says (the rows of
/// a group), and serde reads the whole as the API's JSON is read. Every problem found is
/// returned, with those the input's own rules find when it could still be read.
pub fn read<R, T>(
    fields: &[Declared<R>],
    values: &Values,
    more: impl FnOnce(&mut Reader, &mut Map<String, JsonValue>),
) -> Result<T, FieldErrors>
where
    T: DeserializeOwned + Validate + Clone,
{
    let mut r = Reader::default();
    let mut input = Map::new();
    for f in fields {
        let Some(kind) = f.input else { continue };
        if f.required && values.text(f.name).is_none() {
            // A text is left to the input's own rules, which say so with the others.
            match kind {
                Input::Text | Input::Area | Input::Email => {
                    put(&mut input, f.at.unwrap_or(f.name), json!(""));
                }
                _ => r.errors.add(f.name, "required", "is required"),
            }
            continue;
        }
        let value = match kind {
            Input::Text | Input::Area | Input::Email => values.text(f.name).map(JsonValue::from),
            Input::Date => r.date(values, f.name).map(|d| json!(d)),
            Input::Number => r
                .parse::<i64>(values, f.name, "a number")
                .map(JsonValue::from),
            Input::Unit => r
                .parse::<i64>(values, f.name, "a unit")
                .map(JsonValue::from),
            Input::Yuan => r.yuan(values, f.name).map(JsonValue::from),
            Input::Choice(_, codes) => values.text(f.name).and_then(|code| {
                if codes().contains(&code) {
                    Some(JsonValue::from(code))
                } else {
                    r.errors.add(
                        f.name,
                        "invalid",
                        format!("'{code}' is not one of the choices"),
                    );
                    None
                }
            }),
            Input::Country => {
                values
                    .text(f.name)
                    .and_then(|text| match liaison_core::parse_country(&text) {
                        Ok(code) => Some(json!(code)),
                        Err(message) => {
                            r.errors.add(f.name, "invalid", message);
                            None
                        }
                    })
            }
            Input::Link => r.link(values, f.name).map(|link| json!(link)),
            Input::Links => Some(json!(r.links(values, f.name))),
            Input::Lines => Some(json!(values.lines(f.name))),
        };
        if let Some(value) = value {
            put(&mut input, f.at.unwrap_or(f.name), value);
        }
    }
    if let Some(version) = values.text("version").and_then(|v| v.parse::<i64>().ok()) {
        input.insert("version".to_owned(), json!(version));
    }
    more(&mut r, &mut input);
    match serde_path_to_error::deserialize(JsonValue::Object(input)) {
        Ok(input) => finish(Some(input), r),
        Err(e) => {
            // A field found wrong above is left out, and so missed by serde too.
            if r.errors.is_empty() {
                let path = e.path().to_string();
                let path = path.trim_start_matches('.');
                let message = e.inner().to_string();
                // A field the input cannot do without is named, not the input around it.
                let missing = message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next());
                match missing {
                    Some(name) => {
                        let path = [path, name].join(".");
                        let path = path.trim_start_matches('.');
                        r.errors
                            .add(form_name(fields, path), "required", "is required");
                    }
                    None => r.errors.add(form_name(fields, path), "invalid", message),
                }
            }
            finish::<T>(None, r)
        }
    }
}

/// The form's name of the input at `path` of the kind's input (`giver_person` for
/// `giver.person`), or, for a path no field is declared at, its name in a row of a group.
fn form_name<R>(fields: &[Declared<R>], path: &str) -> String {
    fields
        .iter()
        .find(|f| f.input.is_some() && f.at.unwrap_or(f.name) == path)
        .map_or_else(|| field_name(path), |f| f.name.to_owned())
}

/// Puts `value` at `path` of `object`, making the objects on the way (`giver.person`).
fn put(object: &mut Map<String, JsonValue>, path: &str, value: JsonValue) {
    match path.split_once('.') {
        None => {
            object.insert(path.to_owned(), value);
        }
        Some((first, rest)) => {
            let inner = object
                .entry(first.to_owned())
                .or_insert_with(|| JsonValue::Object(Map::new()));
            if let JsonValue::Object(inner) = inner {
                put(inner, rest, value);
            }
        }
    }
}

/// Names of records, as a list's cell shows them.
fn names(named: &[Named]) -> String {
    named
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The record's number: the first column of every spreadsheet.
pub const fn number<R: Record>() -> Declared<R> {
    Declared::new("number", "export-number", |r: &R| {
        Value::Int(Some(r.meta().id))
    })
    .in_sheet()
}

/// The record's key (its identifier in another system): the last column of every spreadsheet
/// and the last input of every form, kept so an update never drops an imported key.
pub const fn key<R: Record>() -> Declared<R> {
    Declared::new("key", "field-key", |r: &R| {
        Value::Text(r.meta().key.clone())
    })
    .in_sheet()
    .asked(Input::Text)
    .hinted("hint-key")
}

#[cfg(test)]
mod tests {
    use liaison_core::{FieldErrors, Link, Validate};
    use serde::Deserialize;

    use super::{Declared, Input, Value, read};
    use crate::pages::forms::Values;

    /// A briefing's input, with a nested host and a count it cannot do without.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Briefing {
        topic: String,
        #[serde(default)]
        host: Host,
        attendees: i64,
        #[serde(default)]
        held_on: Option<chrono::NaiveDate>,
    }

    #[derive(Debug, Clone, Default, Deserialize)]
    struct Host {
        person: Option<Link>,
    }

    impl Validate for Briefing {
        fn check(&mut self, errors: &mut FieldErrors) {
            if self.topic.trim().is_empty() {
                errors.add("topic", "required", "is required");
            }
        }
    }

    const FIELDS: &[Declared<()>] = &[
        Declared::new("topic", "field-title", |_| Value::Text(None))
            .asked(Input::Text)
            .required(),
        Declared::new("host_person", "field-person", |_| Value::Text(None))
            .asked(Input::Link)
            .at("host.person"),
        Declared::new("attendees", "field-count", |_| Value::Text(None)).asked(Input::Number),
        Declared::new("held_on", "field-date", |_| Value::Text(None)).asked(Input::Date),
    ];

    #[test]
    fn a_form_reads_into_nested_fields_of_the_input() {
        let briefing: Briefing = read(
            FIELDS,
            &Values::of(&[
                ("topic", "Rules for the Geneva trip"),
                ("host_person", "#7 Li Ming"),
                ("attendees", "12"),
                ("held_on", "2026-12-01"),
            ]),
            |_, _| {},
        )
        .expect("the form reads");
        assert_eq!(briefing.host.person, Some(Link::Id(7)));
        assert_eq!(briefing.attendees, 12);
        assert_eq!(
            briefing.held_on,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        );
    }

    #[test]
    fn a_missing_field_is_named_by_the_form_s_name_for_it() {
        let errors = read::<(), Briefing>(FIELDS, &Values::of(&[("topic", "Rules")]), |_, _| {})
            .expect_err("no attendees");
        let named: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(named, [("attendees", "required")]);

        // Inside a nested input, the form's own name is given, not the input's path.
        let errors = read::<(), Briefing>(
            FIELDS,
            &Values::of(&[("topic", "Rules"), ("attendees", "3")]),
            |_, input| {
                input.insert(
                    "host".to_owned(),
                    serde_json::json!({"person": {"number": 7}}),
                );
            },
        )
        .expect_err("the host is no host");
        let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["host_person"], "{errors:?}");
    }

    #[test]
    fn a_required_text_left_empty_is_refused_with_the_other_mistakes() {
        let errors = read::<(), Briefing>(
            FIELDS,
            &Values::of(&[("attendees", "3"), ("held_on", "2026-13-01")]),
            |_, _| {},
        )
        .expect_err("refused");
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["held_on", "topic"], "{errors:?}");
    }
}
