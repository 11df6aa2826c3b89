//! People: the university's own staff and the guests, partners and officials they meet.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{
    CellKind, Example, Import, Kind, Naming, Record, RecordKind, Rights, Scope, checked_input,
    codes,
};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{
    CountryCode, FieldErrors, Link, Meta, Named, ORGANIZATION, OrganizationInput, Ref, UNIT,
};

/// Internal people belong to a unit of the university; external people to an outside organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonCategory {
    Internal,
    #[default]
    External,
}

impl PersonCategory {
    pub const ALL: [PersonCategory; 2] = [PersonCategory::Internal, PersonCategory::External];
}

fn person_categories() -> Vec<String> {
    codes(&PersonCategory::ALL)
}

/// A person as submitted to create or change them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default)]
    pub category: PersonCategory,
    #[serde(default)]
    pub name_zh: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    /// The name in its original script, such as Lao or Cyrillic.
    #[serde(default)]
    pub name_original: Option<String>,
    /// For internal people: their unit.
    #[serde(default)]
    pub unit: Option<Link>,
    /// For external people: their organization, existing or new.
    #[serde(default)]
    #[schema(no_recursion)]
    pub organization: Option<Ref<OrganizationInput>>,
    /// Position, such as "Vice President" or "Head of the International Liaison Department".
    #[serde(default)]
    pub position: Option<String>,
    /// Academic or honorific title, such as "Professor".
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub nationality: Option<CountryCode>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Validate for PersonInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [
            &mut self.name_zh,
            &mut self.name_en,
            &mut self.name_original,
            &mut self.position,
            &mut self.title,
            &mut self.email,
            &mut self.phone,
            &mut self.notes,
        ]);
        validate::key(errors, &self.key);
        validate::names(errors, "name_zh", &self.name_zh, &self.name_en);
        validate::line(errors, "name_original", &self.name_original);
        validate::line(errors, "position", &self.position);
        validate::line(errors, "title", &self.title);
        validate::line(errors, "phone", &self.phone);
        validate::text(errors, "notes", &self.notes);
        validate::line(errors, "email", &self.email);
        if let Some(email) = &self.email {
            let valid = email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
                && !email.contains(char::is_whitespace);
            if !valid {
                errors.add(
                    "email",
                    "invalid",
                    format!("'{email}' is not an e-mail address"),
                );
            }
        }
        match self.category {
            PersonCategory::Internal if self.organization.is_some() => errors.add(
                "organization",
                "internal_person",
                "an internal person belongs to a unit of the university, not to an outside organization",
            ),
            PersonCategory::External if self.unit.is_some() => errors.add(
                "unit",
                "external_person",
                "an external person cannot belong to a unit of the university",
            ),
            _ => {}
        }
        validate::reference(errors, "organization", &mut self.organization);
    }
}

/// A stored person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    #[serde(flatten)]
    pub meta: Meta,
    pub category: PersonCategory,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub name_original: Option<String>,
    pub unit: Option<Named>,
    pub organization: Option<Named>,
    pub position: Option<String>,
    pub title: Option<String>,
    pub nationality: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Filters of the person list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonFilter {
    /// Words of any name, found as search finds them: every word, whatever its case, ending or
    /// accents.
    pub q: Option<String>,
    pub category: Option<PersonCategory>,
    pub unit: Option<i64>,
    pub organization: Option<i64>,
    pub nationality: Option<String>,
}

pub const PERSON_SORTS: &[&str] = &["name", "created", "updated"];

