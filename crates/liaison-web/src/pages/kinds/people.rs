//! Pages of people.

use axum::extract::{Form, State};
use liaison_core::personal::{self, may_see};
use liaison_core::{
    Actor, FieldErrors, PERSON, Page, PageRequest, Person, PersonCategory, PersonFilter,
    PersonInput, Record, RecordKind, Ref, UserRole,
};
use liaison_store::Store;

use super::{
    SheetCell, choices, code, input, key_field, linked, named_cell, search, select, text,
    unit_choices,
};
use crate::AppState;
use crate::pages::forms::{Reader, Values, finish};
use crate::pages::record_id::RecordId;
use crate::pages::records::{RecordPages, detail_page};
use crate::pages::views::HiddenForm;
use crate::pages::{Cell, DetailView, Field, FormView, PageResult, Section, Ui};
use crate::routes::Routes;

pub struct People;

const CATEGORIES: [PersonCategory; 2] = [PersonCategory::Internal, PersonCategory::External];

impl RecordPages for People {
    const KIND: RecordKind = PERSON;
    const TITLE: &'static str = "nav-people";
    const NEW: &'static str = "new-person";
    const EDIT: &'static str = "edit-person";
    type Record = Person;
    type Row = Person;
    type Input = PersonInput;
    type Filter = PersonFilter;

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

    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("field-name", Some("name")),
            ("field-position", None),
            ("field-affiliation", None),
            ("field-nationality", None),
        ]
    }

    fn cells(ui: &Ui, p: &Person) -> Vec<Cell> {
        let affiliation = p
            .unit
            .as_ref()
            .or(p.organization.as_ref())
            .map(|n| n.name.clone())
            .unwrap_or_default();
        vec![
            Cell::link(Self::name(ui, p), format!("/people/{}", p.meta.id)),
            Cell::text(p.position.clone().unwrap_or_default()),
            Cell::text(affiliation),
            Cell::text(p.nationality.map(|c| ui.t.country(c)).unwrap_or_default()),
        ]
    }

    fn sheet_columns() -> Vec<&'static str> {
        vec![
            "export-number",
            "field-name_zh",
            "field-name_en",
            "field-name_original",
            "field-category",
            "field-unit",
            "field-organization",
            "field-position",
            "field-title",
            "field-nationality",
            "field-email",
            "field-phone",
            "field-key",
        ]
    }

    fn sheet_cells(ui: &Ui, p: &Person) -> Vec<SheetCell> {
        vec![
            SheetCell::Int(p.meta.id),
            p.name_zh.clone().into(),
            p.name_en.clone().into(),
            p.name_original.clone().into(),
            ui.t.value("person-category", &code(&p.category)).into(),
            named_cell(&p.unit),
            named_cell(&p.organization),
            p.position.clone().into(),
            p.title.clone().into(),
            p.nationality.map(|c| ui.t.country(c)).into(),
            p.email.clone().into(),
            p.phone.clone().into(),
            p.meta.key.clone().into(),
        ]
    }

    fn name(_: &Ui, p: &Person) -> String {
        liaison_core::display_name(&p.name_zh, &p.name_en)
    }

    async fn detail(ui: &Ui, _: &Store, p: &Person) -> liaison_store::Result<DetailView> {
        Ok(person_detail(ui, p, &[]))
    }

    fn values(p: &Person) -> Values {
        let mut v = Values::default();
        v.set("category", code(&p.category));
        v.set("name_zh", p.name_zh.clone().unwrap_or_default());
        v.set("name_en", p.name_en.clone().unwrap_or_default());
        v.set("name_original", p.name_original.clone().unwrap_or_default());
        v.set(
            "unit",
            p.unit
                .as_ref()
                .map(|u| u.id.to_string())
                .unwrap_or_default(),
        );
        v.set("organization", linked(&p.organization));
        v.set("position", p.position.clone().unwrap_or_default());
        v.set("title", p.title.clone().unwrap_or_default());
        v.set(
            "nationality",
            p.nationality.map(|c| c.to_string()).unwrap_or_default(),
        );
        v.set("email", p.email.clone().unwrap_or_default());
        v.set("phone", p.phone.clone().unwrap_or_default());
        v.set("notes", p.notes.clone().unwrap_or_default());
        v.set("key", p.meta.key.clone().unwrap_or_default());
        v
    }

    async fn form(
        ui: &Ui,
        store: &Store,
        v: &Values,
        _: bool,
        _: &str,
    ) -> liaison_store::Result<FormView> {
        Ok(FormView {
            fields: vec![
                select(
                    ui,
                    v,
                    "category",
                    choices(ui, "person-category", &CATEGORIES, None),
                ),
                text(ui, v, "name_zh"),
                text(ui, v, "name_en"),
                text(ui, v, "name_original"),
                select(ui, v, "unit", unit_choices(ui, store).await?),
                text(ui, v, "organization").hint(ui.t.get("hint-organization-link")),
                text(ui, v, "position"),
                // A person's title is an academic or professional one (职称), not a heading.
                Field::new(
                    "text",
                    "title",
                    ui.t.get("field-academic_title"),
                    v.get("title"),
                ),
                super::country_field(ui, v, "nationality"),
                input(ui, v, "email", "email").hint(ui.t.get("hint-personal")),
                text(ui, v, "phone").hint(ui.t.get("hint-personal")),
                input(ui, v, "textarea", "notes").hint(ui.t.get("hint-personal")),
                key_field(ui, v),
            ],
            ..FormView::default()
        })
    }

    fn read(v: &Values, _: bool) -> Result<PersonInput, FieldErrors> {
        let mut r = Reader::default();
        let nationality =
            v.text("nationality")
                .and_then(|c| match liaison_core::parse_country(&c) {
                    Ok(code) => Some(code),
                    Err(message) => {
                        r.errors.add("nationality", "invalid", message);
                        None
                    }
                });
        let input = PersonInput {
            key: v.text("key"),
            version: v.text("version").and_then(|x| x.parse().ok()),
            category: r.choice(v, "category").unwrap_or_default(),
            name_zh: v.text("name_zh"),
            name_en: v.text("name_en"),
            name_original: v.text("name_original"),
            unit: r
                .parse::<i64>(v, "unit", "a unit")
                .map(liaison_core::Link::Id),
            organization: r.link(v, "organization").map(Ref::Link),
            position: v.text("position"),
            title: v.text("title"),
            nationality,
            email: v.text("email"),
            phone: v.text("phone"),
            notes: v.text("notes"),
        };
        finish(Some(input), r)
    }
}

