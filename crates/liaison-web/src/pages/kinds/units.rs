//! Pages of units.

use liaison_core::{FieldErrors, RecordKind, UNIT, Unit, UnitFilter, UnitInput, UnitKind};
use liaison_store::Store;

use super::{SheetCell, choices, code, key_field, linked, named_cell, search, select, text};
use crate::pages::forms::{Reader, Values, finish};
use crate::pages::records::RecordPages;
use crate::pages::{Cell, DetailView, FormView, Section, Ui};

pub struct Units;

const KINDS: [UnitKind; 5] = [
    UnitKind::School,
    UnitKind::Department,
    UnitKind::Office,
    UnitKind::Institute,
    UnitKind::Other,
];

impl RecordPages for Units {
    const KIND: RecordKind = UNIT;
    const TITLE: &'static str = "nav-units";
    const NEW: &'static str = "new-unit";
    const EDIT: &'static str = "edit-unit";
    type Record = Unit;
    type Row = Unit;
    type Input = UnitInput;
    type Filter = UnitFilter;

    async fn filters(
        ui: &Ui,
        _: &Store,
        query: &Values,
    ) -> liaison_store::Result<Vec<crate::pages::Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "kind",
                choices(ui, "unit-kind", &KINDS, Some("choice-all")),
            ),
        ])
    }

    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("field-name", Some("name")),
            ("field-kind", None),
            ("field-foreign_affairs_leader", None),
            ("field-liaison_officer", None),
        ]
    }

    fn cells(ui: &Ui, u: &Unit) -> Vec<Cell> {
        vec![
            Cell::link(
                ui.t.pick(&u.name_zh, &u.name_en),
                format!("/units/{}", u.meta.id),
            ),
            Cell::text(ui.t.value("unit-kind", &code(&u.kind))),
            Cell::text(
                u.foreign_affairs_leader
                    .as_ref()
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            ),
            Cell::text(
                u.liaison_officer
                    .as_ref()
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            ),
        ]
    }

    fn sheet_columns() -> Vec<&'static str> {
        vec![
            "export-number",
            "field-name_zh",
            "field-name_en",
            "field-kind",
            "field-foreign_affairs_leader",
            "field-liaison_officer",
            "field-key",
        ]
    }

    fn sheet_cells(ui: &Ui, u: &Unit) -> Vec<SheetCell> {
        vec![
            SheetCell::Int(u.meta.id),
            u.name_zh.clone().into(),
            u.name_en.clone().into(),
            ui.t.value("unit-kind", &code(&u.kind)).into(),
            named_cell(&u.foreign_affairs_leader),
            named_cell(&u.liaison_officer),
            u.meta.key.clone().into(),
        ]
    }

    fn name(ui: &Ui, u: &Unit) -> String {
        ui.t.pick(&u.name_zh, &u.name_en)
    }

    async fn detail(ui: &Ui, _: &Store, u: &Unit) -> liaison_store::Result<DetailView> {
        let mut s = Section::new(ui.t.get("section-overview"), "");
        s.row(
            ui.t.get("field-name_zh"),
            u.name_zh.clone().unwrap_or_default(),
        );
        s.row(
            ui.t.get("field-name_en"),
            u.name_en.clone().unwrap_or_default(),
        );
        s.row(
            ui.t.get("field-kind"),
            ui.t.value("unit-kind", &code(&u.kind)),
        );
        if let Some(p) = &u.foreign_affairs_leader {
            s.link_row(
                ui.t.get("field-foreign_affairs_leader"),
                p.name.clone(),
                format!("/people/{}", p.id),
            );
        }
        if let Some(p) = &u.liaison_officer {
            s.link_row(
                ui.t.get("field-liaison_officer"),
                p.name.clone(),
                format!("/people/{}", p.id),
            );
        }
        let mut links = Section::new(ui.t.get("section-records"), "");
        links.link_row(
            ui.t.get("nav-activities"),
            ui.t.get("see-activities"),
            format!("/activities?unit={}", u.meta.id),
        );
        links.link_row(
            ui.t.get("nav-people"),
            ui.t.get("see-people"),
            format!("/people?unit={}", u.meta.id),
        );
        Ok(DetailView {
            title: Self::name(ui, u),
            subtitle: None,
            actions: Vec::new(),
            sections: vec![s, links],
        })
    }

    fn values(u: &Unit) -> Values {
        let mut v = Values::default();
        v.set("kind", code(&u.kind));
        v.set("name_zh", u.name_zh.clone().unwrap_or_default());
        v.set("name_en", u.name_en.clone().unwrap_or_default());
        v.set("foreign_affairs_leader", linked(&u.foreign_affairs_leader));
        v.set("liaison_officer", linked(&u.liaison_officer));
        v.set("key", u.meta.key.clone().unwrap_or_default());
        v
    }

    async fn form(
        ui: &Ui,
        _: &Store,
        v: &Values,
        _: bool,
        _: &str,
    ) -> liaison_store::Result<FormView> {
        Ok(FormView {
            fields: vec![
                select(ui, v, "kind", choices(ui, "unit-kind", &KINDS, None)),
                text(ui, v, "name_zh"),
                text(ui, v, "name_en"),
                text(ui, v, "foreign_affairs_leader").hint(ui.t.get("hint-person-link")),
                text(ui, v, "liaison_officer").hint(ui.t.get("hint-person-link")),
                key_field(ui, v),
            ],
            ..FormView::default()
        })
    }

    fn read(v: &Values, _: bool) -> Result<UnitInput, FieldErrors> {
        let mut r = Reader::default();
        let input = UnitInput {
            key: v.text("key"),
            version: v.text("version").and_then(|x| x.parse().ok()),
            kind: r.choice(v, "kind").unwrap_or_default(),
            name_zh: v.text("name_zh"),
            name_en: v.text("name_en"),
            foreign_affairs_leader: r.link(v, "foreign_affairs_leader"),
            liaison_officer: r.link(v, "liaison_officer"),
        };
        finish(Some(input), r)
    }
}
