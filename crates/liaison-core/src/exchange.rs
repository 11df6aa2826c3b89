//! The document Liaison imports and exports: every record in the API's own input form.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    ActivityInput, AgreementInput, GiftInput, OrganizationInput, PersonInput, RecordEventInput,
    Role, UnitInput,
};

/// The format version written by `liaison export`.
pub const EXCHANGE_FORMAT: i64 = 1;

/// A set of records to import, or everything exported. Records refer to each other by key, so a
/// document moves between databases unchanged, and importing it twice creates nothing new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDocument {
    #[serde(default = "format")]
    pub liaison_format: i64,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub organizations: Vec<OrganizationInput>,
    #[serde(default)]
    pub units: Vec<UnitInput>,
    #[serde(default)]
    pub people: Vec<PersonInput>,
    #[serde(default)]
    pub activities: Vec<ActivityInput>,
    #[serde(default)]
    pub gifts: Vec<GiftInput>,
    #[serde(default)]
    pub agreements: Vec<AgreementInput>,
    /// The history of the records' states, oldest first. A record imported with its history
    /// keeps it as it was; one imported without starts its history with the import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<RecordEventInput>,
}

fn format() -> i64 {
    EXCHANGE_FORMAT
}

impl Default for ExchangeDocument {
    fn default() -> Self {
        ExchangeDocument {
            liaison_format: EXCHANGE_FORMAT,
            roles: Vec::new(),
            organizations: Vec::new(),
            units: Vec::new(),
            people: Vec::new(),
            activities: Vec::new(),
            gifts: Vec::new(),
            agreements: Vec::new(),
            history: Vec::new(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub created: i64,
    /// Records whose key was already present, left as they were.
    pub unchanged: i64,
}
