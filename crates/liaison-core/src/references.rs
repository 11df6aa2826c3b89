//! What a submitted form refers to: every link to another record, with its path, gathered in one
//! walk so that each one naming a missing record can be reported at once, not only the first.

use crate::passports::PassportInput;
use crate::{
    ACTIVITY, AGREEMENT, ActivityInput, AgreementInput, CalendarDayInput, GiftInput, Link,
    ORGANIZATION, OrganizationInput, PERSON, PartyInput, PersonInput, RecordKind, Ref, UNIT,
    UnitInput,
};

/// A link of a form to an existing record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The kind of record it names.
    pub kind: RecordKind,
    /// Where it is in the form, such as `participants[2].person`.
    pub path: String,
    pub link: &'a Link,
    /// The new records, described in the form with a key, it lies within: when one of them is
    /// on record already, that record is used as it is and the link is not followed.
    pub within: Vec<(RecordKind, &'a str)>,
}

/// Everything a form refers to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References<'a> {
    /// Its links to existing records.
    pub links: Vec<Reference<'a>>,
    /// The keys of the new records it describes, which other links of the same form may name.
    pub new_keys: Vec<(RecordKind, &'a str)>,
    within: Vec<(RecordKind, &'a str)>,
}

impl<'a> References<'a> {
    /// Everything `form` refers to.
    pub fn of(form: &'a impl Refers) -> Self {
        let mut references = References::default();
        form.refer(&mut references, "");
        references
    }

    /// Whether a link by key names a record the form itself describes.
    pub fn describes(&self, kind: RecordKind, key: &str) -> bool {
        self.new_keys
            .iter()
            .any(|&(k, new)| k == kind && new == key)
    }

    pub fn link(&mut self, kind: RecordKind, path: String, link: &'a Link) {
        self.links.push(Reference {
            kind,
            path,
            link,
            within: self.within.clone(),
        });
    }

    pub fn optional_link(&mut self, kind: RecordKind, path: String, link: &'a Option<Link>) {
        if let Some(link) = link {
            self.link(kind, path, link);
        }
    }

    /// A link, or a new record whose own references are walked under `path`.
    pub fn reference<T: Refers>(&mut self, kind: RecordKind, path: String, reference: &'a Ref<T>) {
        match reference {
            Ref::Link(link) => self.link(kind, path, link),
            Ref::New(form) => match form.key() {
                Some(key) => {
                    self.new_keys.push((kind, key));
                    self.within.push((kind, key));
                    form.refer(self, &path);
                    self.within.pop();
                }
                None => form.refer(self, &path),
            },
        }
    }

    pub fn optional_reference<T: Refers>(
        &mut self,
        kind: RecordKind,
        path: String,
        reference: &'a Option<Ref<T>>,
    ) {
        if let Some(reference) = reference {
            self.reference(kind, path, reference);
        }
    }
}

/// A submitted form that may refer to other records.
pub trait Refers {
    /// Adds every reference of the form, its paths under `path`.
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str);

    /// The key the form gives its record, if any.
    fn key(&self) -> Option<&str> {
        None
    }
}

/// Joins a path and a field: `participants[0].person` and `unit`.
fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

impl Refers for OrganizationInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        for (i, affiliation) in self.affiliations.iter().enumerate() {
            references.reference(
                ORGANIZATION,
                at(path, &format!("affiliations[{i}].organization")),
                &affiliation.organization,
            );
        }
    }

    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Refers for PersonInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.optional_link(UNIT, at(path, "unit"), &self.unit);
        references.optional_reference(ORGANIZATION, at(path, "organization"), &self.organization);
    }

    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Refers for UnitInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.optional_link(
            PERSON,
            at(path, "foreign_affairs_leader"),
            &self.foreign_affairs_leader,
        );
        references.optional_link(PERSON, at(path, "liaison_officer"), &self.liaison_officer);
    }
}

impl Refers for PartyInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.optional_reference(PERSON, at(path, "person"), &self.person);
        references.optional_reference(ORGANIZATION, at(path, "organization"), &self.organization);
    }
}

impl Refers for GiftInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.optional_link(ACTIVITY, at(path, "activity"), &self.activity);
        self.giver.refer(references, &at(path, "giver"));
        self.receiver.refer(references, &at(path, "receiver"));
    }
}

