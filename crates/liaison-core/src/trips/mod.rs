//! Official trips abroad (因公临时出国(境)): the application, its destinations and members, and
//! the national rules it is checked against before it goes for approval.

pub mod application;
pub mod exchange;
pub mod publication;
pub mod rules;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validate;
use crate::{CountryCode, FieldErrors, Money, RegionClass};

pub use application::{
    Attendance, BriefingInput, Difference, ScheduleDay, TRIP, TRIP_LIFECYCLE, TRIP_SORTS, Trip,
    TripActionInput, TripFilter, TripInbox, TripInput, TripMember, TripReport, TripRow, TripState,
    authorize_applicant, differences, may_apply,
};
pub use exchange::{
    ExchangeBriefing, ExchangeChain, ExchangeDecision, ExchangeDelegation, ExchangePolicy,
    ExchangeTrip, ExchangeTripForm, ExchangeTripMember, ExchangeTrips,
};
pub use rules::{
    Deadline, Finding, Publication, Rule, TripPolicy, check, check_report_photos,
    earliest_departure,
};

/// Why the trip is made. The central rules limit administrative trips (days, countries, people)
/// and exempt academic ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TripType {
    /// Academic: teaching abroad.
    Teaching,
    /// Academic: joint research.
    Research,
    /// Academic: an international conference.
    Conference,
    /// Administrative: official talks.
    Talks,
    /// Administrative: a friendly visit.
    FriendlyVisit,
    /// Administrative: a task assigned by a higher authority.
    AssignedTask,
}

/// The two classes of trip the rules tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TripClass {
    Academic,
    Administrative,
}

impl TripType {
    pub const ALL: [TripType; 6] = [
        TripType::Teaching,
        TripType::Research,
        TripType::Conference,
        TripType::Talks,
        TripType::FriendlyVisit,
        TripType::AssignedTask,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            TripType::Teaching => "teaching",
            TripType::Research => "research",
            TripType::Conference => "conference",
            TripType::Talks => "talks",
            TripType::FriendlyVisit => "friendly_visit",
            TripType::AssignedTask => "assigned_task",
        }
    }

    pub fn parse(s: &str) -> Option<TripType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn class(&self) -> TripClass {
        match self {
            TripType::Teaching | TripType::Research | TripType::Conference => TripClass::Academic,
            TripType::Talks | TripType::FriendlyVisit | TripType::AssignedTask => {
                TripClass::Administrative
            }
        }
    }
}

impl TripClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            TripClass::Academic => "academic",
            TripClass::Administrative => "administrative",
        }
    }
}

/// The approval track a trip follows, decided by where it goes: trips to Hong Kong and Macao,
/// and trips to Taiwan, are approved and limited apart from trips to foreign countries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Foreign,
    HongKongMacao,
    Taiwan,
}

impl Track {
    pub const ALL: [Track; 3] = [Track::Foreign, Track::HongKongMacao, Track::Taiwan];

    pub fn as_str(&self) -> &'static str {
        match self {
            Track::Foreign => "foreign",
            Track::HongKongMacao => "hong_kong_macao",
            Track::Taiwan => "taiwan",
        }
    }

    pub fn parse(s: &str) -> Option<Track> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One place the trip goes to, in the order travelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Destination {
    pub country: CountryCode,
    pub city: String,
    /// The first day there (the day of leaving China, for the first destination).
    pub arrive: NaiveDate,
    /// The last day there (the day of coming back, for the last destination).
    pub leave: NaiveDate,
}

/// A member of the delegation: one of the university's people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub person_id: i64,
    /// The head of the delegation (团长); a trip has exactly one.
    #[serde(default)]
    pub leader: bool,
    /// The member's position, as the public notice and the approval form print it.
    #[serde(default)]
    pub position: Option<String>,
    /// Whether the member leads a unit (院系/部门负责人): approval chains may ask more of such trips.
    #[serde(default)]
    pub unit_leader: bool,
}

/// Who pays for the trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// The university's own funds.
    University,
    /// A research grant.
    ResearchGrant,
    /// The inviting side pays.
    Inviter,
    /// Several of these, or another source.
    Mixed,
}

