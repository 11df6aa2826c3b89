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
    ActivityDossier, ActivityKind, AffiliationRelation, AgendaItem, AgendaKind, AgendaPart,
    DayPart, FieldErrors, Gift, GiftDirection, LecturerGroup, Named, Organization, Party, Person,
    Unit, UniversityRole,
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
///
/// Each draft is in one language: texts kept in both (titles, summaries, positions, agenda
/// points, attending groups, the byline) are taken in the draft's language, and where only the
/// other language is on record the text is used marked for the editor to translate (see
/// [`untranslated`]).
pub fn draft(dossier: &ActivityDossier, language: NewsLanguage) -> NewsDraft {
    let writer = Writer {
        d: dossier,
        lang: language,
        introduced: RefCell::new(Vec::new()),
    };
    let mut paragraphs = vec![writer.opening()];
    paragraphs.extend(writer.summary());
    for item in &dossier.activity.agenda {
        paragraphs.push(writer.agenda_item(item));
    }
    if let Some(others) = writer.others() {
        paragraphs.push(others);
    }
    paragraphs.extend(writer.agreements());
    paragraphs.extend(writer.gifts());
    paragraphs.extend(writer.outcomes());
    paragraphs.extend(writer.partner_profiles());
    paragraphs.extend(writer.signature());
    NewsDraft {
        title: writer.title(),
        body: paragraphs.join("\n\n"),
    }
}

/// A text of the other language, used in a draft where its own language is missing, marked so
/// that the editor sees what is left to translate: "〔待译：Vice President〕" in a Chinese draft,
/// "[to translate: 副校长]" in an English one.
pub fn untranslated(text: &str, language: NewsLanguage) -> String {
    match language {
        NewsLanguage::Zh => format!("〔待译：{text}〕"),
        NewsLanguage::En => format!("[to translate: {text}]"),
    }
}

/// Roles in which a person takes part as a member of a delegation, ours or a guest's.
pub const DELEGATION_ROLES: [&str; 3] = ["leader", "deputy_leader", "delegation_member"];

/// Roles the draft writes in sentences of their own, not as "attended".
const OWN_SENTENCE_ROLES: [&str; 4] = ["chair", "accompanying", "interpreter", "host"];

/// A person as the draft introduces them, and whether the introduction holds an apposition
/// ("Liu Xia, President"), which an English list must set off with commas.
struct Intro {
    text: String,
    apposition: bool,
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

    /// A text kept in both languages: the draft's own, else the other one marked.
    fn own(&self, zh: &Option<String>, en: &Option<String>) -> Option<String> {
        let (first, second) = if self.zh() { (zh, en) } else { (en, zh) };
        first
            .clone()
            .or_else(|| second.as_deref().map(|t| untranslated(t, self.lang)))
    }

    /// A text written in either language (`text`), with an English one beside it when `text`
    /// is Chinese: a Chinese draft takes `text` if it is Chinese, an English draft the English
    /// one or `text` if it is not Chinese; anything else is marked.
    fn in_language(&self, text: Option<&str>, en: Option<&str>) -> Option<String> {
        if self.zh() {
            return match (text, en) {
                (Some(t), _) if has_chinese(t) => Some(t.to_owned()),
                (Some(t), _) => Some(untranslated(t, self.lang)),
                (None, Some(e)) => Some(untranslated(e, self.lang)),
                (None, None) => None,
            };
        }
        match (text, en) {
            (_, Some(e)) => Some(e.to_owned()),
            (Some(t), None) if !has_chinese(t) => Some(t.to_owned()),
            (Some(t), None) => Some(untranslated(t, self.lang)),
            (None, None) => None,
        }
    }

    /// A list kept in either language with an English list beside it, as [`Self::in_language`].
    fn lines_in_language(&self, lines: &[String], en: &[String]) -> Vec<String> {
        if !self.zh() && !en.is_empty() {
            return en.to_vec();
        }
        if self.zh() && lines.is_empty() {
            return en.iter().map(|e| untranslated(e, self.lang)).collect();
        }
        lines
            .iter()
            .filter_map(|l| self.in_language(Some(l), None))
            .collect()
    }

    fn title(&self) -> String {
        let a = &self.d.activity;
        self.own(&a.title_zh, &a.title_en).unwrap_or_default()
    }

