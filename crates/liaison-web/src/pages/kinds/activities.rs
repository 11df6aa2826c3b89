//! Pages of activities: the record page with agenda, participants by role, partners and gifts,
//! and the form that adds participants, agenda items and gifts on the same page.

use chrono::NaiveDate;
use liaison_core::{
    ACTIVITY, Activity, ActivityFilter, ActivityInput, ActivityKind, ActivitySummary, Actor,
    AgendaItemInput, AgendaKind, AgendaPart, DayPart, FieldErrors, GiftInput, GiftStatus,
    LecturerGroup, Link, Money, NameKind, NameMatch, OutcomeInput, ParticipantInput, PartyInput,
    PersonCategory, RecordKind, Ref, UniversityRole,
};
use liaison_store::Store;
use serde_json::json;

use super::gifts::{CATEGORIES, DIRECTIONS};
use super::{
    GroupText, choices, code, codes, group, input, role_name, row_input, row_select, search,
    select, text, unit_choices,
};
use crate::pages::fields::{self, Declared, Input, Value, key};
use crate::pages::forms::{Reader, Resolution, Values, link_of, person_ref};
use crate::pages::records::RecordPages;
use crate::pages::{Action as PageAction, DetailView, Field, FormView, Group, Item, Section, Ui};

pub struct Activities;

const PARTS: [DayPart; 3] = [DayPart::FullDay, DayPart::Morning, DayPart::Afternoon];
const AGENDA_KINDS: [AgendaKind; 14] = [
    AgendaKind::Keynote,
    AgendaKind::Speech,
    AgendaKind::Remarks,
    AgendaKind::ConcludingRemarks,
    AgendaKind::Report,
    AgendaKind::ExperienceSharing,
    AgendaKind::Lecture,
    AgendaKind::Discussion,
    AgendaKind::Meeting,
    AgendaKind::Visit,
    AgendaKind::Meal,
    AgendaKind::Ceremony,
    AgendaKind::GiftExchange,
    AgendaKind::Other,
];

/// The documents an activity's page leads to: its briefing book, when it has a partner, and
/// its news release in each language.
fn document_actions(ui: &Ui, a: &Activity) -> Vec<PageAction> {
    let t = &ui.t;
    let id = a.meta.id;
    let mut actions = Vec::new();
    // A briefing book for whoever meets a partner: a visit received, a trip abroad (where our
    // delegation is received), or any activity with a partner.
    let visit_or_trip = matches!(
        a.kind,
        ActivityKind::InboundVisit | ActivityKind::OutboundTrip
    );
    if !a.partners.is_empty() || visit_or_trip {
        actions.push(PageAction {
            label: t.get("action-briefing"),
            href: format!("/activities/{id}/briefing"),
            danger: false,
        });
    }
    for (language, key) in [("zh", "action-news-zh"), ("en", "action-news-en")] {
        actions.push(PageAction {
            label: t.get(key),
            href: format!("/activities/{id}/news/{language}"),
            danger: false,
        });
    }
    actions
}

/// A party of a gift row: the person who gave or received it (`#12`, or the name of a new
/// person), and the organization (`#12`) or a description of who it was.
fn party_of(person: &str, text: Option<String>) -> PartyInput {
    let (organization, description) = match text.as_deref().and_then(link_of) {
        Some(link) => (Some(Ref::Link(link)), None),
        None => (None, text),
    };
    PartyInput {
        person: person_ref(person),
        organization,
        description,
    }
}

const OVERVIEW: &str = "section-overview";
const SUMMARY: &str = "field-summary";

