//! Pages of people.

use liaison_core::{
    FieldErrors, PERSON, Person, PersonCategory, PersonFilter, PersonInput, RecordKind, Ref,
};
use liaison_store::Store;

use super::{
    SheetCell, choices, code, input, key_field, linked, named_cell, search, select, text,
    unit_choices,
};
use crate::pages::forms::{Reader, Values, finish};
use crate::pages::records::RecordPages;
use crate::pages::{Cell, DetailView, Field, FormView, Section, Ui};

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

    async fn filters(ui: &Ui, _: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "category",
                choices(ui, "person-category", &CATEGORIES, Some("choice-all")),
            ),
            text(ui, query, "nationality"),
        ])
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
            Cell::text(p.nationality.map(|c| c.to_string()).unwrap_or_default()),
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
            p.nationality.map(|c| c.to_string()).into(),
            p.email.clone().into(),
            p.phone.clone().into(),
            p.meta.key.clone().into(),
        ]
    }

    fn name(_: &Ui, p: &Person) -> String {
        liaison_core::display_name(&p.name_zh, &p.name_en)
    }

    async fn detail(ui: &Ui, _: &Store, p: &Person) -> liaison_store::Result<DetailView> {
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
        s.row(ui.t.get("field-title"), p.title.clone().unwrap_or_default());
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
            p.nationality.map(|c| c.to_string()).unwrap_or_default(),
        );
        let mut contact = Section::new(ui.t.get("section-contact"), ui.t.get("empty-contact"));
        contact.row(ui.t.get("field-email"), p.email.clone().unwrap_or_default());
        contact.row(ui.t.get("field-phone"), p.phone.clone().unwrap_or_default());
        contact.row(ui.t.get("field-notes"), p.notes.clone().unwrap_or_default());
        Ok(DetailView {
            title: Self::name(ui, p),
            subtitle: p.position.clone(),
            actions: Vec::new(),
            sections: vec![s, contact],
        })
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
                text(ui, v, "title"),
                text(ui, v, "nationality").hint(ui.t.get("hint-country")),
                input(ui, v, "email", "email"),
                text(ui, v, "phone"),
                input(ui, v, "textarea", "notes"),
                key_field(ui, v),
            ],
            ..FormView::default()
        })
    }

    fn read(v: &Values, _: bool) -> Result<PersonInput, FieldErrors> {
        let mut r = Reader::default();
        let nationality =
            v.text("nationality")
                .and_then(|c| match liaison_core::CountryCode::parse(&c) {
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
