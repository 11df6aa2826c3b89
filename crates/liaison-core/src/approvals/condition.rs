//! When a step applies: a small tree of comparisons over a fixed catalogue of typed fields of
//! the application, built with drop-downs and checked against the catalogue when saved. No
//! expression language: each field and operator is named here, so a condition cannot fail at
//! submission for a reason the admin could not see when saving it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::trips::{FundingSource, Track, TripShape, TripType};

/// A field of an application a condition may compare.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The trip type: teaching, research, conference, talks, friendly_visit, assigned_task.
    TripType,
    /// academic or administrative.
    TripClass,
    /// foreign, hong_kong_macao or taiwan.
    Track,
    /// The number of countries and regions visited.
    Countries,
    /// Days away, the days of leaving and of coming back included.
    DaysAbroad,
    /// The number of members.
    Members,
    /// Whether someone who leads a unit travels.
    UnitLeaderTravels,
    /// university, research_grant, inviter or mixed.
    FundingSource,
    /// The budget's total, in whole yuan.
    BudgetYuan,
}

/// What kind of value a field holds, which decides the operators it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Choice(&'static [&'static str]),
    Number,
    Flag,
}

const TRIP_TYPES: &[&str] = &[
    "teaching",
    "research",
    "conference",
    "talks",
    "friendly_visit",
    "assigned_task",
];
const TRIP_CLASSES: &[&str] = &["academic", "administrative"];
const TRACKS: &[&str] = &["foreign", "hong_kong_macao", "taiwan"];
const FUNDING: &[&str] = &["university", "research_grant", "inviter", "mixed"];

impl Field {
    pub const ALL: [Field; 9] = [
        Field::TripType,
        Field::TripClass,
        Field::Track,
        Field::Countries,
        Field::DaysAbroad,
        Field::Members,
        Field::UnitLeaderTravels,
        Field::FundingSource,
        Field::BudgetYuan,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Field::TripType => "trip_type",
            Field::TripClass => "trip_class",
            Field::Track => "track",
            Field::Countries => "countries",
            Field::DaysAbroad => "days_abroad",
            Field::Members => "members",
            Field::UnitLeaderTravels => "unit_leader_travels",
            Field::FundingSource => "funding_source",
            Field::BudgetYuan => "budget_yuan",
        }
    }

    pub fn field_type(&self) -> FieldType {
        match self {
            Field::TripType => FieldType::Choice(TRIP_TYPES),
            Field::TripClass => FieldType::Choice(TRIP_CLASSES),
            Field::Track => FieldType::Choice(TRACKS),
            Field::FundingSource => FieldType::Choice(FUNDING),
            Field::Countries | Field::DaysAbroad | Field::Members | Field::BudgetYuan => {
                FieldType::Number
            }
            Field::UnitLeaderTravels => FieldType::Flag,
        }
    }
}

/// How a field is compared with the condition's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Is,
    IsNot,
    /// The value is a list; the field is one of them.
    OneOf,
    GreaterThan,
    AtLeast,
    LessThan,
    AtMost,
}

impl Operator {
    fn takes(&self, field_type: FieldType) -> bool {
        match self {
            Operator::Is | Operator::IsNot => true,
            Operator::OneOf => matches!(field_type, FieldType::Choice(_)),
            Operator::GreaterThan | Operator::AtLeast | Operator::LessThan | Operator::AtMost => {
                field_type == FieldType::Number
            }
        }
    }

    fn words(&self) -> &'static str {
        match self {
            Operator::Is => "is",
            Operator::IsNot => "is not",
            Operator::OneOf => "is one of",
            Operator::GreaterThan => "is more than",
            Operator::AtLeast => "is at least",
            Operator::LessThan => "is less than",
            Operator::AtMost => "is at most",
        }
    }
}

/// One comparison of a field with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comparison {
    pub field: Field,
    pub operator: Operator,
    pub value: Value,
}

/// A condition: a comparison, or all, any or none of other conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Condition {
    All {
        #[schema(no_recursion)]
        all: Vec<Condition>,
    },
    Any {
        #[schema(no_recursion)]
        any: Vec<Condition>,
    },
    Not {
        #[schema(no_recursion)]
        not: Box<Condition>,
    },
    Compare(Comparison),
}

/// The most comparisons in one condition and how deep it may nest: enough for any rule an
/// office writes, and small enough that checking one costs nothing.
pub const MAX_COMPARISONS: usize = 30;
pub const MAX_DEPTH: usize = 4;

/// A value an application has for a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Fact {
    Flag(bool),
    Number(i64),
    Choice(String),
}

