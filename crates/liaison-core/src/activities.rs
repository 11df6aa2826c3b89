//! Activities: visits received, trips abroad, conferences, lectures, courses, signings, meetings.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{
    CellKind, Example, Import, Involvement, Kind, Naming, Record, RecordKind, Rights, Timeline,
    checked_input, codes, nothing_implied,
};
use crate::validate::{self, Validate};
use crate::values::export_key;
use crate::{
    DayPart, FieldErrors, Gift, GiftInput, HalfDaySpan, Link, Meta, Named, ORGANIZATION,
    OrganizationInput, PERSON, PersonInput, Ref, UNIT,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A foreign delegation received at the university (来访).
    InboundVisit,
    /// Staff sent abroad on an official trip (出访).
    OutboundTrip,
    Conference,
    Lecture,
    TrainingCourse,
    SigningCeremony,
    OnlineMeeting,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::InboundVisit,
        ActivityKind::OutboundTrip,
        ActivityKind::Conference,
        ActivityKind::Lecture,
        ActivityKind::TrainingCourse,
        ActivityKind::SigningCeremony,
        ActivityKind::OnlineMeeting,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ActivityKind::InboundVisit => "inbound_visit",
            ActivityKind::OutboundTrip => "outbound_trip",
            ActivityKind::Conference => "conference",
            ActivityKind::Lecture => "lecture",
            ActivityKind::TrainingCourse => "training_course",
            ActivityKind::SigningCeremony => "signing_ceremony",
            ActivityKind::OnlineMeeting => "online_meeting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The university's part in an activity run by another body (its `organizer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UniversityRole {
    /// The university ran it (主办), with the organizer, if one is named, as co-organizer.
    #[default]
    Organizer,
    /// The university ran it together with the organizer (联合主办).
    CoOrganizer,
    /// The organizer ran it and the university hosted it or a part of it (承办).
    Host,
    /// The organizer ran it and the university took part (参加).
    Participant,
}

impl UniversityRole {
    pub const ALL: [UniversityRole; 4] = [
        UniversityRole::Organizer,
        UniversityRole::CoOrganizer,
        UniversityRole::Host,
        UniversityRole::Participant,
    ];
}

/// What an item of the agenda or itinerary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgendaKind {
    Keynote,
    #[default]
    Speech,
    Remarks,
    ConcludingRemarks,
    Report,
    ExperienceSharing,
    Lecture,
    Discussion,
    Meeting,
    Visit,
    Meal,
    Ceremony,
    GiftExchange,
    Other,
}

/// The part of a day an agenda item takes: a course's lectures run by the morning, the
/// afternoon or the evening, or the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgendaPart {
    FullDay,
    Morning,
    Afternoon,
    Evening,
}

impl AgendaPart {
    pub const ALL: [AgendaPart; 4] = [
        AgendaPart::FullDay,
        AgendaPart::Morning,
        AgendaPart::Afternoon,
        AgendaPart::Evening,
    ];
}

/// Lecturers an agenda item does not name one by one: "nine teachers of the university",
/// their number and the words that describe them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LecturerGroup {
    pub count: i32,
    /// Who they are, in Chinese: "我校劳动关系与人力资源学院教师".
    #[serde(default)]
    pub description_zh: Option<String>,
    /// Who they are, in English: "teachers of the School of Labor Relations".
    #[serde(default)]
    pub description_en: Option<String>,
}

/// The largest group of unnamed lecturers an agenda item holds.
const MAX_LECTURERS: i32 = 1_000;

