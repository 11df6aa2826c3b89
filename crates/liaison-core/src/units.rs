//! Units: the schools and departments of the university, each with its foreign-affairs contacts.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{Kind, Naming, Record, RecordKind, Rights, Scope};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{FieldErrors, Link, Meta, Named, PERSON};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    #[default]
    School,
    Department,
    Office,
    Institute,
    Other,
}

/// A unit as submitted to create or change it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The version the change started from; required to update, ignored on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default)]
    pub kind: UnitKind,
    #[serde(default)]
    pub name_zh: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    /// The unit leader in charge of its foreign affairs.
    #[serde(default)]
    pub foreign_affairs_leader: Option<Link>,
    /// The unit's foreign-affairs liaison officer (外事联络员).
    #[serde(default)]
    pub liaison_officer: Option<Link>,
}

impl Validate for UnitInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [&mut self.name_zh, &mut self.name_en]);
        validate::key(errors, &self.key);
        validate::names(errors, "name_zh", &self.name_zh, &self.name_en);
    }
}

/// A stored unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: UnitKind,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub foreign_affairs_leader: Option<Named>,
    pub liaison_officer: Option<Named>,
}

/// Filters of the unit list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    /// Words in either name.
    pub q: Option<String>,
    pub kind: Option<UnitKind>,
}

pub const UNIT_SORTS: &[&str] = &["name", "created", "updated"];

/// The university's schools and offices, as a kind of record.
const KIND: Kind = Kind {
    name: "unit",
    table: "units",
    path: "units",
    categories: Some("unit-kind"),
    pages: true,
    files: false,
    rights: Rights {
        admin_only: false,
        officers: true,
        liaison_creates: Scope::None,
        liaison_changes: Scope::OwnUnit,
    },
    search: None,
    timeline: None,
    naming: &[
        Naming::new("person", "units", "foreign_affairs_leader_id").unshown(),
        Naming::new("person", "units", "liaison_officer_id").unshown(),
    ],
    import: None,
    lifecycle: None,
    sorts: UNIT_SORTS,
    newest_first: false,
};

/// The university's schools and offices, as every layer names the kind.
pub const UNIT: RecordKind = RecordKind::of(&KIND);

impl Record for Unit {
    const KIND: RecordKind = UNIT;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        Some(self.meta.id)
    }
}

/// A unit as a form that recreates it, linking to other records by key.
impl From<Unit> for UnitInput {
    fn from(unit: Unit) -> UnitInput {
        UnitInput {
            key: Some(export_key(UNIT, unit.meta.id, &unit.meta.key)),
            version: None,
            kind: unit.kind,
            name_zh: unit.name_zh,
            name_en: unit.name_en,
            foreign_affairs_leader: unit.foreign_affairs_leader.map(|n| n.link(PERSON)),
            liaison_officer: unit.liaison_officer.map(|n| n.link(PERSON)),
        }
    }
}
