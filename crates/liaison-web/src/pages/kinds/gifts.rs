//! Pages of the gift register.

use liaison_core::{
    FieldErrors, GIFT, Gift, GiftCategory, GiftDirection, GiftFilter, GiftInput, GiftStatus, Money,
    Party, PartyInput, RecordKind, Ref,
};
use liaison_store::Store;

use super::{
    SheetCell, choices, code, date_cell, input, key_field, linked, named_cell, search, select, text,
};
use crate::pages::forms::{Reader, Values, finish};
use crate::pages::records::RecordPages;
use crate::pages::{Cell, DetailView, Field, FormView, Section, Ui};

pub struct Gifts;

pub const DIRECTIONS: [GiftDirection; 2] = [GiftDirection::Received, GiftDirection::Given];
pub const CATEGORIES: [GiftCategory; 8] = [
    GiftCategory::Souvenir,
    GiftCategory::Artwork,
    GiftCategory::Book,
    GiftCategory::Textile,
    GiftCategory::Food,
    GiftCategory::Electronics,
    GiftCategory::CashOrSecurities,
    GiftCategory::Other,
];
const STATUSES: [GiftStatus; 4] = [
    GiftStatus::Recorded,
    GiftStatus::Declared,
    GiftStatus::HandedIn,
    GiftStatus::Disposed,
];