/// A participant as submitted with an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    #[schema(no_recursion)]
    pub person: Ref<PersonInput>,
    /// A role code from the role vocabulary, such as `leader`, `chair` or `lecturer`.
    pub role: String,
    /// The position held at the time, when it differs from the person's current one.
    #[serde(default)]
    pub position: Option<String>,
    /// The same position in English, when `position` is in Chinese.
    #[serde(default)]
    pub position_en: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An agenda or itinerary item as submitted with an activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemInput {
    #[serde(default)]
    pub kind: AgendaKind,
    /// The day, when the activity runs over several.
    #[serde(default)]
    #[serde(deserialize_with = "crate::limits::optional_date")]
    pub on: Option<NaiveDate>,
    /// The last day, when the item runs over several (from `on`).
    #[serde(default)]
    #[serde(deserialize_with = "crate::limits::optional_date")]
    pub ends_on: Option<NaiveDate>,
    /// The half day it takes, or the whole day.
    #[serde(default)]
    pub part: Option<AgendaPart>,
    /// Local time as `HH:MM`.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Where it takes place, when not at the activity's venue.
    #[serde(default)]
    pub venue: Option<String>,
    /// Lecturers not named one by one.
    #[serde(default)]
    pub lecturers: Option<LecturerGroup>,
    #[serde(default)]
    #[schema(no_recursion)]
    pub speaker: Option<Ref<PersonInput>>,
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    /// The points made, in order.
    #[serde(default)]
    pub points: Vec<String>,
    /// The same points in English, when `points` are in Chinese.
    #[serde(default)]
    pub points_en: Vec<String>,
}

/// An outcome or follow-up as submitted with an activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub description: String,
    #[serde(default)]
    pub follow_up: Option<String>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    #[default]
    Document,
    Other,
}

/// A description of an attached file; the file itself is kept by the document store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    #[serde(default)]
    pub kind: AttachmentKind,
    pub file_name: String,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub size_bytes: Option<i64>,
    #[serde(default)]
    pub caption: Option<String>,
}

/// An activity as submitted to create or change it, with everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub kind: ActivityKind,
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub summary_zh: Option<String>,
    #[serde(default)]
    pub summary_en: Option<String>,
    #[serde(deserialize_with = "crate::limits::date")]
    pub start_date: NaiveDate,
    #[serde(default)]
    pub start_part: DayPart,
    /// The last day; the start date when absent.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub end_date: Option<NaiveDate>,
    /// The part of the last day; the start part when absent.
    #[serde(default)]
    pub end_part: Option<DayPart>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub host_unit: Option<Link>,
    #[serde(default)]
    #[schema(no_recursion)]
    pub inviting_organization: Option<Ref<OrganizationInput>>,
    /// The body that ran the activity, when it was not the university alone (the national
    /// federation running a course of which the university hosts a part).
    #[serde(default)]
    #[schema(no_recursion)]
    pub organizer: Option<Ref<OrganizationInput>>,
    /// The university's part in an activity the organizer ran.
    #[serde(default)]
    pub university_role: UniversityRole,
    #[serde(default)]
    #[schema(no_recursion)]
    pub partners: Vec<Ref<OrganizationInput>>,
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
    /// The size of a delegation, for when not every member is named.
    #[serde(default)]
    pub delegation_size: Option<i32>,
    /// Groups that attended, in words: "heads of schools and departments".
    #[serde(default)]
    pub attending_groups: Vec<String>,
    /// The same groups in English, when `attending_groups` are in Chinese.
    #[serde(default)]
    pub attending_groups_en: Vec<String>,
    #[serde(default)]
    pub agenda: Vec<AgendaItemInput>,
    #[serde(default)]
    pub outcomes: Vec<OutcomeInput>,
    /// Free tags such as "Belt and Road" or "key project".
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The office that signs the news release.
    #[serde(default)]
    pub signed_by: Option<String>,
    /// The same byline in English, when `signed_by` is in Chinese.
    #[serde(default)]
    pub signed_by_en: Option<String>,
    /// Gifts exchanged, saved with a new activity; an existing activity's gifts are changed one
    /// by one through the gift records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub gifts: Vec<GiftInput>,
}

/// The largest delegation Liaison accepts, well above any real one.
const MAX_DELEGATION_SIZE: i32 = 10_000;

impl ActivityInput {
    /// The activity's dates as a checked half-day span.
    pub fn span(&self) -> Result<HalfDaySpan, String> {
        HalfDaySpan::new(
            self.start_date,
            self.start_part,
            self.end_date.unwrap_or(self.start_date),
            self.end_part.unwrap_or(self.start_part),
        )
    }
}

