//! Agreements with partners: memoranda, framework and specific agreements, joint programs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{Involvement, Kind, Naming, Record, RecordKind, Rights, Timeline};
use crate::lifecycle::{Lifecycle, Stateful, Transition, Who};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{
    Error, FieldErrors, Link, Meta, Named, ORGANIZATION, OrganizationInput, PERSON, PersonInput,
    Ref, UNIT,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    Mou,
    Framework,
    Specific,
    JointProgram,
    Other,
}

/// Where an agreement stands in its lifecycle ([`AGREEMENT_LIFECYCLE`]). Whether one is about
/// to expire is read from its validity, not kept as a state; a renewal is a new agreement that
/// names the one it renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    #[default]
    Draft,
    UnderReview,
    Signed,
    /// Documents exported before agreements had a lifecycle may say `expiring`, which is read
    /// as in force (whether one is about to expire now follows from its validity).
    #[serde(alias = "expiring")]
    InForce,
    /// Documents exported before agreements had a lifecycle may say `renewed`, which is read as
    /// expired (the renewal is a record of its own).
    #[serde(alias = "renewed")]
    Expired,
    Terminated,
}

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 6] = [
        AgreementStatus::Draft,
        AgreementStatus::UnderReview,
        AgreementStatus::Signed,
        AgreementStatus::InForce,
        AgreementStatus::Expired,
        AgreementStatus::Terminated,
    ];

    /// The state's name in the lifecycle, as stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::UnderReview => "under_review",
            AgreementStatus::Signed => "signed",
            AgreementStatus::InForce => "in_force",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Terminated => "terminated",
        }
    }

    pub fn parse(state: &str) -> Option<AgreementStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == state)
    }

    /// Whether the agreement has been signed, so its signing date is known.
    pub fn is_signed(&self) -> bool {
        matches!(
            self,
            AgreementStatus::Signed | AgreementStatus::InForce | AgreementStatus::Expired
        )
    }
}

/// The agreement's lifecycle: drafted, reviewed, signed, in force, expired; terminated from any
/// state that is not final. The unit that proposes an agreement drafts it and submits it; the
/// office reviews, signs on the university's behalf, and keeps the record of its force.
pub static AGREEMENT_LIFECYCLE: Lifecycle = Lifecycle {
    states: &[
        "draft",
        "under_review",
        "signed",
        "in_force",
        "expired",
        "terminated",
    ],
    initial: "draft",
    transitions: &[
        Transition {
            name: "submit",
            from: &["draft"],
            to: "under_review",
            who: Who::MayChange,
        },
        Transition {
            name: "send_back",
            from: &["under_review"],
            to: "draft",
            who: Who::Office,
        },
        Transition {
            name: "sign",
            from: &["under_review"],
            to: "signed",
            who: Who::Office,
        },
        Transition {
            name: "enter_into_force",
            from: &["signed"],
            to: "in_force",
            who: Who::Office,
        },
        Transition {
            name: "expire",
            from: &["signed", "in_force"],
            to: "expired",
            who: Who::Office,
        },
        Transition {
            name: "terminate",
            from: &["draft", "under_review", "signed", "in_force"],
            to: "terminated",
            who: Who::Office,
        },
    ],
};

/// The states an agreement may be renewed from: once signed, whether or not it still runs.
pub const RENEWABLE: [AgreementStatus; 3] = [
    AgreementStatus::Signed,
    AgreementStatus::InForce,
    AgreementStatus::Expired,
];

