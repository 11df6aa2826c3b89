//! A synthetic dataset of any size for the benchmark: deterministic, realistic in its spreads of
//! kinds, countries, units and dates over twenty years, with Chinese and English text mixed;
//! and trip applications over its units and people, in every state of their lifecycle.

use chrono::{Datelike, Duration, NaiveDate};

use crate::accounts::UserRole;
use crate::approvals::{
    Applicant, ApplicationKind, Approver, Chain, Comparison, Condition, Directory, Facts, Field,
    OnRefusal, Operator, Plan, Progress, Quorum, Step, Verdict,
};
use crate::lifecycle::CREATED;
use crate::trips::application::{APPROVE, REFUSE, SEND_BACK};
use crate::trips::{
    BudgetLine, Destination, FundingSource, Member, ScheduleDay, TripClass, TripInput, TripReport,
    TripState, TripType,
};
use crate::{ActivityKind, CountryCode, DayPart, Money};

/// A small, fast, deterministic generator (SplitMix64): the same seed gives the same dataset.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// An index chosen by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut pick = (self.next() % u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                return i;
            }
            pick -= w;
        }
        weights.len() - 1
    }
}

pub struct UnitRow {
    pub name_zh: String,
    pub name_en: String,
}

pub struct OrganizationRow {
    pub kind: &'static str,
    pub country: CountryCode,
    pub name_zh: String,
    pub name_en: String,
    pub founded_year: i32,
}

pub struct PersonRow {
    pub internal: bool,
    pub name_zh: String,
    pub name_en: String,
    /// Index into units for internal people, into organizations for external ones.
    pub affiliation: usize,
    pub position: String,
}

pub struct ActivityRow {
    pub kind: ActivityKind,
    pub title_zh: String,
    pub title_en: String,
    pub summary: String,
    pub start_date: NaiveDate,
    pub start_part: DayPart,
    pub end_date: NaiveDate,
    pub end_part: DayPart,
    pub host_unit: usize,
    pub organization: usize,
    pub tag: Option<&'static str>,
}

pub struct ParticipationRow {
    pub activity: usize,
    pub person: usize,
    pub role: &'static str,
}

/// Everything the benchmark loads; indexes point into the other lists.
pub struct Dataset {
    pub units: Vec<UnitRow>,
    pub organizations: Vec<OrganizationRow>,
    pub people: Vec<PersonRow>,
    pub activities: Vec<ActivityRow>,
    pub participations: Vec<ParticipationRow>,
}

