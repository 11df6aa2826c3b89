//! Organizations: partner universities, trade unions, federations, embassies and the rest.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{
    CellKind, Example, Import, Kind, Naming, Record, RecordKind, Rights, Scope, checked_input,
    codes, nothing_implied,
};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{CountryCode, FieldErrors, Meta, Named, Ref, RegionClass};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    University,
    TradeUnion,
    Federation,
    InternationalOrganization,
    GovernmentBody,
    Embassy,
    Company,
    Ngo,
    PoliticalParty,
    Other,
}

impl OrganizationKind {
    pub const ALL: [OrganizationKind; 10] = [
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
}

fn organization_kinds() -> Vec<String> {
    codes(&OrganizationKind::ALL)
}

/// An identifier of an organization in some register, such as `{ "scheme": "ror", ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// The register: `ror`, `erasmus`, `schac`, `local`, or any other short name.
    pub scheme: String,
    pub value: String,
}

/// How one organization stands towards another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AffiliationRelation {
    /// A member of a federation or international organization.
    MemberOf,
    /// Affiliated with, politically or otherwise.
    AffiliatedWith,
    /// A part of a larger body, such as a department of a federation.
    PartOf,
}

/// An affiliation as submitted with an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AffiliationInput {
    #[schema(no_recursion)]
    pub organization: Ref<OrganizationInput>,
    pub relation: AffiliationRelation,
    #[serde(default)]
    pub note: Option<String>,
}

/// An organization as submitted to create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub kind: OrganizationKind,
    /// ISO 3166-1 alpha-2; the region class follows from it.
    pub country: CountryCode,
    #[serde(default)]
    pub name_zh: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    /// The name in the organization's own language and script.
    #[serde(default)]
    pub name_original: Option<String>,
    /// A short form such as "LFTU".
    #[serde(default)]
    pub abbreviation: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    #[serde(default)]
    pub founded_year: Option<i32>,
    /// Members, for unions and federations.
    #[serde(default)]
    pub membership: Option<i64>,
    #[serde(default)]
    pub affiliations: Vec<AffiliationInput>,
    #[serde(default)]
    pub profile_zh: Option<String>,
    #[serde(default)]
    pub profile_en: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

/// The earliest founding year accepted; older dates are almost always typing mistakes.
const EARLIEST_FOUNDING_YEAR: i32 = 1000;

impl Validate for OrganizationInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [
            &mut self.name_zh,
            &mut self.name_en,
            &mut self.name_original,
            &mut self.abbreviation,
            &mut self.profile_zh,
            &mut self.profile_en,
            &mut self.website,
        ]);
        validate::key(errors, &self.key);
        validate::names(errors, "name_zh", &self.name_zh, &self.name_en);
        validate::line(errors, "name_original", &self.name_original);
        validate::line(errors, "abbreviation", &self.abbreviation);
        validate::line(errors, "website", &self.website);
        validate::text(errors, "profile_zh", &self.profile_zh);
        validate::text(errors, "profile_en", &self.profile_en);
        let this_year = chrono::Utc::now()
            .naive_utc()
            .date()
            .format("%Y")
            .to_string();
        let this_year: i32 = this_year.parse().unwrap_or(i32::MAX);
        if let Some(year) = self.founded_year
            && !(EARLIEST_FOUNDING_YEAR..=this_year).contains(&year)
        {
            errors.add(
                "founded_year",
                "out_of_range",
                format!("must be between {EARLIEST_FOUNDING_YEAR} and {this_year}"),
            );
        }
        crate::limits::count(errors, "membership", 0, self.membership);
        crate::limits::list(errors, "identifiers", self.identifiers.len());
        crate::limits::list(errors, "affiliations", self.affiliations.len());
        if self.identifiers.len() > crate::limits::MAX_LIST
            || self.affiliations.len() > crate::limits::MAX_LIST
        {
            return;
        }
        for (i, id) in self.identifiers.iter_mut().enumerate() {
            id.scheme = id.scheme.trim().to_ascii_lowercase();
            id.value = id.value.trim().to_owned();
            if id.scheme.is_empty() {
                errors.add(
                    format!("identifiers[{i}].scheme"),
                    "required",
                    "is required",
                );
            }
            if id.value.is_empty() {
                errors.add(format!("identifiers[{i}].value"), "required", "is required");
            }
            validate::line(
                errors,
                &format!("identifiers[{i}].scheme"),
                &Some(id.scheme.clone()),
            );
            validate::line(
                errors,
                &format!("identifiers[{i}].value"),
                &Some(id.value.clone()),
            );
        }
        crate::limits::duplicates(
            errors,
            "identifiers",
            &self.identifiers,
            |id| Some((id.scheme.as_str(), id.value.as_str())),
            |_| "the same identifier is listed twice".to_owned(),
        );
        for (i, aff) in self.affiliations.iter_mut().enumerate() {
            aff.note = validate::clean(&aff.note);
            validate::line(errors, &format!("affiliations[{i}].note"), &aff.note);
            if let Ref::New(org) = &mut aff.organization {
                validate::nested(
                    errors,
                    &format!("affiliations[{i}].organization"),
                    org.as_mut(),
                );
            }
        }
    }
}

/// A stored affiliation, with the other organization's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Affiliation {
    pub organization: Named,
    pub relation: AffiliationRelation,
    pub note: Option<String>,
}

/// A stored organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: OrganizationKind,
    pub country: CountryCode,
    pub region: RegionClass,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub name_original: Option<String>,
    pub abbreviation: Option<String>,
    pub identifiers: Vec<Identifier>,
    pub founded_year: Option<i32>,
    pub membership: Option<i64>,
    pub affiliations: Vec<Affiliation>,
    pub profile_zh: Option<String>,
    pub profile_en: Option<String>,
    pub website: Option<String>,
}

