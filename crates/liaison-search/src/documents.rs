//! What of each record is searchable, and how much each part counts.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use liaison_core::{Activity, Agreement, Gift, Organization, Person, display_name};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::analyzer::analyzer;

/// The kinds of record search finds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Activity,
    Organization,
    Person,
    Agreement,
    Gift,
}

impl Entity {
    pub const ALL: [Entity; 5] = [
        Entity::Activity,
        Entity::Organization,
        Entity::Person,
        Entity::Agreement,
        Entity::Gift,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Entity::Activity => "activity",
            Entity::Organization => "organization",
            Entity::Person => "person",
            Entity::Agreement => "agreement",
            Entity::Gift => "gift",
        }
    }

    pub fn parse(s: &str) -> Option<Entity> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// A title or name counts this many times an ordinary word, so a record named by the query
/// comes before one that only mentions it.
const TITLE_WEIGHT: i64 = 5;
const TEXT_WEIGHT: i64 = 1;

/// One record as search sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub entity: Entity,
    pub record_id: i64,
    /// The name shown in results.
    pub title: String,
    /// Every searchable text of the record, one per line, for the highlighted snippet.
    pub body: String,
    /// The activity, organization or agreement kind, the gift direction or person category.
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// ISO codes of the countries involved.
    pub countries: Vec<String>,
    /// The day the record is about, newest first among equally good matches.
    pub date: Option<NaiveDate>,
    fields: Vec<(String, i64)>,
}

fn code<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Document {
    fn new(entity: Entity, record_id: i64, title: String) -> Document {
        Document {
            entity,
            record_id,
            title,
            body: String::new(),
            kind: None,
            year: None,
            countries: Vec::new(),
            date: None,
            fields: Vec::new(),
        }
    }

    fn add(&mut self, weight: i64, text: impl AsRef<str>) {
        let text = text.as_ref().trim();
        if text.is_empty() {
            return;
        }
        if !self.body.is_empty() {
            self.body.push('\n');
        }
        self.body.push_str(text);
        self.fields.push((text.to_owned(), weight));
    }

    fn add_all<'a>(&mut self, weight: i64, texts: impl IntoIterator<Item = &'a Option<String>>) {
        for text in texts.into_iter().flatten() {
            self.add(weight, text);
        }
    }

    /// Each term of the record with its weight: how often it occurs, times the weight of the
    /// part it occurs in.
    pub fn postings(&self) -> BTreeMap<String, i64> {
        let mut postings = BTreeMap::new();
        for (text, weight) in &self.fields {
            for (term, count) in analyzer().index_terms(text) {
                *postings.entry(term).or_insert(0) += count * weight;
            }
        }
        postings
    }

    pub fn from_activity(a: &Activity) -> Document {
        let mut d = Document::new(
            Entity::Activity,
            a.meta.id,
            display_name(&a.title_zh, &a.title_en),
        );
        d.add_all(TITLE_WEIGHT, [&a.title_zh, &a.title_en]);
        d.add_all(
            TEXT_WEIGHT,
            [&a.summary_zh, &a.summary_en, &a.venue, &a.signed_by],
        );
        for named in a.inviting_organization.iter().chain(&a.partners) {
            d.add(TEXT_WEIGHT, &named.name);
        }
        for p in &a.participants {
            d.add(TEXT_WEIGHT, &p.person.name);
        }
        for item in &a.agenda {
            d.add_all(TEXT_WEIGHT, [&item.title_zh, &item.title_en]);
            for point in &item.points {
                d.add(TEXT_WEIGHT, point);
            }
        }
        for text in a.tags.iter().chain(&a.attending_groups) {
            d.add(TEXT_WEIGHT, text);
        }
        for o in &a.outcomes {
            d.add(TEXT_WEIGHT, &o.description);
        }
        d.kind = code(&a.kind);
        d.year = Some(a.start_date.year());
        d.date = Some(a.start_date);
        d
    }

    /// The countries of an activity are those of its partners and inviting organization, which
    /// the store knows; it adds them here.
    pub fn with_countries(mut self, countries: Vec<String>) -> Document {
        self.countries = countries;
        self.countries.sort();
        self.countries.dedup();
        self
    }

    pub fn from_organization(o: &Organization) -> Document {
        let mut d = Document::new(
            Entity::Organization,
            o.meta.id,
            display_name(&o.name_zh, &o.name_en),
        );
        d.add_all(
            TITLE_WEIGHT,
            [&o.name_zh, &o.name_en, &o.name_original, &o.abbreviation],
        );
        d.add_all(TEXT_WEIGHT, [&o.profile_zh, &o.profile_en]);
        for id in &o.identifiers {
            d.add(TEXT_WEIGHT, &id.value);
        }
        for a in &o.affiliations {
            d.add(TEXT_WEIGHT, &a.organization.name);
        }
        d.kind = code(&o.kind);
        d.year = o.founded_year;
        d.countries = vec![o.country.to_string()];
        d
    }

    /// People are found by their names, positions and where they work; notes about them are
    /// personal and stay out of the index.
    pub fn from_person(p: &Person) -> Document {
        let mut d = Document::new(
            Entity::Person,
            p.meta.id,
            display_name(&p.name_zh, &p.name_en),
        );
        d.add_all(TITLE_WEIGHT, [&p.name_zh, &p.name_en, &p.name_original]);
        d.add_all(TEXT_WEIGHT, [&p.position, &p.title]);
        for named in p.unit.iter().chain(&p.organization) {
            d.add(TEXT_WEIGHT, &named.name);
        }
        d.kind = code(&p.category);
        d.countries = p.nationality.iter().map(|c| c.to_string()).collect();
        d
    }

    pub fn from_agreement(a: &Agreement) -> Document {
        let mut d = Document::new(
            Entity::Agreement,
            a.meta.id,
            display_name(&a.title_zh, &a.title_en),
        );
        d.add_all(TITLE_WEIGHT, [&a.title_zh, &a.title_en]);
        d.add_all(TEXT_WEIGHT, [&a.notes]);
        for p in &a.partners {
            d.add(TEXT_WEIGHT, &p.name);
        }
        for s in &a.signatories {
            d.add_all(TEXT_WEIGHT, [&s.name, &s.capacity]);
            if let Some(p) = &s.person {
                d.add(TEXT_WEIGHT, &p.name);
            }
        }
        d.kind = code(&a.kind);
        d.date = a.signed_on.or(a.valid_from);
        d.year = d.date.map(|day| day.year());
        d
    }

    pub fn from_gift(g: &Gift) -> Document {
        let mut d = Document::new(Entity::Gift, g.meta.id, g.item.clone());
        d.add(TITLE_WEIGHT, &g.item);
        d.add_all(
            TEXT_WEIGHT,
            [
                &g.notes,
                &g.giver.description,
                &g.receiver.description,
                &g.storage,
            ],
        );
        for named in [
            &g.giver.person,
            &g.giver.organization,
            &g.receiver.person,
            &g.receiver.organization,
            &g.activity,
        ]
        .into_iter()
        .flatten()
        {
            d.add(TEXT_WEIGHT, &named.name);
        }
        d.kind = code(&g.direction);
        d.date = g.exchanged_on;
        d.year = g.exchanged_on.map(|day| day.year());
        d
    }
}