/// An activity's own fields, as its form asks for them and its page's overview and summary
/// show them; its rows of partners, participants, agenda items, outcomes and gifts are groups
/// of the form and sections of their own on its page.
const FIELDS: &[Declared<Activity>] = &[
    Declared::new("kind", "field-kind", |a: &Activity| {
        Value::Choice("activity-kind", code(&a.kind))
    })
    .in_section(OVERVIEW)
    .asked(Input::Choice("activity-kind", || codes(&ActivityKind::ALL)))
    .required(),
    Declared::new("title_zh", "field-title_zh", |a: &Activity| {
        Value::Text(a.title_zh.clone())
    })
    .asked(Input::Text),
    Declared::new("title_en", "field-title_en", |a: &Activity| {
        Value::Text(a.title_en.clone())
    })
    .asked(Input::Text),
    Declared::new("start_date", "field-start_date", |a: &Activity| {
        Value::Date(Some(a.start_date))
    })
    .asked(Input::Date)
    .required(),
    Declared::new("start_part", "field-start_part", |a: &Activity| {
        Value::Choice("day-part", a.start_part.as_str().to_owned())
    })
    .asked(Input::Choice("day-part", || codes(&PARTS))),
    Declared::new("end_date", "field-end_date", |a: &Activity| {
        Value::Date(Some(a.end_date))
    })
    .asked(Input::Date),
    Declared::new("end_part", "field-end_part", |a: &Activity| {
        Value::Choice("day-part", a.end_part.as_str().to_owned())
    })
    .asked(Input::Choice("day-part", || codes(&PARTS)))
    .or_none("choice-same"),
    Declared::new("dates", "field-dates", |a: &Activity| {
        Value::Span(a.start_date, a.start_part, a.end_date, a.end_part)
    })
    .in_section(OVERVIEW),
    Declared::new("venue", "field-venue", |a: &Activity| {
        Value::Text(a.venue.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("host_unit", "field-host_unit", |a: &Activity| {
        Value::Link(a.host_unit.clone(), "units")
    })
    .in_section(OVERVIEW)
    .asked(Input::Unit),
    Declared::new(
        "inviting_organization",
        "field-inviting_organization",
        |a: &Activity| Value::Link(a.inviting_organization.clone(), "organizations"),
    )
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-pick-organization")
    .picks("organization"),
    Declared::new("organizer", "field-organizer", |a: &Activity| {
        Value::Link(a.organizer.clone(), "organizations")
    })
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-organizer")
    .picks("organization"),
    Declared::new(
        "university_role",
        "field-university_role",
        |a: &Activity| Value::Choice("university-role", code(&a.university_role)),
    )
    .asked(Input::Choice("university-role", || {
        codes(&UniversityRole::ALL)
    })),
    // The university's part is shown only beside an organizer, in whose event it had one.
    Declared::new(
        "university_role",
        "field-university_role",
        |a: &Activity| match a.organizer {
            Some(_) => Value::Choice("university-role", code(&a.university_role)),
            None => Value::Text(None),
        },
    )
    .in_section(OVERVIEW),
    Declared::new(
        "delegation_size",
        "field-delegation_size",
        |a: &Activity| Value::Count(a.delegation_size.map(i64::from)),
    )
    .in_section(OVERVIEW)
    .asked(Input::Number),
    Declared::new(
        "attending_groups",
        "field-attending_groups",
        |a: &Activity| Value::Lines(a.attending_groups.clone()),
    )
    .asked(Input::Lines)
    .hinted("hint-lines"),
    Declared::new(
        "attending_groups_en",
        "field-attending_groups_en",
        |a: &Activity| Value::Lines(a.attending_groups_en.clone()),
    )
    .asked(Input::Lines)
    .hinted("hint-lines"),
    Declared::new("tags", "field-tags", |a: &Activity| {
        Value::Lines(a.tags.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Lines)
    .hinted("hint-lines"),
    Declared::new("summary_zh", "field-summary_zh", |a: &Activity| {
        Value::Text(a.summary_zh.clone())
    })
    .in_section(SUMMARY)
    .asked(Input::Area),
    Declared::new("summary_en", "field-summary_en", |a: &Activity| {
        Value::Text(a.summary_en.clone())
    })
    .in_section(SUMMARY)
    .asked(Input::Area),
    Declared::new("signed_by", "field-signed_by", |a: &Activity| {
        Value::Text(a.signed_by.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("signed_by_en", "field-signed_by_en", |a: &Activity| {
        Value::Text(a.signed_by_en.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Text),
    key(),
];

/// The columns of the list of activities and of its spreadsheet, from the list's rows.
const ROW_FIELDS: &[Declared<ActivitySummary>] = &[
    Declared::new("number", "export-number", |a: &ActivitySummary| {
        Value::Int(Some(a.id))
    })
    .in_sheet(),
    Declared::new("title", "field-title", |a: &ActivitySummary| {
        Value::Record(
            Box::new(Value::Names(a.title_zh.clone(), a.title_en.clone())),
            a.id,
        )
    })
    .listed(Some("title")),
    Declared::new("title_zh", "field-title_zh", |a: &ActivitySummary| {
        Value::Text(a.title_zh.clone())
    })
    .in_sheet(),
    Declared::new("title_en", "field-title_en", |a: &ActivitySummary| {
        Value::Text(a.title_en.clone())
    })
    .in_sheet(),
    Declared::new("kind", "field-kind", |a: &ActivitySummary| {
        Value::Choice("activity-kind", code(&a.kind))
    })
    .listed(Some("kind"))
    .in_sheet(),
    Declared::new("dates", "field-dates", |a: &ActivitySummary| {
        Value::Span(a.start_date, a.start_part, a.end_date, a.end_part)
    })
    .listed(Some("start")),
    Declared::new("start_date", "field-start_date", |a: &ActivitySummary| {
        Value::Date(Some(a.start_date))
    })
    .in_sheet(),
    Declared::new("start_part", "field-start_part", |a: &ActivitySummary| {
        Value::Choice("day-part", a.start_part.as_str().to_owned())
    })
    .in_sheet(),
    Declared::new("end_date", "field-end_date", |a: &ActivitySummary| {
        Value::Date(Some(a.end_date))
    })
    .in_sheet(),
    Declared::new("end_part", "field-end_part", |a: &ActivitySummary| {
        Value::Choice("day-part", a.end_part.as_str().to_owned())
    })
    .in_sheet(),
    Declared::new("venue", "field-venue", |a: &ActivitySummary| {
        Value::Text(a.venue.clone())
    })
    .in_sheet(),
    Declared::new("host_unit", "field-host_unit", |a: &ActivitySummary| {
        Value::Link(a.host_unit.clone(), "units")
    })
    .listed(None)
    .in_sheet(),
    Declared::new(
        "inviting_organization",
        "field-inviting_organization",
        |a: &ActivitySummary| Value::Link(a.inviting_organization.clone(), "organizations"),
    )
    .listed(None)
    .in_sheet(),
    Declared::new("key", "field-key", |a: &ActivitySummary| {
        Value::Text(a.key.clone())
    })
    .in_sheet(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<Activities>() }

impl RecordPages for Activities {
    const KIND: RecordKind = ACTIVITY;
    const TITLE: &'static str = "nav-activities";
    const NEW: &'static str = "new-activity";
    const EDIT: &'static str = "edit-activity";
    type Record = Activity;
    type Row = ActivitySummary;
    type Input = ActivityInput;
    type Filter = ActivityFilter;
    const ROW_FIELDS: &'static [Declared<ActivitySummary>] = ROW_FIELDS;
    const FIELDS: &'static [Declared<Activity>] = FIELDS;

    async fn filters(ui: &Ui, store: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        let mut units = unit_choices(ui, store).await?;
        units[0].1 = ui.t.get("choice-all");
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "kind",
                choices(ui, "activity-kind", &ActivityKind::ALL, Some("choice-all")),
            ),
            input(ui, query, "number", "year"),
            super::country_field(ui, query, "country"),
            select(
                ui,
                query,
                "region",
                choices(
                    ui,
                    "region",
                    &super::organizations::REGIONS,
                    Some("choice-all"),
                ),
            ),
            select(ui, query, "unit", units),
            text(ui, query, "tag"),
        ])
    }

    fn name(ui: &Ui, a: &Activity) -> String {
        super::name_of(&a.title_zh, &a.title_en, ui)
    }

    async fn detail(ui: &Ui, store: &Store, a: &Activity) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let roles = store.list_roles().await?;
        let mut sections = fields::sections(ui, FIELDS, a, &[OVERVIEW]);
        sections.push(fields::section(ui, FIELDS, a, SUMMARY, "empty-summary"));

        // Participants, grouped by role in the order of the role vocabulary.
        let mut by_role: Vec<(usize, &str)> = a
            .participants
            .iter()
            .map(|p| {
                (
                    roles
                        .iter()
                        .position(|r| r.code == p.role)
                        .unwrap_or(usize::MAX),
                    p.role.as_str(),
                )
            })
            .collect();
        by_role.sort();
        by_role.dedup();
        if by_role.is_empty() {
            sections.push(Section::new(
                t.get("section-participants"),
                t.get("empty-participants"),
            ));
        }
        for (_, role) in by_role {
            let mut section = Section::new(
                format!(
                    "{} · {}",
                    t.get("section-participants"),
                    role_name(&ui.t, &roles, role)
                ),
                "",
            );
            for p in a.participants.iter().filter(|p| p.role == role) {
                let meta = [p.position.clone(), p.position_en.clone(), p.note.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                section.items.push(Item {
                    title: p.person.name.clone(),
                    href: Some(format!("/people/{}", p.person.id)),
                    meta,
                    lines: Vec::new(),
                });
            }
            sections.push(section);
        }
        let mut groups = Section::new(t.get("field-attending_groups"), t.get("empty-list"));
        groups.items = a
            .attending_groups
            .iter()
            .chain(&a.attending_groups_en)
            .map(|g| Item {
                title: g.clone(),
                ..Item::default()
            })
            .collect();
        sections.push(groups);

        let mut partners = Section::new(t.get("field-partners"), t.get("empty-partners"));
        for p in &a.partners {
            partners.items.push(Item {
                title: p.name.clone(),
                href: Some(format!("/organizations/{}", p.id)),
                ..Item::default()
            });
        }
        sections.push(partners);

        let mut agenda = Section::new(t.get("section-agenda"), t.get("empty-agenda"));
        for item in &a.agenda {
            let days = match (item.on, item.ends_on) {
                (Some(on), Some(ends)) => Some(format!("{} – {}", t.date(on), t.date(ends))),
                (on, _) => on.map(|d| t.date(d)),
            };
            let lecturers = item.lecturers.as_ref().map(|group| {
                let who = t.pick(&group.description_zh, &group.description_en);
                let count = ("count", t.number(i64::from(group.count)));
                if who.is_empty() {
                    t.args("agenda-lecturers-unnamed", &[count])
                } else {
                    t.args("agenda-lecturers", &[count, ("who", who)])
                }
            });
            let meta = [
                Some(t.value("agenda-kind", &code(&item.kind))),
                days,
                item.part.as_ref().map(|p| t.value("agenda-part", &code(p))),
                item.starts_at.clone(),
                item.venue.clone(),
                item.speaker.as_ref().map(|s| s.name.clone()),
                lecturers,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            agenda.items.push(Item {
                title: t.pick(&item.title_zh, &item.title_en),
                href: item.speaker.as_ref().map(|s| format!("/people/{}", s.id)),
                meta,
                lines: item.points.iter().chain(&item.points_en).cloned().collect(),
            });
        }
        sections.push(agenda);

        let mut agreements = Section::new(t.get("section-agreements-signed"), t.get("empty-list"));
        for g in &a.agreements {
            agreements.items.push(Item {
                title: g.name.clone(),
                href: Some(format!("/agreements/{}", g.id)),
                ..Item::default()
            });
        }
        sections.push(agreements);

        let mut outcomes = Section::new(t.get("field-outcomes"), t.get("empty-list"));
        for o in &a.outcomes {
            let mut lines: Vec<String> = o.follow_up.iter().cloned().collect();
            if let Some(due) = o.due_on {
                lines.push(t.args("outcome-due", &[("date", t.date(due))]));
            }
            outcomes.items.push(Item {
                title: o.description.clone(),
                meta: if o.done {
                    t.get("outcome-done")
                } else {
                    String::new()
                },
                lines,
                href: None,
            });
        }
        sections.push(outcomes);

        let mut gifts = Section::new(t.get("nav-gifts"), t.get("empty-gifts"));
        for g in &a.gifts {
            let value = g
                .estimated_value_fen
                .map(|m| t.money(m.fen()))
                .unwrap_or_default();
            gifts.items.push(Item {
                title: g.item.clone(),
                href: Some(format!("/gifts/{}", g.meta.id)),
                meta: [t.value("gift-direction", &code(&g.direction)), value]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                lines: vec![
                    format!("{}: {}", t.get("field-giver"), party_text(&g.giver)),
                    format!("{}: {}", t.get("field-receiver"), party_text(&g.receiver)),
                ],
            });
        }
        sections.push(gifts);

        if !a.attachments.is_empty() {
            let mut attachments = Section::new(t.get("section-attachments"), "");
            attachments.items = a
                .attachments
                .iter()
                .map(|f| Item {
                    title: f.file_name.clone(),
                    meta: f.caption.clone().unwrap_or_default(),
                    ..Item::default()
                })
                .collect();
            sections.push(attachments);
        }
        Ok(DetailView {
            title: Self::name(ui, a),
            subtitle: Some(format!(
                "{} · {}",
                t.value("activity-kind", &code(&a.kind)),
                t.span(a.start_date, a.start_part, a.end_date, a.end_part)
            )),
            actions: document_actions(ui, a),
            sections,
        })
    }

    fn values(a: &Activity) -> Values {
        let mut v = fields::values(FIELDS, a);
        for (i, p) in a.partners.iter().enumerate() {
            v.set(
                format!("partners-{i}-organization"),
                format!("#{} {}", p.id, p.name),
            );
        }
        for (i, o) in a.outcomes.iter().enumerate() {
            v.set(format!("outcomes-{i}-description"), o.description.clone());
            v.set(
                format!("outcomes-{i}-follow_up"),
                o.follow_up.clone().unwrap_or_default(),
            );
            v.set(
                format!("outcomes-{i}-due_on"),
                o.due_on.map(|d| d.to_string()).unwrap_or_default(),
            );
            v.set(format!("outcomes-{i}-done"), if o.done { "on" } else { "" });
        }
        for (i, p) in a.participants.iter().enumerate() {
            v.set(
                format!("participants-{i}-person"),
                format!("#{} {}", p.person.id, p.person.name),
            );
            v.set(format!("participants-{i}-role"), p.role.clone());
            v.set(
                format!("participants-{i}-position"),
                p.position.clone().unwrap_or_default(),
            );
            v.set(
                format!("participants-{i}-position_en"),
                p.position_en.clone().unwrap_or_default(),
            );
            v.set(
                format!("participants-{i}-note"),
                p.note.clone().unwrap_or_default(),
            );
        }
        for (i, item) in a.agenda.iter().enumerate() {
            v.set(format!("agenda-{i}-kind"), code(&item.kind));
            v.set(
                format!("agenda-{i}-on"),
                item.on.map(|d| d.to_string()).unwrap_or_default(),
            );
            v.set(
                format!("agenda-{i}-ends_on"),
                item.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            );
            v.set(
                format!("agenda-{i}-part"),
                item.part.as_ref().map(code).unwrap_or_default(),
            );
            v.set(
                format!("agenda-{i}-venue"),
                item.venue.clone().unwrap_or_default(),
            );
            if let Some(group) = &item.lecturers {
                v.set(
                    format!("agenda-{i}-lecturer_count"),
                    group.count.to_string(),
                );
                v.set(
                    format!("agenda-{i}-lecturers_zh"),
                    group.description_zh.clone().unwrap_or_default(),
                );
                v.set(
                    format!("agenda-{i}-lecturers_en"),
                    group.description_en.clone().unwrap_or_default(),
                );
            }
            v.set(
                format!("agenda-{i}-starts_at"),
                item.starts_at.clone().unwrap_or_default(),
            );
            v.set(format!("agenda-{i}-speaker"), super::linked(&item.speaker));
            v.set(
                format!("agenda-{i}-title_zh"),
                item.title_zh.clone().unwrap_or_default(),
            );
            v.set(
                format!("agenda-{i}-title_en"),
                item.title_en.clone().unwrap_or_default(),
            );
            v.set(format!("agenda-{i}-points"), item.points.join("\n"));
            v.set(format!("agenda-{i}-points_en"), item.points_en.join("\n"));
        }
        v
    }

    async fn form(
        ui: &Ui,
        store: &Store,
        v: &Values,
        creating: bool,
        adding: &str,
    ) -> liaison_store::Result<FormView> {
        let t = &ui.t;
        let roles = store.list_roles().await?;
        let mut role_choices = vec![(String::new(), t.get("choice-none"))];
        role_choices.extend(
            roles
                .iter()
                .map(|r| (r.code.clone(), role_name(&ui.t, &roles, &r.code))),
        );
        let line = |group: &str, i: usize, name: &str| row_input(ui, v, "text", group, i, name);
        let participants = group(
            ui,
            v,
            GroupText {
                name: "participants",
                label: "section-participants",
                hint: Some("hint-pick-person"),
                add: "add-participant",
            },
            adding,
            |i| {
                vec![
                    line("participants", i, "person").picks("person", v),
                    row_select(ui, v, "participants", i, "role", role_choices.clone()),
                    line("participants", i, "guest_organization").picks("organization,unit", v),
                    line("participants", i, "position"),
                    line("participants", i, "position_en"),
                    line("participants", i, "note"),
                ]
            },
        );
        let agenda = group(
            ui,
            v,
            GroupText {
                name: "agenda",
                label: "section-agenda",
                hint: Some("hint-agenda"),
                add: "add-agenda-item",
            },
            adding,
            |i| {
                vec![
                    row_select(
                        ui,
                        v,
                        "agenda",
                        i,
                        "kind",
                        choices(ui, "agenda-kind", &AGENDA_KINDS, Some("choice-none")),
                    ),
                    row_input(ui, v, "date", "agenda", i, "on"),
                    row_input(ui, v, "date", "agenda", i, "ends_on"),
                    row_select(
                        ui,
                        v,
                        "agenda",
                        i,
                        "part",
                        choices(ui, "agenda-part", &AgendaPart::ALL, Some("choice-none")),
                    ),
                    row_input(ui, v, "time", "agenda", i, "starts_at"),
                    line("agenda", i, "venue"),
                    line("agenda", i, "speaker").picks("person", v),
                    row_input(ui, v, "number", "agenda", i, "lecturer_count"),
                    line("agenda", i, "lecturers_zh"),
                    line("agenda", i, "lecturers_en"),
                    line("agenda", i, "title_zh"),
                    line("agenda", i, "title_en"),
                    row_input(ui, v, "textarea", "agenda", i, "points"),
                    row_input(ui, v, "textarea", "agenda", i, "points_en"),
                ]
            },
        );
        let outcomes = group(
            ui,
            v,
            GroupText {
                name: "outcomes",
                label: "field-outcomes",
                hint: None,
                add: "add-outcome",
            },
            adding,
            |i| {
                vec![
                    line("outcomes", i, "description"),
                    line("outcomes", i, "follow_up"),
                    row_input(ui, v, "date", "outcomes", i, "due_on"),
                    row_input(ui, v, "checkbox", "outcomes", i, "done"),
                ]
            },
        );
        let partners = group(
            ui,
            v,
            GroupText {
                name: "partners",
                label: "field-partners",
                hint: Some("hint-pick-organization"),
                add: "add-partner",
            },
            adding,
            |i| vec![line("partners", i, "organization").picks("organization", v)],
        );
        let mut groups = vec![partners, participants, agenda, outcomes];
        if creating {
            groups.push(group(
                ui,
                v,
                GroupText {
                    name: "gifts",
                    label: "nav-gifts",
                    hint: Some("hint-gift-party"),
                    add: "add-gift",
                },
                adding,
                |i| {
                    vec![
                        row_select(
                            ui,
                            v,
                            "gifts",
                            i,
                            "direction",
                            choices(ui, "gift-direction", &DIRECTIONS, Some("choice-none")),
                        ),
                        line("gifts", i, "item"),
                        row_select(
                            ui,
                            v,
                            "gifts",
                            i,
                            "category",
                            choices(ui, "gift-category", &CATEGORIES, Some("choice-none")),
                        ),
                        line("gifts", i, "value"),
                        line("gifts", i, "giver_person").picks("person", v),
                        line("gifts", i, "giver").picks("organization", v),
                        line("gifts", i, "receiver_person").picks("person", v),
                        line("gifts", i, "receiver").picks("organization", v),
                    ]
                },
            ));
        }
        Ok(FormView {
            fields: fields::inputs(ui, store, FIELDS, v).await?,
            groups: groups.into_iter().map(Group::removable).collect(),
            ..FormView::default()
        })
    }

    fn read(v: &Values, creating: bool) -> Result<ActivityInput, FieldErrors> {
        fields::read(FIELDS, v, |r, input| {
            let start_date = input
                .get("start_date")
                .and_then(|day| serde_json::from_value(day.clone()).ok());
            let groups = read_groups(v, r, creating, start_date);
            input.extend(groups);
        })
    }

    async fn resolve(ui: &Ui, store: &Store, v: &mut Values) -> liaison_store::Result<Resolution> {
        let mut found = Resolution::default();
        let mut names = Names {
            ui,
            store,
            found: &mut found,
        };
        let mut organizations = vec!["inviting_organization".to_owned(), "organizer".to_owned()];
        organizations.extend((0..v.rows("partners")).map(|i| format!("partners-{i}-organization")));
        for field in organizations {
            names.organization(v, &field).await?;
        }
        for i in 0..v.rows("participants") {
            let guest_organization = format!("participants-{i}-guest_organization");
            let new_guest = v.text(&guest_organization).is_some();
            if new_guest && !names.unit(v, i).await? {
                names.organization(v, &guest_organization).await?;
            }
            names
                .person(v, &format!("participants-{i}-person"), new_guest)
                .await?;
        }
        for i in 0..v.rows("agenda") {
            names
                .person(v, &format!("agenda-{i}-speaker"), false)
                .await?;
        }
        for i in 0..v.rows("gifts") {
            for side in ["giver", "receiver"] {
                names
                    .person(v, &format!("gifts-{i}-{side}_person"), false)
                    .await?;
                names
                    .gift_organization(v, &format!("gifts-{i}-{side}"))
                    .await?;
            }
        }
        Ok(found)
    }

    async fn update(
        store: &Store,
        actor: &Actor,
        id: i64,
        mut input: ActivityInput,
    ) -> liaison_store::Result<Activity> {
        // The form does not show attachments (their files are kept elsewhere); keep them.
        input.attachments = store.get::<Activity>(id).await?.attachments;
        store.update::<Activity>(actor, id, input).await
    }
}

/// The rows of an activity's form, each group as the activity's input holds it: partners,
/// participants (a new guest with their organization or unit), agenda items, outcomes and, for
/// a new activity, its gifts, exchanged on its first day.
fn read_groups(
    v: &Values,
    r: &mut Reader,
    creating: bool,
    start_date: Option<NaiveDate>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut participants = Vec::new();
    for i in 0..v.rows("participants") {
        if v.row_is_empty("participants", i) {
            continue;
        }
        let f = |name: &str| format!("participants-{i}-{name}");
        let mut person = person_ref(v.get(&f("person")));
        if let Some(Ref::New(new)) = &mut person {
            // A new guest comes with their organization and position; a new person of one
            // of the university's units is one of its staff.
            new.position = v.text(&f("position"));
            if let Some(unit) = v.text(&f("unit")).and_then(|u| u.parse().ok()) {
                new.category = PersonCategory::Internal;
                new.unit = Some(Link::Id(unit));
            } else if let Some(org) = v.text(&f("guest_organization")) {
                match link_of(&org) {
                    Some(link) => new.organization = Some(Ref::Link(link)),
                    None => r.errors.add(
                        f("guest_organization"),
                        "no_match",
                        format!("no organization or unit on record is named '{org}'"),
                    ),
                }
            }
        }
        let role = v.text(&format!("participants-{i}-role"));
        match (person, role) {
            (Some(person), Some(role)) => participants.push(ParticipantInput {
                person,
                role,
                position: v.text(&format!("participants-{i}-position")),
                position_en: v.text(&format!("participants-{i}-position_en")),
                note: v.text(&format!("participants-{i}-note")),
            }),
            (None, _) => r.errors.add(
                format!("participants-{i}-person"),
                "required",
                "name the person",
            ),
            (_, None) => r.errors.add(
                format!("participants-{i}-role"),
                "required",
                "choose a role",
            ),
        }
    }
    let mut partners: Vec<Link> = Vec::new();
    for i in 0..v.rows("partners") {
        if v.row_is_empty("partners", i) {
            continue;
        }
        let field = format!("partners-{i}-organization");
        if let Some(link) = r.link(v, &field) {
            partners.push(link);
        }
    }
    let mut agenda = Vec::new();
    for i in 0..v.rows("agenda") {
        if v.row_is_empty("agenda", i) {
            continue;
        }
        let f = |name: &str| format!("agenda-{i}-{name}");
        let count = r.parse::<i32>(v, &f("lecturer_count"), "a number");
        let (lecturers_zh, lecturers_en) = (v.text(&f("lecturers_zh")), v.text(&f("lecturers_en")));
        let lecturers = match count {
            Some(count) => Some(LecturerGroup {
                count,
                description_zh: lecturers_zh,
                description_en: lecturers_en,
            }),
            None if lecturers_zh.is_some() || lecturers_en.is_some() => {
                r.errors.add(
                    f("lecturer_count"),
                    "required",
                    "give the number of lecturers",
                );
                None
            }
            None => None,
        };
        agenda.push(AgendaItemInput {
            kind: r.choice(v, &f("kind")).unwrap_or_default(),
            on: r.date(v, &f("on")),
            ends_on: r.date(v, &f("ends_on")),
            part: r.choice(v, &f("part")),
            venue: v.text(&f("venue")),
            lecturers,
            starts_at: v.text(&f("starts_at")),
            speaker: person_ref(v.get(&f("speaker"))),
            title_zh: v.text(&f("title_zh")),
            title_en: v.text(&f("title_en")),
            points: v.lines(&f("points")),
            points_en: v.lines(&f("points_en")),
        });
    }
    let mut outcomes = Vec::new();
    for i in 0..v.rows("outcomes") {
        if v.row_is_empty("outcomes", i) {
            continue;
        }
        let f = |name: &str| format!("outcomes-{i}-{name}");
        outcomes.push(OutcomeInput {
            description: v.get(&f("description")).to_owned(),
            follow_up: v.text(&f("follow_up")),
            due_on: r.date(v, &f("due_on")),
            done: v.get(&f("done")) == "on",
        });
    }
    let mut gifts = Vec::new();
    if creating {
        for i in 0..v.rows("gifts") {
            if v.row_is_empty("gifts", i) {
                continue;
            }
            let f = |name: &str| format!("gifts-{i}-{name}");
            let Some(direction) = r.choice(v, &f("direction")) else {
                r.errors
                    .add(f("direction"), "required", "choose received or given");
                continue;
            };
            gifts.push(GiftInput {
                key: None,
                version: None,
                direction,
                activity: None,
                exchanged_on: start_date,
                giver: party_of(v.get(&f("giver_person")), v.text(&f("giver"))),
                receiver: party_of(v.get(&f("receiver_person")), v.text(&f("receiver"))),
                item: v.get(&f("item")).to_owned(),
                category: r.choice(v, &f("category")).unwrap_or_default(),
                quantity: 1,
                estimated_value_fen: r.yuan(v, &f("value")).map(Money::from_fen),
                status: GiftStatus::Recorded,
                declared_on: None,
                handed_in_on: None,
                storage: None,
                disposal: None,
                notes: None,
            });
        }
    }
    [
        ("partners", json!(partners)),
        ("participants", json!(participants)),
        ("agenda", json!(agenda)),
        ("outcomes", json!(outcomes)),
        ("gifts", json!(gifts)),
    ]
    .into_iter()
    .map(|(name, rows)| (name.to_owned(), rows))
    .collect()
}

/// A giver or receiver as the activity's page shows it: the person, the organization, or the
/// words that describe them.
fn party_text(party: &liaison_core::Party) -> String {
    [
        party.person.as_ref().map(|p| p.name.clone()),
        party.organization.as_ref().map(|o| o.name.clone()),
        party.description.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// How many records a name typed in the form is looked up among: enough to offer, few enough to
/// read through.
const OFFERED: i64 = 10;

/// Looks up the names typed in an activity's form when it is saved without the pickers' script.
struct Names<'a> {
    ui: &'a Ui,
    store: &'a Store,
    found: &'a mut Resolution,
}

impl Names<'_> {
    /// The record chosen among last time's offers, written into its field; `true` when the
    /// field is settled (a record, or a new person confirmed).
    fn chosen(v: &mut Values, field: &str) -> bool {
        let pick_field = format!("{field}_pick");
        let pick = v.get(&pick_field).to_owned();
        if pick.starts_with('#') {
            v.0.insert(field.to_owned(), pick);
            v.0.remove(&pick_field);
            return true;
        }
        pick == "new"
    }

    /// A name typed that is no link yet: the text, unless it is empty or already a link.
    fn typed(v: &Values, field: &str) -> Option<String> {
        v.text(field).filter(|t| link_of(t).is_none())
    }

    fn offer(&mut self, field: &str, matches: &[NameMatch], new: Option<&str>) {
        let t = &self.ui.t;
        let mut offers: Vec<(String, String)> = matches
            .iter()
            .map(|m| {
                let country = m
                    .country
                    .as_deref()
                    .and_then(liaison_core::find_country)
                    .map(|c| t.country(c));
                let detail = [m.position.clone(), m.organization.clone(), country]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                let label = if detail.is_empty() {
                    m.name.clone()
                } else {
                    format!("{} · {}", m.name, detail.join(" · "))
                };
                (format!("#{} {}", m.id, m.name), label)
            })
            .collect();
        if let Some(name) = new {
            offers.push((
                "new".to_owned(),
                t.args("pick-new-person", &[("name", name.to_owned())]),
            ));
        }
        self.found.offers.insert(field.to_owned(), offers);
    }

    /// An organization typed by name: the one record whose name it is, or whose name holds it,
    /// is taken; several are offered to choose from; none is a problem of the field.
    async fn organization(&mut self, v: &mut Values, field: &str) -> liaison_store::Result<()> {
        if Self::chosen(v, field) {
            return Ok(());
        }
        let Some(typed) = Self::typed(v, field) else {
            return Ok(());
        };
        let matches = self
            .store
            .find_names(&[NameKind::Organization], &typed, OFFERED)
            .await?;
        match one_of(&matches) {
            Some(m) => {
                v.0.insert(field.to_owned(), format!("#{} {}", m.id, m.name));
            }
            None if matches.is_empty() => self.found.errors.add_with_value(
                field,
                "no_match",
                format!("no organization on record is named '{typed}'; add it first"),
                typed,
            ),
            None => {
                self.found.errors.add_with_value(
                    field,
                    "ambiguous",
                    format!("several organizations are named '{typed}': choose one"),
                    typed.clone(),
                );
                self.offer(field, &matches, None);
            }
        }
        Ok(())
    }

    /// The unit of the university a new person of row `i` is named with, if the organization
    /// typed is one: the person is then one of its staff. `true` when it is.
    async fn unit(&mut self, v: &mut Values, i: usize) -> liaison_store::Result<bool> {
        let field = format!("participants-{i}-guest_organization");
        let Some(typed) = Self::typed(v, &field) else {
            return Ok(false);
        };
        let units = self
            .store
            .find_names(&[NameKind::Unit], &typed, OFFERED)
            .await?;
        match one_of(&units) {
            Some(unit) => {
                v.0.insert(format!("participants-{i}-unit"), unit.id.to_string());
                v.0.insert(field, unit.name.clone());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// A person typed by name. A new guest (a name with an organization) named like people
    /// on record is offered them, to take one of them or confirm a new person; a bare name is
    /// taken when one person has it (or one name holds it), offered when several do, and a
    /// new person otherwise.
    async fn person(
        &mut self,
        v: &mut Values,
        field: &str,
        new_guest: bool,
    ) -> liaison_store::Result<()> {
        if Self::chosen(v, field) {
            return Ok(());
        }
        let Some(typed) = Self::typed(v, field) else {
            return Ok(());
        };
        let matches = self
            .store
            .find_names(&[NameKind::Person], &typed, OFFERED)
            .await?;
        if new_guest {
            let same: Vec<NameMatch> = matches.into_iter().filter(|m| m.exact).collect();
            if !same.is_empty() {
                self.found.errors.add_with_value(
                    field,
                    "person_on_record",
                    format!(
                        "a person named '{typed}' is on record: choose them, or confirm a new person"
                    ),
                    typed.clone(),
                );
                self.offer(field, &same, Some(&typed));
            }
            return Ok(());
        }
        match one_of(&matches) {
            Some(m) => {
                v.0.insert(field.to_owned(), format!("#{} {}", m.id, m.name));
            }
            None if matches.is_empty() => {}
            None => {
                self.found.errors.add_with_value(
                    field,
                    "ambiguous",
                    format!("several people are named '{typed}': choose one, or a new person"),
                    typed.clone(),
                );
                self.offer(field, &matches, Some(&typed));
            }
        }
        Ok(())
    }

    /// A gift's giver or receiver organization: a name one organization has is linked to it;
    /// any other words stay as they are, describing who gave or received it.
    async fn gift_organization(
        &mut self,
        v: &mut Values,
        field: &str,
    ) -> liaison_store::Result<()> {
        if Self::chosen(v, field) {
            return Ok(());
        }
        let Some(typed) = Self::typed(v, field) else {
            return Ok(());
        };
        let matches = self
            .store
            .find_names(&[NameKind::Organization], &typed, OFFERED)
            .await?;
        let exact: Vec<&NameMatch> = matches.iter().filter(|m| m.exact).collect();
        if let [m] = exact.as_slice() {
            v.0.insert(field.to_owned(), format!("#{} {}", m.id, m.name));
        }
        Ok(())
    }
}

/// The one record a name typed stands for: the only one whose name it is, whole, or else the
/// only one whose name holds it.
fn one_of(matches: &[NameMatch]) -> Option<&NameMatch> {
    let exact: Vec<&NameMatch> = matches.iter().filter(|m| m.exact).collect();
    match (exact.as_slice(), matches) {
        ([one], _) => Some(one),
        ([], [one]) => Some(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use liaison_core::{
        ActivityKind, AgendaKind, DayPart, GiftDirection, Link, Money, PersonCategory, Ref,
        UniversityRole,
    };

    use super::Activities;
    use crate::pages::forms::Values;
    use crate::pages::records::RecordPages;

    /// A course another body ran abroad, which the university's staff attended: the organizer
    /// named, two lecturers given as a group, a guest new to the records, and a gift received.
    fn course_abroad() -> Values {
        Values::of(&[
            ("kind", "training_course"),
            ("title_en", "ILO course on labour inspection"),
            ("start_date", "2026-09-14"),
            ("start_part", "afternoon"),
            ("end_date", "2026-09-18"),
            ("end_part", ""),
            ("venue", "ITC-ILO, Turin"),
            ("host_unit", "4"),
            ("organizer", "#31 International Training Centre of the ILO"),
            ("university_role", "participant"),
            ("delegation_size", "3"),
            ("tags", "labour inspection\n\n  ILO  \n"),
            ("attending_groups", "学院教师"),
            ("partners-0-organization", "#31 ITC-ILO"),
            ("partners-1-organization", ""),
            ("partners-2-organization", "@ilo-geneva"),
            ("participants-0-person", "#5 Wang Fang"),
            ("participants-0-role", "delegation_member"),
            ("participants-1-person", "Giulia Bianchi"),
            ("participants-1-role", "lecturer"),
            ("participants-1-guest_organization", "#31 ITC-ILO"),
            ("participants-1-position", "Programme officer"),
            ("agenda-0-kind", "lecture"),
            ("agenda-0-on", "2026-09-15"),
            ("agenda-0-lecturer_count", "2"),
            ("agenda-0-lecturers_en", "ILO inspectors"),
            ("agenda-0-points", "Risk-based inspection\nCase studies"),
            (
                "outcomes-0-description",
                "Course notes shared with the school",
            ),
            ("outcomes-0-done", "on"),
            ("gifts-0-direction", "received"),
            ("gifts-0-item", "ILO pennant"),
            ("gifts-0-value", "80"),
            ("gifts-0-giver", "#31 ITC-ILO"),
            ("key", "itc-ilo-2026"),
            ("version", "4"),
        ])
    }

    #[test]
    fn an_activity_s_form_reads_its_fields_and_each_group_of_rows() {
        let input = Activities::read(&course_abroad(), true).expect("the form reads");
        assert_eq!(input.kind, ActivityKind::TrainingCourse);
        assert_eq!(
            input.start_date,
            NaiveDate::from_ymd_opt(2026, 9, 14).unwrap()
        );
        assert_eq!(input.start_part, DayPart::Afternoon);
        assert_eq!(input.end_part, None, "left as the same half-day");
        assert_eq!(input.host_unit, Some(Link::Id(4)));
        assert_eq!(input.organizer, Some(Ref::Link(Link::Id(31))));
        assert_eq!(input.inviting_organization, None);
        assert_eq!(input.university_role, UniversityRole::Participant);
        assert_eq!(input.delegation_size, Some(3));
        assert_eq!(input.tags, ["labour inspection", "ILO"]);
        assert_eq!(input.attending_groups, ["学院教师"]);
        assert_eq!(
            input.partners,
            [
                Ref::Link(Link::Id(31)),
                Ref::Link(Link::Key("ilo-geneva".to_owned()))
            ],
            "the empty row is left out"
        );
        assert_eq!(input.participants.len(), 2);
        assert_eq!(input.participants[0].person, Ref::Link(Link::Id(5)));
        let Ref::New(guest) = &input.participants[1].person else {
            panic!("a name not on record is a new person");
        };
        assert_eq!(guest.name_en.as_deref(), Some("Giulia Bianchi"));
        assert_eq!(guest.organization, Some(Ref::Link(Link::Id(31))));
        assert_eq!(guest.position.as_deref(), Some("Programme officer"));
        assert_ne!(guest.category, PersonCategory::Internal);
        let lecture = &input.agenda[0];
        assert_eq!(lecture.kind, AgendaKind::Lecture);
        assert_eq!(lecture.lecturers.as_ref().map(|l| l.count), Some(2));
        assert_eq!(lecture.points, ["Risk-based inspection", "Case studies"]);
        assert!(input.outcomes[0].done);
        assert_eq!(input.gifts.len(), 1);
        assert_eq!(input.gifts[0].direction, GiftDirection::Received);
        assert_eq!(input.gifts[0].exchanged_on, Some(input.start_date));
        assert_eq!(
            input.gifts[0].estimated_value_fen,
            Some(Money::from_fen(8_000))
        );
        assert_eq!(input.key.as_deref(), Some("itc-ilo-2026"));
        assert_eq!(input.version, Some(4));
        // A change of an activity has no gift rows: its gifts are the register's.
        let changed = Activities::read(&course_abroad(), false).expect("the form reads");
        assert!(changed.gifts.is_empty());
    }

    #[test]
    fn an_activity_s_form_names_every_mistake_in_its_fields_and_rows_at_once() {
        let mut values = course_abroad();
        for (name, value) in [
            ("kind", "picnic"),
            ("start_date", ""),
            ("delegation_size", "a few"),
            ("participants-0-role", ""),
            ("agenda-0-lecturer_count", ""),
            ("gifts-0-direction", ""),
        ] {
            values.0.insert(name.to_owned(), value.to_owned());
        }
        let errors = Activities::read(&values, true).expect_err("nothing is read");
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "agenda-0-lecturer_count",
                "delegation_size",
                "gifts-0-direction",
                "kind",
                "participants-0-role",
                "start_date"
            ],
            "{errors:?}"
        );
    }
}