impl FundingSource {
    pub const ALL: [FundingSource; 4] = [
        FundingSource::University,
        FundingSource::ResearchGrant,
        FundingSource::Inviter,
        FundingSource::Mixed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            FundingSource::University => "university",
            FundingSource::ResearchGrant => "research_grant",
            FundingSource::Inviter => "inviter",
            FundingSource::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<FundingSource> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// One line of the budget, such as air fares or lodging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BudgetLine {
    pub item: String,
    pub amount: Money,
}

/// What the approval rules and the policy checks read of an application: the trip's shape,
/// without its free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripShape {
    pub trip_type: TripType,
    pub destinations: Vec<Destination>,
    pub members: Vec<Member>,
    pub funding: FundingSource,
}

/// The most destinations and members one application may list, so that a request stays small
/// whatever it holds; the rules themselves allow far fewer.
pub const MAX_DESTINATIONS: usize = 50;
pub const MAX_MEMBERS: usize = 200;

impl TripShape {
    /// The day of leaving China: the first destination's first day.
    pub fn departure(&self) -> Option<NaiveDate> {
        self.destinations.first().map(|d| d.arrive)
    }

    /// The day of coming back: the last destination's last day.
    pub fn return_date(&self) -> Option<NaiveDate> {
        self.destinations.last().map(|d| d.leave)
    }

    /// Days away, the days of leaving and of coming back both counted, as the rules count them.
    pub fn days_abroad(&self) -> i64 {
        match (self.departure(), self.return_date()) {
            (Some(from), Some(to)) if to >= from => (to - from).num_days() + 1,
            _ => 0,
        }
    }

    /// The countries and regions visited, each once, in the order first visited.
    pub fn places(&self) -> Vec<CountryCode> {
        let mut seen = Vec::new();
        for d in &self.destinations {
            if !seen.contains(&d.country) {
                seen.push(d.country);
            }
        }
        seen
    }

    /// The track the trip follows: Taiwan if it goes there, Hong Kong and Macao if it goes
    /// nowhere else, otherwise foreign (a stop in Hong Kong on the way to a foreign country
    /// makes it a foreign trip that visits one more region).
    pub fn track(&self) -> Track {
        let regions: Vec<RegionClass> = self.places().iter().map(|c| c.region()).collect();
        if regions.contains(&RegionClass::Taiwan) {
            Track::Taiwan
        } else if !regions.is_empty()
            && regions
                .iter()
                .all(|r| matches!(r, RegionClass::HongKong | RegionClass::Macao))
        {
            Track::HongKongMacao
        } else {
            Track::Foreign
        }
    }

    /// Whether someone who leads a unit travels.
    pub fn unit_leader_travels(&self) -> bool {
        self.members.iter().any(|m| m.unit_leader)
    }

