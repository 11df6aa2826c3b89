//! The office's policy parameters: the numbers each university and province sets for itself.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Money;

/// Policy parameters with the defaults of the central rules; an admin may change each one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Policy {
    /// A gift received worth this much or more must be declared and handed in (¥200 by the 1993
    /// State Council rules on gifts in official foreign activities).
    pub gift_declaration_threshold: Money,
    /// Days within which a declarable gift must be handed in.
    pub gift_hand_in_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            gift_declaration_threshold: Money::from_yuan(200),
            gift_hand_in_days: 30,
        }
    }
}
