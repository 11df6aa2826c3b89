//! Pages of organizations, with their relationship timeline.

use liaison_core::{
    AffiliationInput, AffiliationRelation, FieldErrors, Identifier, ORGANIZATION, Organization,
    OrganizationFilter, OrganizationInput, OrganizationKind, RecordKind, Ref, RegionClass,
    TimelineEntry,
};
use liaison_store::Store;

use super::{
    GroupText, choices, code, country_field, group, name_of, row_input, row_select, search, select,
};
use crate::pages::fields::{self, Declared, Input, Value, key, number};
use crate::pages::forms::{Reader, Values};
use crate::pages::records::RecordPages;
use axum::extract::State;

use crate::AppState;
use crate::pages::records::detail_page;
use crate::pages::{Action, DetailView, Field, FormView, Item, PageResult, RecordId, Section, Ui};

pub struct Organizations;

pub const KINDS: [OrganizationKind; 10] = [
    OrganizationKind::University,
    OrganizationKind::TradeUnion,
    OrganizationKind::Federation,
    OrganizationKind::InternationalOrganization,
    OrganizationKind::GovernmentBody,
    OrganizationKind::Embassy,
    OrganizationKind::Company,
    OrganizationKind::Ngo,
    OrganizationKind::PoliticalParty,
    OrganizationKind::Other,
];
pub const REGIONS: [RegionClass; 5] = [
    RegionClass::Foreign,
    RegionClass::HongKong,
    RegionClass::Macao,
    RegionClass::Taiwan,
    RegionClass::Mainland,
];
const RELATIONS: [AffiliationRelation; 3] = [
    AffiliationRelation::MemberOf,
    AffiliationRelation::AffiliatedWith,
    AffiliationRelation::PartOf,
];

const PROFILE: &str = "section-profile";

/// An organization's fields: its list's columns, its page's profile and its form, besides its
/// affiliations.
const FIELDS: &[Declared<Organization>] = &[
    number(),
    Declared::new("name", "field-name", |o: &Organization| {
        Value::Record(
            Box::new(Value::Names(o.name_zh.clone(), o.name_en.clone())),
            o.meta.id,
        )
    })
    .listed(Some("name")),
    Declared::new("name_zh", "field-name_zh", |o: &Organization| {
        Value::Text(o.name_zh.clone())
    })
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Text),
    Declared::new("name_en", "field-name_en", |o: &Organization| {
        Value::Text(o.name_en.clone())
    })
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Text),
    Declared::new(
        "name_original",
        "field-name_original",
        |o: &Organization| Value::Text(o.name_original.clone()),
    )
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Text),
    Declared::new("abbreviation", "field-abbreviation", |o: &Organization| {
        Value::Text(o.abbreviation.clone())
    })
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Text),
    Declared::new("kind", "field-kind", |o: &Organization| {
        Value::Choice("org-kind", code(&o.kind))
    })
    .listed(None)
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Choice(|ui| choices(ui, "org-kind", &KINDS, None))),
    Declared::new("country", "field-country", |o: &Organization| {
        Value::Country(Some(o.country))
    })
    .listed(Some("country"))
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Country)
    .required(),
    // Worked out from the country, never typed.
    Declared::new("region", "field-region", |o: &Organization| {
        Value::Choice("region", code(&o.region))
    })
    .listed(None)
    .in_sheet()
    .in_section(PROFILE),
    Declared::new("founded_year", "field-founded_year", |o: &Organization| {
        Value::Int(o.founded_year.map(i64::from))
    })
    .listed(Some("founded"))
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Number),
    Declared::new("membership", "field-membership", |o: &Organization| {
        Value::Count(o.membership)
    })
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Number),
    Declared::new("website", "field-website", |o: &Organization| {
        Value::Text(o.website.clone())
    })
    .in_sheet()
    .in_section(PROFILE)
    .asked(Input::Text),
    // A register and its value a line, as `ror: 01a77tt86`; the page lists them in a section.
    Declared::new("identifiers", "field-identifiers", |o: &Organization| {
        Value::Text(Some(
            o.identifiers
                .iter()
                .map(|i| format!("{}: {}", i.scheme, i.value))
                .collect::<Vec<_>>()
                .join("\n"),
        ))
    })
    .asked(Input::Area)
    .hinted("hint-identifiers"),
    Declared::new("profile", "field-profile", |o: &Organization| {
        Value::Names(o.profile_zh.clone(), o.profile_en.clone())
    })
    .in_section(PROFILE),
    Declared::new("profile_zh", "field-profile_zh", |o: &Organization| {
        Value::Text(o.profile_zh.clone())
    })
    .asked(Input::Area),
    Declared::new("profile_en", "field-profile_en", |o: &Organization| {
        Value::Text(o.profile_en.clone())
    })
    .asked(Input::Area),
    key(),
];