impl Validate for ActivityInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [
            &mut self.title_zh,
            &mut self.title_en,
            &mut self.summary_zh,
            &mut self.summary_en,
            &mut self.venue,
            &mut self.signed_by,
            &mut self.signed_by_en,
        ]);
        validate::key(errors, &self.key);
        if self.title_zh.is_none() && self.title_en.is_none() {
            errors.add(
                "title_zh",
                "required",
                "a title in Chinese or in English is required",
            );
        }
        validate::line(errors, "title_zh", &self.title_zh);
        validate::line(errors, "title_en", &self.title_en);
        validate::text(errors, "summary_zh", &self.summary_zh);
        validate::text(errors, "summary_en", &self.summary_en);
        validate::line(errors, "venue", &self.venue);
        validate::line(errors, "signed_by", &self.signed_by);
        validate::line(errors, "signed_by_en", &self.signed_by_en);
        for (field, list_len) in [
            ("partners", self.partners.len()),
            ("participants", self.participants.len()),
            ("agenda", self.agenda.len()),
            ("outcomes", self.outcomes.len()),
            ("attachments", self.attachments.len()),
            ("gifts", self.gifts.len()),
        ] {
            crate::limits::list(errors, field, list_len);
        }
        if !errors.is_empty() && errors.0.iter().any(|e| e.code == "too_many") {
            // A list past its bound is not read further: its entries would only cost time.
            return;
        }
        crate::limits::day(errors, "start_date", Some(self.start_date));
        crate::limits::day(errors, "end_date", self.end_date);
        match self.span() {
            Ok(span) => {
                self.end_date = Some(span.end_date);
                self.end_part = Some(span.end_part);
            }
            Err(message) => errors.add("end_date", "before_start", message),
        }
        if let Some(size) = self.delegation_size
            && !(1..=MAX_DELEGATION_SIZE).contains(&size)
        {
            errors.add(
                "delegation_size",
                "out_of_range",
                format!("must be between 1 and {MAX_DELEGATION_SIZE}"),
            );
        }
        validate::reference(
            errors,
            "inviting_organization",
            &mut self.inviting_organization,
        );
        validate::reference(errors, "organizer", &mut self.organizer);
        for (i, partner) in self.partners.iter_mut().enumerate() {
            if let Ref::New(org) = partner {
                validate::nested(errors, &format!("partners[{i}]"), org.as_mut());
            }
        }
        // The same record named twice (`#11;#11` in a spreadsheet) is reported where it is
        // checked, not only when the activity is saved.
        crate::limits::duplicates(
            errors,
            "partners",
            &self.partners,
            |p| match p {
                Ref::Link(link) => Some(link),
                Ref::New(_) => None,
            },
            |_| "this partner is listed twice".to_owned(),
        );
        for (i, p) in self.participants.iter_mut().enumerate() {
            let path = format!("participants[{i}]");
            p.role = p.role.trim().to_owned();
            validate::clean_all(&mut [&mut p.position, &mut p.position_en, &mut p.note]);
            if let Err(message) = crate::roles::check_code(&p.role) {
                errors.add(format!("{path}.role"), "invalid", message);
            }
            validate::line(errors, &format!("{path}.position"), &p.position);
            validate::line(errors, &format!("{path}.position_en"), &p.position_en);
            validate::line(errors, &format!("{path}.note"), &p.note);
            if let Ref::New(person) = &mut p.person {
                validate::nested(errors, &format!("{path}.person"), person.as_mut());
            }
        }
        for (i, item) in self.agenda.iter_mut().enumerate() {
            let path = format!("agenda[{i}]");
            validate::clean_all(&mut [
                &mut item.title_zh,
                &mut item.title_en,
                &mut item.starts_at,
                &mut item.venue,
            ]);
            validate::line(errors, &format!("{path}.title_zh"), &item.title_zh);
            validate::line(errors, &format!("{path}.title_en"), &item.title_en);
            validate::line(errors, &format!("{path}.venue"), &item.venue);
            if let Some(group) = &mut item.lecturers {
                validate::clean_all(&mut [&mut group.description_zh, &mut group.description_en]);
                if !(1..=MAX_LECTURERS).contains(&group.count) {
                    errors.add(
                        format!("{path}.lecturers.count"),
                        "out_of_range",
                        format!("must be between 1 and {MAX_LECTURERS}"),
                    );
                }
                validate::line(
                    errors,
                    &format!("{path}.lecturers.description_zh"),
                    &group.description_zh,
                );
                validate::line(
                    errors,
                    &format!("{path}.lecturers.description_en"),
                    &group.description_en,
                );
            }
            match (item.on, item.ends_on) {
                (None, Some(_)) => errors.add(
                    format!("{path}.on"),
                    "required",
                    "give the first day of an item that runs over several",
                ),
                (Some(on), Some(ends)) if ends < on => errors.add(
                    format!("{path}.ends_on"),
                    "before_start",
                    "must not be before the item's first day",
                ),
                (Some(on), Some(ends)) if ends == on => item.ends_on = None,
                _ => {}
            }
            if let (Some(ends), Some(end)) = (item.ends_on, self.end_date)
                && (ends < self.start_date || ends > end)
            {
                errors.add(
                    format!("{path}.ends_on"),
                    "outside_activity",
                    "must be a day of the activity",
                );
            }
            crate::limits::day(errors, &format!("{path}.ends_on"), item.ends_on);
            if let Some(t) = &item.starts_at {
                match NaiveTime::parse_from_str(t, "%H:%M") {
                    // Written the one way, 09:05, whatever was typed (9:5), so that a time
                    // input can show it again.
                    Ok(time) => item.starts_at = Some(time.format("%H:%M").to_string()),
                    Err(_) => errors.add(
                        format!("{path}.starts_at"),
                        "invalid",
                        format!("'{t}' is not a time of day as HH:MM"),
                    ),
                }
            }
            if let (Some(on), Some(end)) = (item.on, self.end_date)
                && (on < self.start_date || on > end)
            {
                errors.add(
                    format!("{path}.on"),
                    "outside_activity",
                    "must be a day of the activity",
                );
            }
            let no_title = item.title_zh.is_none() && item.title_en.is_none();
            let no_one = item.speaker.is_none() && item.lecturers.is_none();
            if no_title && no_one && item.points.is_empty() {
                errors.add(
                    format!("{path}.title_zh"),
                    "required",
                    "an agenda item needs a title, a speaker or the points made",
                );
            }
            crate::limits::day(errors, &format!("{path}.on"), item.on);
            crate::limits::list(errors, &format!("{path}.points"), item.points.len());
            crate::limits::list(errors, &format!("{path}.points_en"), item.points_en.len());
            for (field, points) in [
                ("points", &mut item.points),
                ("points_en", &mut item.points_en),
            ] {
                *points = points.iter().map(|p| p.trim().to_owned()).collect();
                for (j, point) in points.iter().enumerate() {
                    if point.is_empty() {
                        errors.add(
                            format!("{path}.{field}[{j}]"),
                            "required",
                            "must not be empty",
                        );
                    }
                    validate::text(
                        errors,
                        &format!("{path}.{field}[{j}]"),
                        &Some(point.clone()),
                    );
                }
            }
            validate::reference(errors, &format!("{path}.speaker"), &mut item.speaker);
        }
        for (i, outcome) in self.outcomes.iter_mut().enumerate() {
            outcome.description = outcome.description.trim().to_owned();
            outcome.follow_up = validate::clean(&outcome.follow_up);
            if outcome.description.is_empty() {
                errors.add(
                    format!("outcomes[{i}].description"),
                    "required",
                    "describe the outcome",
                );
            }
            validate::text(
                errors,
                &format!("outcomes[{i}].description"),
                &Some(outcome.description.clone()),
            );
            validate::text(
                errors,
                &format!("outcomes[{i}].follow_up"),
                &outcome.follow_up,
            );
            crate::limits::day(errors, &format!("outcomes[{i}].due_on"), outcome.due_on);
        }
        self.tags = validate::clean_lines(&self.tags);
        validate::lines(errors, "tags", &self.tags);
        self.attending_groups = validate::clean_lines(&self.attending_groups);
        validate::lines(errors, "attending_groups", &self.attending_groups);
        self.attending_groups_en = validate::clean_lines(&self.attending_groups_en);
        validate::lines(errors, "attending_groups_en", &self.attending_groups_en);
        for (i, a) in self.attachments.iter_mut().enumerate() {
            a.file_name = a.file_name.trim().to_owned();
            validate::clean_all(&mut [&mut a.media_type, &mut a.caption]);
            validate::line(
                errors,
                &format!("attachments[{i}].file_name"),
                &Some(a.file_name.clone()),
            );
            validate::line(
                errors,
                &format!("attachments[{i}].media_type"),
                &a.media_type,
            );
            validate::line(errors, &format!("attachments[{i}].caption"), &a.caption);
            if a.file_name.is_empty() || a.file_name.contains(['/', '\\']) {
                errors.add(
                    format!("attachments[{i}].file_name"),
                    "invalid",
                    "give the file's name without folders",
                );
            }
            if a.size_bytes.is_some_and(|s| s < 0) {
                errors.add(
                    format!("attachments[{i}].size_bytes"),
                    "out_of_range",
                    "cannot be negative",
                );
            }
        }
        for (i, gift) in self.gifts.iter_mut().enumerate() {
            let path = format!("gifts[{i}]");
            if gift.activity.is_some() {
                errors.add(
                    format!("{path}.activity"),
                    "implied",
                    "a gift sent with an activity belongs to it; leave the activity out",
                );
            }
            validate::nested(errors, &path, gift);
        }
    }
}

