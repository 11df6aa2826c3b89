//! Agreements with partners: memoranda, framework and specific agreements, joint programs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{Kind, RecordKind, Rights};
use crate::validate::{self, Validate};
use crate::{FieldErrors, Link, Meta, Named, OrganizationInput, PersonInput, Ref};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    Mou,
    Framework,
    Specific,
    JointProgram,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    #[default]
    Draft,
    UnderReview,
    Signed,
    InForce,
    Expiring,
    Expired,
    Renewed,
    Terminated,
}

/// Someone who signed, or will sign, an agreement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryInput {
    #[serde(default)]
    #[schema(no_recursion)]
    pub person: Option<Ref<PersonInput>>,
    /// The name as written on the agreement, when the person is not on record.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(no_recursion)]
    pub organization: Option<Ref<OrganizationInput>>,
    /// The capacity in which they sign, such as "President".
    #[serde(default)]
    pub capacity: Option<String>,
}

/// An agreement as submitted to create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub kind: AgreementKind,
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    #[schema(no_recursion)]
    pub partners: Vec<Ref<OrganizationInput>>,
    #[serde(default)]
    pub signatories: Vec<SignatoryInput>,
    /// The unit that proposed the agreement and carries it out.
    #[serde(default)]
    pub unit: Option<Link>,
    #[serde(default)]
    pub signed_on: Option<NaiveDate>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    pub status: AgreementStatus,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Validate for AgreementInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [&mut self.title_zh, &mut self.title_en, &mut self.notes]);
        validate::key(errors, &self.key);
        if self.title_zh.is_none() && self.title_en.is_none() {
            errors.add(
                "title_zh",
                "required",
                "a title in Chinese or in English is required",
            );
        }
        validate::line(errors, "title_zh", &self.title_zh);
        validate::line(errors, "title_en", &self.title_en);
        validate::text(errors, "notes", &self.notes);
        if self.partners.is_empty() {
            errors.add(
                "partners",
                "required",
                "an agreement needs at least one partner",
            );
        }
        for (i, partner) in self.partners.iter_mut().enumerate() {
            if let Ref::New(org) = partner {
                validate::nested(errors, &format!("partners[{i}]"), org.as_mut());
            }
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            errors.add(
                "valid_to",
                "before_start",
                "cannot be before the start of validity",
            );
        }
        let signed_status = matches!(
            self.status,
            AgreementStatus::Signed
                | AgreementStatus::InForce
                | AgreementStatus::Expiring
                | AgreementStatus::Expired
                | AgreementStatus::Renewed
        );
        if signed_status && self.signed_on.is_none() {
            errors.add(
                "signed_on",
                "required",
                "a signed agreement needs its signing date",
            );
        }
        for (i, s) in self.signatories.iter_mut().enumerate() {
            let path = format!("signatories[{i}]");
            validate::clean_all(&mut [&mut s.name, &mut s.capacity]);
            if s.person.is_none() && s.name.is_none() {
                errors.add(format!("{path}.name"), "required", "name the signatory");
            }
            validate::line(errors, &format!("{path}.name"), &s.name);
            validate::line(errors, &format!("{path}.capacity"), &s.capacity);
            validate::reference(errors, &format!("{path}.person"), &mut s.person);
            validate::reference(errors, &format!("{path}.organization"), &mut s.organization);
        }
    }
}

/// A stored signatory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Signatory {
    pub person: Option<Named>,
    pub name: Option<String>,
    pub organization: Option<Named>,
    pub capacity: Option<String>,
}

/// A stored agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: AgreementKind,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub partners: Vec<Named>,
    pub signatories: Vec<Signatory>,
    pub unit: Option<Named>,
    pub signed_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub status: AgreementStatus,
    pub notes: Option<String>,
}

/// Filters of the agreement list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementFilter {
    /// Words in either title.
    pub q: Option<String>,
    pub kind: Option<AgreementKind>,
    pub status: Option<AgreementStatus>,
    pub organization: Option<i64>,
    /// Agreements whose validity ends on or before this date.
    pub expires_before: Option<NaiveDate>,
}

pub const AGREEMENT_SORTS: &[&str] = &["signed", "valid_to", "title", "created", "updated"];

/// Agreements, as a kind of record.
const KIND: Kind = Kind {
    name: "agreement",
    table: "agreements",
    categories: Some("agreement-kind"),
    pages: true,
    rights: Rights::UNIT_RECORDS,
    search: Some(3),
    timeline: true,
    import: None,
    sorts: AGREEMENT_SORTS,
    newest_first: true,
};

/// Agreements, as every layer names the kind.
pub const AGREEMENT: RecordKind = RecordKind::of(&KIND);