impl Stateful for Agreement {
    fn lifecycle() -> &'static Lifecycle {
        &AGREEMENT_LIFECYCLE
    }

    fn state(&self) -> &'static str {
        self.status.as_str()
    }

    fn ready_for(&self, transition: &Transition) -> Result<(), Error> {
        let signing = AgreementStatus::parse(transition.to).is_some_and(|s| s.is_signed());
        if signing && self.signed_on.is_none() {
            return Err(Error::invalid(
                "signed_on",
                "required",
                "record the signing date (edit the agreement) before it is signed",
            ));
        }
        Ok(())
    }
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
    /// The activity at which it was signed (a signing during a visit).
    #[serde(default)]
    pub activity: Option<Link>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub signed_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub valid_to: Option<NaiveDate>,
    /// The state to record a new agreement in, `draft` unless given: the office records
    /// agreements signed years ago. A change of state afterwards is made by a transition
    /// (`POST /api/v1/agreements/{id}/transitions`); an update that names another state than
    /// the agreement's own is refused.
    #[serde(default)]
    pub status: Option<AgreementStatus>,
    /// The agreement this one renews.
    #[serde(default)]
    pub renews: Option<Link>,
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
        crate::limits::list(errors, "partners", self.partners.len());
        crate::limits::list(errors, "signatories", self.signatories.len());
        if self.partners.len() > crate::limits::MAX_LIST
            || self.signatories.len() > crate::limits::MAX_LIST
        {
            return;
        }
        crate::limits::day(errors, "signed_on", self.signed_on);
        crate::limits::day(errors, "valid_from", self.valid_from);
        crate::limits::day(errors, "valid_to", self.valid_to);
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
        let signed_status = self.status.is_some_and(|s| s.is_signed());
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
    /// The activity at which it was signed.
    pub activity: Option<Named>,
    pub signed_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub status: AgreementStatus,
    /// The agreement this one renews.
    pub renews: Option<Named>,
    /// The agreements that renew this one.
    pub renewed_by: Vec<Named>,
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
    /// Agreements signed at this activity.
    pub activity: Option<i64>,
    /// Agreements whose validity ends on or before this date.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub expires_before: Option<NaiveDate>,
}

pub const AGREEMENT_SORTS: &[&str] = &["signed", "valid_to", "title", "created", "updated"];

/// Agreements, as a kind of record.
const KIND: Kind = Kind {
    name: "agreement",
    table: "agreements",
    path: "agreements",
    categories: Some("agreement-kind"),
    pages: true,
    files: true,
    rights: Rights::UNIT_RECORDS,
    search: Some(3),
    timeline: Some(Timeline {
        day: "COALESCE(r.signed_on, r.valid_from)",
        title: ("title_zh", "title_en"),
        detail: "kind",
        involvements: &[Involvement::rows(
            "agreement_partner",
            "agreement_partners",
            "agreement_id",
            "organization_id",
        )],
    }),
    naming: &[
        Naming::new("organization", "agreement_partners", "organization_id")
            .in_rows("agreement_id"),
        Naming::new("person", "agreement_signatories", "person_id").in_rows("agreement_id"),
        Naming::new("activity", "agreements", "activity_id").unshown(),
    ],
    import: None,
    lifecycle: Some(&AGREEMENT_LIFECYCLE),
    sorts: AGREEMENT_SORTS,
    newest_first: true,
};

/// Agreements, as every layer names the kind.
pub const AGREEMENT: RecordKind = RecordKind::of(&KIND);

/// An agreement is found by its titles, its notes, its partners and its signatories.
impl crate::Searchable for Agreement {
    fn search_text(&self) -> crate::SearchText {
        let mut s = crate::SearchText::titled(&self.title_zh, &self.title_en);
        s.names([&self.title_zh, &self.title_en]);
        s.texts([&self.notes]);
        for p in &self.partners {
            s.text(&p.name);
        }
        for signatory in &self.signatories {
            s.texts([&signatory.name, &signatory.capacity]);
            if let Some(p) = &signatory.person {
                s.text(&p.name);
            }
        }
        s.kind_of(&self.kind);
        s.year = self
            .signed_on
            .or(self.valid_from)
            .map(|day| chrono::Datelike::year(&day));
        s
    }
}

impl Record for Agreement {
    const KIND: RecordKind = AGREEMENT;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }
}

