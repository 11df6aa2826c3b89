//! A synthetic dataset of any size for the benchmark: deterministic, realistic in its spreads of
//! kinds, countries, units and dates over twenty years, with Chinese and English text mixed.

use chrono::{Duration, NaiveDate};

use crate::{ActivityKind, CountryCode, DayPart};

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
}