fn party_text(p: &Party) -> String {
    let names: Vec<String> = [
        p.person.as_ref().map(|n| n.name.clone()),
        p.organization.as_ref().map(|n| n.name.clone()),
        p.description.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    names.join(" · ")
}

/// The party fields `{side}_person`, `{side}_organization` and `{side}_description`.
pub fn read_party(r: &mut Reader, v: &Values, side: &str) -> PartyInput {
    PartyInput {
        person: r.link(v, &format!("{side}_person")).map(Ref::Link),
        organization: r.link(v, &format!("{side}_organization")).map(Ref::Link),
        description: v.text(&format!("{side}_description")),
    }
}

impl RecordPages for Gifts {
    const KIND: RecordKind = GIFT;
    const TITLE: &'static str = "nav-gifts";
    const NEW: &'static str = "new-gift";
    const EDIT: &'static str = "edit-gift";
    type Record = Gift;
    type Row = Gift;
    type Input = GiftInput;
    type Filter = GiftFilter;

    async fn filters(ui: &Ui, _: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "direction",
                choices(ui, "gift-direction", &DIRECTIONS, Some("choice-all")),
            ),
            select(
                ui,
                query,
                "status",
                choices(ui, "gift-status", &STATUSES, Some("choice-all")),
            ),
            input(ui, query, "number", "year"),
        ])
    }

    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("field-item", Some("item")),
            ("field-direction", None),
            ("field-exchanged_on", Some("exchanged")),
            ("field-giver", None),
            ("field-receiver", None),
            ("field-value", Some("value")),
            ("field-status", None),
        ]
    }

    fn cells(ui: &Ui, g: &Gift) -> Vec<Cell> {
        let mut status = ui.t.value("gift-status", &code(&g.status));
        if g.declaration_required && g.status == GiftStatus::Recorded {
            status = format!("{status} · {}", ui.t.get("gift-must-declare"));
        }
        vec![
            Cell::link(g.item.clone(), format!("/gifts/{}", g.meta.id)),
            Cell::text(ui.t.value("gift-direction", &code(&g.direction))),
            Cell::text(ui.t.optional_date(g.exchanged_on)),
            Cell::text(party_text(&g.giver)),
            Cell::text(party_text(&g.receiver)),
            Cell::text(
                g.estimated_value_fen
                    .map(|m| ui.t.money(m.fen()))
                    .unwrap_or_default(),
            ),
            Cell::text(status),
        ]
    }

    fn sheet_columns() -> Vec<&'static str> {
        vec![
            "export-number",
            "field-item",
            "field-direction",
            "field-category",
            "field-quantity",
            "export-value-yuan",
            "field-exchanged_on",
            "field-activity",
            "field-giver",
            "field-receiver",
            "field-status",
            "field-declaration_required",
            "field-declared_on",
            "field-handed_in_on",
            "field-storage",
            "field-key",
        ]
    }

    fn sheet_cells(ui: &Ui, g: &Gift) -> Vec<SheetCell> {
        let yes_no = |b: bool| ui.t.get(if b { "export-yes" } else { "export-no" });
        vec![
            SheetCell::Int(g.meta.id),
            g.item.clone().into(),
            ui.t.value("gift-direction", &code(&g.direction)).into(),
            ui.t.value("gift-category", &code(&g.category)).into(),
            SheetCell::Int(g.quantity),
            g.estimated_value_fen.map_or(SheetCell::Empty, |m| {
                SheetCell::Number(m.fen() as f64 / 100.0)
            }),
            date_cell(g.exchanged_on),
            named_cell(&g.activity),
            party_text(&g.giver).into(),
            party_text(&g.receiver).into(),
            ui.t.value("gift-status", &code(&g.status)).into(),
            yes_no(g.declaration_required).into(),
            date_cell(g.declared_on),
            date_cell(g.handed_in_on),
            g.storage.clone().into(),
            g.meta.key.clone().into(),
        ]
    }

    fn name(_: &Ui, g: &Gift) -> String {
        g.item.clone()
    }

    async fn detail(ui: &Ui, _: &Store, g: &Gift) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let mut s = Section::new(t.get("section-overview"), "");
        s.row(
            t.get("field-direction"),
            t.value("gift-direction", &code(&g.direction)),
        );
        s.row(
            t.get("field-category"),
            t.value("gift-category", &code(&g.category)),
        );
        s.row(t.get("field-quantity"), g.quantity.to_string());
        s.row(
            t.get("field-value"),
            g.estimated_value_fen
                .map(|m| t.money(m.fen()))
                .unwrap_or_default(),
        );
        s.row(t.get("field-exchanged_on"), t.optional_date(g.exchanged_on));
        if let Some(a) = &g.activity {
            s.link_row(
                t.get("field-activity"),
                a.name.clone(),
                format!("/activities/{}", a.id),
            );
        }
        s.row(t.get("field-giver"), party_text(&g.giver));
        s.row(t.get("field-receiver"), party_text(&g.receiver));
        let mut register = Section::new(t.get("section-declaration"), "");
        register.row(
            t.get("field-declaration_required"),
            t.get(if g.declaration_required { "yes" } else { "no" }),
        );
        register.row(
            t.get("field-status"),
            t.value("gift-status", &code(&g.status)),
        );
        register.row(t.get("field-declared_on"), t.optional_date(g.declared_on));
        register.row(t.get("field-handed_in_on"), t.optional_date(g.handed_in_on));
        register.row(
            t.get("field-storage"),
            g.storage.clone().unwrap_or_default(),
        );
        register.row(
            t.get("field-disposal"),
            g.disposal.clone().unwrap_or_default(),
        );
        register.row(t.get("field-notes"), g.notes.clone().unwrap_or_default());
        Ok(DetailView {
            title: g.item.clone(),
            subtitle: Some(t.value("gift-direction", &code(&g.direction))),
            actions: Vec::new(),
            sections: vec![s, register],
        })
    }

    fn values(g: &Gift) -> Values {
        let mut v = Values::default();
        v.set("direction", code(&g.direction));
        v.set("activity", linked(&g.activity));
        v.set(
            "exchanged_on",
            g.exchanged_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        for (side, party) in [("giver", &g.giver), ("receiver", &g.receiver)] {
            v.set(format!("{side}_person"), linked(&party.person));
            v.set(format!("{side}_organization"), linked(&party.organization));
            v.set(
                format!("{side}_description"),
                party.description.clone().unwrap_or_default(),
            );
        }
        v.set("item", g.item.clone());
        v.set("category", code(&g.category));
        v.set("quantity", g.quantity.to_string());
        v.set(
            "value",
            g.estimated_value_fen
                .map(|m| format!("{}.{:02}", m.fen() / 100, m.fen() % 100))
                .unwrap_or_default(),
        );
        v.set("status", code(&g.status));
        v.set(
            "declared_on",
            g.declared_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set(
            "handed_in_on",
            g.handed_in_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set("storage", g.storage.clone().unwrap_or_default());
        v.set("disposal", g.disposal.clone().unwrap_or_default());
        v.set("notes", g.notes.clone().unwrap_or_default());
        v.set("key", g.meta.key.clone().unwrap_or_default());
        v
    }

    async fn form(
        ui: &Ui,
        _: &Store,
        v: &Values,
        _: bool,
        _: &str,
    ) -> liaison_store::Result<FormView> {
        let link = ui.t.get("hint-link");
        Ok(FormView {
            fields: vec![
                select(
                    ui,
                    v,
                    "direction",
                    choices(ui, "gift-direction", &DIRECTIONS, None),
                ),
                text(ui, v, "item").required(),
                select(
                    ui,
                    v,
                    "category",
                    choices(ui, "gift-category", &CATEGORIES, None),
                ),
                input(ui, v, "number", "quantity"),
                text(ui, v, "value").hint(ui.t.get("hint-yuan")),
                text(ui, v, "activity").hint(link.clone()),
                input(ui, v, "date", "exchanged_on"),
                text(ui, v, "giver_person").hint(link.clone()),
                text(ui, v, "giver_organization").hint(link.clone()),
                text(ui, v, "giver_description"),
                text(ui, v, "receiver_person").hint(link.clone()),
                text(ui, v, "receiver_organization").hint(link),
                text(ui, v, "receiver_description"),
                select(ui, v, "status", choices(ui, "gift-status", &STATUSES, None)),
                input(ui, v, "date", "declared_on"),
                input(ui, v, "date", "handed_in_on"),
                text(ui, v, "storage"),
                input(ui, v, "textarea", "disposal"),
                input(ui, v, "textarea", "notes"),
                key_field(ui, v),
            ],
            ..FormView::default()
        })
    }

    fn read(v: &Values, _: bool) -> Result<GiftInput, FieldErrors> {
        let mut r = Reader::default();
        let direction = r.choice(v, "direction");
        let input = direction.map(|direction| GiftInput {
            key: v.text("key"),
            version: v.text("version").and_then(|x| x.parse().ok()),
            direction,
            activity: r.link(v, "activity"),
            exchanged_on: r.date(v, "exchanged_on"),
            giver: read_party(&mut r, v, "giver"),
            receiver: read_party(&mut r, v, "receiver"),
            item: v.get("item").to_owned(),
            category: r.choice(v, "category").unwrap_or_default(),
            quantity: r.parse(v, "quantity", "a number").unwrap_or(1),
            estimated_value_fen: r.yuan(v, "value").map(Money::from_fen),
            status: r.choice(v, "status").unwrap_or_default(),
            declared_on: r.date(v, "declared_on"),
            handed_in_on: r.date(v, "handed_in_on"),
            storage: v.text("storage"),
            disposal: v.text("disposal"),
            notes: v.text("notes"),
        });
        if direction.is_none() {
            r.errors
                .add("direction", "required", "choose received or given");
        }
        finish(input, r)
    }
}