/// A stored participant, with the person's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    pub person: Named,
    pub role: String,
    pub position: Option<String>,
    pub position_en: Option<String>,
    pub note: Option<String>,
}

/// A stored agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    pub kind: AgendaKind,
    pub on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub part: Option<AgendaPart>,
    pub starts_at: Option<String>,
    pub venue: Option<String>,
    pub speaker: Option<Named>,
    pub lecturers: Option<LecturerGroup>,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub points: Vec<String>,
    pub points_en: Vec<String>,
}

/// A stored activity with everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: ActivityKind,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub summary_zh: Option<String>,
    pub summary_en: Option<String>,
    pub start_date: NaiveDate,
    pub start_part: DayPart,
    pub end_date: NaiveDate,
    pub end_part: DayPart,
    pub venue: Option<String>,
    pub host_unit: Option<Named>,
    pub inviting_organization: Option<Named>,
    pub organizer: Option<Named>,
    pub university_role: UniversityRole,
    pub partners: Vec<Named>,
    pub participants: Vec<Participant>,
    pub delegation_size: Option<i32>,
    pub attending_groups: Vec<String>,
    pub attending_groups_en: Vec<String>,
    pub agenda: Vec<AgendaItem>,
    pub outcomes: Vec<OutcomeInput>,
    pub tags: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub signed_by: Option<String>,
    pub signed_by_en: Option<String>,
    pub gifts: Vec<Gift>,
    /// The agreements signed at the activity.
    pub agreements: Vec<Named>,
}

