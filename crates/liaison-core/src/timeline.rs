//! An organization's relationship timeline, derived from activities, agreements and gifts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::RecordKind;

/// One event in the history of the university's relations with an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    /// The day it happened; entries without a known day come last.
    pub date: Option<NaiveDate>,
    /// An activity, an agreement or a gift.
    pub kind: RecordKind,
    /// The number of the activity, agreement or gift.
    pub id: i64,
    pub title: String,
    /// How the organization took part, as the record's kind declares it
    /// ([`crate::Timeline`]): `inviting_organization`, `organizer` (it ran the activity),
    /// `partner`, `participant`, `agreement_partner`, `gift_giver` or `gift_receiver`.
    pub involvement: String,
    /// The activity kind, agreement kind or gift direction.
    pub detail: String,
}
