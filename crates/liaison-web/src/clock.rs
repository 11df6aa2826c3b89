//! The office's date, which the deadlines of trips count from: China Standard Time, or a day
//! set by hand for a test that walks a trip through its weeks.

use std::sync::{Arc, RwLock};

use chrono::{Duration, NaiveDate, Utc};

/// The office's date, whatever the server's own time zone: China Standard Time.
pub fn china_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// Where the date the deadlines count from comes from.
#[derive(Clone, Debug, Default)]
pub struct OfficeClock {
    /// A day set by hand; the calendar's day when `None`.
    set: Option<Arc<RwLock<NaiveDate>>>,
}

impl OfficeClock {
    /// A clock that reads `day` until it is set to another: for tests, which must not depend on
    /// the day they run.
    pub fn fixed(day: NaiveDate) -> OfficeClock {
        OfficeClock {
            set: Some(Arc::new(RwLock::new(day))),
        }
    }

    /// Moves a fixed clock to `day`; a clock that follows the calendar is left as it is.
    pub fn set(&self, day: NaiveDate) {
        if let Some(set) = &self.set {
            *set.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = day;
        }
    }

    pub fn today(&self) -> NaiveDate {
        match &self.set {
            Some(set) => *set.read().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => china_today(),
        }
    }
}
