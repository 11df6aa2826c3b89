//! Pages of units.

use liaison_core::{RecordKind, UNIT, Unit, UnitFilter, UnitInput, UnitKind};
use liaison_store::Store;

use super::{choices, code, codes, search, select};
use crate::pages::fields::{Declared, Input, Value, key, number};
use crate::pages::forms::Values;
use crate::pages::records::RecordPages;
use crate::pages::{DetailView, Section, Ui};

pub struct Units;

const KINDS: [UnitKind; 5] = [
    UnitKind::School,
    UnitKind::Department,
    UnitKind::Office,
    UnitKind::Institute,
    UnitKind::Other,
];

const OVERVIEW: &str = "section-overview";

const FIELDS: &[Declared<Unit>] = &[
    number(),
    Declared::new("name", "field-name", |u: &Unit| {
        Value::Record(
            Box::new(Value::Names(u.name_zh.clone(), u.name_en.clone())),
            u.meta.id,
        )
    })
    .listed(Some("name")),
    Declared::new("name_zh", "field-name_zh", |u: &Unit| {
        Value::Text(u.name_zh.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("name_en", "field-name_en", |u: &Unit| {
        Value::Text(u.name_en.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("kind", "field-kind", |u: &Unit| {
        Value::Choice("unit-kind", code(&u.kind))
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Choice("unit-kind", || codes(&KINDS))),
    Declared::new(
        "foreign_affairs_leader",
        "field-foreign_affairs_leader",
        |u: &Unit| Value::Link(u.foreign_affairs_leader.clone(), "people"),
    )
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-person-link"),
    Declared::new("liaison_officer", "field-liaison_officer", |u: &Unit| {
        Value::Link(u.liaison_officer.clone(), "people")
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-person-link"),
    key(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<Units>() }

impl RecordPages for Units {
    const KIND: RecordKind = UNIT;
    const TITLE: &'static str = "nav-units";
    const NEW: &'static str = "new-unit";
    const EDIT: &'static str = "edit-unit";
    type Record = Unit;
    type Row = Unit;
    type Input = UnitInput;
    type Filter = UnitFilter;
    const FIELDS: &'static [Declared<Unit>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<Unit>] = FIELDS;

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

    fn name(ui: &Ui, u: &Unit) -> String {
        ui.t.pick(&u.name_zh, &u.name_en)
    }

    async fn detail(ui: &Ui, _: &Store, u: &Unit) -> liaison_store::Result<DetailView> {
        let mut sections = crate::pages::fields::sections(ui, FIELDS, u, &[OVERVIEW]);
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
        sections.push(links);
        Ok(DetailView {
            title: Self::name(ui, u),
            sections,
            ..DetailView::default()
        })
    }
}
