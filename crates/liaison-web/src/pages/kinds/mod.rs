//! Each kind of record's list columns, record page and form.

mod activities;
mod agreements;
mod gifts;
mod organizations;
mod people;
mod units;
pub mod workdays;

pub use organizations::{timeline as organization_timeline, timeline_item};

pub use liaison_core::kind::codes;
use liaison_core::{Role, display_name};
use liaison_store::Store;
use serde::Serialize;

use super::forms::Values;
use super::{Field, Group, TEMPLATE_ROW, Ui};
use crate::i18n::Tr;

/// The serde name of an enum value, as forms send it.
pub fn code<T: Serialize>(value: &T) -> String {
    liaison_core::code(value).unwrap_or_default()
}

/// The choices of a select for an enum, labelled from the catalog (`{prefix}-{value}`), with an
/// empty first choice when `blank` names its label.
pub fn choices<T: Serialize>(
    ui: &Ui,
    prefix: &str,
    all: &[T],
    blank: Option<&str>,
) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = blank
        .map(|b| (String::new(), ui.t.get(b)))
        .into_iter()
        .collect();
    options.extend(all.iter().map(|v| {
        let code = code(v);
        let label = ui.t.value(prefix, &code);
        (code, label)
    }));
    options
}

/// A text input labelled from the catalog (`field-{name}`), showing the submitted value.
pub fn text(ui: &Ui, values: &Values, name: &str) -> Field {
    Field::new(
        "text",
        name,
        ui.t.get(&format!("field-{name}")),
        values.get(name),
    )
}

pub fn input(ui: &Ui, values: &Values, kind: &'static str, name: &str) -> Field {
    Field::new(
        kind,
        name,
        ui.t.get(&format!("field-{name}")),
        values.get(name),
    )
}

pub fn select(ui: &Ui, values: &Values, name: &str, options: Vec<(String, String)>) -> Field {
    Field::select(
        name,
        ui.t.get(&format!("field-{name}")),
        values.get(name),
        options,
    )
}

/// A country or region, typed by its name in either language and offered from a datalist of
/// every name (the browser's own suggestions: no script). A known code or name is shown as its
/// name in the reader's language; what the user typed otherwise stays, to be corrected.
pub fn country_field(ui: &Ui, values: &Values, name: &str) -> Field {
    let value = values.get(name);
    let shown =
        liaison_core::find_country(value).map_or_else(|| value.to_owned(), |c| ui.t.country(c));
    Field {
        options: country_suggestions(ui),
        ..Field::new("text", name, ui.t.get(&format!("field-{name}")), shown)
    }
    .hint(ui.t.get("hint-country"))
}

/// Every country and region by its name in the reader's language, labelled with its name in
/// the other and its code ("Laos · LA"), in the order of the names.
pub fn country_suggestions(ui: &Ui) -> Vec<(String, String)> {
    liaison_core::countries::countries_by_name(ui.t.lang.language())
        .into_iter()
        .map(|(code, name, other)| (name, format!("{other} · {code}")))
        .collect()
}

/// The search box every list has.
pub fn search(ui: &Ui, query: &Values) -> Field {
    Field::new("search", "q", ui.t.get("filter-search"), query.get("q"))
}

/// A participant role's name in the reader's language; the code itself for a role not in the
/// vocabulary.
pub fn role_name(t: &Tr, roles: &[Role], code: &str) -> String {
    roles
        .iter()
        .find(|r| r.code == code)
        .map(|r| t.pick(&Some(r.name_zh.clone()), &Some(r.name_en.clone())))
        .unwrap_or_else(|| code.to_owned())
}

/// The units as choices, by number.
pub async fn unit_choices(ui: &Ui, store: &Store) -> liaison_store::Result<Vec<(String, String)>> {
    let units = store.units_by_name().await?;
    let mut options = vec![(String::new(), ui.t.get("choice-none"))];
    options.extend(
        units
            .iter()
            .map(|u| (u.meta.id.to_string(), ui.t.pick(&u.name_zh, &u.name_en))),
    );
    Ok(options)
}

/// A linked record's name in the reader's language.
pub fn name_of(zh: &Option<String>, en: &Option<String>, ui: &Ui) -> String {
    let name = ui.t.pick(zh, en);
    if name.is_empty() {
        display_name(zh, en)
    } else {
        name
    }
}

/// A number of a record for a form: `#12 Name`.
pub fn linked(named: &Option<liaison_core::Named>) -> String {
    super::forms::named(named)
}

/// Where a repeating group is in the form: its name, the catalog keys of its legend, hint and
/// "add a row" button.
pub struct GroupText<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub add: &'a str,
}

/// A group of repeating rows as the form shows it: exactly the rows sent (or held by the record),
/// one more when the user pressed the group's "add a row" button (`adding` names that group),
/// and one blank row to fill in when a form drawn for the first time has none. A blank row
/// numbered [`TEMPLATE_ROW`] goes with it, for the script that adds rows without a round trip.
pub fn group(
    ui: &Ui,
    values: &Values,
    text: GroupText<'_>,
    adding: &str,
    row: impl Fn(usize) -> Vec<Field>,
) -> Group {
    let sent = values.rows(text.name);
    let first_draw = sent == 0 && !values.was_sent();
    let rows = sent + usize::from(adding == text.name || first_draw);
    Group {
        name: text.name.to_owned(),
        label: ui.t.get(text.label),
        hint: text.hint.map(|h| ui.t.get(h)),
        rows: (0..rows).map(&row).collect(),
        blank: row(TEMPLATE_ROW),
        add_label: ui.t.get(text.add),
        remove_label: ui.t.get("remove-row"),
        removable: false,
    }
}

/// Input `{group}-{i}-{name}` of a row, labelled from the catalog (`field-{name}`).
pub fn row_input(
    ui: &Ui,
    values: &Values,
    kind: &'static str,
    group: &str,
    i: usize,
    name: &str,
) -> Field {
    let full = format!("{group}-{i}-{name}");
    Field::new(
        kind,
        full.clone(),
        ui.t.get(&format!("field-{name}")),
        values.get(&full),
    )
}

/// Select `{group}-{i}-{name}` of a row.
pub fn row_select(
    ui: &Ui,
    values: &Values,
    group: &str,
    i: usize,
    name: &str,
    options: Vec<(String, String)>,
) -> Field {
    let full = format!("{group}-{i}-{name}");
    Field::select(
        full.clone(),
        ui.t.get(&format!("field-{name}")),
        values.get(&full),
        options,
    )
}
