//! A kind's fields, declared once: what each field of a record holds, and where it is shown.
//! The list's columns and cells, the spreadsheet's, the record page's sections, the values a
//! form starts from and the form's inputs are all drawn from the one declaration
//! ([`RecordPages::FIELDS`](super::records::RecordPages::FIELDS)); a kind writes by hand only what
//! no field says, such as a section of repeating rows or a page's title.

use chrono::NaiveDate;
use liaison_core::{CountryCode, DayPart, Money, Named, Record};
use liaison_reports::Cell as SheetCell;
use liaison_store::Store;

use super::forms::{Values, named};
use super::kinds::{country_field, unit_choices};
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
            Value::Names(zh, en) => liaison_core::display_name(zh, en),
            Value::Noted(value, ..) | Value::Record(value, _) => value.form(input),
        }
    }
}

/// How a form asks for a field.
#[derive(Clone, Copy)]
pub enum Input {
    Text,
    /// Several lines of text.
    Area,
    Date,
    Number,
    /// One of a vocabulary's values, named from the catalog.
    Choice(fn(&Ui) -> Vec<(String, String)>),
    /// A country or region, by its name in either language (`kinds::country_field`).
    Country,
    /// An e-mail address.
    Email,
    /// One of the university's units, chosen from them all.
    Unit,
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
///     .asked(Input::Choice(unit_kinds)),
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
    required: bool,
    hint: Option<&'static str>,
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
            required: false,
            hint: None,
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
        .map(|title| {
            let mut section = Section::new(ui.t.get(title), "");
            for field in fields.iter().filter(|f| f.section == Some(*title)) {
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
        })
        .collect()
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
            Input::Text => Field::new("text", f.name, label, value),
            Input::Area => Field::new("textarea", f.name, label, value),
            Input::Date => Field::new("date", f.name, label, value),
            Input::Number => Field::new("number", f.name, label, value),
            Input::Email => Field::new("email", f.name, label, value),
            Input::Choice(options) => Field::select(f.name, label, value, options(ui)),
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
        inputs.push(field);
    }
    Ok(inputs)
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
