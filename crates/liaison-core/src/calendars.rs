//! Calendar feeds: a user's subscription to the activities, all or one unit's, at a secret
//! address a calendar program fetches without signing in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Named;

/// A feed as its owner sees it; the secret address is shown once, when the feed is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarFeed {
    pub id: i64,
    pub user_id: i64,
    /// The owner's name for it, such as "Office calendar on my phone".
    pub name: String,
    /// The unit whose activities it carries; every activity when absent.
    pub unit: Option<Named>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl CalendarFeed {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}
