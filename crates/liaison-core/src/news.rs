//! News releases: a draft written from an activity's record in the office's style, in Chinese
//! and in English, edited by the office and published on the public news pages.
//!
//! The drafts follow the releases the office has published (see the seeds): when and where, at
//! whose invitation, who led the delegation and who received it, who attended, what each
//! speaker said, what was done, what came of it, who the partner is, and the office that signs.
//! They are drafts: every fact comes from the record, and the office polishes the prose.

use std::cell::RefCell;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validate::{self, Validate};
use crate::values::thousands;
use crate::{
    ActivityDossier, ActivityKind, AffiliationRelation, AgendaItem, AgendaKind, DayPart,
    FieldErrors, GiftDirection, Named, Organization, Party, Person,
};

/// The language of a release; each activity has at most one release in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewsLanguage {
    Zh,
    En,
}

impl NewsLanguage {
    pub const ALL: [NewsLanguage; 2] = [NewsLanguage::Zh, NewsLanguage::En];

    pub fn as_str(&self) -> &'static str {
        match self {
            NewsLanguage::Zh => "zh",
            NewsLanguage::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<NewsLanguage> {
        match code {
            "zh" => Some(NewsLanguage::Zh),
            "en" => Some(NewsLanguage::En),
            _ => None,
        }
    }
}

/// A release as the office edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsReleaseInput {
    /// The version being edited; absent for the first save.
    #[serde(default)]
    pub version: Option<i64>,
    pub title: String,
    pub body: String,
    /// Shown on the public news pages.
    #[serde(default)]
    pub published: bool,
    /// The photos shown with the release, in order: photos among the files of its activity.
    #[serde(default)]
    pub photos: Vec<NewsPhotoInput>,
}

/// The longest release accepted, far above any the office writes.
const MAX_BODY_CHARS: usize = 50_000;

impl Validate for NewsReleaseInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.title = self.title.trim().to_owned();
        self.body = self.body.trim().replace("\r\n", "\n");
        if self.title.is_empty() {
            errors.add("title", "required", "a release needs a title");
        }
        validate::line(errors, "title", &Some(self.title.clone()));
        if self.body.is_empty() {
            errors.add("body", "required", "a release needs a text");
        } else if self.body.chars().count() > MAX_BODY_CHARS {
            errors.add(
                "body",
                "too_long",
                format!("at most {MAX_BODY_CHARS} characters"),
            );
        }
        check_photos(&mut self.photos, errors);
    }
}

/// A saved release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewsRelease {
    pub id: i64,
    pub activity_id: i64,
    pub language: NewsLanguage,
    pub title: String,
    pub body: String,
    pub published: bool,
    /// When it was first published; kept when a published release is corrected.
    pub published_at: Option<DateTime<Utc>>,
    /// The activity's first day, the date a reader looks for.
    pub activity_date: NaiveDate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The photos chosen for it, in the order it shows them.
    #[serde(default)]
    pub photos: Vec<NewsPhoto>,
}

/// A photo chosen for a release: one of the files of its activity, by number, with the caption
/// printed under it (the file's own caption when none is given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsPhotoInput {
    /// The number of a photo among the activity's files.
    pub file: i64,
    #[serde(default)]
    pub caption: String,
}

/// A photo of a saved release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewsPhoto {
    /// The number of the activity's file.
    pub file: i64,
    /// The file's name.
    pub name: String,
    pub media_type: String,
    pub caption: String,
}

/// The most photos a release shows; a visit's best few, not its album.
pub const MAX_NEWS_PHOTOS: usize = 30;

/// Trims the captions of a release's photos and names each problem with its place in the list:
/// a file chosen twice, a caption too long, too many photos. Whether each file is a photo of the
/// activity is the store's to check.
fn check_photos(photos: &mut [NewsPhotoInput], errors: &mut FieldErrors) {
    if photos.len() > MAX_NEWS_PHOTOS {
        errors.add(
            "photos",
            "too_many",
            format!("a release shows at most {MAX_NEWS_PHOTOS} photos"),
        );
    }
    let mut seen = Vec::new();
    for (i, photo) in photos.iter_mut().enumerate() {
        photo.caption = photo.caption.trim().to_owned();
        if photo.caption.chars().count() > crate::files::MAX_CAPTION_CHARS {
            errors.add(
                format!("photos[{i}].caption"),
                "too_long",
                format!(
                    "a caption has at most {} characters",
                    crate::files::MAX_CAPTION_CHARS
                ),
            );
        }
        if seen.contains(&photo.file) {
            errors.add(
                format!("photos[{i}].file"),
                "duplicate",
                "a photo is shown once",
            );
        }
        seen.push(photo.file);
    }
}