/// A person's page, with the personal fields named in `shown` in clear and a "Show" button for
/// each other one the user may see.
fn person_detail(ui: &Ui, p: &Person, shown: &[&str]) -> DetailView {
    let mut s = Section::new(ui.t.get("section-overview"), "");
    s.row(
        ui.t.get("field-category"),
        ui.t.value("person-category", &code(&p.category)),
    );
    s.row(
        ui.t.get("field-name_zh"),
        p.name_zh.clone().unwrap_or_default(),
    );
    s.row(
        ui.t.get("field-name_en"),
        p.name_en.clone().unwrap_or_default(),
    );
    s.row(
        ui.t.get("field-name_original"),
        p.name_original.clone().unwrap_or_default(),
    );
    s.row(
        ui.t.get("field-academic_title"),
        p.title.clone().unwrap_or_default(),
    );
    s.row(
        ui.t.get("field-position"),
        p.position.clone().unwrap_or_default(),
    );
    if let Some(u) = &p.unit {
        s.link_row(
            ui.t.get("field-unit"),
            u.name.clone(),
            format!("/units/{}", u.id),
        );
    }
    if let Some(o) = &p.organization {
        s.link_row(
            ui.t.get("field-organization"),
            o.name.clone(),
            format!("/organizations/{}", o.id),
        );
    }
    s.row(
        ui.t.get("field-nationality"),
        p.nationality.map(|c| ui.t.country(c)).unwrap_or_default(),
    );
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
    DetailView {
        title: People::name(ui, p),
        subtitle: p.position.clone(),
        actions: Vec::new(),
        sections: vec![s, contact],
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
