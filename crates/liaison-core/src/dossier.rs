//! What an activity's documents draw on: the activity with the people, organizations and unit
//! it names, and for a briefing book each partner's history with the university.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Activity, Agreement, AgreementStatus, Gift, Named, Organization, Person, PersonCategory,
    TimelineEntry, Unit, University,
};

/// An activity and the records it names, read together for a news release or a briefing book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDossier {
    pub activity: Activity,
    /// Every participant and speaker, by number.
    pub people: BTreeMap<i64, Person>,
    /// The partners, the inviting organization and the organizations they are affiliated with.
    pub organizations: BTreeMap<i64, Organization>,
    pub host_unit: Option<Unit>,
    /// The units of the people named, to say which school a teacher is from.
    pub units: BTreeMap<i64, Unit>,
    /// The agreements signed at the activity.
    pub agreements: Vec<Agreement>,
    /// The university's own name, to know it among the organizations on record.
    pub university: University,
}

impl ActivityDossier {
    pub fn person(&self, named: &Named) -> Option<&Person> {
        self.people.get(&named.id)
    }

    pub fn organization(&self, named: &Named) -> Option<&Organization> {
        self.organizations.get(&named.id)
    }

    /// Whether an organization on record is the university itself.
    pub fn is_university(&self, named: &Named) -> bool {
        self.organization(named).is_some_and(|o| {
            self.university
                .is(&[&o.name_zh, &o.name_en, &o.abbreviation, &o.name_original])
        })
    }

    /// Whether a person is on the university's side: one of its own people, or a person of an
    /// organization that is the university itself. Everyone else is a guest, officials of the
    /// national federation, a consulate or a provincial office included.
    pub fn is_ours(&self, named: &Named) -> bool {
        self.person(named).is_some_and(|p| {
            p.category == PersonCategory::Internal
                || p.organization
                    .as_ref()
                    .is_some_and(|o| self.is_university(o))
        })
    }

    /// The numbers of the people the activity names, to read them: its participants, speakers,
    /// and the people who gave or received its gifts.
    pub fn people_named(activity: &Activity) -> Vec<i64> {
        let mut ids: Vec<i64> = activity
            .participants
            .iter()
            .map(|p| p.person.id)
            .chain(
                activity
                    .agenda
                    .iter()
                    .filter_map(|a| a.speaker.as_ref().map(|s| s.id)),
            )
            .chain(activity.gifts.iter().flat_map(|g| {
                [&g.giver.person, &g.receiver.person]
                    .into_iter()
                    .flatten()
                    .map(|p| p.id)
            }))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The numbers of the organizations the activity names directly.
    pub fn organizations_named(activity: &Activity) -> Vec<i64> {
        let mut ids: Vec<i64> = activity
            .partners
            .iter()
            .chain(activity.inviting_organization.as_ref())
            .chain(activity.organizer.as_ref())
            .chain(activity.gifts.iter().flat_map(|g| {
                [&g.giver.organization, &g.receiver.organization]
                    .into_iter()
                    .flatten()
            }))
            .map(|o| o.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// What a leader reads before receiving a partner: the partner and its history with the
/// university, up to the activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerBrief {
    pub organization: Organization,
    /// Earlier activities, agreements and gifts involving the partner, newest first; the
    /// activity being prepared is left out.
    pub history: Vec<TimelineEntry>,
    /// Agreements with the partner in force on the activity's first day.
    pub agreements_in_force: Vec<Agreement>,
    /// Gifts given to or received from the partner before, so that the same gift is not given
    /// twice.
    pub earlier_gifts: Vec<Gift>,
}

/// The briefing book of an activity: the dossier and a brief for each partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefingBook {
    pub dossier: ActivityDossier,
    pub partners: Vec<PartnerBrief>,
}

impl Agreement {
    /// Whether the agreement binds the parties on `day`: signed or in force (not a draft,
    /// expired or terminated one) and within its validity, where the validity is known.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        // An agreement that has expired since was in force on a day within its validity.
        let binding = match self.status {
            AgreementStatus::Signed | AgreementStatus::InForce => true,
            AgreementStatus::Expired => self.valid_to.is_some(),
            _ => false,
        };
        binding
            && self.valid_from.is_none_or(|from| from <= day)
            && self.valid_to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AgreementKind, Meta};

    fn agreement(status: AgreementStatus, from: Option<&str>, to: Option<&str>) -> Agreement {
        Agreement {
            meta: Meta {
                id: 1,
                key: None,
                version: 1,
                created_at: chrono::Utc::now(),
                updated_at: chrono::Utc::now(),
            },
            kind: AgreementKind::Mou,
            title_zh: None,
            title_en: Some("MoU".into()),
            partners: vec![],
            signatories: vec![],
            unit: None,
            signed_on: None,
            valid_from: from.map(|d| d.parse().unwrap()),
            valid_to: to.map(|d| d.parse().unwrap()),
            status,
            activity: None,
            renews: None,
            renewed_by: vec![],
            notes: None,
        }
    }

    #[test]
    fn an_agreement_is_in_force_only_when_binding_and_within_its_validity() {
        let day: NaiveDate = "2023-11-17".parse().unwrap();
        let in_force = |s, f, t| agreement(s, f, t).in_force_on(day);
        use AgreementStatus::*;
        assert!(in_force(InForce, Some("2021-01-01"), Some("2025-12-31")));
        assert!(in_force(Signed, None, None));
        assert!(in_force(InForce, Some("2023-11-17"), Some("2023-11-17")));
        assert!(!in_force(InForce, Some("2023-11-18"), None));
        assert!(!in_force(InForce, None, Some("2023-11-16")));
        assert!(!in_force(Draft, None, None));
        assert!(!in_force(Expired, None, None));
        // Expired since, but in force on the day within its validity.
        assert!(in_force(Expired, Some("2021-01-01"), Some("2024-12-31")));
        assert!(!in_force(Expired, Some("2021-01-01"), Some("2023-11-16")));
        assert!(!in_force(
            Terminated,
            Some("2021-01-01"),
            Some("2030-01-01")
        ));
    }
}