/// One row of the activity list: enough to choose, not everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActivitySummary {
    pub id: i64,
    pub key: Option<String>,
    pub version: i64,
    pub kind: ActivityKind,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub start_date: NaiveDate,
    pub start_part: DayPart,
    pub end_date: NaiveDate,
    pub end_part: DayPart,
    pub venue: Option<String>,
    pub host_unit: Option<Named>,
    pub inviting_organization: Option<Named>,
}

/// A summary names people and organizations, never their personal data.
impl crate::personal::Masked for ActivitySummary {
    fn masked(self) -> Self {
        self
    }
}

/// Filters of the activity list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// Words of either title, found as search finds them: every word, whatever its case, ending
    /// or accents.
    pub q: Option<String>,
    pub kind: Option<ActivityKind>,
    /// Activities that start in this year.
    #[serde(default, deserialize_with = "crate::limits::optional_year")]
    pub year: Option<i32>,
    /// Activities with a partner or inviting organization in this country.
    pub country: Option<String>,
    /// Activities with a partner or inviting organization of this region class.
    pub region: Option<crate::RegionClass>,
    pub unit: Option<i64>,
    /// Activities involving this organization.
    pub organization: Option<i64>,
    pub tag: Option<String>,
    /// Activities still running on or after this day.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub from: Option<NaiveDate>,
    /// Activities that have begun by this day.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub to: Option<NaiveDate>,
}

pub const ACTIVITY_SORTS: &[&str] = &["start", "title", "kind", "created", "updated"];

fn activity_kinds() -> Vec<String> {
    codes(&ActivityKind::ALL)
}

fn day_parts() -> Vec<String> {
    codes(&[DayPart::FullDay, DayPart::Morning, DayPart::Afternoon])
}

