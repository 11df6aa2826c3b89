//! Pages of people.

use axum::extract::{Form, State};
use liaison_core::personal::{self, may_see};
use liaison_core::{
    Actor, PERSON, Page, PageRequest, Person, PersonCategory, PersonFilter, PersonInput, Record,
    RecordKind, UserRole,
};
use liaison_store::Store;

use super::{choices, code, codes, search, select};
use crate::AppState;
use crate::pages::fields::{self, Declared, Input, Value, key, number};
use crate::pages::forms::Values;
use crate::pages::record_id::RecordId;
use crate::pages::records::{RecordPages, detail_page};
use crate::pages::views::HiddenForm;
use crate::pages::{DetailView, Field, PageResult, Section, Ui};
use crate::routes::Routes;

pub struct People;

const CATEGORIES: [PersonCategory; 2] = [PersonCategory::Internal, PersonCategory::External];

const OVERVIEW: &str = "section-overview";

/// A person's fields: the list's columns, the page's overview and the form, besides the
/// personal data, which the page shows only to whoever asks.
const FIELDS: &[Declared<Person>] = &[
    number(),
    Declared::new("name", "field-name", |p: &Person| {
        Value::Record(
            Box::new(Value::Text(Some(liaison_core::display_name(
                &p.name_zh, &p.name_en,
            )))),
            p.meta.id,
        )
    })
    .listed(Some("name")),
    Declared::new("name_zh", "field-name_zh", |p: &Person| {
        Value::Text(p.name_zh.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("name_en", "field-name_en", |p: &Person| {
        Value::Text(p.name_en.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("name_original", "field-name_original", |p: &Person| {
        Value::Text(p.name_original.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("category", "field-category", |p: &Person| {
        Value::Choice("person-category", code(&p.category))
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Choice("person-category", || codes(&CATEGORIES))),
    Declared::new("unit", "field-unit", |p: &Person| {
        Value::Link(p.unit.clone(), "units")
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Unit),
    Declared::new("organization", "field-organization", |p: &Person| {
        Value::Link(p.organization.clone(), "organizations")
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-organization-link"),
    Declared::new("position", "field-position", |p: &Person| {
        Value::Text(p.position.clone())
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    // Their unit at the university, or their organization.
    Declared::new("affiliation", "field-affiliation", |p: &Person| {
        Value::Text(
            p.unit
                .as_ref()
                .or(p.organization.as_ref())
                .map(|n| n.name.clone()),
        )
    })
    .listed(None),
    // An academic or professional title (职称), not a heading.
    Declared::new("title", "field-title", |p: &Person| {
        Value::Text(p.title.clone())
    })
    .in_sheet(),
    Declared::new("title", "field-academic_title", |p: &Person| {
        Value::Text(p.title.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("nationality", "field-nationality", |p: &Person| {
        Value::Country(p.nationality)
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Country),
    Declared::new("email", "field-email", |p: &Person| {
        Value::Text(p.email.clone())
    })
    .in_sheet()
    .asked(Input::Email)
    .hinted("hint-personal"),
    Declared::new("phone", "field-phone", |p: &Person| {
        Value::Text(p.phone.clone())
    })
    .in_sheet()
    .asked(Input::Text)
    .hinted("hint-personal"),
    Declared::new("notes", "field-notes", |p: &Person| {
        Value::Text(p.notes.clone())
    })
    .asked(Input::Area)
    .hinted("hint-personal"),
    key(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<People>() }

impl RecordPages for People {
    const KIND: RecordKind = PERSON;
    const TITLE: &'static str = "nav-people";
    const NEW: &'static str = "new-person";
    const EDIT: &'static str = "edit-person";
    type Record = Person;
    type Row = Person;
    type Input = PersonInput;
    type Filter = PersonFilter;
    const FIELDS: &'static [Declared<Person>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<Person>] = FIELDS;

    fn own_routes() -> Routes {
        routes()
    }

    async fn filters(ui: &Ui, _: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "category",
                choices(ui, "person-category", &CATEGORIES, Some("choice-all")),
            ),
            super::country_field(ui, query, "nationality"),
        ])
    }

    /// Every person a page shows has their personal data masked; "Show" asks for a value.
    async fn get(store: &Store, id: i64) -> liaison_store::Result<Person> {
        store.get::<Person>(id).await.map(personal::masked)
    }

    async fn list(
        store: &Store,
        filter: &PersonFilter,
        page: &PageRequest,
    ) -> liaison_store::Result<Page<Person>> {
        let mut rows = store.list::<Person>(filter, page).await?;
        rows.items = rows.items.into_iter().map(personal::masked).collect();
        Ok(rows)
    }

    /// A spreadsheet holds the personal data of the people the user may see, masked for the
    /// others, and the audit log records each batch that held any.
    async fn sheet_list(
        store: &Store,
        actor: &Actor,
        filter: &PersonFilter,
        page: &PageRequest,
    ) -> liaison_store::Result<Page<Person>> {
        let mut rows = store.list::<Person>(filter, page).await?;
        let mut shown = 0;
        for row in rows.items.iter_mut() {
            if may_see(actor, row.unit()) {
                shown += usize::from(row.personal_mut().iter().any(|(_, v)| v.is_some()));
            } else {
                personal::mask(row);
            }
        }
        if shown > 0 {
            store.record_personal_export(actor, PERSON, shown).await?;
        }
        Ok(rows)
    }

    fn export_note(ui: &Ui) -> Option<String> {
        let actor = ui.actor().ok()?;
        Some(match actor.role {
            UserRole::Admin | UserRole::Officer => ui.t.get("export-personal-included"),
            UserRole::Liaison => ui.t.get("export-personal-own-unit"),
            UserRole::Leader | UserRole::Viewer | UserRole::Staff => {
                ui.t.get("export-personal-masked")
            }
        })
    }

    fn name(_: &Ui, p: &Person) -> String {
        liaison_core::display_name(&p.name_zh, &p.name_en)
    }

    async fn detail(ui: &Ui, _: &Store, p: &Person) -> liaison_store::Result<DetailView> {
        Ok(person_detail(ui, p, &[]))
    }
}

/// A person's page, with the personal fields named in `shown` in clear and a "Show" button for
/// each other one the user may see.
fn person_detail(ui: &Ui, p: &Person, shown: &[&str]) -> DetailView {
    let mut sections = fields::sections(ui, FIELDS, p, &[OVERVIEW]);
    let mut contact = Section::new(ui.t.get("section-contact"), ui.t.get("empty-contact"));
    let may = ui.actor().is_ok_and(|actor| may_see(&actor, p.unit()));
    for (name, label, value) in [
        ("email", ui.t.get("field-email"), &p.email),
        ("phone", ui.t.get("field-phone"), &p.phone),
        ("notes", ui.t.get("field-notes"), &p.notes),
    ] {
        let Some(value) = value else { continue };
        contact.row(label, value.clone());
        if may && !shown.contains(&name) {
            // A value is shown only to whoever asks, one field at a time, so the audit log
            // says which one they saw.
            if let Some(row) = contact.rows.last_mut() {
                row.show = Some(HiddenForm {
                    action: format!("/people/{}/personal", p.meta.id),
                    hidden: vec![("field".to_owned(), name.to_owned())],
                    submit: ui.t.get("action-show"),
                    tone: "",
                });
            }
        }
    }
    sections.push(contact);
    DetailView {
        title: People::name(ui, p),
        subtitle: p.position.clone(),
        actions: Vec::new(),
        sections,
    }
}

/// The routes of people beyond those every kind has.
fn routes() -> Routes {
    Routes::new().post("/people/{id}/personal", show_personal)
}

/// Shows one personal field of a person to a user who may see it ("Show" on their page), and
/// writes the view to the audit log; the page is drawn again with that value in clear.
async fn show_personal(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = Values::from_pairs(pairs);
    let field = values.get("field").to_owned();
    let actor = ui.actor()?;
    let person = state
        .store
        .reveal_personal::<Person>(&actor, id, std::slice::from_ref(&field))
        .await?;
    let mut view = person_detail(&ui, &person, &[field.as_str()]);
    view.actions.clear();
    Ok(detail_page(&ui, &view))
}
