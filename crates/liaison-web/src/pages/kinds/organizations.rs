//! Pages of organizations, with their relationship timeline.

use liaison_core::{
    AffiliationInput, AffiliationRelation, FieldErrors, Identifier, ORGANIZATION, Organization,
    OrganizationFilter, OrganizationInput, OrganizationKind, RecordKind, Ref, RegionClass,
    TimelineEntry,
};
use liaison_store::Store;

use super::{
    GroupText, SheetCell, choices, code, country_field, group, input, int_cell, key_field, name_of,
    row_input, row_select, search, select, text,
};
use crate::pages::forms::{Reader, Values};
use crate::pages::records::RecordPages;
use axum::extract::State;

use crate::AppState;
use crate::pages::records::detail_page;
use crate::pages::{
    Action, Cell, DetailView, Field, FormView, Item, PageResult, RecordId, Section, Ui,
};

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

impl RecordPages for Organizations {
    const KIND: RecordKind = ORGANIZATION;
    const TITLE: &'static str = "nav-organizations";
    const NEW: &'static str = "new-organization";
    const EDIT: &'static str = "edit-organization";
    type Record = Organization;
    type Row = Organization;
    type Input = OrganizationInput;
    type Filter = OrganizationFilter;

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

    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("field-name", Some("name")),
            ("field-kind", None),
            ("field-country", Some("country")),
            ("field-region", None),
            ("field-founded_year", Some("founded")),
        ]
    }

    fn cells(ui: &Ui, o: &Organization) -> Vec<Cell> {
        vec![
            Cell::link(Self::name(ui, o), format!("/organizations/{}", o.meta.id)),
            Cell::text(ui.t.value("org-kind", &code(&o.kind))),
            Cell::text(ui.t.country(o.country)),
            Cell::text(ui.t.value("region", &code(&o.region))),
            Cell::text(o.founded_year.map(|y| y.to_string()).unwrap_or_default()),
        ]
    }

    fn sheet_columns() -> Vec<&'static str> {
        vec![
            "export-number",
            "field-name_zh",
            "field-name_en",
            "field-name_original",
            "field-abbreviation",
            "field-kind",
            "field-country",
            "field-region",
            "field-founded_year",
            "field-membership",
            "field-website",
            "field-key",
        ]
    }

    fn sheet_cells(ui: &Ui, o: &Organization) -> Vec<SheetCell> {
        vec![
            SheetCell::Int(o.meta.id),
            o.name_zh.clone().into(),
            o.name_en.clone().into(),
            o.name_original.clone().into(),
            o.abbreviation.clone().into(),
            ui.t.value("org-kind", &code(&o.kind)).into(),
            ui.t.country(o.country).into(),
            ui.t.value("region", &code(&o.region)).into(),
            int_cell(o.founded_year.map(i64::from)),
            int_cell(o.membership),
            o.website.clone().into(),
            o.meta.key.clone().into(),
        ]
    }

    fn name(ui: &Ui, o: &Organization) -> String {
        super::name_of(&o.name_zh, &o.name_en, ui)
    }

    async fn detail(ui: &Ui, store: &Store, o: &Organization) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let mut profile = Section::new(t.get("section-profile"), "");
        profile.row(
            t.get("field-name_zh"),
            o.name_zh.clone().unwrap_or_default(),
        );
        profile.row(
            t.get("field-name_en"),
            o.name_en.clone().unwrap_or_default(),
        );
        profile.row(
            t.get("field-name_original"),
            o.name_original.clone().unwrap_or_default(),
        );
        profile.row(
            t.get("field-abbreviation"),
            o.abbreviation.clone().unwrap_or_default(),
        );
        profile.row(t.get("field-kind"), t.value("org-kind", &code(&o.kind)));
        profile.row(t.get("field-country"), t.country(o.country));
        profile.row(t.get("field-region"), t.value("region", &code(&o.region)));
        profile.row(
            t.get("field-founded_year"),
            o.founded_year.map(|y| y.to_string()).unwrap_or_default(),
        );
        profile.row(
            t.get("field-membership"),
            o.membership.map(|m| t.number(m)).unwrap_or_default(),
        );
        profile.row(
            t.get("field-website"),
            o.website.clone().unwrap_or_default(),
        );
        profile.row(t.get("field-profile"), t.pick(&o.profile_zh, &o.profile_en));
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
        Ok(DetailView {
            title: Self::name(ui, o),
            subtitle: Some(format!(
                "{} · {}",
                t.value("org-kind", &code(&o.kind)),
                t.country(o.country)
            )),
            actions: Vec::new(),
            sections: vec![profile, identifiers, affiliations, timeline],
        })
    }

    fn values(o: &Organization) -> Values {
        let mut v = Values::default();
        v.set("kind", code(&o.kind));
        v.set("country", o.country.to_string());
        v.set("name_zh", o.name_zh.clone().unwrap_or_default());
        v.set("name_en", o.name_en.clone().unwrap_or_default());
        v.set("name_original", o.name_original.clone().unwrap_or_default());
        v.set("abbreviation", o.abbreviation.clone().unwrap_or_default());
        v.set(
            "founded_year",
            o.founded_year.map(|y| y.to_string()).unwrap_or_default(),
        );
        v.set(
            "membership",
            o.membership.map(|m| m.to_string()).unwrap_or_default(),
        );
        v.set("website", o.website.clone().unwrap_or_default());
        v.set("profile_zh", o.profile_zh.clone().unwrap_or_default());
        v.set("profile_en", o.profile_en.clone().unwrap_or_default());
        v.set(
            "identifiers",
            o.identifiers
                .iter()
                .map(|i| format!("{}: {}", i.scheme, i.value))
                .collect::<Vec<_>>()
                .join("\n"),
        );
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
        v.set("key", o.meta.key.clone().unwrap_or_default());
        v
    }

    async fn form(
        ui: &Ui,
        _: &Store,
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
            fields: vec![
                select(ui, v, "kind", choices(ui, "org-kind", &KINDS, None)),
                country_field(ui, v, "country").required(),
                text(ui, v, "name_zh"),
                text(ui, v, "name_en"),
                text(ui, v, "name_original"),
                text(ui, v, "abbreviation"),
                input(ui, v, "number", "founded_year"),
                input(ui, v, "number", "membership"),
                text(ui, v, "website"),
                input(ui, v, "textarea", "identifiers").hint(ui.t.get("hint-identifiers")),
                input(ui, v, "textarea", "profile_zh"),
                input(ui, v, "textarea", "profile_en"),
                key_field(ui, v),
            ],
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
