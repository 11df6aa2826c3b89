//! Pages of organizations, with their relationship timeline.

use liaison_core::{
    AffiliationRelation, FieldErrors, ORGANIZATION, Organization, OrganizationFilter,
    OrganizationInput, OrganizationKind, RecordKind, RegionClass, TimelineEntry,
};
use liaison_store::Store;
use serde_json::json;

use super::{
    GroupText, choices, code, codes, country_field, group, name_of, row_input, row_select, search,
    select,
};
use crate::pages::fields::{self, Declared, Input, Value, key, number};
use crate::pages::forms::Values;
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
    .asked(Input::Choice("org-kind", || codes(&KINDS)))
    .required(),
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

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<Organizations>() }

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
        fields::read(FIELDS, v, |r, input| {
            let identifiers: Vec<_> = v
                .lines("identifiers")
                .into_iter()
                .filter_map(|line| match line.split_once(':') {
                    Some((scheme, value)) => Some(json!({
                        "scheme": scheme.trim(),
                        "value": value.trim(),
                    })),
                    None => {
                        r.errors.add(
                            "identifiers",
                            "invalid",
                            format!(
                                "'{line}': write the register, a colon and the value, such as ror: 01a77tt86"
                            ),
                        );
                        None
                    }
                })
                .collect();
            input.insert("identifiers".to_owned(), json!(identifiers));
            let mut affiliations = Vec::new();
            for i in 0..v.rows("affiliations") {
                if v.row_is_empty("affiliations", i) {
                    continue;
                }
                let organization = r.link(v, &format!("affiliations-{i}-organization"));
                let relation =
                    r.choice::<AffiliationRelation>(v, &format!("affiliations-{i}-relation"));
                if relation.is_none() {
                    r.errors.add(
                        format!("affiliations-{i}-relation"),
                        "required",
                        "choose how they are related",
                    );
                }
                if let (Some(organization), Some(relation)) = (organization, relation) {
                    affiliations.push(json!({
                        "organization": organization,
                        "relation": relation,
                        "note": v.text(&format!("affiliations-{i}-note")),
                    }));
                }
            }
            input.insert("affiliations".to_owned(), json!(affiliations));
        })
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

#[cfg(test)]
mod tests {
    use liaison_core::{AffiliationRelation, CountryCode, Link, OrganizationKind, Ref};

    use super::Organizations;
    use crate::pages::forms::Values;
    use crate::pages::records::RecordPages;

    #[test]
    fn a_federation_reads_with_its_identifiers_and_affiliations() {
        let input = Organizations::read(
            &Values::of(&[
                ("kind", "trade_union"),
                ("country", "老挝"),
                ("name_en", "Lao Federation of Trade Unions"),
                ("founded_year", "1956"),
                ("identifiers", "local: LFTU\nror : 05abc1234"),
                ("affiliations-0-organization", "#4 WFTU"),
                ("affiliations-0-relation", "member_of"),
                ("affiliations-1-organization", ""),
                ("affiliations-1-relation", ""),
            ]),
            true,
        )
        .expect("the form reads");
        assert_eq!(input.kind, OrganizationKind::TradeUnion);
        assert_eq!(input.country, CountryCode::parse("LA").unwrap());
        assert_eq!(input.founded_year, Some(1956));
        let identifiers: Vec<(&str, &str)> = input
            .identifiers
            .iter()
            .map(|i| (i.scheme.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(identifiers, [("local", "LFTU"), ("ror", "05abc1234")]);
        assert_eq!(
            input.affiliations.len(),
            1,
            "an empty row is no affiliation"
        );
        assert_eq!(input.affiliations[0].organization, Ref::Link(Link::Id(4)));
        assert_eq!(
            input.affiliations[0].relation,
            AffiliationRelation::MemberOf
        );
    }

    #[test]
    fn every_mistake_of_an_organization_s_form_is_named() {
        let errors = Organizations::read(
            &Values::of(&[
                ("kind", "trade_union"),
                ("country", "Atlantis"),
                ("founded_year", "nineteen"),
                ("identifiers", "LFTU"),
                ("affiliations-0-organization", "#4"),
            ]),
            true,
        )
        .expect_err("nothing is read");
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "affiliations-0-relation",
                "country",
                "founded_year",
                "identifiers"
            ],
            "{errors:?}"
        );
    }
}
