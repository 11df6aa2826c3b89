//! The demo records: the two news releases of the office, recorded fact by fact.

use crate::ExchangeDocument;

/// The seed document, in the same form `liaison import` reads.
pub const SEEDS_JSON: &str = include_str!("demo/seeds.json");

/// The seed records, ready to import.
pub fn seed_document() -> Result<ExchangeDocument, serde_json::Error> {
    serde_json::from_str(SEEDS_JSON)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;

    use super::*;
    use crate::{
        ActivityInput, ActivityKind, AgendaKind, DayPart, GiftDirection, Link, OrganizationKind,
        PersonCategory, Ref, Validate,
    };

    /// The record types of the document, as named by its top-level arrays.
    const RECORD_TYPES: [&str; 6] = [
        "organizations",
        "units",
        "people",
        "activities",
        "gifts",
        "agreements",
    ];

    fn document() -> ExchangeDocument {
        seed_document().expect("the seed document parses")
    }

    fn raw() -> Value {
        serde_json::from_str(SEEDS_JSON).expect("the seed document is JSON")
    }

    /// Every key of each record type, including gifts sent with their activity.
    fn keys_by_type(raw: &Value) -> BTreeMap<&'static str, Vec<String>> {
        let mut keys: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for record_type in RECORD_TYPES {
            let records = raw[record_type].as_array().cloned().unwrap_or_default();
            for record in &records {
                if let Some(key) = record["key"].as_str() {
                    keys.entry(record_type).or_default().push(key.to_owned());
                }
                if record_type == "activities" {
                    for gift in record["gifts"].as_array().into_iter().flatten() {
                        if let Some(key) = gift["key"].as_str() {
                            keys.entry("gifts").or_default().push(key.to_owned());
                        }
                    }
                }
            }
        }
        keys
    }

    /// The record type a field refers to, for the fields that hold references.
    fn referenced_type(field: &str) -> Option<&'static str> {
        match field {
            "person" | "speaker" | "foreign_affairs_leader" | "liaison_officer" => Some("people"),
            "organization" | "inviting_organization" | "partners" => Some("organizations"),
            "unit" | "host_unit" => Some("units"),
            "activity" => Some("activities"),
            _ => None,
        }
    }

    /// Collects `(path, field, key)` for every string reference anywhere in `value`.
    fn references(value: &Value, path: &str, found: &mut Vec<(String, String, String)>) {
        match value {
            Value::Object(map) => {
                for (field, child) in map {
                    let child_path = format!("{path}.{field}");
                    if referenced_type(field).is_some() {
                        let targets = match child {
                            Value::Array(items) => items.iter().collect(),
                            other => vec![other],
                        };
                        for target in targets {
                            if let Value::String(key) = target {
                                found.push((child_path.clone(), field.clone(), key.clone()));
                            }
                        }
                    }
                    references(child, &child_path, found);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    references(item, &format!("{path}[{i}]"), found);
                }
            }
            _ => {}
        }
    }

    fn activity(key: &str) -> ActivityInput {
        document()
            .activities
            .into_iter()
            .find(|a| a.key.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("the seeds have the activity {key}"))
    }

    fn key_link(key: &str) -> Link {
        Link::Key(key.to_owned())
    }

    #[test]
    fn the_seed_document_parses_in_the_exchange_format() {
        let doc = document();
        // The demo is a document of the first format, which Liaison still reads.
        assert!(crate::EXCHANGE_FORMATS.contains(&doc.liaison_format));
        assert!(!doc.organizations.is_empty());
        assert!(!doc.units.is_empty());
        assert!(!doc.people.is_empty());
        assert_eq!(doc.activities.len(), 2);
    }

    #[test]
    fn every_seed_record_passes_validation() {
        let doc = document();
        let mut problems = Vec::new();
        let mut check = |what: String, result: Result<(), crate::Error>| {
            if let Err(e) = result {
                problems.push(format!("{what}: {e:?}"));
            }
        };
        for r in doc.roles {
            check(format!("role {}", r.code), r.clone().validated().map(drop));
        }
        for o in doc.organizations {
            check(
                format!("organization {:?}", o.key),
                o.clone().validated().map(drop),
            );
        }
        for u in doc.units {
            check(format!("unit {:?}", u.key), u.clone().validated().map(drop));
        }
        for p in doc.people {
            check(
                format!("person {:?}", p.key),
                p.clone().validated().map(drop),
            );
        }
        for a in doc.activities {
            check(
                format!("activity {:?}", a.key),
                a.clone().validated().map(drop),
            );
        }
        for g in doc.gifts {
            check(format!("gift {:?}", g.key), g.clone().validated().map(drop));
        }
        for a in doc.agreements {
            check(
                format!("agreement {:?}", a.key),
                a.clone().validated().map(drop),
            );
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn every_seed_record_has_a_valid_key_unique_within_its_type() {
        let raw = raw();
        for record_type in RECORD_TYPES {
            for record in raw[record_type].as_array().into_iter().flatten() {
                let key = record["key"].as_str();
                assert!(key.is_some(), "a record of {record_type} has no key");
            }
        }
        for (record_type, keys) in keys_by_type(&raw) {
            let mut seen = BTreeSet::new();
            for key in keys {
                assert!(
                    crate::values::check_key(&key).is_ok(),
                    "{record_type}: '{key}' is not a valid key"
                );
                assert_eq!(
                    key,
                    key.to_lowercase(),
                    "{record_type}: '{key}' is not lower case"
                );
                assert!(
                    seen.insert(key.clone()),
                    "{record_type}: '{key}' is used twice"
                );
            }
        }
    }

    #[test]
    fn every_key_referenced_resolves_to_a_record_of_the_right_type() {
        let raw = raw();
        let keys = keys_by_type(&raw);
        let mut found = Vec::new();
        references(&raw, "", &mut found);
        assert!(
            found.len() > 30,
            "expected many references, found {found:?}"
        );
        for (path, field, key) in found {
            let wanted = referenced_type(&field).expect("only reference fields are collected");
            let known = keys.get(wanted).is_some_and(|k| k.contains(&key));
            assert!(
                known,
                "{path}: '{key}' is not the key of one of the {wanted}"
            );
        }
    }

    #[test]
    fn an_organization_refers_only_to_organizations_listed_before_it() {
        let doc = document();
        let mut earlier = BTreeSet::new();
        for org in &doc.organizations {
            for aff in &org.affiliations {
                if let Ref::Link(Link::Key(key)) = &aff.organization {
                    assert!(
                        earlier.contains(key),
                        "{:?} refers to '{key}' before it is listed",
                        org.key
                    );
                }
            }
            earlier.insert(org.key.clone().expect("organizations have keys"));
        }
    }

    #[test]
    fn internal_people_belong_to_a_unit_and_external_people_to_an_organization() {
        for person in document().people {
            match person.category {
                PersonCategory::Internal => {
                    assert!(person.unit.is_some(), "{:?} has no unit", person.key);
                    assert!(person.organization.is_none(), "{:?}", person.key);
                }
                PersonCategory::External => {
                    assert!(
                        person.organization.is_some(),
                        "{:?} has no organization",
                        person.key
                    );
                    assert!(person.unit.is_none(), "{:?}", person.key);
                }
            }
        }
    }

    #[test]
    fn the_lao_federation_of_trade_unions_was_founded_in_1956_with_220000_members() {
        let doc = document();
        let lftu = doc
            .organizations
            .iter()
            .find(|o| o.key.as_deref() == Some("org-lftu"))
            .expect("the seeds have the LFTU");
        assert_eq!(lftu.kind, OrganizationKind::TradeUnion);
        assert_eq!(lftu.country.as_str(), "LA");
        assert_eq!(lftu.abbreviation.as_deref(), Some("LFTU"));
        assert_eq!(lftu.founded_year, Some(1956));
        assert_eq!(lftu.membership, Some(220_000));
        assert!(lftu.name_zh.as_deref().is_some_and(|n| n.contains("老挝")));
        let affiliations: Vec<_> = lftu
            .affiliations
            .iter()
            .map(|a| (a.organization.clone(), a.relation))
            .collect();
        assert!(affiliations.contains(&(
            Ref::Link(key_link("org-wftu")),
            crate::AffiliationRelation::MemberOf
        )));
        assert!(affiliations.contains(&(
            Ref::Link(key_link("org-lprp")),
            crate::AffiliationRelation::AffiliatedWith
        )));
        let profile = lftu.profile_en.as_deref().unwrap_or_default();
        assert!(profile.contains("only national trade union organization in Laos"));
    }

    #[test]
    fn the_annual_conference_took_the_morning_of_9_january_2020_chaired_by_wu_wanxiong() {
        let a = activity("activity-2020-exchange-conference")
            .validated()
            .unwrap();
        assert_eq!(a.kind, ActivityKind::Conference);
        assert_eq!(a.start_date, "2020-01-09".parse().unwrap());
        assert_eq!(a.start_part, DayPart::Morning);
        assert_eq!(a.end_date, Some(a.start_date));
        assert_eq!(a.end_part, Some(DayPart::Morning));
        assert!(a.venue.as_deref().is_some_and(|v| v.contains("致远楼")));
        let chair = a.participants.iter().find(|p| p.role == "chair").unwrap();
        assert_eq!(chair.person, Ref::Link(key_link("person-wu-wanxiong")));
        assert_eq!(a.attending_groups.len(), 6);
        let kinds: Vec<_> = a.agenda.iter().map(|i| i.kind).collect();
        assert_eq!(kinds.first(), Some(&AgendaKind::Keynote));
        assert_eq!(kinds.last(), Some(&AgendaKind::Discussion));
        assert!(kinds.contains(&AgendaKind::ConcludingRemarks));
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == AgendaKind::ExperienceSharing)
                .count(),
            3
        );
        let balances = a
            .agenda
            .iter()
            .find(|i| i.speaker == Some(Ref::Link(key_link("person-liu-yufang"))))
            .unwrap();
        assert!(
            balances
                .points
                .iter()
                .any(|p| p.contains("line to surface"))
        );
        assert!(
            balances
                .points
                .iter()
                .any(|p| p.contains("\"going global\""))
        );
    }

    #[test]
    fn the_lao_delegation_of_30_came_on_17_november_2023_at_the_acftus_invitation() {
        let a = activity("activity-2023-lftu-visit").validated().unwrap();
        assert_eq!(a.kind, ActivityKind::InboundVisit);
        assert_eq!(a.start_date, "2023-11-17".parse().unwrap());
        assert_eq!(a.start_part, DayPart::Morning);
        assert_eq!(a.delegation_size, Some(30));
        assert_eq!(
            a.inviting_organization,
            Some(Ref::Link(key_link("org-acftu")))
        );
        assert_eq!(a.partners, vec![Ref::Link(key_link("org-lftu"))]);
        let title = a.title_zh.as_deref().unwrap();
        assert!(title.contains("老挝") && title.contains("工会"), "{title}");
        let lecture = a
            .agenda
            .iter()
            .find(|i| i.kind == AgendaKind::Lecture)
            .unwrap();
        assert_eq!(lecture.title_zh.as_deref(), Some("数字社会中的智慧工会"));
        assert!(lecture.points.iter().any(|p| p.contains("12351")));
        assert!(a.tags.contains(&"Belt and Road".to_owned()));
    }

    #[test]
    fn the_commemorative_gifts_went_both_ways_without_an_invented_value() {
        let a = activity("activity-2023-lftu-visit");
        assert_eq!(a.gifts.len(), 2);
        let directions: BTreeSet<_> = a
            .gifts
            .iter()
            .map(|g| format!("{:?}", g.direction))
            .collect();
        assert_eq!(directions.len(), 2);
        for gift in &a.gifts {
            assert!(gift.activity.is_none());
            assert_eq!(gift.exchanged_on, Some("2023-11-17".parse().unwrap()));
            assert_eq!(gift.estimated_value_fen, None);
            let (ours, theirs) = match gift.direction {
                GiftDirection::Given => (&gift.giver, &gift.receiver),
                GiftDirection::Received => (&gift.receiver, &gift.giver),
            };
            assert_eq!(
                ours.organization,
                Some(Ref::Link(key_link("org-university")))
            );
            assert_eq!(theirs.organization, Some(Ref::Link(key_link("org-lftu"))));
        }
    }

    #[test]
    fn the_releases_mention_no_agreement_so_the_seeds_invent_none() {
        assert!(document().agreements.is_empty());
    }
}