impl Fact {
    fn show(&self) -> String {
        match self {
            Fact::Flag(true) => "yes".to_owned(),
            Fact::Flag(false) => "no".to_owned(),
            Fact::Number(n) => n.to_string(),
            Fact::Choice(c) => c.clone(),
        }
    }
}

/// The values the conditions see, kept with the plan so that "why was this step asked for?"
/// is answered with what the application said when it was submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Facts(pub BTreeMap<Field, Fact>);

impl Facts {
    /// What a trip application tells the conditions.
    pub fn of_trip(trip: &TripShape, budget_yuan: i64) -> Facts {
        let choice = |s: &str| Fact::Choice(s.to_owned());
        let trip_type: TripType = trip.trip_type;
        let track: Track = trip.track();
        let funding: FundingSource = trip.funding;
        Facts(BTreeMap::from([
            (Field::TripType, choice(trip_type.as_str())),
            (Field::TripClass, choice(trip_type.class().as_str())),
            (Field::Track, choice(track.as_str())),
            (Field::Countries, Fact::Number(trip.places().len() as i64)),
            (Field::DaysAbroad, Fact::Number(trip.days_abroad())),
            (Field::Members, Fact::Number(trip.members.len() as i64)),
            (
                Field::UnitLeaderTravels,
                Fact::Flag(trip.unit_leader_travels()),
            ),
            (Field::FundingSource, choice(funding.as_str())),
            (Field::BudgetYuan, Fact::Number(budget_yuan)),
        ]))
    }
}

impl Comparison {
    fn check(&self) -> Result<(), String> {
        let field_type = self.field.field_type();
        let name = self.field.as_str();
        if !self.operator.takes(field_type) {
            return Err(format!("'{}' cannot compare {name}", self.operator.words()));
        }
        let fits = |value: &Value| match field_type {
            FieldType::Choice(choices) => value.as_str().is_some_and(|v| choices.contains(&v)),
            FieldType::Number => value.as_i64().is_some(),
            FieldType::Flag => value.is_boolean(),
        };
        let ok = match (&self.operator, &self.value) {
            (Operator::OneOf, Value::Array(values)) => {
                !values.is_empty() && values.iter().all(fits)
            }
            (Operator::OneOf, _) => false,
            (_, value) => fits(value),
        };
        if ok {
            Ok(())
        } else {
            let expected = match field_type {
                FieldType::Choice(choices) => format!("one of {}", choices.join(", ")),
                FieldType::Number => "a whole number".to_owned(),
                FieldType::Flag => "true or false".to_owned(),
            };
            Err(format!("{name} is compared with {expected}"))
        }
    }

    fn holds(&self, facts: &Facts) -> bool {
        let Some(fact) = facts.0.get(&self.field) else {
            return false;
        };
        let same = |value: &Value| match fact {
            Fact::Flag(b) => value.as_bool() == Some(*b),
            Fact::Number(n) => value.as_i64() == Some(*n),
            Fact::Choice(c) => value.as_str() == Some(c.as_str()),
        };
        let number = match fact {
            Fact::Number(n) => Some(*n),
            _ => None,
        };
        let against = self.value.as_i64();
        match self.operator {
            Operator::Is => same(&self.value),
            Operator::IsNot => !same(&self.value),
            Operator::OneOf => self
                .value
                .as_array()
                .is_some_and(|values| values.iter().any(same)),
            Operator::GreaterThan => matches!((number, against), (Some(n), Some(v)) if n > v),
            Operator::AtLeast => matches!((number, against), (Some(n), Some(v)) if n >= v),
            Operator::LessThan => matches!((number, against), (Some(n), Some(v)) if n < v),
            Operator::AtMost => matches!((number, against), (Some(n), Some(v)) if n <= v),
        }
    }

    fn describe(&self, facts: &Facts) -> String {
        let value = match &self.value {
            Value::String(s) => s.clone(),
            Value::Array(values) => values
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        let seen = facts
            .0
            .get(&self.field)
            .map(Fact::show)
            .unwrap_or_else(|| "unknown".to_owned());
        format!(
            "{} {} {value} (it is {seen})",
            self.field.as_str(),
            self.operator.words()
        )
    }
}

impl Condition {
    /// Checks the condition against the field catalogue, as an admin saves it.
    pub fn check(&self) -> Result<(), String> {
        let mut comparisons = 0;
        self.check_within(1, &mut comparisons)
    }

