//! Records found by a part of their name, as a form's picker offers them.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The kinds of record a name is looked up among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Person,
    Organization,
    /// A unit of the university: a new person named with it is one of its staff.
    Unit,
}

impl NameKind {
    /// The kind of record, for the permission rules.
    pub fn record(self) -> crate::RecordKind {
        match self {
            NameKind::Person => crate::PERSON,
            NameKind::Organization => crate::ORGANIZATION,
            NameKind::Unit => crate::UNIT,
        }
    }
}

/// What a picker asks: a part of a name, in any language, among some kinds of record.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NameQuery {
    /// A part of a name, in Chinese, English or the original script; accents may be left out.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// The kinds of record, comma separated: `person`, `organization`, `unit`.
    pub kind: Option<String>,
    /// How many records to answer, 1 to 20; 10 unless given.
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<i64>,
}

/// The most records a look-up answers: a picker shows a few, and a name typed in full finds
/// the one meant among them.
pub const MAX_NAME_MATCHES: i64 = 20;

impl NameQuery {
    /// The kinds asked for (every kind when none is named), or the word that names no kind.
    pub fn kinds(&self) -> Result<Vec<NameKind>, String> {
        let Some(kinds) = self.kind.as_deref().filter(|k| !k.trim().is_empty()) else {
            return Ok(vec![
                NameKind::Person,
                NameKind::Organization,
                NameKind::Unit,
            ]);
        };
        let mut found = Vec::new();
        for word in kinds.split(',').map(str::trim) {
            let kind = serde_json::from_value(serde_json::Value::String(word.to_owned()))
                .map_err(|_| format!("'{word}' is not person, organization or unit"))?;
            if !found.contains(&kind) {
                found.push(kind);
            }
        }
        Ok(found)
    }

    /// How many records to answer, within 1 and [`MAX_NAME_MATCHES`].
    pub fn limit(&self) -> Result<i64, String> {
        match self.limit {
            None => Ok(10),
            Some(n) if (1..=MAX_NAME_MATCHES).contains(&n) => Ok(n),
            Some(n) => Err(format!("{n} is not between 1 and {MAX_NAME_MATCHES}")),
        }
    }
}

/// A record whose name holds what was typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NameMatch {
    pub kind: NameKind,
    pub id: i64,
    /// The name as Liaison shows it: Chinese, and English in brackets.
    pub name: String,
    /// Whether one of its names is what was typed, whole (accents and case aside).
    pub exact: bool,
    /// A person's position.
    pub position: Option<String>,
    /// A person's organization or unit.
    pub organization: Option<String>,
    /// Whether a person is one of the university's own staff.
    pub internal: bool,
    /// An organization's country or region (ISO 3166-1 alpha-2).
    pub country: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_with_commas_and_a_wrong_one_is_said() {
        let query = NameQuery {
            kind: Some("organization, unit".into()),
            ..NameQuery::default()
        };
        assert_eq!(
            query.kinds().unwrap(),
            [NameKind::Organization, NameKind::Unit]
        );
        let wrong = NameQuery {
            kind: Some("people".into()),
            ..NameQuery::default()
        };
        assert!(wrong.kinds().unwrap_err().contains("'people'"));
        assert_eq!(NameQuery::default().kinds().unwrap().len(), 3);
        assert_eq!(NameQuery::default().limit(), Ok(10));
        let many = NameQuery {
            limit: Some(500),
            ..NameQuery::default()
        };
        assert!(many.limit().is_err());
    }
}