impl NewsRelease {
    /// The paragraphs of the text.
    pub fn paragraphs(&self) -> Vec<&str> {
        paragraphs(&self.body)
    }
}

/// The paragraphs of a release's text: blocks separated by blank lines.
pub fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A generated draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewsDraft {
    pub title: String,
    pub body: String,
}

/// Writes the draft of a release about the dossier's activity.
pub fn draft(dossier: &ActivityDossier, language: NewsLanguage) -> NewsDraft {
    let writer = Writer {
        d: dossier,
        lang: language,
        introduced: RefCell::new(Vec::new()),
    };
    let mut paragraphs = vec![writer.opening()];
    for item in &dossier.activity.agenda {
        paragraphs.push(writer.agenda_item(item));
    }
    if let Some(others) = writer.others() {
        paragraphs.push(others);
    }
    paragraphs.extend(writer.gifts());
    paragraphs.extend(writer.outcomes());
    paragraphs.extend(writer.partner_profiles());
    paragraphs.extend(writer.signature());
    NewsDraft {
        title: writer.title(),
        body: paragraphs.join("\n\n"),
    }
}

struct Writer<'a> {
    d: &'a ActivityDossier,
    lang: NewsLanguage,
    /// The people named so far: a person's position is given the first time only.
    introduced: RefCell<Vec<i64>>,
}

