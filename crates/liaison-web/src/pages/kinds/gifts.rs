//! Pages of the gift register.

use liaison_core::{
    FieldErrors, GIFT, Gift, GiftCategory, GiftDirection, GiftFilter, GiftInput, GiftStatus, Party,
    RecordKind,
};
use liaison_store::Store;

use serde_json::json;

use super::{choices, code, codes, input, search, select};
use crate::pages::fields::{self, Declared, Input, Value, key, number};
use crate::pages::forms::Values;
use crate::pages::records::RecordPages;
use crate::pages::{DetailView, Field, Ui};

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

const OVERVIEW: &str = "section-overview";
const DECLARATION: &str = "section-declaration";

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

/// A gift's fields: its register's columns, its page and its form.
const FIELDS: &[Declared<Gift>] = &[
    number(),
    Declared::new("item", "field-item", |g: &Gift| {
        Value::Record(Box::new(Value::Text(Some(g.item.clone()))), g.meta.id)
    })
    .listed(Some("item"))
    .in_sheet()
    .asked(Input::Text)
    .required(),
    Declared::new("direction", "field-direction", |g: &Gift| {
        Value::Choice("gift-direction", code(&g.direction))
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Choice("gift-direction", || codes(&DIRECTIONS)))
    .required(),
    Declared::new("category", "field-category", |g: &Gift| {
        Value::Choice("gift-category", code(&g.category))
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Choice("gift-category", || codes(&CATEGORIES))),
    Declared::new("quantity", "field-quantity", |g: &Gift| {
        Value::Int(Some(g.quantity))
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Number),
    // In yuan, as a number to sum.
    Declared::new("value", "export-value-yuan", |g: &Gift| {
        Value::Money(g.estimated_value_fen)
    })
    .in_sheet(),
    Declared::new("exchanged_on", "field-exchanged_on", |g: &Gift| {
        Value::Date(g.exchanged_on)
    })
    .listed(Some("exchanged"))
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Date),
    Declared::new("activity", "field-activity", |g: &Gift| {
        Value::Link(g.activity.clone(), "activities")
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-link"),
    Declared::new("giver", "field-giver", |g: &Gift| {
        Value::Text(Some(party_text(&g.giver)))
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW),
    Declared::new("giver_person", "field-giver_person", |g: &Gift| {
        Value::Link(g.giver.person.clone(), "people")
    })
    .asked(Input::Link)
    .at("giver.person")
    .hinted("hint-link"),
    Declared::new(
        "giver_organization",
        "field-giver_organization",
        |g: &Gift| Value::Link(g.giver.organization.clone(), "organizations"),
    )
    .asked(Input::Link)
    .at("giver.organization")
    .hinted("hint-link"),
    Declared::new(
        "giver_description",
        "field-giver_description",
        |g: &Gift| Value::Text(g.giver.description.clone()),
    )
    .asked(Input::Text)
    .at("giver.description"),
    Declared::new("receiver", "field-receiver", |g: &Gift| {
        Value::Text(Some(party_text(&g.receiver)))
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW),
    Declared::new("receiver_person", "field-receiver_person", |g: &Gift| {
        Value::Link(g.receiver.person.clone(), "people")
    })
    .asked(Input::Link)
    .at("receiver.person")
    .hinted("hint-link"),
    Declared::new(
        "receiver_organization",
        "field-receiver_organization",
        |g: &Gift| Value::Link(g.receiver.organization.clone(), "organizations"),
    )
    .asked(Input::Link)
    .at("receiver.organization")
    .hinted("hint-link"),
    Declared::new(
        "receiver_description",
        "field-receiver_description",
        |g: &Gift| Value::Text(g.receiver.description.clone()),
    )
    .asked(Input::Text)
    .at("receiver.description"),
    Declared::new("value", "field-value", |g: &Gift| {
        Value::Money(g.estimated_value_fen)
    })
    .listed(Some("value"))
    .in_section(OVERVIEW)
    .asked(Input::Yuan)
    .at("estimated_value_fen")
    .hinted("hint-yuan"),
    // A gift still to be declared says so in the register and on its page.
    Declared::new("status", "field-status", |g: &Gift| {
        let must = g.declaration_required && g.status == GiftStatus::Recorded;
        Value::Noted(
            Box::new(Value::Choice("gift-status", code(&g.status))),
            "gift-must-declare",
            must,
        )
    })
    .listed(None)
    .in_sheet()
    .in_section(DECLARATION)
    .asked(Input::Choice("gift-status", || codes(&STATUSES))),
    Declared::new(
        "declaration_required",
        "field-declaration_required",
        |g: &Gift| Value::Yes(g.declaration_required),
    )
    .in_sheet()
    .in_section(DECLARATION),
    Declared::new("declared_on", "field-declared_on", |g: &Gift| {
        Value::Date(g.declared_on)
    })
    .in_sheet()
    .in_section(DECLARATION)
    .asked(Input::Date),
    Declared::new("handed_in_on", "field-handed_in_on", |g: &Gift| {
        Value::Date(g.handed_in_on)
    })
    .in_sheet()
    .in_section(DECLARATION)
    .asked(Input::Date),
    Declared::new("storage", "field-storage", |g: &Gift| {
        Value::Text(g.storage.clone())
    })
    .in_sheet()
    .in_section(DECLARATION)
    .asked(Input::Text),
    Declared::new("disposal", "field-disposal", |g: &Gift| {
        Value::Text(g.disposal.clone())
    })
    .in_section(DECLARATION)
    .asked(Input::Area),
    Declared::new("notes", "field-notes", |g: &Gift| {
        Value::Text(g.notes.clone())
    })
    .in_section(DECLARATION)
    .asked(Input::Area),
    key(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<Gifts>() }

impl RecordPages for Gifts {
    const KIND: RecordKind = GIFT;
    const TITLE: &'static str = "nav-gifts";
    const NEW: &'static str = "new-gift";
    const EDIT: &'static str = "edit-gift";
    type Record = Gift;
    type Row = Gift;
    type Input = GiftInput;
    type Filter = GiftFilter;
    const FIELDS: &'static [Declared<Gift>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<Gift>] = FIELDS;
    const SECTIONS: &'static [&'static str] = &[OVERVIEW, DECLARATION];

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

    fn name(_: &Ui, g: &Gift) -> String {
        g.item.clone()
    }

    async fn detail(ui: &Ui, _: &Store, g: &Gift) -> liaison_store::Result<DetailView> {
        Ok(DetailView {
            title: g.item.clone(),
            subtitle: Some(ui.t.value("gift-direction", &code(&g.direction))),
            actions: Vec::new(),
            sections: fields::sections(ui, FIELDS, g, Self::SECTIONS),
        })
    }

    fn read(v: &Values, _: bool) -> Result<GiftInput, FieldErrors> {
        fields::read(FIELDS, v, |_, input| {
            // A party named by nobody is still a party, described by nothing.
            for side in ["giver", "receiver"] {
                input.entry(side).or_insert_with(|| json!({}));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use liaison_core::{
        Gift, GiftCategory, GiftDirection, GiftStatus, Link, Meta, Money, Named, Party, Ref,
    };
    use liaison_reports::Cell as SheetCell;

    use super::{FIELDS, Gifts};
    use crate::i18n::{Lang, Tr};
    use crate::pages::Ui;
    use crate::pages::fields;
    use crate::pages::forms::Values;
    use crate::pages::records::RecordPages;

    fn ui() -> Ui {
        Ui {
            t: Tr::new(Lang::En),
            user: None,
            csrf: String::new(),
            path: "/gifts".to_owned(),
            section: "gifts".to_owned(),
            auth: None,
            university: String::new(),
            unread: 0,
        }
    }

    fn named(id: i64, name: &str) -> Option<Named> {
        Some(Named {
            id,
            key: None,
            name: name.to_owned(),
        })
    }

    /// A tea set received from a federation's chair, still to be declared.
    fn gift() -> Gift {
        let at = Utc.with_ymd_and_hms(2026, 5, 12, 8, 0, 0).unwrap();
        Gift {
            meta: Meta {
                id: 7,
                key: Some("gift-tea-set".to_owned()),
                version: 2,
                created_at: at,
                updated_at: at,
            },
            direction: GiftDirection::Received,
            activity: named(3, "Visit of the Lao Federation of Trade Unions"),
            exchanged_on: NaiveDate::from_ymd_opt(2026, 5, 12),
            giver: Party {
                person: named(5, "Phoxay Khaykhamphithoune"),
                organization: named(9, "Lao Federation of Trade Unions"),
                description: None,
            },
            receiver: Party {
                person: None,
                organization: None,
                description: Some("the university's president".to_owned()),
            },
            item: "Tea set".to_owned(),
            category: GiftCategory::Artwork,
            quantity: 2,
            estimated_value_fen: Some(Money::from_fen(123_450)),
            status: GiftStatus::Recorded,
            declared_on: None,
            handed_in_on: None,
            storage: Some("Cabinet 3".to_owned()),
            disposal: None,
            notes: Some("Boxed".to_owned()),
            declaration_required: true,
            unit_id: None,
        }
    }

    #[test]
    fn the_register_s_columns_come_from_the_declared_fields_in_their_order() {
        let labels: Vec<&str> = Gifts::columns().into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            [
                "field-item",
                "field-direction",
                "field-exchanged_on",
                "field-giver",
                "field-receiver",
                "field-value",
                "field-status"
            ]
        );
        let sorts: Vec<&str> = Gifts::columns()
            .into_iter()
            .filter_map(|(_, s)| s)
            .collect();
        assert_eq!(sorts, ["item", "exchanged", "value"]);
        let cells = Gifts::cells(&ui(), &gift());
        assert_eq!(cells[0].text, "Tea set");
        assert_eq!(cells[0].href.as_deref(), Some("/gifts/7"));
        assert!(cells[1..].iter().all(|c| c.href.is_none()));
        assert_eq!(cells[2].text, "12 May 2026");
        assert_eq!(
            cells[3].text,
            "Phoxay Khaykhamphithoune · Lao Federation of Trade Unions"
        );
        assert_eq!(cells[5].text, "¥1,234.50");
        assert!(
            cells[6].text.starts_with("Recorded · "),
            "a gift to declare says so: {}",
            cells[6].text
        );
    }

    #[test]
    fn the_spreadsheet_holds_numbers_dates_and_the_key_as_such() {
        let columns = Gifts::sheet_columns();
        assert_eq!(columns.first(), Some(&"export-number"));
        assert_eq!(columns.last(), Some(&"field-key"));
        assert_eq!(columns.len(), 16);
        let cells = Gifts::sheet_cells(&ui(), &gift());
        assert_eq!(cells.len(), columns.len());
        let at = |label: &str| &cells[columns.iter().position(|c| *c == label).unwrap()];
        assert_eq!(at("export-number"), &SheetCell::Int(7));
        assert_eq!(at("export-value-yuan"), &SheetCell::Number(1234.5));
        assert_eq!(
            at("field-exchanged_on"),
            &SheetCell::Date(NaiveDate::from_ymd_opt(2026, 5, 12).unwrap())
        );
        assert_eq!(at("field-declared_on"), &SheetCell::Empty);
        assert_eq!(at("field-status"), &SheetCell::Text("Recorded".to_owned()));
        assert_eq!(at("field-key"), &SheetCell::Text("gift-tea-set".to_owned()));
    }

    #[test]
    fn the_page_shows_the_declared_sections_linking_the_records_named() {
        let sections = fields::sections(&ui(), FIELDS, &gift(), Gifts::SECTIONS);
        let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Overview", "Declaration and custody"]);
        let activity = sections[0]
            .rows
            .iter()
            .find(|r| r.value.starts_with("Visit of"))
            .expect("the activity is a row of the overview");
        assert_eq!(activity.href.as_deref(), Some("/activities/3"));
        let declaration: Vec<&str> = sections[1].rows.iter().map(|r| r.value.as_str()).collect();
        // Rows without a value are left out.
        assert_eq!(declaration.len(), 4, "{declaration:?}");
        assert!(declaration.contains(&"Cabinet 3"));
    }

    #[test]
    fn a_form_started_from_a_gift_reads_back_as_the_same_gift() {
        let gift = gift();
        let values = Gifts::values(&gift);
        let input = Gifts::read(&values, false).expect("the form reads");
        assert_eq!(input.key.as_deref(), Some("gift-tea-set"));
        assert_eq!(input.item, "Tea set");
        assert_eq!(input.direction, GiftDirection::Received);
        assert_eq!(input.category, GiftCategory::Artwork);
        assert_eq!(input.quantity, 2);
        assert_eq!(input.estimated_value_fen, Some(Money::from_fen(123_450)));
        assert_eq!(input.activity, Some(Link::Id(3)));
        assert_eq!(input.exchanged_on, gift.exchanged_on);
        assert_eq!(input.giver.person, Some(Ref::Link(Link::Id(5))));
        assert_eq!(input.giver.organization, Some(Ref::Link(Link::Id(9))));
        assert_eq!(
            input.receiver.description.as_deref(),
            Some("the university's president")
        );
        assert_eq!(input.status, GiftStatus::Recorded);
        assert_eq!(input.storage.as_deref(), Some("Cabinet 3"));
        assert_eq!(input.notes.as_deref(), Some("Boxed"));
        assert_eq!(input.disposal, None);
    }

    #[test]
    fn a_form_with_several_mistakes_names_each_and_reads_nothing() {
        let values = Values::of(&[
            ("item", "Silk scarf"),
            ("category", "jewellery"),
            ("quantity", "two"),
            ("value", "about 300"),
            ("exchanged_on", "2026-02-30"),
            ("giver_person", "Mr Smith"),
        ]);
        let errors = Gifts::read(&values, true).expect_err("nothing is read");
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "category",
                "direction",
                "exchanged_on",
                "giver_person",
                "quantity",
                "value"
            ],
            "{errors:?}"
        );
    }

    #[test]
    fn a_gift_between_named_people_reads_with_its_parties_apart() {
        let values = Values::of(&[
            ("direction", "given"),
            ("item", "Calligraphy scroll"),
            ("value", "1,200"),
            ("receiver_person", "#41 Anna Berg"),
            ("giver_description", "the vice-president"),
        ]);
        let input = Gifts::read(&values, true).expect("the form reads");
        assert_eq!(input.direction, GiftDirection::Given);
        assert_eq!(input.quantity, 1, "one unless said");
        assert_eq!(input.estimated_value_fen, Some(Money::from_fen(120_000)));
        assert_eq!(input.receiver.person, Some(Ref::Link(Link::Id(41))));
        assert_eq!(input.receiver.organization, None);
        assert_eq!(
            input.giver.description.as_deref(),
            Some("the vice-president")
        );
        assert_eq!(input.giver.person, None);
    }
}