/// Activities, as a kind of record.
const KIND: Kind = Kind {
    name: "activity",
    table: "activities",
    path: "activities",
    categories: Some("activity-kind"),
    pages: true,
    files: true,
    rights: Rights::UNIT_RECORDS,
    search: Some(0),
    timeline: Some(Timeline {
        day: "r.start_date",
        title: ("title_zh", "title_en"),
        detail: "kind",
        involvements: &[
            Involvement::column("inviting_organization", "inviting_organization_id"),
            Involvement::column("organizer", "organizer_id"),
            Involvement::rows(
                "partner",
                "activity_partners",
                "activity_id",
                "organization_id",
            ),
            Involvement::people("participant", "participations", "activity_id", "person_id"),
        ],
    }),
    naming: &[
        Naming::new("organization", "activities", "inviting_organization_id"),
        Naming::new("organization", "activities", "organizer_id"),
        Naming::new("organization", "activity_partners", "organization_id").in_rows("activity_id"),
        Naming::new("person", "participations", "person_id").in_rows("activity_id"),
        Naming::new("person", "agenda_items", "speaker_id")
            .in_rows("activity_id")
            .unshown(),
    ],
    import: Some(Import {
        columns: &[
            "title_zh",
            "title_en",
            "kind",
            "start_date",
            "start_part",
            "end_date",
            "end_part",
            "venue",
            "host_unit",
            "inviting_organization",
            "partners",
            "delegation_size",
            "tags",
            "summary_zh",
            "summary_en",
            "signed_by",
            "key",
        ],
        required: &["kind", "start_date"],
        names: ("title_zh", "title_en"),
        choices: &[
            ("kind", "activity-kind", activity_kinds),
            ("start_part", "day-part", day_parts),
            ("end_part", "day-part", day_parts),
        ],
        examples: &[
            ("title_zh", Example::Text("老挝工会联合会代表团来访")),
            (
                "title_en",
                Example::Text("LFTU delegation visits the university"),
            ),
            ("kind", Example::Text("inbound_visit")),
            ("start_date", Example::Date(2023, 11, 17)),
            ("start_part", Example::Text("morning")),
            ("inviting_organization", Example::Text("中华全国总工会")),
            ("partners", Example::Text("老挝工会联合会")),
            ("delegation_size", Example::Int(30)),
            ("tags", Example::Text("一带一路")),
        ],
        cells: &[
            ("start_date", CellKind::Date),
            ("end_date", CellKind::Date),
            ("host_unit", CellKind::Reference(UNIT)),
            ("inviting_organization", CellKind::Reference(ORGANIZATION)),
            ("partners", CellKind::References(ORGANIZATION)),
            ("delegation_size", CellKind::Number),
            ("tags", CellKind::List),
        ],
        check: checked_input::<ActivityInput>,
        implied: nothing_implied,
    }),
    lifecycle: None,
    sorts: ACTIVITY_SORTS,
    newest_first: true,
};

/// Activities, as every layer names the kind.
pub const ACTIVITY: RecordKind = RecordKind::of(&KIND);

impl Activity {
    /// The organizations whose countries are the activity's countries in search: its inviting
    /// organization and its partners.
    pub fn organizations_abroad(&self) -> impl Iterator<Item = &Named> {
        self.inviting_organization.iter().chain(&self.partners)
    }
}

/// An activity is found by its titles, its summaries, where it was held, who signed, the
/// organizations and people it names, its agenda, tags, groups and outcomes, and by the
/// countries of its organizations.
impl crate::Searchable for Activity {
    fn search_text(&self) -> crate::SearchText {
        let mut s = crate::SearchText::titled(&self.title_zh, &self.title_en);
        s.names([&self.title_zh, &self.title_en]);
        s.texts([
            &self.summary_zh,
            &self.summary_en,
            &self.venue,
            &self.signed_by,
        ]);
        for named in self.organizations_abroad() {
            s.text(&named.name);
            s.organizations.push(named.id);
        }
        for p in &self.participants {
            s.text(&p.person.name);
        }
        for item in &self.agenda {
            s.texts([&item.title_zh, &item.title_en]);
            for point in &item.points {
                s.text(point);
            }
        }
        for text in self.tags.iter().chain(&self.attending_groups) {
            s.text(text);
        }
        for o in &self.outcomes {
            s.text(&o.description);
        }
        s.kind_of(&self.kind);
        s.year = Some(chrono::Datelike::year(&self.start_date));
        s
    }
}