/// Filters of the organization list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationFilter {
    /// Words of any name or the abbreviation, found as search finds them: every word, whatever
    /// its case, ending or accents.
    pub q: Option<String>,
    pub kind: Option<OrganizationKind>,
    pub country: Option<String>,
    pub region: Option<RegionClass>,
}

pub const ORGANIZATION_SORTS: &[&str] = &["name", "country", "founded", "created", "updated"];

/// Organizations, as a kind of record.
const KIND: Kind = Kind {
    name: "organization",
    table: "organizations",
    path: "organizations",
    categories: Some("org-kind"),
    pages: true,
    files: true,
    rights: Rights {
        admin_only: false,
        officers: true,
        liaison_creates: Scope::Any,
        liaison_changes: Scope::None,
    },
    search: Some(1),
    timeline: None,
    naming: &[Naming::new(
        "organization",
        "organization_affiliations",
        "related_organization_id",
    )
    .in_rows("organization_id")],
    import: Some(Import {
        columns: &[
            "name_zh",
            "name_en",
            "name_original",
            "abbreviation",
            "kind",
            "country",
            "founded_year",
            "membership",
            "website",
            "identifiers",
            "profile_zh",
            "profile_en",
            "key",
        ],
        required: &["kind", "country"],
        names: ("name_zh", "name_en"),
        choices: &[("kind", "org-kind", organization_kinds)],
        examples: &[
            ("name_zh", Example::Text("老挝工会联合会")),
            ("name_en", Example::Text("Lao Federation of Trade Unions")),
            ("abbreviation", Example::Text("LFTU")),
            ("kind", Example::Text("trade_union")),
            ("country", Example::Text("LA")),
            ("founded_year", Example::Int(1956)),
            ("membership", Example::Int(220_000)),
            ("identifiers", Example::Text("local: LFTU")),
        ],
        cells: &[
            ("country", CellKind::Country),
            ("founded_year", CellKind::Number),
            ("membership", CellKind::Number),
            ("identifiers", CellKind::Identifiers),
        ],
        check: checked_input::<OrganizationInput>,
        implied: nothing_implied,
    }),
    lifecycle: None,
    sorts: ORGANIZATION_SORTS,
    newest_first: false,
};

/// Organizations, as every layer names the kind.
pub const ORGANIZATION: RecordKind = RecordKind::of(&KIND);

/// An organization is found by its names and abbreviation, its profile, its identifiers, the
/// bodies it belongs to, and its country.
impl crate::Searchable for Organization {
    fn search_text(&self) -> crate::SearchText {
        let mut s = crate::SearchText::titled(&self.name_zh, &self.name_en);
        s.names([
            &self.name_zh,
            &self.name_en,
            &self.name_original,
            &self.abbreviation,
        ]);
        s.texts([&self.profile_zh, &self.profile_en]);
        for id in &self.identifiers {
            s.text(&id.value);
        }
        for a in &self.affiliations {
            s.text(&a.organization.name);
        }
        s.kind_of(&self.kind);
        s.year = self.founded_year;
        s.countries = vec![self.country.to_string()];
        s
    }
}

impl Record for Organization {
    const KIND: RecordKind = ORGANIZATION;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        None
    }
}

/// An organization as a form that recreates it: what `liaison export` writes, linking to other
/// records by key.
impl From<Organization> for OrganizationInput {
    fn from(org: Organization) -> OrganizationInput {
        OrganizationInput {
            key: Some(export_key(ORGANIZATION, org.meta.id, &org.meta.key)),
            version: None,
            kind: org.kind,
            country: org.country,
            name_zh: org.name_zh,
            name_en: org.name_en,
            name_original: org.name_original,
            abbreviation: org.abbreviation,
            identifiers: org.identifiers,
            founded_year: org.founded_year,
            membership: org.membership,
            affiliations: org
                .affiliations
                .into_iter()
                .map(|a| AffiliationInput {
                    organization: a.organization.reference(ORGANIZATION),
                    relation: a.relation,
                    note: a.note,
                })
                .collect(),
            profile_zh: org.profile_zh,
            profile_en: org.profile_en,
            website: org.website,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lftu() -> OrganizationInput {
        serde_json::from_value(serde_json::json!({
            "kind": "trade_union", "country": "LA",
            "name_en": "  Lao Federation of Trade Unions ", "founded_year": 1956,
            "identifiers": [{"scheme": "Local", "value": "LFTU"}]
        }))
        .unwrap()
    }

    #[test]
    fn an_organization_is_cleaned_and_accepted() {
        let org = lftu().validated().unwrap();
        assert_eq!(
            org.name_en.as_deref(),
            Some("Lao Federation of Trade Unions")
        );
        assert_eq!(org.identifiers[0].scheme, "local");
    }

    #[test]
    fn an_organization_without_a_name_or_with_an_impossible_founding_year_is_refused() {
        let mut org = lftu();
        org.name_en = Some("   ".into());
        org.founded_year = Some(3000);
        org.membership = Some(-1);
        org.identifiers.push(org.identifiers[0].clone());
        let crate::Error::Invalid(errors) = org.validated().unwrap_err() else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name_zh", "founded_year", "membership", "identifiers[1]"]
        );
    }

    #[test]
    fn an_unknown_country_is_refused_when_reading_the_document() {
        let err = serde_json::from_value::<OrganizationInput>(serde_json::json!({
            "kind": "university", "country": "ZZ", "name_en": "Nowhere"
        }))
        .unwrap_err();
        assert!(err.to_string().contains("ISO 3166-1"), "{err}");
    }
}