    fn us(&self) -> &'static str {
        if self.zh() {
            "我校"
        } else {
            "our university"
        }
    }

    fn person_name(&self, named: &Named) -> String {
        self.d
            .person(named)
            .and_then(|p| {
                // A Chinese release writes a foreign name in Latin letters where it has no
                // Chinese one; the original script comes last.
                let order = if self.zh() {
                    [&p.name_zh, &p.name_en, &p.name_original]
                } else {
                    [&p.name_en, &p.name_original, &p.name_zh]
                };
                order.into_iter().flatten().next().cloned()
            })
            .unwrap_or_else(|| named.name.clone())
    }

    /// An organization's name; the university itself is "我校" / "our university".
    fn organization_name(&self, named: &Named) -> String {
        if self.d.is_university(named) {
            return self.us().to_owned();
        }
        self.d
            .organization(named)
            .map(|o| self.org_name(o))
            .unwrap_or_else(|| named.name.clone())
    }

    fn org_name(&self, org: &Organization) -> String {
        let (first, second) = if self.zh() {
            (&org.name_zh, &org.name_en)
        } else {
            (&org.name_en, &org.name_zh)
        };
        first
            .clone()
            .or(org.name_original.clone())
            .or(second.clone())
            .unwrap_or_default()
    }

    fn unit_name(&self, unit: &Unit) -> String {
        self.own(&unit.name_zh, &unit.name_en).unwrap_or_default()
    }

    /// A person as the release names them: with their title and position (or, without one,
    /// their unit or organization) the first time, by name alone afterwards. "Professor Zhang
    /// Caiming, Vice Dean of …" or "副校长吴万雄". The position is the one held at the activity
    /// when recorded there, in the draft's language.
    fn intro(&self, named: &Named, position: Option<&str>, position_en: Option<&str>) -> Intro {
        let name = self.person_name(named);
        if self.introduced.borrow().contains(&named.id) {
            return Intro {
                text: name,
                apposition: false,
            };
        }
        self.introduced.borrow_mut().push(named.id);
        let person: Option<&Person> = self.d.person(named);
        let position = self.position(
            position,
            position_en,
            person.and_then(|p| p.position.as_deref()),
        );
        let belongs_to = person.and_then(|p| {
            let unit = p.unit.as_ref().and_then(|u| self.d.units.get(&u.id));
            match (unit, &p.organization) {
                (Some(unit), _) => Some(self.unit_name(unit)),
                (None, Some(org)) => Some(self.organization_name(org)),
                (None, None) => None,
            }
        });
        let title = person.and_then(|p| p.title.clone());
        if self.zh() {
            let title = title.filter(|t| has_chinese(t)).unwrap_or_default();
            let text = match (position, belongs_to) {
                (Some(pos), _) => format!("{pos}{name}{title}"),
                (None, Some(unit)) => format!("{unit}{name}{title}"),
                (None, None) => format!("{name}{title}"),
            };
            return Intro {
                text,
                apposition: false,
            };
        }
        let name = match title {
            Some(title) if !has_chinese(&title) => format!("{title} {name}"),
            _ => name,
        };
        match (position, belongs_to) {
            (Some(pos), _) => Intro {
                text: format!("{name}, {pos}"),
                apposition: true,
            },
            (None, Some(unit)) if unit == self.us() => Intro {
                text: format!("{name} of {unit}"),
                apposition: false,
            },
            (None, Some(unit)) => Intro {
                text: format!("{name} of the {}", strip_the(&unit)),
                apposition: false,
            },
            (None, None) => Intro {
                text: name,
                apposition: false,
            },
        }
    }

    /// A position in the draft's language: the one held at the activity, else the person's
    /// own; only when neither is in the draft's language, one of them marked.
    fn position(
        &self,
        at_activity: Option<&str>,
        at_activity_en: Option<&str>,
        own: Option<&str>,
    ) -> Option<String> {
        let candidates: Vec<&str> = if self.zh() {
            [at_activity, own].into_iter().flatten().collect()
        } else {
            [at_activity_en, at_activity, own]
                .into_iter()
                .flatten()
                .collect()
        };
        let zh = self.zh();
        if let Some(text) = candidates.into_iter().find(|t| has_chinese(t) == zh) {
            return Some(text.to_owned());
        }
        [at_activity, at_activity_en, own]
            .into_iter()
            .flatten()
            .next()
            .map(|t| untranslated(t, self.lang))
    }

    fn person(&self, named: &Named) -> String {
        self.intro(named, None, None).text
    }

    /// The participants of a role, introduced.
    fn in_role(&self, role: &str) -> Vec<Intro> {
        self.participants(|p| p.role == role)
    }

    fn participants(&self, keep: impl Fn(&crate::Participant) -> bool) -> Vec<Intro> {
        self.d
            .activity
            .participants
            .iter()
            .filter(|p| keep(p))
            .map(|p| self.intro(&p.person, p.position.as_deref(), p.position_en.as_deref()))
            .collect()
    }

    /// People in a list, written so that it reads one way only: in English, people with a
    /// position are set off by commas and, past two, separated by semicolons ("Liu Xia,
    /// President, and Chen Qingguo, Vice President"). `mid` closes the last apposition with a
    /// comma, for a list the sentence goes on after.
    fn names(&self, people: &[Intro], mid: bool) -> String {
        let texts: Vec<String> = people.iter().map(|p| p.text.clone()).collect();
        if self.zh() {
            return join(&texts, true);
        }
        let appositions = people.iter().any(|p| p.apposition);
        let mut text = match (texts.as_slice(), appositions) {
            (_, false) => join(&texts, false),
            ([one], true) => one.clone(),
            ([first, second], true) => format!("{first}, and {second}"),
            ([init @ .., last], true) => format!("{}; and {last}", init.join("; ")),
            ([], true) => String::new(),
        };
        if mid && people.last().is_some_and(|p| p.apposition) {
            text.push(',');
        }
        text
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
        let a = &self.d.activity;
        let groups = self.lines_in_language(&a.attending_groups, &a.attending_groups_en);
        (!groups.is_empty()).then(|| self.list(&groups))
    }

    fn online(&self) -> bool {
        self.d.activity.kind == ActivityKind::OnlineMeeting
    }

    fn opening(&self) -> String {
        let mut text = match self.d.activity.kind {
            ActivityKind::InboundVisit => self.opening_visit(),
            ActivityKind::OutboundTrip => self.opening_trip(),
            _ => self.opening_event(),
        };
        text.push_str(&self.role_sentences());
        text
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

    /// The named members of the delegation besides its leaders.
    fn members(&self) -> Option<String> {
        let members =
            self.participants(|p| p.role == "deputy_leader" || p.role == "delegation_member");
        if members.is_empty() {
            return None;
        }
        Some(if self.zh() {
            format!("代表团成员包括{}。", self.names(&members, false))
        } else {
            format!(" The delegation included {}.", self.names(&members, false))
        })
    }

    /// The chair, the people accompanying the guests and the interpreters, each in their role.
    fn role_sentences(&self) -> String {
        let zh = self.zh();
        let meeting = match (self.d.activity.kind, zh) {
            (ActivityKind::InboundVisit | ActivityKind::OutboundTrip, true) => "会见",
            (_, true) => "会议",
            (ActivityKind::InboundVisit | ActivityKind::OutboundTrip, false) => "The meeting",
            (_, false) => "It",
        };
        let mut text = String::new();
        let chairs = self.in_role("chair");
        if !chairs.is_empty() {
            text.push_str(&if zh {
                format!("{meeting}由{}主持。", self.names(&chairs, false))
            } else {
                format!(" {meeting} was chaired by {}.", self.names(&chairs, false))
            });
        }
        let accompanying = self.in_role("accompanying");
        if !accompanying.is_empty() {
            let list = self.names(&accompanying, true);
            text.push_str(&match (zh, self.d.activity.kind) {
                (true, ActivityKind::InboundVisit) => format!("{list}陪同来访。"),
                (true, ActivityKind::OutboundTrip) => format!("{list}陪同出访。"),
                (true, _) => format!("{list}陪同出席。"),
                (false, ActivityKind::InboundVisit | ActivityKind::OutboundTrip) => {
                    format!(" {list} accompanied the delegation.")
                }
                (false, _) => format!(" {list} accompanied the guests."),
            });
        }
        let interpreters = self.in_role("interpreter");
        if !interpreters.is_empty() {
            let list = self.names(&interpreters, true);
            text.push_str(&if zh {
                format!("{list}担任翻译。")
            } else {
                format!(" {list} interpreted.")
            });
        }
        text
    }

    fn opening_visit(&self) -> String {
        let when = self.when();
        let partners = self.list(&self.partners());
        let leaders = self.in_role("leader");
        let leaders_text = self.names(&leaders, true);
        // A position that already names the partner ("越南工会大学校长", "老挝驻华大使" of the
        // embassy) is not preceded by the partner's name again.
        let named_in_leaders = !partners.is_empty()
            && (leaders_text.contains(&partners)
                || (self.zh() && shared_start(&leaders_text, &partners) >= 4));
        let hosts = self.in_role("host");
        let groups = self.groups();
        let venue = self.d.activity.venue.clone();
        if self.zh() {
            let mut text = when;
            if let Some(inviting) = self.inviting() {
                text.push('，');
                text.push_str(&inviting);
            }
            text.push('，');
            let from = if named_in_leaders { "" } else { &partners };
            if leaders.is_empty() {
                text.push_str(&format!("{partners}{}访问我校。", self.delegation()));
            } else {
                text.push_str(&format!(
                    "{from}{leaders_text}率{}访问我校。",
                    self.delegation()
                ));
            }
            text.push_str(&self.members().unwrap_or_default());
            if !hosts.is_empty() {
                let place = venue.map(|v| format!("在{v}")).unwrap_or_default();
                text.push_str(&format!("{}{place}会见了代表团", self.names(&hosts, true)));
                if let Some(groups) = groups {
                    text.push_str(&format!("，{groups}参加会见"));
                }
                text.push('。');
            } else if let Some(venue) = venue {
                text.push_str(&format!("会见在{venue}举行。"));
            }
            return text;
        }
        let mut text = when;
        if let Some(inviting) = self.inviting() {
            text.push_str(", ");
            text.push_str(&inviting);
        }
        let from = if partners.is_empty() || named_in_leaders {
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
                ", {leaders_text} led {}{from} to visit our university.",
                self.delegation()
            ));
        }
        text.push_str(&self.members().unwrap_or_default());
        if !hosts.is_empty() {
            let place = venue.map(|v| format!(" in {v}")).unwrap_or_default();
            text.push_str(&format!(
                " {} received the delegation{place}",
                self.names(&hosts, true)
            ));
            if let Some(groups) = groups {
                text.push_str(&format!(", with {groups} attending the meeting"));
            }
            text.push('.');
        } else if let Some(venue) = venue {
            text.push_str(&format!(" The meeting took place in {venue}."));
        }
        text
    }

    /// An outbound trip, from the university's side: our delegation, led by one of ours,
    /// visited the partners and met their people.
    fn opening_trip(&self) -> String {
        let when = self.when();
        let partners = self.list(&self.partners());
        let ours = |p: &crate::Participant| self.d.is_ours(&p.person);
        let leaders = self.participants(|p| p.role == "leader" && ours(p));
        let members = self.participants(|p| {
            ours(p) && p.role != "leader" && !OWN_SENTENCE_ROLES.contains(&p.role.as_str())
        });
        let met = self.participants(|p| {
            !ours(p) && !["accompanying", "interpreter"].contains(&p.role.as_str())
        });
        let venue = self.d.activity.venue.clone();
        if self.zh() {
            let mut text = when;
            if let Some(inviting) = self.inviting() {
                text.push('，');
                text.push_str(&inviting);
            }
            text.push('，');
            if !leaders.is_empty() {
                text.push_str(&self.names(&leaders, true));
                text.push('率');
            }
            text.push_str(&format!("我校{}", self.delegation()));
            if let Some(venue) = venue {
                text.push_str(&format!("赴{venue}"));
            }
            if partners.is_empty() {
                text.push_str("出访");
            } else {
                text.push_str(&format!("访问{partners}"));
            }
            if !met.is_empty() {
                text.push_str(&format!("，会见了{}", self.names(&met, false)));
            }
            text.push('。');
            if !members.is_empty() {
                text.push_str(&format!("代表团成员包括{}。", self.names(&members, false)));
            }
            return text;
        }
        let mut text = format!("{when}, {} of our university", self.delegation());
        if !leaders.is_empty() {
            text.push_str(&format!(", led by {}", self.names(&leaders, true)));
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
            text.push_str(&format!(", {inviting},"));
        }
        if !met.is_empty() {
            text.push_str(&format!(" and met {}", self.names(&met, false)));
        }
        text.push('.');
        if !members.is_empty() {
            text.push_str(&format!(
                " The delegation included {}.",
                self.names(&members, false)
            ));
        }
        text
    }

    /// Whether a title already names the university as its subject ("我校与…举行…").
    fn title_names_us(&self, title: &str) -> bool {
        let u = &self.d.university;
        let mut names = vec!["我校", "本校", "our university", "the university"];
        names.extend(
            [&u.name_zh, &u.name_en, &u.abbreviation]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        let lower = title.to_lowercase();
        names
            .iter()
            .any(|n| !n.is_empty() && lower.starts_with(&n.to_lowercase()))
    }

    /// Conferences, lectures, courses, ceremonies and meetings: held by the university, or run
    /// by another body (the organizer) with the university co-organizing, hosting or taking
    /// part.
    fn opening_event(&self) -> String {
        let a = &self.d.activity;
        let when = self.when();
        let title = self.title();
        let partners = self.partners();
        let attendees = self.participants(|p| {
            !OWN_SENTENCE_ROLES.contains(&p.role.as_str())
                && !DELEGATION_ROLES.contains(&p.role.as_str())
        });
        let organizer = a
            .organizer
            .as_ref()
            .filter(|o| !self.d.is_university(o))
            .map(|o| self.organization_name(o));
        let our_unit = self.d.host_unit.as_ref().map(|u| self.unit_name(u));
        let online = self.online();
        let zh = self.zh();
        let mut text = if zh {
            let verb = match a.kind {
                ActivityKind::Conference | ActivityKind::OnlineMeeting => "召开",
                _ => "举行",
            };
            let place = match (&a.venue, online) {
                (_, true) => format!("以视频会议形式{verb}"),
                (Some(venue), false) => format!("在{venue}{verb}"),
                (None, false) => verb.to_owned(),
            };
            let ours = format!("我校{}", our_unit.clone().unwrap_or_default());
            match (&organizer, a.university_role) {
                (None, _) if self.title_names_us(&title) => format!("{when}，{title}{place}。"),
                (None, _) => format!("{when}，我校{title}{place}。"),
                (Some(org), UniversityRole::Host) => {
                    format!("{when}，由{org}主办、{ours}承办的{title}{place}。")
                }
                (Some(org), UniversityRole::Participant) => {
                    format!("{when}，{org}主办的{title}{place}，{ours}参加。")
                }
                (Some(org), UniversityRole::Organizer | UniversityRole::CoOrganizer) => {
                    format!("{when}，由{org}与{ours}联合主办的{title}{place}。")
                }
            }
        } else {
            let place = match (&a.venue, online) {
                (_, true) => " online".to_owned(),
                (Some(venue), false) => format!(" in {venue}"),
                (None, false) => String::new(),
            };
            let title = strip_the(&title).to_owned();
            let ours = match &our_unit {
                Some(unit) => format!("our university's {}", strip_the(unit)),
                None => "our university".to_owned(),
            };
            match (&organizer, a.university_role) {
                (None, _) if self.title_names_us(&title) => {
                    format!("{when}, {title} was held{place}.")
                }
                (None, _) => format!("{when}, our university held the {title}{place}."),
                (Some(org), UniversityRole::Host) => format!(
                    "{when}, the {title}, organized by the {} and hosted by {ours}, was held{place}.",
                    strip_the(org)
                ),
                (Some(org), UniversityRole::Participant) => format!(
                    "{when}, the {} held the {title}{place}. {} took part.",
                    strip_the(org),
                    capitalized(&ours)
                ),
                (Some(org), UniversityRole::Organizer | UniversityRole::CoOrganizer) => format!(
                    "{when}, the {title}, organized by the {} together with {ours}, was held{place}.",
                    strip_the(org)
                ),
            }
        };
        if let Some(inviting) = self.inviting() {
            text.push_str(&if zh {
                format!("活动{inviting}举办。")
            } else {
                format!(" It was held {inviting}.")
            });
        }
        if !partners.is_empty() {
            text.push_str(&if zh {
                format!("{}参加。", self.list(&partners))
            } else {
                format!(" The {} took part.", strip_the(&self.list(&partners)))
            });
        }
        let members = self.participants(|p| DELEGATION_ROLES.contains(&p.role.as_str()));
        if !members.is_empty() || a.delegation_size.is_some() {
            let delegation = self.delegation();
            text.push_str(&match (zh, members.is_empty()) {
                (true, true) => format!("{delegation}参加。"),
                (true, false) => format!(
                    "{delegation}参加，成员包括{}。",
                    self.names(&members, false)
                ),
                (false, true) => format!(" {} took part.", capitalized(&delegation)),
                (false, false) => format!(
                    " {} took part, including {}.",
                    capitalized(&delegation),
                    self.names(&members, false)
                ),
            });
        }
        if !attendees.is_empty() {
            text.push_str(&if zh {
                format!("{}出席。", self.names(&attendees, true))
            } else {
                format!(" {} attended.", self.names(&attendees, true))
            });
        }
        if let Some(groups) = self.groups() {
            text.push_str(&if zh {
                format!("{groups}参加。")
            } else {
                format!(" {groups} took part as well.")
            });
        }
        text
    }

    /// What the office typed as the summary, in the draft's language.
    fn summary(&self) -> Option<String> {
        let a = &self.d.activity;
        self.own(&a.summary_zh, &a.summary_en)
    }

    fn agenda_item(&self, item: &AgendaItem) -> String {
        let title = self.own(&item.title_zh, &item.title_en);
        // The speaker opens a sentence that goes on, so an English apposition is closed.
        let speaker = item.speaker.as_ref().map(|s| {
            let intro = self.intro(s, None, None);
            if intro.apposition {
                format!("{},", intro.text)
            } else {
                intro.text
            }
        });
        let mut text = self.agenda_day(item);
        let sentence = match (&item.lecturers, &speaker) {
            (Some(group), None) => self.lecturers_sentence(group, title),
            _ => self.agenda_sentence(item.kind, speaker, title),
        };
        if !text.is_empty() && !self.zh() {
            // "On May 14, the participants…": a sentence set after the day starts in lower case.
            text.push_str(&lower_starter(&sentence));
        } else {
            text.push_str(&sentence);
        }
        let zh = self.zh();
        let points = self.lines_in_language(&item.points, &item.points_en);
        for point in &points {
            if !zh {
                text.push(' ');
            }
            text.push_str(&sentence_of(point, zh));
        }
        text.trim_end().to_owned()
    }

    /// The sentence an agenda item opens with: who did what, or, without a speaker, what
    /// took place, always as a full sentence.
    fn agenda_sentence(
        &self,
        kind: AgendaKind,
        speaker: Option<String>,
        title: Option<String>,
    ) -> String {
        let kind_of_activity = self.d.activity.kind;
        let inbound = kind_of_activity == ActivityKind::InboundVisit;
        let who = match (self.zh(), kind_of_activity) {
            (true, ActivityKind::InboundVisit) => "代表团",
            (true, ActivityKind::TrainingCourse) => "学员",
            (true, _) => "与会人员",
            (false, ActivityKind::InboundVisit) => "The delegation",
            (false, ActivityKind::TrainingCourse) => "The participants",
            (false, _) => "Participants",
        };
        if self.zh() {
            let t = title.clone().unwrap_or_default();
            return match (kind, speaker.clone(), title.clone()) {
                (AgendaKind::Keynote, Some(s), Some(_)) => format!("{s}作题为《{t}》的主旨报告。"),
                (AgendaKind::Keynote, None, Some(_)) => format!("会上作了题为《{t}》的主旨报告。"),
                (AgendaKind::Lecture, Some(s), Some(_)) if inbound => {
                    format!("{s}为代表团作题为《{t}》的讲座。")
                }
                (AgendaKind::Lecture, Some(s), Some(_)) => format!("{s}作题为《{t}》的讲座。"),
                (AgendaKind::Lecture, None, Some(_)) => format!("{who}听取了题为《{t}》的讲座。"),
                (AgendaKind::Lecture, Some(s), None) => format!("{s}作专题讲座。"),
                (AgendaKind::ConcludingRemarks, Some(s), _) => {
                    format!(
                        "{s}作总结讲话{}。",
                        quoted_zh(&speech_topic(title.as_deref()))
                    )
                }
                (AgendaKind::Report, Some(s), _) => format!("{s}作报告{}。", quoted_zh(&title)),
                (AgendaKind::ExperienceSharing, Some(s), _) => {
                    format!("{s}作经验分享{}。", quoted_zh(&title))
                }
                (AgendaKind::Remarks | AgendaKind::Speech, Some(s), Some(_))
                    if is_speech_name(&t) =>
                {
                    format!("{s}发表{t}。")
                }
                (AgendaKind::Remarks | AgendaKind::Speech, Some(s), Some(_)) => {
                    let topic = speech_topic(Some(&t)).unwrap_or_default();
                    format!("{s}发表题为《{topic}》的讲话。")
                }
                (AgendaKind::Remarks | AgendaKind::Speech, Some(s), None) => format!("{s}致辞。"),
                (AgendaKind::Visit, _, Some(_)) if t.starts_with("参观") => {
                    format!(
                        "{}{t}。",
                        speaker.map_or(who.to_owned(), |s| format!("{s}陪同{who}"))
                    )
                }
                (AgendaKind::Visit, _, Some(_)) => format!("{who}参观了{t}。"),
                (AgendaKind::Discussion, _, Some(_)) => format!("在{t}中，{who}进行了交流讨论。"),
                (AgendaKind::Discussion, _, None) => format!("{who}进行了交流讨论。"),
                (AgendaKind::GiftExchange, _, _) => "双方互赠纪念品。".to_owned(),
                (AgendaKind::Ceremony, None, Some(_)) => format!("活动举行了{t}。"),
                (_, Some(s), Some(_)) => format!("{s}：{t}。"),
                (_, Some(s), None) => format!("{s}发言。"),
                (_, None, Some(_)) => format!("活动安排了{t}。"),
                (_, None, None) => String::new(),
            };
        }
        let t = title.clone().unwrap_or_default();
        let lower = lower_first(&t);
        match (kind, speaker, title.clone()) {
            (AgendaKind::Keynote, Some(s), Some(_)) => {
                format!("{s} gave a keynote report titled \"{t}\".")
            }
            (AgendaKind::Keynote, None, Some(_)) => {
                format!("A keynote report titled \"{t}\" was given.")
            }
            (AgendaKind::Lecture, Some(s), Some(_)) if inbound => {
                format!("{s} gave a lecture to the delegation on the topic of \"{t}\".")
            }
            (AgendaKind::Lecture, Some(s), Some(_)) => {
                format!("{s} gave a lecture on the topic of \"{t}\".")
            }
            (AgendaKind::Lecture, None, Some(_)) => {
                format!("{who} attended a lecture on the topic of \"{t}\".")
            }
            (AgendaKind::Lecture, Some(s), None) => format!("{s} gave a lecture."),
            (AgendaKind::ConcludingRemarks, Some(s), _) => format!(
                "{s} gave the concluding remarks{}.",
                quoted_en(&speech_topic(title.as_deref()))
            ),
            (AgendaKind::Report, Some(s), _) => format!("{s} gave a report{}.", quoted_en(&title)),
            (AgendaKind::ExperienceSharing, Some(s), _) => {
                format!("{s} shared experience{}.", quoted_en(&title))
            }
            (AgendaKind::Remarks | AgendaKind::Speech, Some(s), Some(_)) if is_speech_name(&t) => {
                format!("{s} delivered the {}.", strip_the(&t))
            }
            (AgendaKind::Remarks | AgendaKind::Speech, Some(s), Some(_)) => {
                let topic = speech_topic(Some(&t)).unwrap_or_default();
                format!("{s} gave a speech titled \"{topic}\".")
            }
            (AgendaKind::Remarks | AgendaKind::Speech, Some(s), None) => {
                format!("{s} gave a speech.")
            }
            (AgendaKind::Visit, s, Some(_)) => {
                let place = t
                    .strip_prefix("Visit to ")
                    .or_else(|| t.strip_prefix("visit to "))
                    .unwrap_or(&t);
                match s {
                    Some(s) => format!("{s} accompanied {} to {place}.", lower_first(who)),
                    None => format!("{who} visited {place}."),
                }
            }
            (AgendaKind::Discussion, _, Some(_)) => {
                format!(
                    "In the {}, {} held discussions.",
                    strip_the(&lower),
                    lower_first(who)
                )
            }
            (AgendaKind::Discussion, _, None) => format!("{who} held discussions."),
            (AgendaKind::GiftExchange, _, _) => "The two sides exchanged gifts.".to_owned(),
            (AgendaKind::Ceremony, None, Some(_)) => {
                format!("The {} was held.", strip_the(&lower))
            }
            (_, Some(s), Some(_)) => format!("{}: {t}.", s.trim_end_matches(',')),
            (_, Some(s), None) => format!("{} spoke.", s.trim_end_matches(',')),
            (_, None, Some(_)) => format!("The programme included {}.", article(&lower)),
            (_, None, None) => String::new(),
        }
    }

    /// "On November 18, " for an item of a day of a longer activity, with its half day and
    /// the days it runs to ("From October 15 to 17, "), and its room ("at Building 2, ").
    fn agenda_day(&self, item: &AgendaItem) -> String {
        let a = &self.d.activity;
        let zh = self.zh();
        let part = item.part.filter(|p| *p != AgendaPart::FullDay);
        let mut text = match (item.on, item.ends_on) {
            _ if a.start_date == a.end_date => match part {
                Some(part) if zh => format!("{}，", part_zh(part)),
                Some(part) => format!("In the {}, ", part_en(part)),
                None => String::new(),
            },
            (Some(on), Some(ends)) if zh => {
                let to = if ends.month() == on.month() {
                    format!("{}日", ends.day())
                } else {
                    format!("{}月{}日", ends.month(), ends.day())
                };
                let part = part.map(part_zh).unwrap_or_default();
                format!("{}月{}日至{to}{part}，", on.month(), on.day())
            }
            (Some(on), Some(ends)) => {
                let to = if ends.month() == on.month() {
                    ends.day().to_string()
                } else {
                    format!("{} {}", month(ends.month()), ends.day())
                };
                let each = part
                    .map(|p| format!(" each {}", part_en(p)))
                    .unwrap_or_default();
                format!("From {} {} to {to}{each}, ", month(on.month()), on.day())
            }
            (Some(on), None) if zh => format!(
                "{}月{}日{}，",
                on.month(),
                on.day(),
                part.map(part_zh).unwrap_or_default()
            ),
            (Some(on), None) => match part {
                Some(part) => format!(
                    "On the {} of {} {}, ",
                    part_en(part),
                    month(on.month()),
                    on.day()
                ),
                None => format!("On {} {}, ", month(on.month()), on.day()),
            },
            (None, _) => String::new(),
        };
        if let Some(venue) = &item.venue {
            if zh {
                text.push_str(&format!("在{venue}，"));
            } else if text.is_empty() {
                text.push_str(&format!("At {venue}, "));
            } else {
                text.push_str(&format!("at {venue}, "));
            }
        }
        text
    }

    /// The sentence of an agenda item given by lecturers the release does not name one by
    /// one: "9名我校教师为学员授课，主题为《…》。", "Nine teachers of the school lectured the
    /// participants on "…"."
    fn lecturers_sentence(&self, group: &LecturerGroup, title: Option<String>) -> String {
        let kind = self.d.activity.kind;
        let count = group.count;
        if self.zh() {
            let who = match kind {
                ActivityKind::InboundVisit => "代表团",
                ActivityKind::TrainingCourse => "学员",
                _ => "与会人员",
            };
            let described = self
                .in_language(
                    group.description_zh.as_deref(),
                    group.description_en.as_deref(),
                )
                .unwrap_or_else(|| "教师".to_owned());
            let lecturers = format!("{count}名{described}");
            return match title {
                Some(t) => format!("{lecturers}为{who}授课，主题为《{t}》。"),
                None => format!("{lecturers}为{who}授课。"),
            };
        }
        let who = match kind {
            ActivityKind::InboundVisit => "the delegation",
            ActivityKind::TrainingCourse => "the participants",
            _ => "the participants",
        };
        let described = match (&group.description_en, &group.description_zh) {
            (Some(en), _) => en.clone(),
            (None, Some(zh)) => untranslated(zh, self.lang),
            (None, None) => if count == 1 { "lecturer" } else { "lecturers" }.to_owned(),
        };
        let lecturers = capitalized(&format!("{} {described}", count_en(count)));
        match title {
            Some(t) => format!("{lecturers} lectured {who} on \"{t}\"."),
            None => format!("{lecturers} gave lectures to {who}."),
        }
    }

    /// Participants named nowhere else in the draft.
    fn others(&self) -> Option<String> {
        let others = self.participants(|p| !self.introduced.borrow().contains(&p.person.id));
        if others.is_empty() {
            return None;
        }
        Some(if self.zh() {
            format!("{}参加了活动。", self.names(&others, true))
        } else {
            format!("{} also took part.", self.names(&others, true))
        })
    }

    /// The agreements signed at the activity, with who signed them and until when they run.
    fn agreements(&self) -> Vec<String> {
        let zh = self.zh();
        let during = match (zh, self.d.activity.kind) {
            (true, ActivityKind::InboundVisit | ActivityKind::OutboundTrip) => "访问期间",
            (true, _) => "活动期间",
            (false, ActivityKind::InboundVisit | ActivityKind::OutboundTrip) => "During the visit",
            (false, _) => "During the event",
        };
        self.d
            .agreements
            .iter()
            .map(|agreement| {
                let title = self
                    .own(&agreement.title_zh, &agreement.title_en)
                    .unwrap_or_default();
                let signers: Vec<Intro> = agreement
                    .signatories
                    .iter()
                    .filter_map(|s| match (&s.person, &s.name) {
                        (Some(person), _) => Some(self.intro(person, s.capacity.as_deref(), None)),
                        (None, Some(name)) => Some(Intro {
                            text: name.clone(),
                            apposition: false,
                        }),
                        (None, None) => None,
                    })
                    .collect();
                let mut text = match (zh, signers.is_empty()) {
                    (true, true) => format!("{during}，双方签署了《{title}》"),
                    (true, false) => format!(
                        "{during}，{}代表双方签署了《{title}》",
                        self.names(&signers, false)
                    ),
                    (false, true) => {
                        format!("{during}, the two sides signed the {}", strip_the(&title))
                    }
                    (false, false) => format!(
                        "{during}, {} signed the {} on behalf of the two sides",
                        self.names(&signers, true),
                        strip_the(&title)
                    ),
                };
                if let Some(to) = agreement.valid_to {
                    text.push_str(&if zh {
                        format!("，有效期至{}年{}月{}日", to.year(), to.month(), to.day())
                    } else {
                        format!(
                            ", valid until {} {}, {}",
                            month(to.month()),
                            to.day(),
                            to.year()
                        )
                    });
                }
                text.push_str(if zh { "。" } else { "." });
                text
            })
            .collect()
    }

    /// A giver or receiver: a person (introduced), an organization, or how it was described.
    fn party(&self, party: &Party) -> String {
        if let Some(person) = &party.person {
            return self.person(person);
        }
        if let Some(org) = &party.organization {
            return self.organization_name(org);
        }
        party.description.clone().unwrap_or_default()
    }

    fn gift_item(&self, gift: &Gift) -> String {
        if self.zh() {
            gift.item.clone()
        } else {
            article(&lower_first(&gift.item))
        }
    }

    /// Gifts: between named people as such ("X and Y exchanged gifts"), otherwise between the
    /// two sides.
    fn gifts(&self) -> Option<String> {
        let gifts = &self.d.activity.gifts;
        if gifts.is_empty() {
            return None;
        }
        let zh = self.zh();
        let same = |a: &Party, b: &Party| {
            a.person.as_ref().map(|p| p.id) == b.person.as_ref().map(|p| p.id)
                && a.organization.as_ref().map(|o| o.id) == b.organization.as_ref().map(|o| o.id)
                && a.description == b.description
        };
        let by_person = |g: &Gift| g.giver.person.is_some() || g.receiver.person.is_some();
        let mut sentences = Vec::new();
        let mut used = vec![false; gifts.len()];
        // Between people: pairs of gifts given and returned, then each gift alone.
        for (i, g) in gifts.iter().enumerate() {
            if used[i] || !by_person(g) {
                continue;
            }
            used[i] = true;
            let back = gifts.iter().enumerate().position(|(j, r)| {
                !used[j] && same(&r.giver, &g.receiver) && same(&r.receiver, &g.giver)
            });
            let giver = self.party(&g.giver);
            let receiver = self.party(&g.receiver);
            sentences.push(match back {
                Some(j) => {
                    used[j] = true;
                    let r = &gifts[j];
                    if zh {
                        format!(
                            "{giver}与{receiver}互赠礼品：{}赠送{}，{}回赠{}。",
                            self.party(&g.giver),
                            self.gift_item(g),
                            self.party(&r.giver),
                            self.gift_item(r)
                        )
                    } else {
                        format!(
                            "{giver} and {receiver} exchanged gifts: {} presented {} and {} presented {}.",
                            self.party(&g.giver),
                            self.gift_item(g),
                            self.party(&r.giver),
                            self.gift_item(r)
                        )
                    }
                }
                None if zh => format!("{giver}向{receiver}赠送了{}。", self.gift_item(g)),
                None => format!("{giver} presented {receiver} with {}.", self.gift_item(g)),
            });
        }
        let rest = |direction: GiftDirection| -> Vec<String> {
            gifts
                .iter()
                .enumerate()
                .filter(|(i, g)| !used[*i] && g.direction == direction)
                .map(|(_, g)| {
                    let other = match direction {
                        GiftDirection::Given => self.party(&g.receiver),
                        GiftDirection::Received => self.party(&g.giver),
                    };
                    if zh {
                        format!("{}（{other}）", g.item)
                    } else {
                        format!("{} ({other})", lower_first(&g.item))
                    }
                })
                .collect()
        };
        let given = rest(GiftDirection::Given);
        let received = rest(GiftDirection::Received);
        let sides = match (zh, given.is_empty(), received.is_empty()) {
            (_, true, true) => None,
            (true, false, false) => Some(format!(
                "双方互赠纪念品：我校赠送{}，收到{}。",
                self.list(&given),
                self.list(&received)
            )),
            (true, false, true) => Some(format!("我校赠送{}。", self.list(&given))),
            (true, true, false) => Some(format!("我校收到{}。", self.list(&received))),
            (false, false, false) => Some(format!(
                "The two sides exchanged gifts: our university presented {} and received {}.",
                self.list(&given),
                self.list(&received)
            )),
            (false, false, true) => {
                Some(format!("Our university presented {}.", self.list(&given)))
            }
            (false, true, false) => {
                Some(format!("Our university received {}.", self.list(&received)))
            }
        };
        sentences.extend(sides);
        Some(sentences.join(if zh { "" } else { " " }))
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
        Some(text.trim_end().to_owned())
    }

    /// A paragraph on each partner: its profile, or the facts on record.
    fn partner_profiles(&self) -> Vec<String> {
        self.d
            .activity
            .partners
            .iter()
            .filter(|named| !self.d.is_university(named))
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

    /// The office that signs the release, on a line of its own: the byline on record in the
    /// draft's language, else the host unit's name.
    fn signature(&self) -> Option<String> {
        let a = &self.d.activity;
        if a.signed_by.is_some() || a.signed_by_en.is_some() {
            return self.in_language(a.signed_by.as_deref(), a.signed_by_en.as_deref());
        }
        a.host_unit.as_ref().map(|unit| {
            self.d
                .host_unit
                .as_ref()
                .map(|u| self.unit_name(u))
                .unwrap_or_else(|| unit.name.clone())
        })
    }
}

/// Whether a speech's title names the speech itself ("开班仪式致辞", "Opening Address") rather
/// than its topic.
fn is_speech_name(title: &str) -> bool {
    const ZH: [&str; 7] = ["致辞", "致词", "讲话", "发言", "欢迎辞", "贺词", "答谢辞"];
    const EN: [&str; 6] = [
        "address",
        "remarks",
        "speech",
        "greetings",
        "welcome",
        "toast",
    ];
    let lower = title.trim().to_lowercase();
    let lower = lower.trim_end_matches(['.', '。', '"', '”']);
    ZH.iter().any(|w| lower.ends_with(w)) || EN.iter().any(|w| lower.ends_with(w))
}

/// The topic of a speech titled "讲话：topic" or "Remarks: topic"; the title itself otherwise.
fn speech_topic(title: Option<&str>) -> Option<String> {
    let title = title?;
    const PREFIXES: [&str; 8] = [
        "讲话：",
        "致辞：",
        "发言：",
        "总结讲话：",
        "Remarks: ",
        "Concluding remarks: ",
        "Speech: ",
        "Address: ",
    ];
    for prefix in PREFIXES {
        if let Some(rest) = title.strip_prefix(prefix) {
            return Some(rest.to_owned());
        }
    }
    (!is_speech_name(title) || title.chars().count() > 12).then(|| title.to_owned())
}

/// How many characters two texts share from their start.
fn shared_start(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// A title's first letter in lower case, unless it starts an acronym or a name in capitals.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push_str(&text[first.len_utf8()..]);
            out
        }
        _ => text.to_owned(),
    }
}