impl Writer<'_> {
    fn zh(&self) -> bool {
        self.lang == NewsLanguage::Zh
    }

    /// Picks the text of the release's language, else the other one.
    fn pick(&self, zh: &Option<String>, en: &Option<String>) -> Option<String> {
        let (first, second) = if self.zh() { (zh, en) } else { (en, zh) };
        first.clone().or_else(|| second.clone())
    }

    fn title(&self) -> String {
        let a = &self.d.activity;
        self.pick(&a.title_zh, &a.title_en).unwrap_or_default()
    }

    fn person_name(&self, named: &Named) -> String {
        self.d
            .person(named)
            .and_then(|p| {
                self.pick(&p.name_zh, &p.name_en)
                    .or(p.name_original.clone())
            })
            .unwrap_or_else(|| named.name.clone())
    }

    fn organization_name(&self, named: &Named) -> String {
        self.d
            .organization(named)
            .map(|o| self.org_name(o))
            .unwrap_or_else(|| named.name.clone())
    }

    fn org_name(&self, org: &Organization) -> String {
        self.pick(&org.name_zh, &org.name_en)
            .or(org.name_original.clone())
            .unwrap_or_default()
    }

    /// A person as the release names them: with their title and position (or, without one,
    /// their unit or organization) the first time, by name alone afterwards. "Professor Zhang
    /// Caiming, Vice Dean of …" or "副校长吴万雄"; a position in another script is bracketed.
    fn person(&self, named: &Named, position: Option<&str>) -> String {
        let name = self.person_name(named);
        if self.introduced.borrow().contains(&named.id) {
            return name;
        }
        self.introduced.borrow_mut().push(named.id);
        let person: Option<&Person> = self.d.person(named);
        let position = position
            .map(str::to_owned)
            .or_else(|| person.and_then(|p| p.position.clone()));
        let belongs_to = person.and_then(|p| {
            let unit = p.unit.as_ref().and_then(|u| self.d.units.get(&u.id));
            let org = p.organization.as_ref().and_then(|o| self.d.organization(o));
            unit.map(|u| self.pick(&u.name_zh, &u.name_en))
                .or_else(|| org.map(|o| Some(self.org_name(o))))
                .flatten()
        });
        let title = person.and_then(|p| p.title.clone());
        if self.zh() {
            return match (position, belongs_to) {
                (Some(pos), _) if has_chinese(&pos) => format!("{pos}{name}"),
                (Some(pos), _) => format!("{name}（{pos}）"),
                (None, Some(unit)) => format!("{unit}{name}"),
                (None, None) => name,
            };
        }
        let name = match title {
            Some(title) if !has_chinese(&title) => format!("{title} {name}"),
            _ => name,
        };
        match (position, belongs_to) {
            (Some(pos), _) => format!("{name}, {pos}"),
            (None, Some(unit)) => format!("{name} of the {}", strip_the(&unit)),
            (None, None) => name,
        }
    }

    fn participant(&self, role: &str) -> Vec<String> {
        self.d
            .activity
            .participants
            .iter()
            .filter(|p| p.role == role)
            .map(|p| self.person(&p.person, p.position.as_deref()))
            .collect()
    }

    fn list(&self, items: &[String]) -> String {
        join(items, self.zh())
    }

    /// "On the morning of November 17, 2023" / "2023年11月17日上午".
    fn when(&self) -> String {
        let a = &self.d.activity;
        let (start, end) = (a.start_date, a.end_date);
        if self.zh() {
            let day = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
            if start == end {
                let part = match a.start_part {
                    DayPart::Morning => "上午",
                    DayPart::Afternoon => "下午",
                    DayPart::FullDay => "",
                };
                return format!("{}{part}", day(start));
            }
            let end_text = if end.year() != start.year() {
                day(end)
            } else if end.month() != start.month() {
                format!("{}月{}日", end.month(), end.day())
            } else {
                format!("{}日", end.day())
            };
            return format!("{}至{end_text}", day(start));
        }
        let day = |d: NaiveDate| format!("{} {}, {}", month(d.month()), d.day(), d.year());
        if start == end {
            return match a.start_part {
                DayPart::Morning => format!("On the morning of {}", day(start)),
                DayPart::Afternoon => format!("On the afternoon of {}", day(start)),
                DayPart::FullDay => format!("On {}", day(start)),
            };
        }
        if start.year() == end.year() && start.month() == end.month() {
            return format!(
                "From {} {} to {}, {}",
                month(start.month()),
                start.day(),
                end.day(),
                start.year()
            );
        }
        format!("From {} to {}", day(start), day(end))
    }

    fn inviting(&self) -> Option<String> {
        let org = self.d.activity.inviting_organization.as_ref()?;
        let name = self.organization_name(org);
        Some(if self.zh() {
            format!("应{name}邀请")
        } else {
            format!("at the invitation of the {}", strip_the(&name))
        })
    }

    fn partners(&self) -> Vec<String> {
        self.d
            .activity
            .partners
            .iter()
            .map(|p| self.organization_name(p))
            .collect()
    }

    fn groups(&self) -> Option<String> {
        let groups = &self.d.activity.attending_groups;
        (!groups.is_empty()).then(|| self.list(groups))
    }

    fn opening(&self) -> String {
        match self.d.activity.kind {
            ActivityKind::InboundVisit => self.opening_visit(),
            ActivityKind::OutboundTrip => self.opening_trip(),
            _ => self.opening_event(),
        }
    }

    fn delegation(&self) -> String {
        let size = self.d.activity.delegation_size;
        match (self.zh(), size) {
            (true, Some(n)) => format!("{n}人代表团"),
            (true, None) => "代表团".to_owned(),
            (false, Some(n)) => format!("a delegation of {n} people"),
            (false, None) => "a delegation".to_owned(),
        }
    }

    fn members(&self) -> Option<String> {
        let mut members = self.participant("deputy_leader");
        members.extend(self.participant("delegation_member"));
        if members.is_empty() {
            return None;
        }
        Some(if self.zh() {
            format!("代表团成员包括{}。", self.list(&members))
        } else {
            format!(" The delegation included {}.", self.list(&members))
        })
    }

    fn opening_visit(&self) -> String {
        let when = self.when();
        let partners = self.list(&self.partners());
        let leaders = self.participant("leader");
        let hosts = self.participant("host");
        let groups = self.groups();
        if self.zh() {
            let mut text = when;
            if let Some(inviting) = self.inviting() {
                text.push('，');
                text.push_str(&inviting);
            }
            text.push('，');
            if leaders.is_empty() {
                text.push_str(&format!("{partners}{}访问我校。", self.delegation()));
            } else {
                text.push_str(&format!(
                    "{partners}{}率{}访问我校。",
                    self.list(&leaders),
                    self.delegation()
                ));
            }
            text.push_str(&self.members().unwrap_or_default());
            if !hosts.is_empty() {
                text.push_str(&format!("{}会见了代表团", self.list(&hosts)));
                if let Some(groups) = groups {
                    text.push_str(&format!("，{groups}参加会见"));
                }
                text.push('。');
            }
            return text;
        }
        let mut text = when;
        if let Some(inviting) = self.inviting() {
            text.push_str(", ");
            text.push_str(&inviting);
        }
        let from = if partners.is_empty() {
            String::new()
        } else {
            format!(" from the {}", strip_the(&partners))
        };
        if leaders.is_empty() {
            text.push_str(&format!(
                ", {}{from} visited our university.",
                self.delegation()
            ));
        } else {
            text.push_str(&format!(
                ", {} led {}{from} to visit our university.",
                self.list(&leaders),
                self.delegation()
            ));
        }
        text.push_str(&self.members().unwrap_or_default());
        if !hosts.is_empty() {
            text.push_str(&format!(" {} received the delegation", self.list(&hosts)));
            if let Some(groups) = groups {
                text.push_str(&format!(", with {groups} attending the meeting"));
            }
            text.push('.');
        }
        text
    }

    fn opening_trip(&self) -> String {
        let when = self.when();
        let partners = self.list(&self.partners());
        let leaders = self.participant("leader");
        let venue = self.d.activity.venue.clone();
        if self.zh() {
            let mut text = when;
            if let Some(inviting) = self.inviting() {
                text.push('，');
                text.push_str(&inviting);
            }
            text.push('，');
            if !leaders.is_empty() {
                text.push_str(&self.list(&leaders));
                text.push('率');
            }
            text.push_str(&format!("我校{}", self.delegation()));
            if let Some(venue) = venue {
                text.push_str(&format!("赴{venue}"));
            }
            if partners.is_empty() {
                text.push_str("出访。");
            } else {
                text.push_str(&format!("访问{partners}。"));
            }
            text.push_str(&self.members().unwrap_or_default());
            return text;
        }
        let mut text = format!("{when}, {} of our university", self.delegation());
        if !leaders.is_empty() {
            text.push_str(&format!(" led by {}", self.list(&leaders)));
        }
        if partners.is_empty() {
            text.push_str(" travelled abroad");
        } else {
            text.push_str(&format!(" visited the {}", strip_the(&partners)));
        }
        if let Some(venue) = venue {
            text.push_str(&format!(" in {venue}"));
        }
        if let Some(inviting) = self.inviting() {
            text.push_str(&format!(", {inviting}"));
        }
        text.push('.');
        text.push_str(&self.members().unwrap_or_default());
        text
    }

    /// Conferences, lectures, courses, ceremonies and meetings held by the university.
    fn opening_event(&self) -> String {
        let a = &self.d.activity;
        let when = self.when();
        let title = self.title();
        let chairs = self.participant("chair");
        let attendees: Vec<String> = a
            .participants
            .iter()
            .filter(|p| p.role != "chair")
            .map(|p| self.person(&p.person, p.position.as_deref()))
            .collect();
        let partners = self.partners();
        let online = a.kind == ActivityKind::OnlineMeeting;
        if self.zh() {
            let mut text = format!("{when}，我校{title}");
            match (&a.venue, online) {
                (Some(venue), _) => text.push_str(&format!("在{venue}召开。")),
                (None, true) => text.push_str("在线上召开。"),
                (None, false) => text.push_str("召开。"),
            }
            if let Some(inviting) = self.inviting() {
                text.push_str(&format!("会议{inviting}举办。"));
            }
            if !partners.is_empty() {
                text.push_str(&format!("{}参加。", self.list(&partners)));
            }
            if !attendees.is_empty() {
                text.push_str(&format!("{}出席会议。", self.list(&attendees)));
            }
            if let Some(groups) = self.groups() {
                text.push_str(&format!("{groups}参加会议。"));
            }
            if !chairs.is_empty() {
                text.push_str(&format!("会议由{}主持。", self.list(&chairs)));
            }
            return text;
        }
        let mut text = format!("{when}, our university held the {}", strip_the(&title));
        match (&a.venue, online) {
            (Some(venue), _) => text.push_str(&format!(" in {venue}.")),
            (None, true) => text.push_str(" online."),
            (None, false) => text.push('.'),
        }
        if let Some(inviting) = self.inviting() {
            text.push_str(&format!(" It was held {inviting}."));
        }
        if !partners.is_empty() {
            text.push_str(&format!(
                " The {} took part.",
                strip_the(&self.list(&partners))
            ));
        }
        if !attendees.is_empty() {
            text.push_str(&format!(" {} attended.", self.list(&attendees)));
        }
        if let Some(groups) = self.groups() {
            text.push_str(&format!(" {groups} took part as well."));
        }
        if !chairs.is_empty() {
            text.push_str(&format!(" It was chaired by {}.", self.list(&chairs)));
        }
        text
    }

    fn agenda_item(&self, item: &AgendaItem) -> String {
        let title = self.pick(&item.title_zh, &item.title_en);
        let speaker = item.speaker.as_ref().map(|s| self.person(s, None));
        let day = self.agenda_day(item);
        let inbound = self.d.activity.kind == ActivityKind::InboundVisit;
        let mut text = day;
        if self.zh() {
            let t = title.clone().unwrap_or_default();
            let s = speaker.clone().unwrap_or_default();
            let sentence = match (item.kind, &speaker, &title) {
                (AgendaKind::Keynote, Some(_), Some(_)) => format!("{s}作题为《{t}》的主旨报告。"),
                (AgendaKind::Lecture, Some(_), Some(_)) if inbound => {
                    format!("{s}为代表团作题为《{t}》的讲座。")
                }
                (AgendaKind::Lecture, Some(_), Some(_)) => format!("{s}作题为《{t}》的讲座。"),
                (AgendaKind::ConcludingRemarks, Some(_), _) => {
                    format!("{s}作总结讲话{}。", quoted_zh(&title))
                }
                (AgendaKind::Report, Some(_), _) => format!("{s}作报告{}。", quoted_zh(&title)),
                (AgendaKind::ExperienceSharing, Some(_), _) => {
                    format!("{s}作经验分享{}。", quoted_zh(&title))
                }
                (AgendaKind::Remarks | AgendaKind::Speech, Some(_), Some(_)) => {
                    format!("{s}以《{t}》为题讲话。")
                }
                (_, Some(_), Some(_)) => format!("{s}：{t}。"),
                (_, Some(_), None) => format!("{s}发言。"),
                (_, None, _) => format!("{t}。"),
            };
            text.push_str(&sentence);
            for point in &item.points {
                text.push_str(&sentence_of(point, true));
            }
            return text;
        }
        let t = title.clone().unwrap_or_default();
        let s = speaker.clone().unwrap_or_default();
        let sentence = match (item.kind, &speaker, &title) {
            (AgendaKind::Keynote, Some(_), Some(_)) => {
                format!("{s} gave a keynote report titled \"{t}\".")
            }
            (AgendaKind::Lecture, Some(_), Some(_)) if inbound => {
                format!("{s} gave a lecture to the delegation on the topic of \"{t}\".")
            }
            (AgendaKind::Lecture, Some(_), Some(_)) => {
                format!("{s} gave a lecture on the topic of \"{t}\".")
            }
            (AgendaKind::ConcludingRemarks, Some(_), _) => {
                format!("{s} gave the concluding remarks{}.", quoted_en(&title))
            }
            (AgendaKind::Report, Some(_), _) => format!("{s} gave a report{}.", quoted_en(&title)),
            (AgendaKind::ExperienceSharing, Some(_), _) => {
                format!("{s} shared experience{}.", quoted_en(&title))
            }
            (AgendaKind::Remarks | AgendaKind::Speech, Some(_), Some(_)) => {
                format!("{s} spoke on \"{t}\".")
            }
            (_, Some(_), Some(_)) => format!("{s}: {t}."),
            (_, Some(_), None) => format!("{s} spoke."),
            (_, None, _) => sentence_of(&t, false),
        };
        text.push_str(&sentence);
        for point in &item.points {
            text.push(' ');
            text.push_str(&sentence_of(point, false));
        }
        text
    }

    /// "On November 18, " for an item of a later day of a longer activity.
    fn agenda_day(&self, item: &AgendaItem) -> String {
        let a = &self.d.activity;
        match item.on {
            Some(on) if a.start_date != a.end_date => {
                if self.zh() {
                    format!("{}月{}日，", on.month(), on.day())
                } else {
                    format!("On {} {}, ", month(on.month()), on.day())
                }
            }
            _ => String::new(),
        }
    }

    /// Participants named nowhere else in the draft.
    fn others(&self) -> Option<String> {
        let others: Vec<String> = self
            .d
            .activity
            .participants
            .iter()
            .filter(|p| !self.introduced.borrow().contains(&p.person.id))
            .map(|p| self.person(&p.person, p.position.as_deref()))
            .collect();
        if others.is_empty() {
            return None;
        }
        Some(if self.zh() {
            format!("{}参加了活动。", self.list(&others))
        } else {
            format!("{} also took part.", self.list(&others))
        })
    }

    fn party(&self, party: &Party) -> String {
        if let Some(org) = &party.organization {
            return self.organization_name(org);
        }
        if let Some(person) = &party.person {
            return self.person_name(person);
        }
        party.description.clone().unwrap_or_default()
    }

    fn gifts(&self) -> Option<String> {
        let gifts = &self.d.activity.gifts;
        if gifts.is_empty() {
            return None;
        }
        let items = |direction: GiftDirection| -> Vec<String> {
            gifts
                .iter()
                .filter(|g| g.direction == direction)
                .map(|g| {
                    let other = match direction {
                        GiftDirection::Given => self.party(&g.receiver),
                        GiftDirection::Received => self.party(&g.giver),
                    };
                    if self.zh() {
                        format!("{}（{other}）", g.item)
                    } else {
                        format!("{} ({other})", g.item.to_lowercase())
                    }
                })
                .collect()
        };
        let given = items(GiftDirection::Given);
        let received = items(GiftDirection::Received);
        Some(match (self.zh(), given.is_empty(), received.is_empty()) {
            (true, false, false) => format!(
                "双方互赠纪念品：我校赠送{}，收到{}。",
                self.list(&given),
                self.list(&received)
            ),
            (true, false, true) => format!("我校赠送{}。", self.list(&given)),
            (true, _, _) => format!("我校收到{}。", self.list(&received)),
            (false, false, false) => format!(
                "The two sides exchanged gifts: our university presented {} and received {}.",
                self.list(&given),
                self.list(&received)
            ),
            (false, false, true) => format!("Our university presented {}.", self.list(&given)),
            (false, _, _) => format!("Our university received {}.", self.list(&received)),
        })
    }

    fn outcomes(&self) -> Option<String> {
        let outcomes = &self.d.activity.outcomes;
        if outcomes.is_empty() {
            return None;
        }
        let zh = self.zh();
        let mut text = String::new();
        for outcome in outcomes {
            if !text.is_empty() && !zh {
                text.push(' ');
            }
            text.push_str(&sentence_of(&outcome.description, zh));
            if let Some(follow_up) = &outcome.follow_up {
                text.push_str(if zh { "下一步：" } else { " Next: " });
                text.push_str(&sentence_of(follow_up, zh));
            }
        }
        Some(text)
    }

    /// A paragraph on each partner: its profile, or the facts on record.
    fn partner_profiles(&self) -> Vec<String> {
        self.d
            .activity
            .partners
            .iter()
            .filter_map(|named| self.d.organization(named))
            .filter_map(|org| self.profile(org))
            .collect()
    }

    fn profile(&self, org: &Organization) -> Option<String> {
        let profile = if self.zh() {
            org.profile_zh.clone()
        } else {
            org.profile_en.clone()
        };
        let mut facts = Vec::new();
        let name = self.org_name(org);
        let zh = self.zh();
        if let Some(year) = org.founded_year {
            facts.push(if zh {
                format!("成立于{year}年")
            } else {
                format!("was founded in {year}")
            });
        }
        if let Some(members) = org.membership {
            facts.push(if zh {
                format!("现有会员{}人", thousands(members))
            } else {
                format!("has {} members", thousands(members))
            });
        }
        for affiliation in &org.affiliations {
            let other = self.organization_name(&affiliation.organization);
            facts.push(match (zh, affiliation.relation) {
                (true, AffiliationRelation::MemberOf) => format!("是{other}成员"),
                (true, AffiliationRelation::AffiliatedWith) => format!("隶属于{other}"),
                (true, AffiliationRelation::PartOf) => format!("是{other}的下属机构"),
                (false, AffiliationRelation::MemberOf) => {
                    format!("is a member of the {}", strip_the(&other))
                }
                (false, AffiliationRelation::AffiliatedWith) => {
                    format!("is affiliated with the {}", strip_the(&other))
                }
                (false, AffiliationRelation::PartOf) => {
                    format!("is part of the {}", strip_the(&other))
                }
            });
        }
        match (profile, facts.is_empty()) {
            (Some(profile), _) => Some(profile),
            (None, true) => None,
            (None, false) if zh => Some(format!("{name}{}。", facts.join("，"))),
            (None, false) => Some(format!("The {} {}.", strip_the(&name), join(&facts, false))),
        }
    }

    /// The office that signs the release, on a line of its own.
    fn signature(&self) -> Option<String> {
        let a = &self.d.activity;
        a.signed_by.clone().or_else(|| {
            a.host_unit.as_ref().map(|unit| {
                self.d
                    .host_unit
                    .as_ref()
                    .and_then(|u| self.pick(&u.name_zh, &u.name_en))
                    .unwrap_or_else(|| unit.name.clone())
            })
        })
    }
}