const COUNTRIES: &[(&str, &str, &str, u32)] = &[
    ("LA", "老挝", "Lao", 12),
    ("VN", "越南", "Vietnamese", 12),
    ("RU", "俄罗斯", "Russian", 8),
    ("KZ", "哈萨克斯坦", "Kazakh", 6),
    ("GB", "英国", "British", 6),
    ("DE", "德国", "German", 6),
    ("FR", "法国", "French", 5),
    ("US", "美国", "American", 5),
    ("JP", "日本", "Japanese", 5),
    ("KR", "韩国", "Korean", 5),
    ("TH", "泰国", "Thai", 5),
    ("KH", "柬埔寨", "Cambodian", 5),
    ("MN", "蒙古", "Mongolian", 4),
    ("PK", "巴基斯坦", "Pakistani", 4),
    ("ZA", "南非", "South African", 4),
    ("BR", "巴西", "Brazilian", 3),
    ("EG", "埃及", "Egyptian", 3),
    ("ET", "埃塞俄比亚", "Ethiopian", 3),
    ("AU", "澳大利亚", "Australian", 3),
    ("IT", "意大利", "Italian", 3),
    ("CU", "古巴", "Cuban", 2),
    ("NP", "尼泊尔", "Nepalese", 2),
    ("HK", "香港", "Hong Kong", 4),
    ("MO", "澳门", "Macao", 2),
    ("TW", "台湾", "Taiwan", 2),
];
const ORG_KINDS: &[(&str, &str, &str, u32)] = &[
    ("university", "大学", "University", 40),
    (
        "trade_union",
        "工会联合会",
        "Federation of Trade Unions",
        25,
    ),
    ("federation", "总工会", "Confederation of Labour", 10),
    ("government_body", "劳动部", "Ministry of Labour", 8),
    (
        "international_organization",
        "国际劳工组织办事处",
        "Labour Office",
        5,
    ),
    ("embassy", "大使馆", "Embassy", 5),
    ("company", "集团公司", "Group Company", 4),
    ("ngo", "基金会", "Foundation", 3),
];
const TOPICS: &[(&str, &str)] = &[
    ("工会", "trade unions"),
    ("劳动关系", "labour relations"),
    ("安全工程", "safety engineering"),
    ("数字社会", "the digital society"),
    ("职业培训", "vocational training"),
    ("社会保障", "social security"),
    ("一带一路", "the Belt and Road"),
    ("劳模精神", "model workers"),
    ("集体协商", "collective bargaining"),
    ("职业健康", "occupational health"),
    ("人力资源", "human resources"),
    ("劳动法", "labour law"),
];
const UNITS: &[(&str, &str)] = &[
    (
        "国际交流与合作处",
        "International Exchange and Cooperation Office",
    ),
    (
        "劳动关系与人力资源学院",
        "School of Labor Relations and Human Resources",
    ),
    ("工会学院", "School of Trade Unions"),
    ("安全工程学院", "School of Safety Engineering"),
    ("法学院", "School of Law"),
    ("经济管理学院", "School of Economics and Management"),
    ("公共管理学院", "School of Public Administration"),
    ("文化传播学院", "School of Culture and Communication"),
    ("马克思主义学院", "School of Marxism"),
    ("工会干部培训学院", "School of Trade Union Cadres Training"),
    ("人事处", "Personnel Office"),
    ("教务处", "Academic Affairs Office"),
];
const SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("赵", "Zhao"),
    ("黄", "Huang"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("勇", "Yong"),
    ("军", "Jun"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("明", "Ming"),
];
const FOREIGN_NAMES: &[&str] = &[
    "Anna",
    "Boris",
    "Chanthala",
    "Dmitri",
    "Elena",
    "François",
    "Giulia",
    "Hiroshi",
    "Ivan",
    "Jae-won",
    "Khamla",
    "Lucas",
    "Maria",
    "Nguyen",
    "Olga",
    "Phonesane",
    "Quang",
    "Rahul",
    "Sophie",
    "Thabo",
];
const POSITIONS: &[(&str, &str)] = &[
    ("主席", "President"),
    ("副主席", "Vice President"),
    ("院长", "Dean"),
    ("教授", "Professor"),
    ("处长", "Director"),
    ("秘书长", "Secretary General"),
    ("研究员", "Researcher"),
    ("讲师", "Lecturer"),
];
const ROLES: &[&str] = &[
    "leader",
    "delegation_member",
    "delegation_member",
    "host",
    "speaker",
    "attendee",
    "interpreter",
    "lecturer",
];
const TAGS: &[&str] = &[
    "Belt and Road",
    "key project",
    "trade union cadre training",
    "joint program",
];

impl Dataset {
    /// A dataset of `activities` activities in the benchmark's default shape: one organization
    /// for every 50 activities, one person for every 2, five participations each.
    pub fn generate(activities: usize, seed: u64) -> Dataset {
        let mut r = Random(seed);
        let units: Vec<UnitRow> = UNITS
            .iter()
            .map(|(zh, en)| UnitRow {
                name_zh: (*zh).into(),
                name_en: (*en).into(),
            })
            .collect();
        let org_count = (activities / 50).max(10);
        let country_weights: Vec<u32> = COUNTRIES.iter().map(|c| c.3).collect();
        let kind_weights: Vec<u32> = ORG_KINDS.iter().map(|k| k.3).collect();
        let organizations: Vec<OrganizationRow> = (0..org_count)
            .map(|i| {
                let (code, country_zh, country_en, _) = COUNTRIES[r.weighted(&country_weights)];
                let (kind, kind_zh, kind_en, _) = ORG_KINDS[r.weighted(&kind_weights)];
                OrganizationRow {
                    kind,
                    country: CountryCode::parse(code)
                        .unwrap_or_else(|_| unreachable!("listed codes are ISO codes")),
                    name_zh: format!("{country_zh}第{}{kind_zh}", i + 1),
                    name_en: format!("{country_en} {kind_en} No. {}", i + 1),
                    founded_year: 1900 + r.below(120) as i32,
                }
            })
            .collect();
        let people_count = (activities / 2).max(20);
        let people: Vec<PersonRow> = (0..people_count)
            .map(|i| {
                let internal = r.below(2) == 0;
                let (position_zh, position_en) = POSITIONS[r.below(POSITIONS.len())];
                if internal {
                    let (s_zh, s_en) = SURNAMES[r.below(SURNAMES.len())];
                    let (g_zh, g_en) = GIVEN[r.below(GIVEN.len())];
                    PersonRow {
                        internal,
                        name_zh: format!("{s_zh}{g_zh}{}", i % 97),
                        name_en: format!("{s_en} {g_en} {}", i % 97),
                        affiliation: r.below(units.len()),
                        position: format!("{position_zh} {position_en}"),
                    }
                } else {
                    let first = FOREIGN_NAMES[r.below(FOREIGN_NAMES.len())];
                    PersonRow {
                        internal,
                        name_zh: String::new(),
                        name_en: format!("{first} {}", 1000 + i),
                        affiliation: r.below(organizations.len()),
                        position: position_en.to_owned(),
                    }
                }
            })
            .collect();
        let activity_kind_weights = [30, 20, 15, 15, 10, 5, 5];
        let first_day = NaiveDate::from_ymd_opt(2006, 1, 1).unwrap_or_default();
        let mut participations = Vec::with_capacity(activities * 5);
        let activities: Vec<ActivityRow> = (0..activities)
            .map(|i| {
                let kind = ActivityKind::ALL[r.weighted(&activity_kind_weights)];
                let organization = r.below(organizations.len());
                let org = &organizations[organization];
                let (topic_zh, topic_en) = TOPICS[r.below(TOPICS.len())];
                let (title_zh, title_en) = match kind {
                    ActivityKind::InboundVisit => (format!("{}代表团访问我校", org.name_zh), format!("{} delegation visits the university", org.name_en)),
                    ActivityKind::OutboundTrip => (format!("我校代表团出访{}", org.name_zh), format!("University delegation visits {}", org.name_en)),
                    ActivityKind::Conference => (format!("{topic_zh}国际研讨会"), format!("International conference on {topic_en}")),
                    ActivityKind::Lecture => (format!("{topic_zh}专题讲座"), format!("Lecture on {topic_en}")),
                    ActivityKind::TrainingCourse => (format!("{topic_zh}国际工会干部培训班"), format!("Training course for trade union cadres on {topic_en}")),
                    ActivityKind::SigningCeremony => (format!("与{}签署合作协议", org.name_zh), format!("Agreement signed with {}", org.name_en)),
                    ActivityKind::OnlineMeeting => (format!("与{}线上交流", org.name_zh), format!("Online meeting with {}", org.name_en)),
                };
                let start_date = first_day + Duration::days(r.below(20 * 365) as i64);
                let days = match kind {
                    ActivityKind::OutboundTrip => 3 + r.below(6) as i64,
                    ActivityKind::TrainingCourse => 5 + r.below(20) as i64,
                    ActivityKind::Conference => r.below(3) as i64,
                    _ => 0,
                };
                let part = [DayPart::FullDay, DayPart::Morning, DayPart::Afternoon][r.below(3)];
                for _ in 0..5 {
                    participations.push(ParticipationRow { activity: i, person: r.below(people.len()), role: ROLES[r.below(ROLES.len())] });
                }
                ActivityRow {
                    kind,
                    summary: format!("双方就{topic_zh}等议题进行了深入交流。The two sides exchanged views on {topic_en} and future cooperation."),
                    title_zh,
                    title_en,
                    start_date,
                    start_part: if days == 0 { part } else { DayPart::FullDay },
                    end_date: start_date + Duration::days(days),
                    end_part: if days == 0 { part } else { DayPart::FullDay },
                    host_unit: r.below(units.len()),
                    organization,
                    tag: (r.below(4) == 0).then(|| TAGS[r.below(TAGS.len())]),
                }
            })
            .collect();
        // The same person twice in the same role of one activity is not a record Liaison keeps.
        participations.sort_by_key(|p| (p.activity, p.person, p.role));
        participations.dedup_by_key(|p| (p.activity, p.person, p.role));
        Dataset {
            units,
            organizations,
            people,
            activities,
            participations,
        }
    }
}

/// A city of each country or region the trips go to.
const CITIES: &[(&str, &str)] = &[
    ("LA", "Vientiane"),
    ("VN", "Hanoi"),
    ("RU", "Moscow"),
    ("KZ", "Astana"),
    ("GB", "London"),
    ("DE", "Berlin"),
    ("FR", "Paris"),
    ("US", "Washington"),
    ("JP", "Tokyo"),
    ("KR", "Seoul"),
    ("TH", "Bangkok"),
    ("KH", "Phnom Penh"),
    ("MN", "Ulaanbaatar"),
    ("PK", "Islamabad"),
    ("ZA", "Johannesburg"),
    ("BR", "Brasília"),
    ("EG", "Cairo"),
    ("ET", "Addis Ababa"),
    ("AU", "Canberra"),
    ("IT", "Rome"),
    ("CU", "Havana"),
    ("NP", "Kathmandu"),
    ("HK", "Hong Kong"),
    ("MO", "Macao"),
    ("TW", "Taipei"),
];

/// The officers of the office, the university leaders in charge of units, and the staff of each
/// unit who file applications.
const OFFICERS: usize = 6;
const LEADERS_IN_CHARGE: usize = 4;
const APPLICANTS_PER_UNIT: usize = 25;

/// An account of the trips' data. Accounts are numbered from 1 in the order of the list.
pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub role: UserRole,
    /// Index into the units.
    pub unit: Option<usize>,
    /// Index into the people: the person the account is.
    pub person: usize,
}