impl Record for Activity {
    const KIND: RecordKind = ACTIVITY;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.host_unit.as_ref().map(|u| u.id)
    }
}

/// An activity as a form that recreates it, linking to other records by key. Its gifts are
/// records of their own and go with them.
impl From<Activity> for ActivityInput {
    fn from(a: Activity) -> ActivityInput {
        ActivityInput {
            key: Some(export_key(ACTIVITY, a.meta.id, &a.meta.key)),
            version: None,
            kind: a.kind,
            title_zh: a.title_zh,
            title_en: a.title_en,
            summary_zh: a.summary_zh,
            summary_en: a.summary_en,
            start_date: a.start_date,
            start_part: a.start_part,
            end_date: Some(a.end_date),
            end_part: Some(a.end_part),
            venue: a.venue,
            host_unit: a.host_unit.map(|n| n.link(UNIT)),
            inviting_organization: a.inviting_organization.map(|n| n.reference(ORGANIZATION)),
            organizer: a.organizer.map(|n| n.reference(ORGANIZATION)),
            university_role: a.university_role,
            partners: a
                .partners
                .iter()
                .map(|n| n.reference(ORGANIZATION))
                .collect(),
            participants: a
                .participants
                .into_iter()
                .map(|p| ParticipantInput {
                    person: p.person.reference(PERSON),
                    role: p.role,
                    position: p.position,
                    position_en: p.position_en,
                    note: p.note,
                })
                .collect(),
            delegation_size: a.delegation_size,
            attending_groups: a.attending_groups,
            attending_groups_en: a.attending_groups_en,
            agenda: a
                .agenda
                .into_iter()
                .map(|item| AgendaItemInput {
                    kind: item.kind,
                    on: item.on,
                    ends_on: item.ends_on,
                    part: item.part,
                    starts_at: item.starts_at,
                    venue: item.venue,
                    lecturers: item.lecturers,
                    speaker: item.speaker.map(|n| n.reference(PERSON)),
                    title_zh: item.title_zh,
                    title_en: item.title_en,
                    points: item.points,
                    points_en: item.points_en,
                })
                .collect(),
            outcomes: a.outcomes,
            tags: a.tags,
            attachments: a.attachments,
            signed_by: a.signed_by,
            signed_by_en: a.signed_by_en,
            gifts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_named_twice_is_reported_at_its_second_place() {
        let mut twice = conference();
        twice.partners = serde_json::from_value(serde_json::json!([11, "org-lftu", 11])).unwrap();
        let Err(crate::Error::Invalid(errors)) = twice.validated() else {
            panic!("a partner named twice was accepted");
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["partners[2]"]);
    }

    fn conference() -> ActivityInput {
        serde_json::from_value(serde_json::json!({
            "kind": "conference", "title_en": "International Exchange Conference",
            "start_date": "2020-01-09", "start_part": "morning",
            "participants": [{"person": "wu-wanxiong", "role": "chair"}],
            "agenda": [{"kind": "keynote", "title_en": "Current International Situation",
                        "starts_at": "09:00", "points": ["First", "Second"]}]
        }))
        .unwrap()
    }

    #[test]
    fn times_of_the_agenda_are_written_with_two_digits() {
        let mut a = conference();
        a.agenda[0].starts_at = Some("9:5".into());
        assert_eq!(
            a.validated().unwrap().agenda[0].starts_at.as_deref(),
            Some("09:05")
        );
    }

    #[test]
    fn a_one_morning_conference_ends_the_morning_it_starts() {
        let a = conference().validated().unwrap();
        assert_eq!(a.end_date, Some(a.start_date));
        assert_eq!(a.end_part, Some(DayPart::Morning));
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut a = conference();
        a.title_en = None;
        a.end_date = Some("2020-01-08".parse().unwrap());
        a.participants[0].role = "Chair Person".into();
        a.agenda[0].starts_at = Some("9 o'clock".into());
        a.agenda[0].points.push("  ".into());
        a.tags = vec!["Belt and Road".into(), " Belt and Road".into()];
        a.delegation_size = Some(0);
        let crate::Error::Invalid(errors) = a.validated().unwrap_err() else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title_zh",
                "end_date",
                "delegation_size",
                "participants[0].role",
                "agenda[0].starts_at",
                "agenda[0].points[2]",
                "tags[1]"
            ]
        );
    }
}
