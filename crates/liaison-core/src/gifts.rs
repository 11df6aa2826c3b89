//! Gifts received and given in official activities, and the declaration rules that govern them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{Involvement, Kind, Naming, Record, RecordKind, Rights, Timeline};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{
    ACTIVITY, FieldErrors, Link, Meta, Money, Named, ORGANIZATION, OrganizationInput, PERSON,
    PersonInput, Policy, Ref,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GiftDirection {
    Received,
    Given,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GiftCategory {
    #[default]
    Souvenir,
    Artwork,
    Book,
    Textile,
    Food,
    Electronics,
    /// Cash and securities must be refused; they can be recorded only as given.
    CashOrSecurities,
    Other,
}

/// Where a gift stands in the declaration and hand-in process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GiftStatus {
    #[default]
    Recorded,
    Declared,
    HandedIn,
    Disposed,
}

/// The giver or the receiver of a gift: a person, an organization, or both (a person on behalf of
/// an organization), or only a description when neither is on record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    #[serde(default)]
    #[schema(no_recursion)]
    pub person: Option<Ref<PersonInput>>,
    #[serde(default)]
    #[schema(no_recursion)]
    pub organization: Option<Ref<OrganizationInput>>,
    #[serde(default)]
    pub description: Option<String>,
}

impl Validate for PartyInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.description = validate::clean(&self.description);
        validate::line(errors, "description", &self.description);
        if self.person.is_none() && self.organization.is_none() && self.description.is_none() {
            errors.add(
                "",
                "required",
                "name a person, an organization or describe who it was",
            );
        }
        validate::reference(errors, "person", &mut self.person);
        validate::reference(errors, "organization", &mut self.organization);
    }
}

/// A gift as submitted to create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub direction: GiftDirection,
    /// The activity at which it changed hands; implied when the gift is sent with an activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Link>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub exchanged_on: Option<NaiveDate>,
    pub giver: PartyInput,
    pub receiver: PartyInput,
    pub item: String,
    #[serde(default)]
    pub category: GiftCategory,
    #[serde(default = "one")]
    pub quantity: i64,
    /// Estimated value in fen (hundredths of a yuan).
    #[serde(default)]
    pub estimated_value_fen: Option<Money>,
    #[serde(default)]
    pub status: GiftStatus,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub declared_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub handed_in_on: Option<NaiveDate>,
    /// Where the gift is kept now.
    #[serde(default)]
    pub storage: Option<String>,
    /// What was done with it: displayed, transferred, auctioned, destroyed.
    #[serde(default)]
    pub disposal: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

fn one() -> i64 {
    1
}

impl Validate for GiftInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.item = self.item.trim().to_owned();
        validate::clean_all(&mut [&mut self.storage, &mut self.disposal, &mut self.notes]);
        validate::key(errors, &self.key);
        if self.item.is_empty() {
            errors.add("item", "required", "say what the gift is");
        }
        validate::line(errors, "item", &Some(self.item.clone()));
        validate::line(errors, "storage", &self.storage);
        validate::text(errors, "disposal", &self.disposal);
        validate::text(errors, "notes", &self.notes);
        crate::limits::count(errors, "quantity", 1, Some(self.quantity));
        if let Some(value) = self.estimated_value_fen {
            crate::limits::money(errors, "estimated_value_fen", value.fen());
        }
        crate::limits::day(errors, "exchanged_on", self.exchanged_on);
        crate::limits::day(errors, "declared_on", self.declared_on);
        crate::limits::day(errors, "handed_in_on", self.handed_in_on);
        // The 1993 State Council rules: cash and securities offered in official activities are refused.
        if self.direction == GiftDirection::Received
            && self.category == GiftCategory::CashOrSecurities
        {
            errors.add(
                "category",
                "cash_refused",
                "cash and securities offered in official activities must be refused, not received",
            );
        }
        if let (Some(declared), Some(handed_in)) = (self.declared_on, self.handed_in_on)
            && handed_in < declared
        {
            errors.add(
                "handed_in_on",
                "before_declared",
                "cannot be before the declaration",
            );
        }
        if self.status == GiftStatus::HandedIn && self.handed_in_on.is_none() {
            errors.add(
                "handed_in_on",
                "required",
                "say when the gift was handed in",
            );
        }
        validate::nested(errors, "giver", &mut self.giver);
        validate::nested(errors, "receiver", &mut self.receiver);
    }
}

/// A stored gift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Gift {
    #[serde(flatten)]
    pub meta: Meta,
    pub direction: GiftDirection,
    pub activity: Option<Named>,
    pub exchanged_on: Option<NaiveDate>,
    pub giver: Party,
    pub receiver: Party,
    pub item: String,
    pub category: GiftCategory,
    pub quantity: i64,
    pub estimated_value_fen: Option<Money>,
    pub status: GiftStatus,
    pub declared_on: Option<NaiveDate>,
    pub handed_in_on: Option<NaiveDate>,
    pub storage: Option<String>,
    pub disposal: Option<String>,
    pub notes: Option<String>,
    /// Whether the rules require this gift to be declared and handed in.
    pub declaration_required: bool,
    /// The host unit of the gift's activity, which decides who may change the gift.
    #[serde(skip)]
    pub unit_id: Option<i64>,
}

/// A stored giver or receiver.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Party {
    pub person: Option<Named>,
    pub organization: Option<Named>,
    pub description: Option<String>,
}

