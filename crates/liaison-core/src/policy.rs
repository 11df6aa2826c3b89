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
    /// The annual review counts an activity lasting this many calendar days or more (the first
    /// and the last day both counted) as a long-term project, a shorter one as short-term. 90
    /// days follows the usual line between short official visits (短期) and the three-month and
    /// longer stays of visiting scholars and training programs (长期).
    pub long_term_days: i64,
    /// Tags that mark an activity as one of the university's key projects (重点项目) in the
    /// annual review; compared without regard to case.
    pub key_project_tags: Vec<String>,
    /// The numbers of the rules on official trips abroad; admins may save their own in the
    /// browser, and these apply until they do.
    #[serde(default)]
    pub trips: crate::trips::TripPolicy,
    /// The numbers of the rules on official passports and permits in the office's custody;
    /// admins may save their own in the browser, and these apply until they do.
    #[serde(default)]
    pub passports: crate::passports::PassportPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            gift_declaration_threshold: Money::from_yuan(200),
            gift_hand_in_days: 30,
            long_term_days: 90,
            key_project_tags: vec!["key project".to_owned(), "重点项目".to_owned()],
            trips: crate::trips::TripPolicy::default(),
            passports: crate::passports::PassportPolicy::default(),
        }
    }
}