/// A sentence's first word in lower case when it is one that opens sentences ("The", "A",
/// "Participants"), for a sentence set after an opening phrase; names keep their capitals.
fn lower_starter(sentence: &str) -> String {
    const COUNTS: [&str; 10] = [
        "One ", "Two ", "Three ", "Four ", "Five ", "Six ", "Seven ", "Eight ", "Nine ", "Ten ",
    ];
    for starter in ["The ", "A ", "An ", "Participants ", "In "]
        .iter()
        .chain(&COUNTS)
    {
        if sentence.starts_with(starter) {
            return lower_first(sentence);
        }
    }
    sentence.to_owned()
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A noun phrase with "a" or "an" before it, unless it has its own article or is a plural
/// English speakers write without one.
fn article(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    if ["a ", "an ", "the ", "two ", "three ", "some "]
        .iter()
        .any(|a| lower.starts_with(a))
        || lower.ends_with('s')
        || phrase.chars().next().is_some_and(char::is_uppercase)
    {
        return phrase.to_owned();
    }
    let vowel = lower.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {phrase}", if vowel { "an" } else { "a" })
}

/// A half day as the Chinese drafts write it.
fn part_zh(part: AgendaPart) -> &'static str {
    match part {
        AgendaPart::FullDay => "全天",
        AgendaPart::Morning => "上午",
        AgendaPart::Afternoon => "下午",
        AgendaPart::Evening => "晚上",
    }
}