    /// Checks what must hold for the application to be saved at all: destinations in order with
    /// sensible dates, outside the mainland, members each once with one leader. The policy
    /// limits are checked apart ([`check`]), since a draft may break them while it is written.
    pub fn check_form(&self, errors: &mut FieldErrors) {
        if self.destinations.is_empty() {
            errors.add("destinations", "required", "name at least one destination");
        }
        if self.destinations.len() > MAX_DESTINATIONS {
            errors.add(
                "destinations",
                "too_many",
                format!("list at most {MAX_DESTINATIONS} destinations"),
            );
            return;
        }
        let mut previous: Option<NaiveDate> = None;
        for (i, d) in self.destinations.iter().enumerate() {
            let field = format!("destinations[{i}]");
            if d.country.region() == RegionClass::Mainland {
                errors.add(
                    format!("{field}.country"),
                    "mainland",
                    "a trip abroad goes outside the mainland of China",
                );
            }
            let city = Some(d.city.trim().to_owned()).filter(|c| !c.is_empty());
            if city.is_none() {
                errors.add(format!("{field}.city"), "required", "name the city");
            }
            validate::line(errors, &format!("{field}.city"), &city);
            if d.leave < d.arrive {
                errors.add(
                    format!("{field}.leave"),
                    "before_arrive",
                    "the last day there must not be before the first",
                );
            }
            if let Some(previous) = previous
                && d.arrive < previous
            {
                errors.add(
                    format!("{field}.arrive"),
                    "out_of_order",
                    "destinations are listed in the order travelled: this one starts before the previous one ends",
                );
            }
            previous = Some(d.leave);
        }

        if self.members.is_empty() {
            errors.add("members", "required", "name at least one member");
        }
        if self.members.len() > MAX_MEMBERS {
            errors.add(
                "members",
                "too_many",
                format!("list at most {MAX_MEMBERS} members"),
            );
            return;
        }
        let mut ids = std::collections::HashSet::new();
        for (i, m) in self.members.iter().enumerate() {
            if !ids.insert(m.person_id) {
                errors.add(
                    format!("members[{i}].person"),
                    "duplicate",
                    "this person is already a member",
                );
            }
            validate::line(errors, &format!("members[{i}].position"), &m.position);
        }
        let leaders = self.members.iter().filter(|m| m.leader).count();
        if !self.members.is_empty() && leaders != 1 {
            errors.add(
                "members",
                "one_leader",
                format!("name exactly one head of the delegation (there are {leaders})"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn stop(country: &str, from: &str, to: &str) -> Destination {
        Destination {
            country: CountryCode::parse(country).unwrap(),
            city: "City".to_owned(),
            arrive: day(from),
            leave: day(to),
        }
    }

    pub(crate) fn members(n: i64) -> Vec<Member> {
        (1..=n)
            .map(|id| Member {
                person_id: id,
                leader: id == 1,
                position: None,
                unit_leader: false,
            })
            .collect()
    }

    fn shape(destinations: Vec<Destination>) -> TripShape {
        TripShape {
            trip_type: TripType::Talks,
            destinations,
            members: members(2),
            funding: FundingSource::University,
        }
    }

    fn codes(shape: &TripShape) -> Vec<String> {
        let mut errors = FieldErrors::new();
        shape.check_form(&mut errors);
        errors
            .0
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn the_days_of_leaving_and_of_coming_back_both_count() {
        let trip = shape(vec![
            stop("LA", "2026-03-01", "2026-03-03"),
            stop("VN", "2026-03-03", "2026-03-05"),
        ]);
        assert_eq!(trip.days_abroad(), 5);
        assert_eq!(trip.places().len(), 2);
    }

    #[test]
    fn the_track_follows_the_destinations() {
        assert_eq!(
            shape(vec![stop("GB", "2026-03-01", "2026-03-02")]).track(),
            Track::Foreign
        );
        assert_eq!(
            shape(vec![
                stop("HK", "2026-03-01", "2026-03-02"),
                stop("MO", "2026-03-02", "2026-03-03")
            ])
            .track(),
            Track::HongKongMacao
        );
        assert_eq!(
            shape(vec![
                stop("HK", "2026-03-01", "2026-03-02"),
                stop("GB", "2026-03-02", "2026-03-06")
            ])
            .track(),
            Track::Foreign
        );
        assert_eq!(
            shape(vec![
                stop("HK", "2026-03-01", "2026-03-02"),
                stop("TW", "2026-03-02", "2026-03-06")
            ])
            .track(),
            Track::Taiwan
        );
    }

    #[test]
    fn destinations_are_in_order_outside_the_mainland_and_members_have_one_leader() {
        let mut trip = shape(vec![
            stop("LA", "2026-03-04", "2026-03-06"),
            stop("CN", "2026-03-01", "2026-03-02"),
        ]);
        trip.members.push(Member {
            person_id: 2,
            leader: true,
            position: None,
            unit_leader: false,
        });
        assert_eq!(
            codes(&trip),
            [
                "destinations[1].country:mainland",
                "destinations[1].arrive:out_of_order",
                "members[2].person:duplicate",
                "members:one_leader",
            ]
        );
        assert!(codes(&shape(vec![stop("LA", "2026-03-01", "2026-03-06")])).is_empty());
    }
}