/// People, as a kind of record.
const KIND: Kind = Kind {
    name: "person",
    table: "people",
    path: "people",
    categories: Some("person-category"),
    pages: true,
    files: false,
    rights: Rights {
        admin_only: false,
        officers: true,
        // A liaison officer adds their unit's staff and the guests of its activities; the
        // staff of another unit are that unit's to record.
        liaison_creates: Scope::OwnUnitOrNone,
        liaison_changes: Scope::OwnUnit,
    },
    search: Some(2),
    timeline: None,
    naming: &[
        Naming::new("organization", "people", "organization_id"),
        Naming::new("unit", "people", "unit_id"),
    ],
    import: Some(Import {
        columns: &[
            "name_zh",
            "name_en",
            "name_original",
            "category",
            "unit",
            "organization",
            "position",
            "title",
            "nationality",
            "email",
            "phone",
            "notes",
            "key",
        ],
        required: &[],
        names: ("name_zh", "name_en"),
        choices: &[("category", "person-category", person_categories)],
        examples: &[
            ("name_zh", Example::Text("张才明")),
            ("name_en", Example::Text("Zhang Caiming")),
            ("category", Example::Text("internal")),
            ("unit", Example::Text("劳动关系与人力资源学院")),
            ("position", Example::Text("副院长")),
            ("title", Example::Text("教授")),
            ("nationality", Example::Text("CN")),
        ],
        cells: &[
            ("unit", CellKind::Reference(UNIT)),
            ("organization", CellKind::Reference(ORGANIZATION)),
            ("nationality", CellKind::Country),
        ],
        check: checked_input::<PersonInput>,
        implied: own_or_guest,
    }),
    lifecycle: None,
    sorts: PERSON_SORTS,
    newest_first: false,
};

/// Someone a row names with a unit and no category is the university's own; anyone else is a
/// guest.
fn own_or_guest(
    fields: &mut serde_json::Map<String, serde_json::Value>,
    filled: &dyn Fn(&str) -> bool,
) {
    if !fields.contains_key("category") {
        let category = if filled("unit") {
            PersonCategory::Internal
        } else {
            PersonCategory::External
        };
        fields.insert("category".to_owned(), serde_json::json!(category));
    }
}

/// People, as every layer names the kind.
pub const PERSON: RecordKind = RecordKind::of(&KIND);

/// People are found by their names, positions and where they work; notes about them are
/// personal and stay out of the index.
impl crate::Searchable for Person {
    fn search_text(&self) -> crate::SearchText {
        let mut s = crate::SearchText::titled(&self.name_zh, &self.name_en);
        s.names([&self.name_zh, &self.name_en, &self.name_original]);
        s.texts([&self.position, &self.title]);
        for named in self.unit.iter().chain(&self.organization) {
            s.text(&named.name);
        }
        s.kind_of(&self.category);
        s.countries = self.nationality.iter().map(|c| c.to_string()).collect();
        s
    }
}

impl Record for Person {
    const KIND: RecordKind = PERSON;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }

    fn personal_mut(&mut self) -> Vec<(&'static str, &mut Option<String>)> {
        vec![
            ("phone", &mut self.phone),
            ("email", &mut self.email),
            ("notes", &mut self.notes),
        ]
    }
}

/// The name to show for a person, an organization or a unit: Chinese first, as the office writes.
pub fn display_name(zh: &Option<String>, en: &Option<String>) -> String {
    match (zh, en) {
        (Some(zh), Some(en)) if zh != en => format!("{zh} ({en})"),
        (Some(zh), _) => zh.clone(),
        (None, Some(en)) => en.clone(),
        (None, None) => String::new(),
    }
}

/// A person as a form that recreates them, linking to other records by key.
impl From<Person> for PersonInput {
    fn from(person: Person) -> PersonInput {
        PersonInput {
            key: Some(export_key(PERSON, person.meta.id, &person.meta.key)),
            version: None,
            category: person.category,
            name_zh: person.name_zh,
            name_en: person.name_en,
            name_original: person.name_original,
            unit: person.unit.map(|n| n.link(UNIT)),
            organization: person.organization.map(|n| n.reference(ORGANIZATION)),
            position: person.position,
            title: person.title,
            nationality: person.nationality,
            email: person.email,
            phone: person.phone,
            notes: person.notes,
        }
    }
}