/// An approver's decision on an application.
pub struct DecisionRow {
    pub day: NaiveDate,
    pub step: usize,
    pub step_name: String,
    /// Indexes into the accounts: the approver, and the deputy who decided for them.
    pub approver: usize,
    pub deputy: Option<usize>,
    pub verdict: Verdict,
    pub comment: Option<String>,
}

/// A change of state in an application's history.
pub struct EventRow {
    pub day: NaiveDate,
    /// Index into the accounts.
    pub account: usize,
    pub transition: &'static str,
    pub from: Option<TripState>,
    pub to: TripState,
}

/// A deputy acting for an approver over a period (indexes into the accounts).
pub struct DelegationRow {
    pub approver: usize,
    pub deputy: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A pre-departure briefing session.
pub struct BriefingRow {
    pub held_on: NaiveDate,
    pub place: &'static str,
    pub topics: &'static str,
}

/// One trip application, in the state it has reached, with everything that state implies.
pub struct TripRow {
    /// Index into the accounts.
    pub applicant: usize,
    /// The form; its unit, members and inviting organization are numbers of the loaded records.
    pub form: TripInput,
    pub state: TripState,
    pub created: NaiveDate,
    pub submitted: Option<NaiveDate>,
    pub plan: Option<Plan>,
    pub progress: Option<Progress>,
    pub step_due: Option<NaiveDate>,
    /// Whom the application waits for now (indexes into the accounts).
    pub waiting: Vec<usize>,
    /// The form as approved, kept while a change goes through approval again.
    pub approved_form: Option<TripInput>,
    pub notice_posted: Option<NaiveDate>,
    pub notice_ends: Option<NaiveDate>,
    /// Index into the briefings every member attended.
    pub briefing: Option<usize>,
    pub actual_return: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    pub report: Option<TripReport>,
    pub decisions: Vec<DecisionRow>,
    pub events: Vec<EventRow>,
}

/// Trip applications for the benchmark, over the units and people of a [`Dataset`]: the
/// accounts that apply and approve, a chain, deputies, briefings and the applications, spread
/// over every state as an office's years of them are, seen from `today`.
pub struct TripDataset {
    pub today: NaiveDate,
    pub accounts: Vec<AccountRow>,
    /// (unit, account) pairs: the university leader in charge of each unit.
    pub leaders_in_charge: Vec<(usize, usize)>,
    /// The account whose person leads each unit (单位负责人), by unit.
    pub unit_leaders: Vec<usize>,
    /// The liaison officer's account of each unit, by unit.
    pub unit_liaisons: Vec<usize>,
    pub chain: Chain,
    pub delegations: Vec<DelegationRow>,
    pub briefings: Vec<BriefingRow>,
    pub trips: Vec<TripRow>,
}

/// How an office's applications are spread over the states: most are closed years ago; a few
/// in each state are under way.
const TRIP_STATES: &[(TripState, u32)] = &[
    (TripState::Closed, 745),
    (TripState::Rejected, 40),
    (TripState::Withdrawn, 40),
    (TripState::Draft, 30),
    (TripState::InApproval, 50),
    (TripState::Changing, 5),
    (TripState::Approved, 15),
    (TripState::InNotice, 15),
    (TripState::Briefed, 10),
    (TripState::Departed, 10),
    (TripState::Returned, 25),
    (TripState::Reported, 15),
];

/// The day `working` weekdays after `day`: the due day of a step, near enough for the
/// benchmark (the holidays are not counted out).
fn weekdays_after(day: NaiveDate, working: i64) -> NaiveDate {
    let mut d = day;
    let mut left = working;
    while left > 0 {
        d += Duration::days(1);
        if d.weekday().num_days_from_monday() < 5 {
            left -= 1;
        }
    }
    d
}

fn account(
    data: &Dataset,
    role: UserRole,
    username: String,
    unit: Option<usize>,
    person: usize,
) -> AccountRow {
    let p = &data.people[person];
    AccountRow {
        username,
        display_name: if p.name_zh.is_empty() {
            p.name_en.clone()
        } else {
            p.name_zh.clone()
        },
        role,
        unit,
        person,
    }
}

impl TripDataset {
    /// `trips` applications over the units and people of `data`, seen from `today`: the same
    /// data, seed and day give the same applications.
    pub fn generate(data: &Dataset, trips: usize, today: NaiveDate, seed: u64) -> TripDataset {
        let mut r = Random(seed ^ 0x7472_6970_735f_6265);
        let units = data.units.len();
        // The university's own people, by unit; a unit without any borrows everyone's.
        let internal: Vec<usize> = (0..data.people.len())
            .filter(|&i| data.people[i].internal)
            .collect();
        let mut staff: Vec<Vec<usize>> = vec![Vec::new(); units];
        for &i in &internal {
            staff[data.people[i].affiliation].push(i);
        }
        for list in &mut staff {
            if list.is_empty() {
                list.clone_from(&internal);
            }
        }
        let mut empty = TripDataset {
            today,
            accounts: Vec::new(),
            leaders_in_charge: Vec::new(),
            unit_leaders: Vec::new(),
            unit_liaisons: Vec::new(),
            chain: Chain::default_for(ApplicationKind::Trip),
            delegations: Vec::new(),
            briefings: Vec::new(),
            trips: Vec::new(),
        };
        if internal.is_empty() || units == 0 {
            return empty;
        }
        let person = |unit: usize, k: usize| staff[unit][k % staff[unit].len()];
        let mut accounts = Vec::new();
        for k in 0..OFFICERS {
            accounts.push(account(
                data,
                UserRole::Officer,
                format!("officer-{}", k + 1),
                Some(0),
                person(0, 2 * APPLICANTS_PER_UNIT + k),
            ));
        }
        let leaders: Vec<usize> = (0..LEADERS_IN_CHARGE)
            .map(|k| {
                accounts.push(account(
                    data,
                    UserRole::Leader,
                    format!("leader-{}", k + 1),
                    None,
                    person(units - 1, 2 * APPLICANTS_PER_UNIT + k),
                ));
                accounts.len() - 1
            })
            .collect();
        let mut unit_leaders = Vec::with_capacity(units);
        let mut unit_liaisons = Vec::with_capacity(units);
        let mut applicants: Vec<Vec<usize>> = vec![Vec::new(); units];
        for (u, staff_of_unit) in applicants.iter_mut().enumerate() {
            accounts.push(account(
                data,
                UserRole::Staff,
                format!("unit-leader-{}", u + 1),
                Some(u),
                person(u, 0),
            ));
            unit_leaders.push(accounts.len() - 1);
            accounts.push(account(
                data,
                UserRole::Liaison,
                format!("liaison-{}", u + 1),
                Some(u),
                person(u, 1),
            ));
            unit_liaisons.push(accounts.len() - 1);
            for k in 0..APPLICANTS_PER_UNIT {
                let n = u * APPLICANTS_PER_UNIT + k + 1;
                accounts.push(account(
                    data,
                    UserRole::Staff,
                    format!("staff-{n}"),
                    Some(u),
                    person(u, 2 + k),
                ));
                staff_of_unit.push(accounts.len() - 1);
            }
        }
        let leaders_in_charge: Vec<(usize, usize)> = (0..units)
            .map(|u| (u, leaders[u % leaders.len()]))
            .collect();
        let id = |account: usize| account as i64 + 1;

        // The chain: the unit's leader, the office, the leader in charge; and the first leader,
        // who is in charge of foreign affairs, when a unit's leader travels.
        let step = |name: &str, approver, due, on_refusal| Step {
            name: name.to_owned(),
            approver,
            quorum: Quorum::Any,
            condition: None,
            due_working_days: due,
            on_refusal,
        };
        let mut foreign_affairs = step(
            "Foreign affairs leader",
            Approver::User {
                user_id: id(leaders[0]),
            },
            5,
            OnRefusal::End,
        );
        foreign_affairs.condition = Some(Condition::Compare(Comparison {
            field: Field::UnitLeaderTravels,
            operator: Operator::Is,
            value: serde_json::Value::Bool(true),
        }));
        let chain = Chain {
            kind: ApplicationKind::Trip,
            version: 1,
            steps: vec![
                step(
                    "Unit review",
                    Approver::UnitLeader,
                    3,
                    OnRefusal::BackToApplicant,
                ),
                step(
                    "Office review",
                    Approver::Role {
                        role: UserRole::Officer,
                    },
                    3,
                    OnRefusal::BackToApplicant,
                ),
                step(
                    "Leader approval",
                    Approver::LeaderInCharge,
                    5,
                    OnRefusal::End,
                ),
                foreign_affairs,
            ],
        };
        let mut directory = Directory::default();
        for (i, a) in accounts.iter().enumerate() {
            directory.active.insert(id(i));
            directory.roles.entry(a.role).or_default().insert(id(i));
        }
        for u in 0..units {
            let unit = u as i64 + 1;
            directory
                .unit_leaders
                .entry(unit)
                .or_default()
                .insert(id(unit_leaders[u]));
            directory
                .unit_liaisons
                .entry(unit)
                .or_default()
                .insert(id(unit_liaisons[u]));
        }
        for &(u, a) in &leaders_in_charge {
            directory
                .leaders_in_charge
                .entry(u as i64 + 1)
                .or_default()
                .insert(id(a));
        }

        // Each leader in charge is away two weeks every summer, and the first is away now; an
        // officer stands in for another, and a unit's liaison officer for its leader, this week.
        let mut delegations = Vec::new();
        for year in (today.year() - 9)..today.year() {
            for (k, &leader) in leaders.iter().enumerate() {
                let from = NaiveDate::from_ymd_opt(year, 7, 1 + 7 * k as u32).unwrap_or(today);
                delegations.push(DelegationRow {
                    approver: leader,
                    deputy: leaders[(k + 1) % leaders.len()],
                    from,
                    to: from + Duration::days(13),
                });
            }
        }
        delegations.push(DelegationRow {
            approver: leaders[0],
            deputy: leaders[1 % leaders.len()],
            from: today - Duration::days(3),
            to: today + Duration::days(10),
        });
        delegations.push(DelegationRow {
            approver: 0,
            deputy: 1,
            from: today - Duration::days(2),
            to: today + Duration::days(4),
        });
        delegations.push(DelegationRow {
            approver: unit_leaders[1 % units],
            deputy: unit_liaisons[1 % units],
            from: today - Duration::days(5),
            to: today + Duration::days(5),
        });
        let deputy_on = |approver: usize, day: NaiveDate| {
            delegations
                .iter()
                .find(|d| d.approver == approver && d.from <= day && day <= d.to)
                .map(|d| d.deputy)
        };

        // A briefing every Thursday of the nine years.
        let mut first_thursday = today - Duration::days(9 * 365);
        while first_thursday.weekday() != chrono::Weekday::Thu {
            first_thursday += Duration::days(1);
        }
        let mut briefings = Vec::new();
        let mut held = first_thursday;
        while held <= today + Duration::days(60) {
            briefings.push(BriefingRow {
                held_on: held,
                place: "行政楼三层会议室 Administration Building, room 301",
                topics: "外事纪律、保密与安全教育 Discipline, confidentiality and safety abroad",
            });
            held += Duration::days(7);
        }
        // The briefing held last before a departure (at least a day before it).
        let briefing_before = |departure: NaiveDate| -> Option<usize> {
            let days = (departure - Duration::days(1) - first_thursday).num_days();
            (days >= 0)
                .then_some((days / 7) as usize)
                .filter(|&i| i < briefings.len())
        };

        let foreign: Vec<usize> = (0..COUNTRIES.len())
            .filter(|&i| !matches!(COUNTRIES[i].0, "HK" | "MO" | "TW"))
            .collect();
        let foreign_weights: Vec<u32> = foreign.iter().map(|&i| COUNTRIES[i].3).collect();
        let code = |c: &str| {
            CountryCode::parse(c).unwrap_or_else(|_| unreachable!("listed codes are ISO codes"))
        };
        let city = |c: &str| {
            CITIES
                .iter()
                .find(|x| x.0 == c)
                .map_or("", |x| x.1)
                .to_owned()
        };
        let state_weights: Vec<u32> = TRIP_STATES.iter().map(|s| s.1).collect();
        let mut rows = Vec::with_capacity(trips);
        for _ in 0..trips {
            let state = TRIP_STATES[r.weighted(&state_weights)].0;
            let u = r.below(units);
            let applicant = applicants[u][r.below(applicants[u].len())];
            let trip_type = TripType::ALL[r.weighted(&[15, 20, 35, 10, 12, 8])];
            let academic = trip_type.class() == TripClass::Academic;
            // Where it goes, and for how long, within the rules.
            let (places, days): (Vec<&str>, i64) = match r.weighted(&[85, 12, 3]) {
                0 => {
                    let n = 1 + r.weighted(&[60, 30, 10]);
                    let mut places = Vec::with_capacity(n);
                    while places.len() < n {
                        let c = COUNTRIES[foreign[r.weighted(&foreign_weights)]].0;
                        if !places.contains(&c) {
                            places.push(c);
                        }
                    }
                    let most = if academic { 21 } else { [5, 8, 10][n - 1] };
                    let least = (n as i64 * 2).min(most);
                    (places, least + r.below((most - least + 1) as usize) as i64)
                }
                1 => match r.weighted(&[60, 25, 15]) {
                    0 => (vec!["HK"], 2 + r.below(4) as i64),
                    1 => (vec!["MO"], 2 + r.below(3) as i64),
                    _ => (vec!["HK", "MO"], 4 + r.below(5) as i64),
                },
                _ => (vec!["TW"], 5 + r.below(6) as i64),
            };
            let departure = today
                + Duration::days(match state {
                    TripState::Closed => -(70 + r.below(9 * 365 - 100) as i64),
                    TripState::Rejected | TripState::Withdrawn => 90 - r.below(9 * 365) as i64,
                    TripState::Draft => 30 + r.below(120) as i64,
                    TripState::InApproval => 30 + r.below(90) as i64,
                    TripState::Approved | TripState::Changing => 22 + r.below(70) as i64,
                    TripState::InNotice => 8 + r.below(20) as i64,
                    TripState::Briefed => 1 + r.below(7) as i64,
                    TripState::Departed => -(r.below(days as usize) as i64),
                    TripState::Returned => -(days + r.below(28) as i64),
                    TripState::Reported => -(days + 10 + r.below(30) as i64),
                });
            let back = departure + Duration::days(days - 1);
            let mut destinations = Vec::with_capacity(places.len());
            let mut arrive = departure;
            for (i, c) in places.iter().enumerate() {
                let left = places.len() - i;
                let leave = if left == 1 {
                    back
                } else {
                    arrive + Duration::days(((back - arrive).num_days() / left as i64).max(0))
                };
                destinations.push(Destination {
                    country: code(c),
                    city: city(c),
                    arrive,
                    leave,
                });
                arrive = leave;
            }
            // The delegation: the applicant's unit's people, one at its head; now and then the
            // unit's own leader.
            let size = if academic {
                1 + r.weighted(&[50, 30, 20])
            } else {
                1 + r.weighted(&[10, 25, 30, 20, 10, 5])
            };
            let mut people: Vec<usize> = vec![accounts[applicant].person];
            let unit_leader_person = accounts[unit_leaders[u]].person;
            if r.below(8) == 0 && !people.contains(&unit_leader_person) {
                people.push(unit_leader_person);
            }
            let mut tries = 0;
            while people.len() < size && tries < 4 * size {
                let p = person(u, r.below(staff[u].len()));
                if !people.contains(&p) {
                    people.push(p);
                }
                tries += 1;
            }
            let members: Vec<Member> = people
                .iter()
                .enumerate()
                .map(|(i, &p)| Member {
                    person_id: p as i64 + 1,
                    leader: i == 0,
                    position: Some(data.people[p].position.clone()),
                    unit_leader: p == unit_leader_person,
                })
                .collect();
            let organization = r.below(data.organizations.len());
            let org = &data.organizations[organization];
            let (topic_zh, topic_en) = TOPICS[r.below(TOPICS.len())];
            let schedule = (0..days)
                .map(|d| ScheduleDay {
                    date: departure + Duration::days(d),
                    plan: format!(
                        "第{}天：与{}会谈，参观交流 Day {}: talks with {}",
                        d + 1,
                        org.name_zh,
                        d + 1,
                        org.name_en
                    ),
                })
                .collect();
            let per_head = (members.len() as i64) * (3_000 + 800 * days);
            let budget = vec![
                BudgetLine {
                    item: "国际旅费 Air fares".to_owned(),
                    amount: Money::from_yuan(per_head * 2 / 3),
                },
                BudgetLine {
                    item: "住宿费 Lodging".to_owned(),
                    amount: Money::from_yuan(per_head / 4),
                },
                BudgetLine {
                    item: "伙食费与公杂费 Meals and incidentals".to_owned(),
                    amount: Money::from_yuan(per_head / 12),
                },
            ];
            let form = TripInput {
                version: None,
                key: None,
                unit: Some(u as i64 + 1),
                title_zh: Some(format!("赴{}开展{}交流", org.name_zh, topic_zh)),
                title_en: Some(format!("Visit to {} on {}", org.name_en, topic_en)),
                trip_type,
                destinations,
                members,
                inviting_organization: Some(organization as i64 + 1),
                invitation: Some(format!(
                    "{}邀请函 Invitation of {}",
                    org.name_zh, org.name_en
                )),
                purpose: Some(format!(
                    "就{topic_zh}开展交流与合作。Exchange and cooperation on {topic_en}."
                )),
                tasks: Some(format!(
                    "会谈、讲座并商定{topic_zh}合作项目。Talks, lectures and a joint project on {topic_en}."
                )),
                schedule,
                funding: FundingSource::ALL[r.weighted(&[55, 25, 15, 5])],
                budget,
                chosen_approvers: Default::default(),
            };

            // The history the state implies, day by day.
            let created = match state {
                TripState::Draft => today - Duration::days(r.below(30) as i64),
                TripState::InApproval => today - Duration::days(14 + r.below(30) as i64),
                _ => (departure - Duration::days(50 + r.below(40) as i64))
                    .min(today - Duration::days(20 + r.below(10) as i64)),
            };
            let mut row = TripRow {
                applicant,
                form,
                state,
                created,
                submitted: None,
                plan: None,
                progress: None,
                step_due: None,
                waiting: Vec::new(),
                approved_form: None,
                notice_posted: None,
                notice_ends: None,
                briefing: None,
                actual_return: None,
                report_due: None,
                report: None,
                decisions: Vec::new(),
                events: vec![EventRow {
                    day: created,
                    account: applicant,
                    transition: CREATED,
                    from: None,
                    to: TripState::Draft,
                }],
            };
            let shape = row.form.shape();
            let budget_yuan = row.form.budget_total().map_or(0, |m| m.fen() / 100);
            let plan = Plan::make(
                &chain,
                &Facts::of_trip(&shape, budget_yuan),
                &Applicant {
                    user_id: id(applicant),
                    unit_id: Some(u as i64 + 1),
                    chosen: Default::default(),
                },
                &directory,
            );
            let Ok(plan) = plan else {
                rows.push(row);
                continue;
            };
            let applying: Vec<usize> = (0..plan.steps.len())
                .filter(|&i| plan.steps[i].applies)
                .collect();
            // How far along the plan it went: the steps approved, then what happened at the next.
            let (approved_steps, ending) = match state {
                TripState::Draft => match r.below(3) {
                    0 => (r.below(2), Some(Verdict::SendBack)),
                    _ => {
                        row.events.truncate(1);
                        rows.push(row);
                        continue;
                    }
                },
                TripState::InApproval => {
                    (r.weighted(&[35, 40, 20, 5]).min(applying.len() - 1), None)
                }
                TripState::Rejected => (applying.len() - 1, Some(Verdict::Refuse)),
                TripState::Withdrawn => (r.below(applying.len()), None),
                _ => (applying.len(), None),
            };
            let mut day = match state {
                TripState::InApproval => {
                    today - Duration::days(2 * approved_steps as i64 + 1 + r.below(10) as i64)
                }
                _ => created + Duration::days(1 + r.below(5) as i64),
            };
            if state == TripState::InApproval {
                row.created = row
                    .created
                    .min(day - Duration::days(1 + r.below(10) as i64));
                row.events[0].day = row.created;
            }
            row.submitted = Some(day);
            row.events.push(EventRow {
                day,
                account: applicant,
                transition: "submit",
                from: Some(TripState::Draft),
                to: TripState::InApproval,
            });
            let decide = |r: &mut Random, step: usize, day: NaiveDate, verdict: Verdict| {
                let planned = &plan.steps[step];
                let approver = planned.approvers[r.below(planned.approvers.len())] as usize - 1;
                let comment = match verdict {
                    Verdict::Approve => (r.below(3) == 0).then(|| "同意。Approved.".to_owned()),
                    Verdict::Refuse => Some(
                        "出访任务不够具体，不予批准。The tasks are not specific enough.".to_owned(),
                    ),
                    Verdict::SendBack => Some(
                        "请补充日程安排和邀请函。Please add the schedule and the invitation."
                            .to_owned(),
                    ),
                };
                DecisionRow {
                    day,
                    step,
                    step_name: planned.name.clone(),
                    approver,
                    deputy: deputy_on(approver, day),
                    verdict,
                    comment,
                }
            };
            for &step in applying.iter().take(approved_steps) {
                day += Duration::days(1 + r.below(3) as i64);
                row.decisions
                    .push(decide(&mut r, step, day, Verdict::Approve));
            }
            let last_approver =
                |row: &TripRow| row.decisions.last().map_or(applicant, |d| d.approver);
            match (state, ending) {
                (TripState::Draft, Some(verdict)) | (TripState::Rejected, Some(verdict)) => {
                    day += Duration::days(1 + r.below(3) as i64);
                    let decision = decide(&mut r, applying[approved_steps], day, verdict);
                    let (transition, to, progress) = if verdict == Verdict::Refuse {
                        (REFUSE, TripState::Rejected, Progress::Refused)
                    } else {
                        (SEND_BACK, TripState::Draft, Progress::BackWithApplicant)
                    };
                    row.events.push(EventRow {
                        day,
                        account: decision.approver,
                        transition,
                        from: Some(TripState::InApproval),
                        to,
                    });
                    row.decisions.push(decision);
                    row.progress = Some(progress);
                }
                (TripState::InApproval | TripState::Withdrawn, _) => {
                    let step = applying[approved_steps];
                    let approved_by = row
                        .decisions
                        .iter()
                        .filter(|d| d.step == step)
                        .map(|d| id(d.approver))
                        .collect();
                    if state == TripState::InApproval {
                        row.step_due = Some(weekdays_after(day, plan.steps[step].due_working_days));
                        row.waiting = plan.steps[step]
                            .approvers
                            .iter()
                            .map(|&a| a as usize - 1)
                            .collect();
                    } else {
                        day += Duration::days(1 + r.below(5) as i64);
                        row.events.push(EventRow {
                            day,
                            account: applicant,
                            transition: "withdraw",
                            from: Some(TripState::InApproval),
                            to: TripState::Withdrawn,
                        });
                    }
                    row.progress = Some(Progress::AtStep { step, approved_by });
                }
                _ => {
                    row.progress = Some(Progress::Approved);
                    row.events.push(EventRow {
                        day,
                        account: last_approver(&row),
                        transition: APPROVE,
                        from: Some(TripState::InApproval),
                        to: TripState::Approved,
                    });
                }
            }
            row.plan = Some(plan);
            let officer = r.below(OFFICERS);
            // After approval: the notice, the briefing, departure, return, the report, closing.
            let reached = |s: TripState| {
                let order = [
                    TripState::Approved,
                    TripState::InNotice,
                    TripState::Briefed,
                    TripState::Departed,
                    TripState::Returned,
                    TripState::Reported,
                    TripState::Closed,
                ];
                let at = |x: TripState| order.iter().position(|o| *o == x);
                matches!((at(state), at(s)), (Some(a), Some(b)) if a >= b)
            };
            if state == TripState::Changing {
                row.approved_form = Some(row.form.clone());
                row.events.push(EventRow {
                    day: day + Duration::days(2),
                    account: applicant,
                    transition: "change",
                    from: Some(TripState::Approved),
                    to: TripState::Changing,
                });
            }
            if reached(TripState::InNotice) {
                let posted = (departure - Duration::days(14 + r.below(5) as i64)).min(today);
                row.notice_posted = Some(posted);
                row.notice_ends = Some(weekdays_after(posted, 5));
                row.events.push(EventRow {
                    day: posted,
                    account: officer,
                    transition: "post_notice",
                    from: Some(TripState::Approved),
                    to: TripState::InNotice,
                });
            }
            if reached(TripState::Briefed) {
                row.briefing = briefing_before(departure.min(today + Duration::days(1)));
                let held = row
                    .briefing
                    .map_or(departure - Duration::days(1), |b| briefings[b].held_on);
                row.events.push(EventRow {
                    day: held,
                    account: officer,
                    transition: "brief",
                    from: Some(TripState::InNotice),
                    to: TripState::Briefed,
                });
            }
            if reached(TripState::Departed) {
                row.events.push(EventRow {
                    day: departure,
                    account: officer,
                    transition: "depart",
                    from: Some(TripState::Briefed),
                    to: TripState::Departed,
                });
            }
            if reached(TripState::Returned) {
                row.actual_return = Some(back);
                row.report_due = back.checked_add_months(chrono::Months::new(1));
                row.events.push(EventRow {
                    day: back + Duration::days(1),
                    account: applicant,
                    transition: "return",
                    from: Some(TripState::Departed),
                    to: TripState::Returned,
                });
            }
            if reached(TripState::Reported) {
                let spent = row
                    .form
                    .budget
                    .iter()
                    .map(|l| BudgetLine {
                        item: l.item.clone(),
                        amount: Money::from_fen(l.amount.fen() * 9 / 10),
                    })
                    .collect();
                row.report = Some(TripReport {
                    tasks_done: format!(
                        "完成了与{}的会谈和讲座。Talks and lectures with {} done.",
                        org.name_zh, org.name_en
                    ),
                    outcomes: format!(
                        "商定{topic_zh}合作项目一项。One joint project on {topic_en} agreed."
                    ),
                    spending: spent,
                    follow_up: Some("明年邀请对方回访。A return visit next year.".to_owned()),
                });
                row.events.push(EventRow {
                    day: back + Duration::days(5 + r.below(20) as i64),
                    account: applicant,
                    transition: "report",
                    from: Some(TripState::Returned),
                    to: TripState::Reported,
                });
            }
            if reached(TripState::Closed) {
                row.events.push(EventRow {
                    day: back + Duration::days(26 + r.below(10) as i64),
                    account: officer,
                    transition: "close",
                    from: Some(TripState::Reported),
                    to: TripState::Closed,
                });
            }
            // Nothing is recorded after today.
            for e in &mut row.events {
                e.day = e.day.min(today);
            }
            for d in &mut row.decisions {
                d.day = d.day.min(today);
            }
            rows.push(row);
        }
        // Numbered in the order they were filed, as an office's are.
        rows.sort_by_key(|row| row.created);
        empty.accounts = accounts;
        empty.leaders_in_charge = leaders_in_charge;
        empty.unit_leaders = unit_leaders;
        empty.unit_liaisons = unit_liaisons;
        empty.chain = chain;
        empty.delegations = delegations;
        empty.briefings = briefings;
        empty.trips = rows;
        empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_dataset_in_the_default_shape() {
        let a = Dataset::generate(1000, 7);
        let b = Dataset::generate(1000, 7);
        assert_eq!(a.organizations.len(), 20);
        assert_eq!(a.people.len(), 500);
        assert!(a.participations.len() > 4900 && a.participations.len() <= 5000);
        assert!(
            a.activities
                .iter()
                .zip(&b.activities)
                .all(|(x, y)| x.title_en == y.title_en && x.start_date == y.start_date)
        );
        let kinds: std::collections::HashSet<_> = a.activities.iter().map(|x| x.kind).collect();
        assert_eq!(kinds.len(), 7);
        let years: std::collections::HashSet<_> = a
            .activities
            .iter()
            .map(|x| chrono::Datelike::year(&x.start_date))
            .collect();
        assert!(years.len() >= 19, "{years:?}");
        assert!(a.activities.iter().any(|x| x.title_zh.contains("工会")));
    }

    #[test]
    fn generated_trips_are_spread_over_every_state_with_the_history_each_implies() {
        let data = Dataset::generate(1000, 7);
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let a = TripDataset::generate(&data, 2000, today, 7);
        let b = TripDataset::generate(&data, 2000, today, 7);
        assert_eq!(a.trips.len(), 2000);
        assert!(
            a.trips
                .iter()
                .zip(&b.trips)
                .all(|(x, y)| x.form == y.form && x.state == y.state)
        );
        assert!(a.accounts.len() > 300);
        for state in TripState::ALL {
            assert!(a.trips.iter().any(|t| t.state == state), "{state:?}");
        }
        assert!(a.trips.windows(2).all(|w| w[0].created <= w[1].created));
        for t in &a.trips {
            // Only an application in approval waits for anyone, and never for its applicant.
            assert_eq!(!t.waiting.is_empty(), t.state == TripState::InApproval);
            assert!(!t.waiting.contains(&t.applicant));
            assert_eq!(t.step_due.is_some(), t.state == TripState::InApproval);
            // Its history starts as a draft, ends in its state, and nothing is after today.
            assert_eq!(t.events.first().map(|e| e.to), Some(TripState::Draft));
            assert_eq!(t.events.last().map(|e| e.to), Some(t.state));
            assert!(t.events.iter().all(|e| e.day <= today));
            assert!(t.decisions.iter().all(|d| d.day <= today));
            assert_eq!(
                t.report.is_some(),
                matches!(t.state, TripState::Reported | TripState::Closed)
            );
            let days = t.form.shape().days_abroad();
            assert!((1..=21).contains(&days), "{days}");
        }
        // Some applications are overdue, and some decisions were made by a deputy.
        assert!(
            a.trips
                .iter()
                .any(|t| t.step_due.is_some_and(|d| d < today))
        );
        assert!(
            a.trips
                .iter()
                .flat_map(|t| &t.decisions)
                .any(|d| d.deputy.is_some())
        );
    }
}