/// A half day as the English drafts write it.
fn part_en(part: AgendaPart) -> &'static str {
    match part {
        AgendaPart::FullDay => "day",
        AgendaPart::Morning => "morning",
        AgendaPart::Afternoon => "afternoon",
        AgendaPart::Evening => "evening",
    }
}

/// A number of people as English prose writes it: in words up to ten, in digits above.
fn count_en(count: i32) -> String {
    const WORDS: [&str; 11] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    usize::try_from(count)
        .ok()
        .and_then(|n| WORDS.get(n))
        .map_or_else(|| count.to_string(), |w| (*w).to_owned())
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
    fn a_speech_named_as_such_is_told_from_a_speech_on_a_topic() {
        assert!(is_speech_name("开班仪式致辞"));
        assert!(is_speech_name("Opening Ceremony Address"));
        assert!(!is_speech_name("深化国际工会合作"));
        assert_eq!(
            speech_topic(Some("讲话：处理好四个平衡")).as_deref(),
            Some("处理好四个平衡")
        );
        assert_eq!(
            speech_topic(Some("Remarks: four balances")).as_deref(),
            Some("four balances")
        );
        assert_eq!(speech_topic(Some("致辞")), None);
    }

    #[test]
    fn a_text_missing_in_the_draft_s_language_is_marked_for_the_editor() {
        assert_eq!(
            untranslated("Vice President", NewsLanguage::Zh),
            "〔待译：Vice President〕"
        );
        assert_eq!(
            untranslated("副校长", NewsLanguage::En),
            "[to translate: 副校长]"
        );
        assert_eq!(
            lower_starter("The participants met."),
            "the participants met."
        );
        assert_eq!(lower_starter("Liu Xia spoke."), "Liu Xia spoke.");
        assert_eq!(article("silk scarf"), "a silk scarf");
        assert_eq!(article("official gifts"), "official gifts");
        assert_eq!(shared_start("老挝驻华大使Kh", "老挝驻华大使馆"), 6);
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