impl Refers for ActivityInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.optional_link(UNIT, at(path, "host_unit"), &self.host_unit);
        for (field, organization) in [
            ("inviting_organization", &self.inviting_organization),
            ("organizer", &self.organizer),
        ] {
            references.optional_reference(ORGANIZATION, at(path, field), organization);
        }
        for (i, partner) in self.partners.iter().enumerate() {
            references.reference(ORGANIZATION, at(path, &format!("partners[{i}]")), partner);
        }
        for (i, participant) in self.participants.iter().enumerate() {
            let field = format!("participants[{i}].person");
            references.reference(PERSON, at(path, &field), &participant.person);
        }
        for (i, item) in self.agenda.iter().enumerate() {
            let field = format!("agenda[{i}].speaker");
            references.optional_reference(PERSON, at(path, &field), &item.speaker);
        }
        // A gift sent with its activity belongs to it: the activity it names, if any, is refused
        // when the form is checked, so only who gave and received it is looked up.
        for (i, gift) in self.gifts.iter().enumerate() {
            for (side, party) in [("giver", &gift.giver), ("receiver", &gift.receiver)] {
                party.refer(references, &at(path, &format!("gifts[{i}].{side}")));
            }
        }
    }
}

impl Refers for AgreementInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        for (i, partner) in self.partners.iter().enumerate() {
            references.reference(ORGANIZATION, at(path, &format!("partners[{i}]")), partner);
        }
        for (i, signatory) in self.signatories.iter().enumerate() {
            let field = |name: &str| at(path, &format!("signatories[{i}].{name}"));
            references.optional_reference(PERSON, field("person"), &signatory.person);
            references.optional_reference(
                ORGANIZATION,
                field("organization"),
                &signatory.organization,
            );
        }
        references.optional_link(UNIT, at(path, "unit"), &self.unit);
        references.optional_link(ACTIVITY, at(path, "activity"), &self.activity);
        references.optional_link(AGREEMENT, at(path, "renews"), &self.renews);
    }
}

impl Refers for PassportInput {
    fn refer<'a>(&'a self, references: &mut References<'a>, path: &str) {
        references.link(PERSON, at(path, "holder"), &self.holder);
    }
}

impl Refers for CalendarDayInput {
    /// A day of the calendar refers to nothing.
    fn refer<'a>(&'a self, _: &mut References<'a>, _: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(value: serde_json::Value) -> ActivityInput {
        serde_json::from_value(value).unwrap()
    }

    fn paths(references: &References) -> Vec<String> {
        references
            .links
            .iter()
            .map(|r| format!("{} {} {}", r.kind, r.path, r.link))
            .collect()
    }

    #[test]
    fn every_link_of_an_activity_is_found_with_its_path_new_records_included() {
        let form = activity(serde_json::json!({
            "kind": "training_course", "title_en": "Seminar for union cadres",
            "start_date": "2024-05-13", "host_unit": "u-cadres", "organizer": 7,
            "partners": ["org-vgcl", {"kind": "trade_union", "country": "LA",
                "name_en": "Lao Federation of Trade Unions",
                "affiliations": [{"organization": 9, "relation": "member_of"}]}],
            "participants": [{"person": {"key": "p-binh", "name_en": "Nguyen Van Binh",
                "organization": "org-vgcl", "unit": 3}, "role": "leader"}],
            "agenda": [{"kind": "lecture", "speaker": "p-binh"}],
            "gifts": [{"direction": "received", "item": "Lacquer painting",
                "giver": {"person": "p-binh"}, "receiver": {"organization": 1}}]
        }));
        let references = References::of(&form);
        assert_eq!(
            paths(&references),
            [
                "unit host_unit 'u-cadres'",
                "organization organizer 7",
                "organization partners[0] 'org-vgcl'",
                "organization partners[1].affiliations[0].organization 9",
                "unit participants[0].person.unit 3",
                "organization participants[0].person.organization 'org-vgcl'",
                "person agenda[0].speaker 'p-binh'",
                "person gifts[0].giver.person 'p-binh'",
                "organization gifts[0].receiver.organization 1",
            ]
        );
        // The new participant may be named again by key; the links inside them are not followed
        // when a person with that key is on record already.
        assert!(references.describes(PERSON, "p-binh"));
        assert!(!references.describes(ORGANIZATION, "p-binh"));
        assert_eq!(references.links[3].within, []);
        assert_eq!(references.links[4].within, [(PERSON, "p-binh")]);
    }
}