fn month(number: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTHS[(number as usize).saturating_sub(1).min(11)]
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// "A, B and C" or "A、B和C".
fn join(items: &[String], zh: bool) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] if zh => format!("{}和{last}", init.join("、")),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A name that already starts with "The" is not given a second one.
fn strip_the(name: &str) -> &str {
    name.strip_prefix("the ")
        .or_else(|| name.strip_prefix("The "))
        .unwrap_or(name)
}

/// A point or outcome as a sentence, with its closing stop.
fn sentence_of(text: &str, zh: bool) -> String {
    let text = text.trim();
    let ends = ['.', '!', '?', '。', '！', '？', '"', '”', '」'];
    if text.is_empty() {
        return String::new();
    }
    let closed = text.ends_with(ends);
    match (zh, has_chinese(text), closed) {
        (true, true, true) | (false, _, true) => text.to_owned(),
        (true, true, false) => format!("{text}。"),
        // An English point quoted in a Chinese release keeps its own punctuation, and a space
        // before whatever follows.
        (true, false, true) => format!("{text} "),
        (true, false, false) => format!("{text}. "),
        (false, _, false) => format!("{text}."),
    }
}

fn quoted_en(title: &Option<String>) -> String {
    title
        .as_ref()
        .map(|t| format!(", \"{t}\""))
        .unwrap_or_default()
}