    fn check_within(&self, depth: usize, comparisons: &mut usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("a condition nests at most {MAX_DEPTH} levels deep"));
        }
        match self {
            Condition::All { all: parts } | Condition::Any { any: parts } => {
                if parts.is_empty() {
                    return Err("a group of conditions needs at least one".to_owned());
                }
                parts
                    .iter()
                    .try_for_each(|p| p.check_within(depth + 1, comparisons))
            }
            Condition::Not { not } => not.check_within(depth + 1, comparisons),
            Condition::Compare(c) => {
                *comparisons += 1;
                if *comparisons > MAX_COMPARISONS {
                    return Err(format!(
                        "a condition has at most {MAX_COMPARISONS} comparisons"
                    ));
                }
                c.check()
            }
        }
    }

    /// Whether the condition holds for what the application says.
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            Condition::All { all } => all.iter().all(|c| c.holds(facts)),
            Condition::Any { any } => any.iter().any(|c| c.holds(facts)),
            Condition::Not { not } => !not.holds(facts),
            Condition::Compare(c) => c.holds(facts),
        }
    }

    /// The condition in words, with the values the application had.
    pub fn describe(&self, facts: &Facts) -> String {
        let join = |parts: &[Condition], word: &str| {
            parts
                .iter()
                .map(|p| p.describe(facts))
                .collect::<Vec<_>>()
                .join(word)
        };
        match self {
            Condition::All { all } => format!("({})", join(all, " and ")),
            Condition::Any { any } => format!("({})", join(any, " or ")),
            Condition::Not { not } => format!("not {}", not.describe(facts)),
            Condition::Compare(c) => c.describe(facts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts() -> Facts {
        Facts(BTreeMap::from([
            (Field::TripClass, Fact::Choice("administrative".to_owned())),
            (Field::DaysAbroad, Fact::Number(12)),
            (Field::UnitLeaderTravels, Fact::Flag(true)),
        ]))
    }

    fn condition(value: Value) -> Condition {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn comparisons_hold_at_their_boundaries() {
        let cases = [
            (
                json!({"field": "days_abroad", "operator": "greater_than", "value": 11}),
                true,
            ),
            (
                json!({"field": "days_abroad", "operator": "greater_than", "value": 12}),
                false,
            ),
            (
                json!({"field": "days_abroad", "operator": "at_least", "value": 12}),
                true,
            ),
            (
                json!({"field": "days_abroad", "operator": "at_most", "value": 11}),
                false,
            ),
            (
                json!({"field": "days_abroad", "operator": "less_than", "value": 13}),
                true,
            ),
            (
                json!({"field": "trip_class", "operator": "is", "value": "administrative"}),
                true,
            ),
            (
                json!({"field": "trip_class", "operator": "is_not", "value": "administrative"}),
                false,
            ),
            (
                json!({"field": "trip_class", "operator": "one_of", "value": ["academic", "administrative"]}),
                true,
            ),
            (
                json!({"field": "unit_leader_travels", "operator": "is", "value": true}),
                true,
            ),
            (
                json!({"all": [
                    {"field": "unit_leader_travels", "operator": "is", "value": true},
                    {"not": {"field": "days_abroad", "operator": "at_most", "value": 10}}
                ]}),
                true,
            ),
            (
                json!({"any": [
                    {"field": "trip_class", "operator": "is", "value": "academic"},
                    {"field": "days_abroad", "operator": "less_than", "value": 5}
                ]}),
                false,
            ),
        ];
        for (json, expected) in cases {
            let c = condition(json.clone());
            assert_eq!(c.check(), Ok(()), "{json}");
            assert_eq!(c.holds(&facts()), expected, "{json}");
        }
    }

    #[test]
    fn a_condition_that_does_not_fit_the_catalogue_is_refused_when_saved() {
        let refused = [
            json!({"field": "trip_class", "operator": "greater_than", "value": 3}),
            json!({"field": "trip_class", "operator": "is", "value": "holiday"}),
            json!({"field": "days_abroad", "operator": "is", "value": "ten"}),
            json!({"field": "unit_leader_travels", "operator": "is", "value": 1}),
            json!({"field": "track", "operator": "one_of", "value": []}),
            json!({"all": []}),
            json!({"not": {"not": {"not": {"not": {"field": "members", "operator": "is", "value": 1}}}}}),
        ];
        for json in refused {
            assert!(condition(json.clone()).check().is_err(), "{json}");
        }
        assert!(
            serde_json::from_value::<Condition>(
                json!({"field": "salary", "operator": "is", "value": 1})
            )
            .is_err()
        );
    }

    #[test]
    fn a_condition_is_described_with_the_values_it_saw() {
        let c = condition(json!({"all": [
            {"field": "unit_leader_travels", "operator": "is", "value": true},
            {"field": "days_abroad", "operator": "greater_than", "value": 10}
        ]}));
        assert_eq!(
            c.describe(&facts()),
            "(unit_leader_travels is true (it is yes) and days_abroad is more than 10 (it is 12))"
        );
    }
}
