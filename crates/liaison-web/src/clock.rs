//! The office's date, which the deadlines of trips count from, and the time due jobs are run
//! at: China Standard Time, or a time set by hand for a test that walks a trip or a reminder
//! through its weeks.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// The office's date, whatever the server's own time zone: China Standard Time.
pub fn china_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// Where the date the deadlines count from comes from.
#[derive(Clone, Debug, Default)]
pub struct OfficeClock {
    /// A time set by hand; the real time when `None`.
    set: Option<Arc<RwLock<DateTime<Utc>>>>,
}

/// Nine in the morning of `day` in China Standard Time: the office's working morning.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap_or_default())
}

impl OfficeClock {
    /// A clock that reads `day` (at nine in the morning) until it is set to another: for
    /// tests, which must not depend on the day they run.
    pub fn fixed(day: NaiveDate) -> OfficeClock {
        OfficeClock {
            set: Some(Arc::new(RwLock::new(morning(day)))),
        }
    }

    /// Moves a fixed clock to the morning of `day`; a clock that follows the calendar is left
    /// as it is.
    pub fn set(&self, day: NaiveDate) {
        self.set_now(morning(day));
    }

    /// Moves a fixed clock to `now`.
    pub fn set_now(&self, now: DateTime<Utc>) {
        if let Some(set) = &self.set {
            *set.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.set {
            Some(set) => *set.read().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => Utc::now(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        (self.now() + Duration::hours(8)).date_naive()
    }
}