fn quoted_zh(title: &Option<String>) -> String {
    title
        .as_ref()
        .map(|t| format!("《{t}》"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_numbers_are_written_the_way_each_language_writes_them() {
        let items = ["A".to_owned(), "B".to_owned(), "C".to_owned()];
        assert_eq!(join(&items, false), "A, B and C");
        assert_eq!(join(&items, true), "A、B和C");
        assert_eq!(join(&items[..1], false), "A");
        assert_eq!(
            sentence_of("Reviewed the exchanges", false),
            "Reviewed the exchanges."
        );
        assert_eq!(sentence_of("回顾了友好往来", true), "回顾了友好往来。");
        assert_eq!(strip_the("The LFTU"), "LFTU");
    }

    #[test]
    fn a_release_needs_a_title_and_a_text() {
        let mut input = NewsReleaseInput {
            version: None,
            title: "  ".into(),
            body: "\r\n".into(),
            published: true,
            photos: Vec::new(),
        };
        let crate::Error::Invalid(errors) = input.clone().validated().unwrap_err() else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body"]);
        input.title = " Visit ".into();
        input.body = "One\r\n\r\nTwo".into();
        let input = input.validated().unwrap();
        assert_eq!(input.title, "Visit");
        assert_eq!(paragraphs(&input.body), ["One", "Two"]);
    }
}
