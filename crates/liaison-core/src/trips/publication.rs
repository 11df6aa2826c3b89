//! What a trip's public notice (公示) and its report show, and when they may be shown: only what
//! the rules ask a notice to list (names, units, positions, destinations, tasks, schedule,
//! inviter, funding and budget) and the report itself, never the applicant's account, the
//! approvals or anything the people's records hold.

use chrono::NaiveDate;

use super::{BudgetLine, Destination, FundingSource, ScheduleDay, Track, Trip, TripReport};
use super::{TripState, TripType};
use crate::Money;

/// A member as a notice lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedMember {
    pub name: String,
    pub unit: Option<String>,
    pub position: Option<String>,
    /// The head of the delegation.
    pub leader: bool,
}

/// A trip as its notice and its report show it. It is built from the whole application, and
/// holds nothing else, so a page drawn from it cannot show more.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedTrip {
    pub id: i64,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub unit: Option<String>,
    pub trip_type: TripType,
    pub track: Track,
    pub destinations: Vec<Destination>,
    pub departure: Option<NaiveDate>,
    pub return_date: Option<NaiveDate>,
    pub days_abroad: i64,
    pub members: Vec<PublishedMember>,
    pub inviter: Option<String>,
    pub tasks: Option<String>,
    pub schedule: Vec<ScheduleDay>,
    pub funding: FundingSource,
    pub budget: Vec<BudgetLine>,
    pub budget_total: Money,
    pub notice_posted: Option<NaiveDate>,
    pub notice_ends: Option<NaiveDate>,
    pub actual_return: Option<NaiveDate>,
    /// The report, once filed.
    pub report: Option<TripReport>,
}

impl PublishedTrip {
    pub fn of(trip: &Trip) -> PublishedTrip {
        let unit = trip.unit.as_ref().map(|u| u.name.clone());
        PublishedTrip {
            id: trip.meta.id,
            title_zh: trip.title_zh.clone(),
            title_en: trip.title_en.clone(),
            unit: unit.clone(),
            trip_type: trip.trip_type,
            track: trip.track,
            destinations: trip.destinations.clone(),
            departure: trip.departure,
            return_date: trip.return_date,
            days_abroad: trip.days_abroad,
            members: trip
                .members
                .iter()
                .map(|m| PublishedMember {
                    name: m.person.name.clone(),
                    unit: unit.clone(),
                    position: m.position.clone(),
                    leader: m.leader,
                })
                .collect(),
            inviter: trip.inviting_organization.as_ref().map(|o| o.name.clone()),
            tasks: trip.tasks.clone(),
            schedule: trip.schedule.clone(),
            funding: trip.funding,
            budget: trip.budget.clone(),
            budget_total: trip.budget_total,
            notice_posted: trip.notice_posted,
            notice_ends: trip.notice_ends,
            actual_return: trip.actual_return,
            report: reported(trip).then(|| trip.report.clone()).flatten(),
        }
    }
}

/// Whether the trip's notice is up on `today`: posted, not yet ended, and the trip neither
/// withdrawn nor reopened for a change (which takes the notice down).
pub fn in_notice(trip: &Trip, today: NaiveDate) -> bool {
    matches!(trip.status, TripState::InNotice | TripState::Briefed)
        && trip.notice_posted.is_some_and(|posted| posted <= today)
        && trip.notice_ends.is_some_and(|ends| today <= ends)
}

/// Whether the trip's report is filed and stands: reported, or closed after it.
pub fn reported(trip: &Trip) -> bool {
    matches!(trip.status, TripState::Reported | TripState::Closed) && trip.report.is_some()
}
