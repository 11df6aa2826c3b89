//! Reading an activity together with the records its documents name: the dossier a news
//! release is written from, and the briefing book a leader reads before a reception.

use std::collections::BTreeMap;

use liaison_core::{
    ACTIVITY, Activity, ActivityDossier, Agreement, AgreementFilter, BriefingBook, GIFT, Gift,
    Organization, PageRequest, PartnerBrief, Person, RecordKind, Unit,
};

use crate::{Result, Store};

/// More agreements with one partner than any office has; the briefing lists those in force.
const AGREEMENTS_READ: i64 = 200;

/// The earlier gifts a briefing book lists, newest first.
const EARLIER_GIFTS_SHOWN: usize = 30;

impl Store {
    /// The activity with every person, organization and unit it names.
    pub async fn activity_dossier(&self, id: i64) -> Result<ActivityDossier> {
        let activity = self.get::<Activity>(id).await?;
        let mut people = BTreeMap::new();
        let mut units = BTreeMap::new();
        let mut named_orgs = ActivityDossier::organizations_named(&activity);
        let filter = AgreementFilter {
            activity: Some(id),
            ..AgreementFilter::default()
        };
        let page = PageRequest {
            page: 1,
            per_page: AGREEMENTS_READ,
            sort: "signed".to_owned(),
            descending: false,
        };
        let agreements = self.list::<Agreement>(&filter, &page).await?.items;
        let mut people_named = ActivityDossier::people_named(&activity);
        for agreement in &agreements {
            for signatory in &agreement.signatories {
                people_named.extend(signatory.person.as_ref().map(|p| p.id));
                named_orgs.extend(signatory.organization.as_ref().map(|o| o.id));
            }
        }
        people_named.sort_unstable();
        people_named.dedup();
        for id in people_named {
            let person = self.get::<Person>(id).await?;
            if let Some(unit) = &person.unit
                && let std::collections::btree_map::Entry::Vacant(entry) = units.entry(unit.id)
            {
                entry.insert(self.get::<Unit>(unit.id).await?);
            }
            named_orgs.extend(person.organization.as_ref().map(|o| o.id));
            people.insert(id, person);
        }
        named_orgs.sort_unstable();
        named_orgs.dedup();
        let mut organizations = BTreeMap::new();
        for org in named_orgs {
            let organization = self.get::<Organization>(org).await?;
            // Affiliations are named in the partner's profile ("a member of …").
            for affiliation in &organization.affiliations {
                let related = affiliation.organization.id;
                if let std::collections::btree_map::Entry::Vacant(entry) =
                    organizations.entry(related)
                {
                    entry.insert(self.get::<Organization>(related).await?);
                }
            }
            organizations.insert(org, organization);
        }
        let host_unit = match &activity.host_unit {
            Some(unit) => Some(self.get::<Unit>(unit.id).await?),
            None => None,
        };
        Ok(ActivityDossier {
            activity,
            people,
            organizations,
            host_unit,
            units,
            agreements,
            university: self.policy().university.clone(),
        })
    }

    /// The briefing book of an activity: its dossier, and for each partner the history of
    /// exchanges up to the activity's first day, the agreements in force that day and the gifts
    /// exchanged before.
    pub async fn briefing_book(&self, id: i64) -> Result<BriefingBook> {
        let dossier = self.activity_dossier(id).await?;
        let activity = &dossier.activity;
        let own_gifts: Vec<i64> = activity.gifts.iter().map(|g| g.meta.id).collect();
        let is_own = |kind: RecordKind, entry_id: i64| {
            (kind == ACTIVITY && entry_id == activity.meta.id)
                || (kind == GIFT && own_gifts.contains(&entry_id))
        };
        let mut partners = Vec::new();
        for partner in &activity.partners {
            let Some(organization) = dossier.organizations.get(&partner.id).cloned() else {
                continue;
            };
            let history: Vec<_> = self
                .organization_timeline(partner.id)
                .await?
                .into_iter()
                .filter(|e| !is_own(e.kind, e.id))
                .filter(|e| e.date.is_none_or(|d| d <= activity.start_date))
                .collect();
            let filter = AgreementFilter {
                organization: Some(partner.id),
                ..AgreementFilter::default()
            };
            let page = PageRequest {
                page: 1,
                per_page: AGREEMENTS_READ,
                sort: "signed".to_owned(),
                descending: true,
            };
            let agreements_in_force = self
                .list::<Agreement>(&filter, &page)
                .await?
                .items
                .into_iter()
                .filter(|a| a.in_force_on(activity.start_date))
                .collect();
            let mut earlier_gifts = Vec::new();
            for entry in history.iter().filter(|e| e.kind == GIFT) {
                if earlier_gifts.len() == EARLIER_GIFTS_SHOWN {
                    break;
                }
                earlier_gifts.push(self.get::<Gift>(entry.id).await?);
            }
            partners.push(PartnerBrief {
                organization,
                history,
                agreements_in_force,
                earlier_gifts,
            });
        }
        Ok(BriefingBook { dossier, partners })
    }
}