impl RecordPages for Organizations {
    const KIND: RecordKind = ORGANIZATION;
    const TITLE: &'static str = "nav-organizations";
    const NEW: &'static str = "new-organization";
    const EDIT: &'static str = "edit-organization";
    type Record = Organization;
    type Row = Organization;
    type Input = OrganizationInput;
    type Filter = OrganizationFilter;
    const FIELDS: &'static [Declared<Organization>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<Organization>] = FIELDS;

    async fn filters(ui: &Ui, _: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "kind",
                choices(ui, "org-kind", &KINDS, Some("choice-all")),
            ),
            country_field(ui, query, "country"),
            select(
                ui,
                query,
                "region",
                choices(ui, "region", &REGIONS, Some("choice-all")),
            ),
        ])
    }

    fn name(ui: &Ui, o: &Organization) -> String {
        super::name_of(&o.name_zh, &o.name_en, ui)
    }

    async fn detail(ui: &Ui, store: &Store, o: &Organization) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let mut sections = fields::sections(ui, FIELDS, o, &[PROFILE]);
        let mut identifiers = Section::new(t.get("field-identifiers"), t.get("empty-identifiers"));
        for id in &o.identifiers {
            identifiers.row(id.scheme.to_uppercase(), id.value.clone());
        }
        let mut affiliations =
            Section::new(t.get("section-affiliations"), t.get("empty-affiliations"));
        for a in &o.affiliations {
            affiliations.link_row(
                t.value("relation", &code(&a.relation)),
                a.organization.name.clone(),
                format!("/organizations/{}", a.organization.id),
            );
        }
        let (recent, total) = store
            .organization_timeline_recent(o.meta.id, TIMELINE_ON_PAGE)
            .await?;
        let mut timeline = timeline_section(ui, &recent);
        if total > recent.len() as i64 {
            timeline.items.push(Item {
                title: t.args("timeline-all", &[("count", t.number(total))]),
                href: Some(format!("/organizations/{}/timeline", o.meta.id)),
                meta: String::new(),
                lines: Vec::new(),
            });
        }
        sections.extend([identifiers, affiliations, timeline]);
        Ok(DetailView {
            title: Self::name(ui, o),
            subtitle: Some(format!(
                "{} · {}",
                t.value("org-kind", &code(&o.kind)),
                t.country(o.country)
            )),
            actions: Vec::new(),
            sections,
        })
    }

    fn values(o: &Organization) -> Values {
        let mut v = fields::values(FIELDS, o);
        for (i, a) in o.affiliations.iter().enumerate() {
            v.set(
                format!("affiliations-{i}-organization"),
                format!("#{} {}", a.organization.id, a.organization.name),
            );
            v.set(format!("affiliations-{i}-relation"), code(&a.relation));
            v.set(
                format!("affiliations-{i}-note"),
                a.note.clone().unwrap_or_default(),
            );
        }
        v
    }

    async fn form(
        ui: &Ui,
        store: &Store,
        v: &Values,
        _: bool,
        adding: &str,
    ) -> liaison_store::Result<FormView> {
        let affiliations = group(
            ui,
            v,
            GroupText {
                name: "affiliations",
                label: "section-affiliations",
                hint: Some("hint-organization-link"),
                add: "add-affiliation",
            },
            adding,
            |i| {
                vec![
                    row_input(ui, v, "text", "affiliations", i, "organization"),
                    row_select(
                        ui,
                        v,
                        "affiliations",
                        i,
                        "relation",
                        choices(ui, "relation", &RELATIONS, Some("choice-none")),
                    ),
                    row_input(ui, v, "text", "affiliations", i, "note"),
                ]
            },
        );
        Ok(FormView {
            fields: fields::inputs(ui, store, FIELDS, v).await?,
            groups: vec![affiliations.removable()],
            ..FormView::default()
        })
    }

    fn read(v: &Values, _: bool) -> Result<OrganizationInput, FieldErrors> {
        let mut r = Reader::default();
        let country = match liaison_core::parse_country(v.get("country")) {
            Ok(c) => Some(c),
            Err(message) => {
                r.errors.add("country", "invalid", message);
                None
            }
        };
        let kind = r.choice(v, "kind");
        let identifiers = v
            .lines("identifiers")
            .into_iter()
            .filter_map(|line| match line.split_once(':') {
                Some((scheme, value)) => Some(Identifier { scheme: scheme.trim().to_owned(), value: value.trim().to_owned() }),
                None => {
                    r.errors.add("identifiers", "invalid", format!("'{line}': write the register, a colon and the value, such as ror: 01a77tt86"));
                    None
                }
            })
            .collect();
        let mut affiliations = Vec::new();
        for i in 0..v.rows("affiliations") {
            if v.row_is_empty("affiliations", i) {
                continue;
            }
            let org = r.link(v, &format!("affiliations-{i}-organization"));
            let relation = r.choice(v, &format!("affiliations-{i}-relation"));
            if relation.is_none() {
                r.errors.add(
                    format!("affiliations-{i}-relation"),
                    "required",
                    "choose how they are related",
                );
            }
            if let (Some(org), Some(relation)) = (org, relation) {
                affiliations.push(AffiliationInput {
                    organization: Ref::Link(org),
                    relation,
                    note: v.text(&format!("affiliations-{i}-note")),
                });
            }
        }
        let founded_year = r.parse(v, "founded_year", "a year");
        let membership = r.parse(v, "membership", "a number");
        match (kind, country) {
            (Some(kind), Some(country)) if r.errors.is_empty() => Ok(OrganizationInput {
                key: v.text("key"),
                version: v.text("version").and_then(|x| x.parse().ok()),
                kind,
                country,
                name_zh: v.text("name_zh"),
                name_en: v.text("name_en"),
                name_original: v.text("name_original"),
                abbreviation: v.text("abbreviation"),
                identifiers,
                founded_year,
                membership,
                affiliations,
                profile_zh: v.text("profile_zh"),
                profile_en: v.text("profile_en"),
                website: v.text("website"),
            }),
            (kind, _) => {
                if kind.is_none() && v.text("kind").is_none() {
                    r.errors.add("kind", "required", "choose a kind");
                }
                Err(r.errors)
            }
        }
    }
}