/// An agreement as a form that recreates it in its state, linking to other records by key.
impl From<Agreement> for AgreementInput {
    fn from(agreement: Agreement) -> AgreementInput {
        AgreementInput {
            key: Some(export_key(
                AGREEMENT,
                agreement.meta.id,
                &agreement.meta.key,
            )),
            version: None,
            kind: agreement.kind,
            title_zh: agreement.title_zh,
            title_en: agreement.title_en,
            partners: agreement
                .partners
                .iter()
                .map(|n| n.reference(ORGANIZATION))
                .collect(),
            signatories: agreement
                .signatories
                .into_iter()
                .map(|s| SignatoryInput {
                    person: s.person.map(|n| n.reference(PERSON)),
                    name: s.name,
                    organization: s.organization.map(|n| n.reference(ORGANIZATION)),
                    capacity: s.capacity,
                })
                .collect(),
            unit: agreement.unit.map(|n| n.link(UNIT)),
            activity: agreement.activity.map(|n| n.link(crate::ACTIVITY)),
            signed_on: agreement.signed_on,
            valid_from: agreement.valid_from,
            valid_to: agreement.valid_to,
            status: Some(agreement.status),
            renews: agreement.renews.map(|n| n.link(AGREEMENT)),
            notes: agreement.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Stateful;

    #[test]
    fn the_agreement_kind_declares_the_lifecycle_its_records_follow() {
        assert_eq!(AGREEMENT.lifecycle, Some(Agreement::lifecycle()));
        assert!(
            crate::KINDS
                .iter()
                .filter(|k| {
                    **k != AGREEMENT
                        && **k != crate::trips::TRIP
                        && **k != crate::passports::PASSPORT
                })
                .all(|k| k.lifecycle.is_none())
        );
    }

    #[test]
    fn a_status_of_an_older_export_reads_as_the_state_it_became() {
        let read = |text: &str| serde_json::from_str::<AgreementStatus>(text).unwrap();
        assert_eq!(read("\"expiring\""), AgreementStatus::InForce);
        assert_eq!(read("\"renewed\""), AgreementStatus::Expired);
        assert_eq!(
            serde_json::to_string(&AgreementStatus::InForce).unwrap(),
            "\"in_force\""
        );
    }

    #[test]
    fn every_agreement_status_is_a_state_of_its_lifecycle_and_back() {
        let lifecycle = Agreement::lifecycle();
        assert_eq!(lifecycle.states.len(), AgreementStatus::ALL.len());
        for status in AgreementStatus::ALL {
            assert!(lifecycle.has_state(status.as_str()));
            assert_eq!(AgreementStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::String(status.as_str().to_owned())
            );
        }
        for t in lifecycle.transitions {
            assert!(lifecycle.has_state(t.to), "{}", t.name);
            assert!(t.from.iter().all(|s| lifecycle.has_state(s)), "{}", t.name);
        }
        assert!(lifecycle.has_state(lifecycle.initial));
    }

    #[test]
    fn an_agreement_is_terminated_from_any_state_but_the_final_ones() {
        let lifecycle = Agreement::lifecycle();
        let finals: Vec<&str> = lifecycle
            .states
            .iter()
            .copied()
            .filter(|s| lifecycle.is_final(s))
            .collect();
        assert_eq!(finals, ["expired", "terminated"]);
        let terminate = lifecycle.transition("terminate").unwrap();
        for state in lifecycle.states {
            assert_eq!(
                terminate.from.contains(state),
                !finals.contains(state),
                "{state}"
            );
        }
    }

    #[test]
    fn the_way_through_is_drafted_reviewed_signed_in_force_expired() {
        let lifecycle = Agreement::lifecycle();
        let mut state = lifecycle.initial;
        for name in ["submit", "sign", "enter_into_force", "expire"] {
            let t = lifecycle.transition(name).unwrap();
            assert!(t.from.contains(&state), "{name} from {state}");
            state = t.to;
        }
        assert_eq!(state, "expired");
    }
}