/// Whether a gift must be declared and handed in: received, and worth at least the threshold
/// (¥200 by default). A gift of unknown value is declared, so nothing slips through.
pub fn declaration_required(
    policy: &Policy,
    direction: GiftDirection,
    value: Option<Money>,
) -> bool {
    direction == GiftDirection::Received
        && value.is_none_or(|v| v >= policy.gift_declaration_threshold)
}

/// Filters of the gift list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GiftFilter {
    /// Words in the item or notes.
    pub q: Option<String>,
    pub direction: Option<GiftDirection>,
    pub status: Option<GiftStatus>,
    pub activity: Option<i64>,
    #[serde(default, deserialize_with = "crate::limits::optional_year")]
    pub year: Option<i32>,
}

pub const GIFT_SORTS: &[&str] = &["exchanged", "value", "item", "created", "updated"];

/// Gifts, as a kind of record.
const KIND: Kind = Kind {
    name: "gift",
    table: "gifts",
    path: "gifts",
    categories: Some("gift-direction"),
    pages: true,
    files: false,
    rights: Rights::UNIT_RECORDS,
    search: Some(4),
    timeline: Some(Timeline {
        day: "r.exchanged_on",
        title: ("item", "item"),
        detail: "direction",
        involvements: &[
            Involvement::column("gift_giver", "giver_organization_id"),
            Involvement::column("gift_receiver", "receiver_organization_id"),
        ],
    }),
    naming: &[
        Naming::new("organization", "gifts", "giver_organization_id"),
        Naming::new("organization", "gifts", "receiver_organization_id"),
        Naming::new("person", "gifts", "giver_person_id"),
        Naming::new("person", "gifts", "receiver_person_id"),
        Naming::new("activity", "gifts", "activity_id"),
    ],
    import: None,
    lifecycle: None,
    sorts: GIFT_SORTS,
    newest_first: true,
};

/// Gifts, as every layer names the kind.
pub const GIFT: RecordKind = RecordKind::of(&KIND);

/// A gift is found by what it is, its notes, where it is kept, and who gave and received it.
impl crate::Searchable for Gift {
    fn search_text(&self) -> crate::SearchText {
        let mut s = crate::SearchText {
            title: self.item.clone(),
            ..crate::SearchText::default()
        };
        s.name(&self.item);
        s.texts([
            &self.notes,
            &self.giver.description,
            &self.receiver.description,
            &self.storage,
        ]);
        for named in [
            &self.giver.person,
            &self.giver.organization,
            &self.receiver.person,
            &self.receiver.organization,
            &self.activity,
        ]
        .into_iter()
        .flatten()
        {
            s.text(&named.name);
        }
        s.kind_of(&self.direction);
        s.year = self.exchanged_on.map(|day| chrono::Datelike::year(&day));
        s
    }
}

impl Record for Gift {
    const KIND: RecordKind = GIFT;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.unit_id
    }
}

/// A party to a gift as a form names it, linking to records by key.
impl From<Party> for PartyInput {
    fn from(party: Party) -> PartyInput {
        PartyInput {
            person: party.person.map(|n| n.reference(PERSON)),
            organization: party.organization.map(|n| n.reference(ORGANIZATION)),
            description: party.description,
        }
    }
}

/// A gift as a form that recreates it, linking to other records by key.
impl From<Gift> for GiftInput {
    fn from(gift: Gift) -> GiftInput {
        GiftInput {
            key: Some(export_key(GIFT, gift.meta.id, &gift.meta.key)),
            version: None,
            direction: gift.direction,
            activity: gift.activity.map(|n| n.link(ACTIVITY)),
            exchanged_on: gift.exchanged_on,
            giver: gift.giver.into(),
            receiver: gift.receiver.into(),
            item: gift.item,
            category: gift.category,
            quantity: gift.quantity,
            estimated_value_fen: gift.estimated_value_fen,
            status: gift.status,
            declared_on: gift.declared_on,
            handed_in_on: gift.handed_in_on,
            storage: gift.storage,
            disposal: gift.disposal,
            notes: gift.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gift(direction: &str, category: &str) -> GiftInput {
        serde_json::from_value(serde_json::json!({
            "direction": direction, "category": category, "item": "Commemorative plate",
            "giver": {"description": "the delegation"}, "receiver": {"description": "the university"}
        }))
        .unwrap()
    }

    #[test]
    fn cash_received_in_an_official_activity_is_refused() {
        let err = gift("received", "cash_or_securities")
            .validated()
            .unwrap_err();
        assert!(format!("{err:?}").contains("cash_refused"));
        assert!(gift("given", "souvenir").validated().is_ok());
    }

    #[test]
    fn a_gift_needs_a_giver_and_a_receiver() {
        let mut g = gift("given", "souvenir");
        g.giver = PartyInput::default();
        let crate::Error::Invalid(errors) = g.validated().unwrap_err() else {
            panic!()
        };
        assert_eq!(errors.0[0].field, "giver");
    }

    #[test]
    fn received_gifts_worth_200_yuan_or_more_must_be_declared() {
        let policy = Policy::default();
        let received = GiftDirection::Received;
        assert!(declaration_required(
            &policy,
            received,
            Some(Money::from_yuan(200))
        ));
        assert!(!declaration_required(
            &policy,
            received,
            Some(Money::from_fen(19_999))
        ));
        assert!(declaration_required(&policy, received, None));
        assert!(!declaration_required(
            &policy,
            GiftDirection::Given,
            Some(Money::from_yuan(900))
        ));
    }
}