/// The newest entries of the relationship timeline on an organization's page; the whole
/// timeline has a page of its own.
const TIMELINE_ON_PAGE: i64 = 50;

fn timeline_section(ui: &Ui, entries: &[TimelineEntry]) -> Section {
    let mut timeline = Section::new(ui.t.get("section-timeline"), ui.t.get("empty-timeline"));
    timeline
        .items
        .extend(entries.iter().map(|entry| timeline_item(ui, entry)));
    timeline
}

/// One entry of a relationship timeline: the record, linked, with its date, kind and how the
/// organization was involved.
pub fn timeline_item(ui: &Ui, entry: &TimelineEntry) -> Item {
    let t = &ui.t;
    let path = entry.kind.path;
    let detail = entry.kind.categories.map_or_else(
        || entry.detail.clone(),
        |prefix| t.value(prefix, &entry.detail),
    );
    Item {
        title: entry.title.clone(),
        href: Some(format!("/{path}/{}", entry.id)),
        meta: format!(
            "{} · {} · {}",
            t.optional_date(entry.date),
            detail,
            t.value("involvement", &entry.involvement)
        ),
        lines: Vec::new(),
    }
}

/// An organization's whole relationship timeline, newest first.
pub async fn timeline(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let organization = state.store.get::<Organization>(id).await?;
    let entries = state.store.organization_timeline(id).await?;
    let t = &ui.t;
    let view = DetailView {
        title: t.args(
            "timeline-title",
            &[(
                "name",
                name_of(&organization.name_zh, &organization.name_en, &ui),
            )],
        ),
        subtitle: Some(t.args(
            "timeline-entries",
            &[("count", t.number(entries.len() as i64))],
        )),
        actions: vec![Action {
            label: t.get("timeline-back"),
            href: format!("/organizations/{id}"),
            danger: false,
        }],
        sections: vec![timeline_section(&ui, &entries)],
    };
    Ok(detail_page(&ui, &view))
}
