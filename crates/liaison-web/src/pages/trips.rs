//! Pages of official trips abroad: the inboxes, the application's form, its page with the plan
//! of approvals, the rules it breaks and the buttons of the changes the user may make, and the
//! public notice printed on A4.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liaison_core::approvals::Progress;
use liaison_core::lifecycle::Stateful;
use liaison_core::trips::{
    Attendance, BriefingInput, BudgetLine, Destination, Finding, FundingSource, Member, Rule,
    ScheduleDay, TRIP, Trip, TripActionInput, TripFilter, TripInput, TripReport, TripState,
    TripType, may_apply,
};
use liaison_core::{FieldErrors, Money, PageRequest, Record, UserRole};

use super::forms::{Reader, Values};
use super::kinds::{GroupText, choices, code, group, row_input, row_select, select, text};
use super::records::form_page;
use super::records::message_page;
use super::{
    Action as PageAction, Cell, Column, DetailView, Field, FormView, Item, Link, ListTemplate,
    ListView, PageResult, RecordId, Section, TransitionButton, TransitionsView, Ui, render,
};
use crate::AppState;
use crate::api::trips::trip_review;
use crate::routes::Routes;
use liaison_core::approvals::TripDecision;
use liaison_reports::{Block, Document, Table};

const TYPES: [TripType; 6] = TripType::ALL;
const FUNDING: [FundingSource; 4] = FundingSource::ALL;

/// The inboxes a user may choose between, with what each lists.
const VIEWS: [&str; 4] = ["waiting", "mine", "unit", "all"];

/// The trip list: what waits for the user's decision, what they filed, their unit's, or all,
/// narrowed by state.
async fn list(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> PageResult {
    let actor = ui.actor()?;
    let query = Values::from_query(raw.as_deref());
    let today = state.settings.clock.today();
    let inbox = state.store.trip_inbox(&actor, today).await?;
    let view = match query.get("view") {
        v if VIEWS.contains(&v) => v.to_owned(),
        _ if inbox.waiting > 0 => "waiting".to_owned(),
        _ if matches!(actor.role, UserRole::Admin | UserRole::Officer) => "all".to_owned(),
        _ => "mine".to_owned(),
    };
    let mut filter = TripFilter {
        status: TripState::parse(query.get("status")),
        ..TripFilter::default()
    };
    match view.as_str() {
        "waiting" => filter.waiting_for = actor.user_id,
        "mine" => filter.applicant = actor.user_id,
        "unit" => filter.unit = Some(actor.unit_id.unwrap_or(0)),
        _ => {}
    }
    if query.get("overdue") == "1" {
        filter.overdue_on = Some(today);
    }
    let page_number = query.get("page").parse().ok();
    let page = PageRequest::parse(
        page_number,
        None,
        Some("-created"),
        liaison_core::trips::TRIP_SORTS,
        true,
    )?;
    // What waits is counted already, for the inbox.
    let counted = (view == "waiting").then_some(inbox.waiting);
    let trips = state
        .store
        .list_trip_rows(&filter, &page, today, counted)
        .await?;
    let t = &ui.t;
    let count = |n: i64| t.number(n);
    let views = VIEWS
        .iter()
        .map(|v| {
            let n = match *v {
                "waiting" => inbox.waiting,
                "mine" => inbox.mine,
                "unit" => inbox.unit,
                _ => inbox.by_state.values().sum(),
            };
            (
                (*v).to_owned(),
                format!("{} ({})", t.value("trips-view", v), count(n)),
            )
        })
        .collect();
    let mut states = vec![(String::new(), t.get("choice-all"))];
    states.extend(TripState::ALL.iter().map(|s| {
        let n = inbox.by_state.get(s).copied().unwrap_or(0);
        (
            s.as_str().to_owned(),
            format!("{} ({})", t.value("trip-state", s.as_str()), count(n)),
        )
    }));
    let mut overdue = Field::select(
        "overdue",
        t.get("trips-overdue"),
        query.get("overdue"),
        vec![
            (String::new(), t.get("choice-all")),
            (
                "1".to_owned(),
                format!("{} ({})", t.get("trips-overdue-only"), count(inbox.overdue)),
            ),
        ],
    );
    overdue.hint = None;
    let rows = trips
        .items
        .iter()
        .map(|trip| {
            vec![
                Cell::link(
                    titled(&ui, trip.id, &trip.title_zh, &trip.title_en),
                    format!("/trips/{}", trip.id),
                ),
                Cell::text(trip.applicant.name.clone()),
                Cell::text(
                    trip.unit
                        .as_ref()
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                ),
                Cell::text(places_of(&ui, &trip.destinations)),
                Cell::text(t.optional_date(trip.departure)),
                Cell::text(count(trip.days_abroad)),
                Cell::text(if trip.changing && trip.status == TripState::InApproval {
                    t.get("trips-state-change-in-approval")
                } else {
                    t.value("trip-state", trip.status.as_str())
                }),
                Cell::text(t.optional_date(trip.step_due)),
            ]
        })
        .collect();
    let columns = [
        t.get("field-title"),
        t.get("field-applicant"),
        t.get("field-unit"),
        t.get("field-destinations"),
        t.get("field-departure"),
        t.get("field-days_abroad"),
        t.get("field-status"),
        t.get("field-step_due"),
    ]
    .into_iter()
    .map(|label| Column {
        label,
        href: None,
        sorted: None,
    })
    .collect();
    let pages = (trips.total + page.per_page - 1) / page.per_page;
    let link = |n: i64| query.link("/trips", &[("page", n.to_string()), ("view", view.clone())]);
    let list = ListView {
        title: t.get("nav-trips"),
        base: "/trips".to_owned(),
        new_link: may_apply(&actor).then(|| Link {
            label: t.get("new-trip"),
            href: "/trips/new".to_owned(),
        }),
        filters: vec![
            Field::select("view", t.get("trips-view"), view.clone(), views),
            Field::select("status", t.get("field-status"), query.get("status"), states),
            overdue,
        ],
        columns,
        rows,
        total_text: t.args("list-total", &[("count", count(trips.total))]),
        empty_text: match view.as_str() {
            "waiting" => t.get("trips-empty-waiting"),
            "mine" => t.get("trips-empty-mine"),
            "unit" => t.get("trips-empty-unit"),
            _ => t.get("trips-empty-all"),
        },
        exports: Vec::new(),
        export_note: None,
        prev: (page.page > 1).then(|| link(page.page - 1)),
        next: (page.page < pages).then(|| link(page.page + 1)),
    };
    Ok(render(&ListTemplate {
        ui: &ui,
        view: &list,
    }))
}

fn title(ui: &Ui, trip: &Trip) -> String {
    titled(ui, trip.meta.id, &trip.title_zh, &trip.title_en)
}

/// An application's title in the reader's language, or its number when it has none.
fn titled(ui: &Ui, id: i64, title_zh: &Option<String>, title_en: &Option<String>) -> String {
    let title = ui.t.pick(title_zh, title_en);
    if title.is_empty() {
        format!("#{id}")
    } else {
        title
    }
}

fn places(ui: &Ui, trip: &Trip) -> String {
    places_of(ui, &trip.destinations)
}

/// The places of a trip, in order: country and city.
fn places_of(ui: &Ui, destinations: &[liaison_core::trips::Destination]) -> String {
    let separator = if ui.t.lang == crate::i18n::Lang::Zh {
        "、"
    } else {
        ", "
    };
    destinations
        .iter()
        .map(|d| format!("{} {}", ui.t.country(d.country), d.city))
        .collect::<Vec<_>>()
        .join(separator)
}

/// A finding in the reader's language, naming the rule and its numbers.
fn finding(ui: &Ui, f: &Finding) -> String {
    ui.t.args(
        &format!("trip-rule-{}", f.rule.as_str().replace('_', "-")),
        &[
            ("limit", f.limit.to_string()),
            ("actual", f.actual.to_string()),
            ("countries", f.countries.unwrap_or(0).to_string()),
        ],
    )
}

/// The changes of state the user may try now, as buttons: the lifecycle's, less the approvers'
/// decisions unless the application waits for them.
fn buttons(ui: &Ui, trip: &Trip, waiting_for_user: bool) -> Vec<TransitionButton> {
    let Some(auth) = &ui.auth else {
        return Vec::new();
    };
    let actor = auth.actor();
    let unit = trip.unit.as_ref().map(|u| u.id);
    let applicant = liaison_core::trips::authorize_applicant(&actor, trip).is_ok();
    Trip::lifecycle()
        .available(&actor, liaison_core::trips::TRIP, unit, trip.state())
        .into_iter()
        .filter(|t| match t.who {
            liaison_core::lifecycle::Who::Approver => waiting_for_user,
            liaison_core::lifecycle::Who::Applicant => applicant,
            _ => true,
        })
        // Return and report have forms of their own below.
        .filter(|t| !matches!(t.name, "return" | "report"))
        .map(|t| TransitionButton {
            name: t.name.to_owned(),
            label: ui.t.value("trip-action", t.name),
            danger: matches!(t.name, "refuse" | "withdraw"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "trip.html")]
struct TripTemplate<'a> {
    ui: &'a Ui,
    view: &'a DetailView,
    trip: &'a Trip,
    /// The files kept with the application: its invitation, its report's photos.
    files: Option<&'a super::files::FilesView>,
    /// How many photos the report has, and needs, when the user may file it now.
    photos_needed: Option<String>,
    /// The form recording the return, when the user may make it now.
    returning: bool,
    /// The form of the report, when the user may make it now.
    reporting: bool,
    today: String,
}

/// An application's page: what it asks, its plan of approvals and why each step applies, the
/// rules it breaks today, its history, and the buttons of the changes the user may make.
async fn show(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    let mut trip = state.store.get::<Trip>(id).await?;
    trip.name_changes_in(ui.t.lang.language());
    let (_, policy) = state.store.trip_policy(&state.store.policy().trips).await?;
    let review = trip_review(&state, &trip, &policy)
        .await
        .map_err(|e| super::PageError::Internal(format!("{e:?}")))?;
    let decisions = state.store.trip_decisions(id).await?;
    let events = state.store.trip_history(id).await?;
    let t = &ui.t;
    let waiting_for_user = match actor.user_id {
        Some(me) => {
            state
                .store
                .trip_waits_for(id, me, state.settings.clock.today())
                .await?
        }
        None => false,
    };

    let mut about = Section::new(t.get("section-trip"), String::new());
    about.row(
        t.get("field-status"),
        t.value("trip-state", trip.status.as_str()),
    );
    about.row(
        t.get("field-trip_type"),
        t.value("trip-type", trip.trip_type.as_str()),
    );
    about.row(
        t.get("field-track"),
        t.value("trip-track", trip.track.as_str()),
    );
    about.row(t.get("field-applicant"), trip.applicant.name.clone());
    if let Some(unit) = &trip.unit {
        about.link_row(
            t.get("field-unit"),
            unit.name.clone(),
            format!("/units/{}", unit.id),
        );
    }
    about.row(
        t.get("field-dates"),
        match (trip.departure, trip.return_date) {
            (Some(a), Some(b)) => format!("{} – {}", t.date(a), t.date(b)),
            _ => String::new(),
        },
    );
    about.row(t.get("field-days_abroad"), t.number(trip.days_abroad));
    if let Some(org) = &trip.inviting_organization {
        about.link_row(
            t.get("field-inviting_organization"),
            org.name.clone(),
            format!("/organizations/{}", org.id),
        );
    }
    about.row(
        t.get("field-invitation"),
        trip.invitation.clone().unwrap_or_default(),
    );
    about.row(
        t.get("field-purpose"),
        trip.purpose.clone().unwrap_or_default(),
    );
    about.row(t.get("field-tasks"), trip.tasks.clone().unwrap_or_default());
    about.row(
        t.get("field-funding"),
        t.value("trip-funding", trip.funding.as_str()),
    );
    about.row(
        t.get("field-budget_total"),
        t.money(trip.budget_total.fen()),
    );
    about.row(
        t.get("field-notice_ends"),
        t.optional_date(trip.notice_ends),
    );
    about.row(
        t.get("field-actual_return"),
        t.optional_date(trip.actual_return),
    );
    about.row(t.get("field-report_due"), t.optional_date(trip.report_due));
    if let Some(activity) = &trip.activity {
        about.link_row(
            t.get("field-activity"),
            activity.name.clone(),
            format!("/activities/{}", activity.id),
        );
    }
    let mut buttons = buttons(&ui, &trip, waiting_for_user);
    if !buttons.is_empty() {
        buttons.sort_by_key(|b| b.danger);
        about.transitions = Some(TransitionsView {
            action: format!("/trips/{id}/act"),
            version: trip.meta.version,
            note_label: t.get("trip-comment"),
            buttons,
            renew: None,
        });
    }

    let mut destinations = Section::new(t.get("field-destinations"), t.get("empty-destinations"));
    destinations.items = trip
        .destinations
        .iter()
        .map(|d| Item {
            title: format!("{} {}", t.country(d.country), d.city),
            href: None,
            meta: format!("{} – {}", t.date(d.arrive), t.date(d.leave)),
            lines: Vec::new(),
        })
        .collect();

    let mut members = Section::new(t.get("field-members"), t.get("empty-members"));
    members.items = trip
        .members
        .iter()
        .map(|m| {
            let mut lines = Vec::new();
            if m.leader {
                lines.push(t.get("trip-head"));
            }
            if let Some(position) = &m.position {
                lines.push(position.clone());
            }
            lines.push(if trip.briefed.contains(&m.person.id) {
                t.get("trip-briefed")
            } else {
                t.get("trip-not-briefed")
            });
            Item {
                title: m.person.name.clone(),
                href: Some(format!("/people/{}", m.person.id)),
                meta: String::new(),
                lines,
            }
        })
        .collect();

    let mut schedule = Section::new(t.get("field-schedule"), t.get("empty-schedule"));
    schedule.items = trip
        .schedule
        .iter()
        .map(|d| Item {
            title: t.date(d.date),
            href: None,
            meta: String::new(),
            lines: vec![d.plan.clone()],
        })
        .collect();

    let mut budget = Section::new(t.get("field-budget"), t.get("empty-budget"));
    for line in &trip.budget {
        budget.row(line.item.clone(), t.money(line.amount.fen()));
    }

    let mut rules = Section::new(t.get("section-trip-rules"), t.get("trip-rules-met"));
    if trip.status.editable() {
        rules.items = review
            .findings
            .iter()
            .map(|f| Item {
                title: finding(&ui, f),
                href: None,
                meta: String::new(),
                lines: Vec::new(),
            })
            .collect();
    } else {
        rules.empty = t.get("trip-rules-checked");
    }

    let documents = crate::api::passports::trip_passports(&state, &trip).await?;
    let passports = super::passports::trip_section(&ui, &documents);

    let mut changes = Section::new(t.get("section-trip-changes"), t.get("trip-no-changes"));
    changes.items = trip
        .changes_since_approval
        .iter()
        .map(|d| Item {
            title: t.get(&format!("field-{}", d.field)),
            href: None,
            meta: String::new(),
            lines: vec![
                t.args("trip-change-approved", &[("value", d.approved.clone())]),
                t.args("trip-change-now", &[("value", d.now.clone())]),
            ],
        })
        .collect();

    let mut plan = Section::new(t.get("section-trip-plan"), String::new());
    plan.empty = review.plan_problem.clone().unwrap_or_default();
    if let Some(p) = &review.plan {
        let current = match &trip.progress {
            Some(Progress::AtStep { step, .. }) => Some(*step),
            _ => None,
        };
        plan.items = p
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut lines = vec![s.reason.clone()];
                if s.applies {
                    lines.push(t.args(
                        "trip-step-approvers",
                        &[
                            ("count", s.required.to_string()),
                            ("of", s.approvers.len().to_string()),
                        ],
                    ));
                }
                let meta = if current == Some(i) {
                    t.args(
                        "trip-step-current",
                        &[("due", t.optional_date(trip.step_due))],
                    )
                } else if !s.applies {
                    t.get("trip-step-skipped")
                } else {
                    t.args("trip-step-due", &[("days", s.due_working_days.to_string())])
                };
                Item {
                    title: s.name.clone(),
                    href: None,
                    meta,
                    lines,
                }
            })
            .collect();
    }

    let mut history = Section::new(t.get("section-history"), t.get("empty-history"));
    let mut items: Vec<(chrono::DateTime<chrono::Utc>, Item)> = events
        .iter()
        .map(|e| {
            (
                e.at,
                Item {
                    title: t.value("trip-action", &e.transition),
                    href: None,
                    meta: format!("{} · {}", e.username, e.at.format("%Y-%m-%d %H:%M")),
                    lines: e.note.iter().cloned().collect(),
                },
            )
        })
        .collect();
    items.extend(decisions.iter().map(|d| {
        let verdict = code(&d.verdict);
        (
            d.at,
            Item {
                title: format!("{} · {}", d.step_name, t.value("trip-verdict", &verdict)),
                href: None,
                meta: format!("{} · {}", d.username, d.at.format("%Y-%m-%d %H:%M")),
                lines: d.comment.iter().cloned().collect(),
            },
        )
    }));
    items.sort_by_key(|(at, _)| *at);
    history.items = items.into_iter().map(|(_, item)| item).collect();

    let mut report = Section::new(t.get("section-trip-report"), t.get("empty-report"));
    if let Some(r) = &trip.report {
        report.row(t.get("field-tasks_done"), r.tasks_done.clone());
        report.row(t.get("field-outcomes"), r.outcomes.clone());
        report.row(
            t.get("field-spent"),
            r.spent().map(|m| t.money(m.fen())).unwrap_or_default(),
        );
        report.row(
            t.get("field-follow_up"),
            r.follow_up.clone().unwrap_or_default(),
        );
    }

    let mut actions = Vec::new();
    if trip.status.editable() && liaison_core::trips::authorize_applicant(&actor, &trip).is_ok() {
        actions.push(PageAction {
            label: t.get("action-edit"),
            href: format!("/trips/{id}/edit"),
            danger: false,
        });
    }
    if trip.submitted_at.is_some() {
        actions.push(PageAction {
            label: t.get("trip-approval-form"),
            href: format!("/trips/{id}/approval-form"),
            danger: false,
        });
    }
    if trip.status == TripState::InNotice
        && matches!(actor.role, UserRole::Admin | UserRole::Officer)
    {
        actions.push(PageAction {
            label: t.get("new-briefing"),
            href: "/briefings/new".to_owned(),
            danger: false,
        });
    }
    if trip.notice_posted.is_some() {
        actions.push(PageAction {
            label: t.get("trip-notice"),
            href: format!("/trips/{id}/notice"),
            danger: false,
        });
        actions.push(PageAction {
            label: t.get("trip-notice-docx"),
            href: format!("/trips/{id}/notice.docx"),
            danger: false,
        });
    }
    if liaison_core::trips::publication::reported(&trip) {
        actions.push(PageAction {
            label: t.get("trip-report"),
            href: format!("/trips/{id}/report"),
            danger: false,
        });
        actions.push(PageAction {
            label: t.get("trip-report-docx"),
            href: format!("/trips/{id}/report.docx"),
            danger: false,
        });
    }
    if policy.publication == liaison_core::trips::Publication::Public {
        let today = state.settings.clock.today();
        if liaison_core::trips::publication::in_notice(&trip, today) {
            actions.push(PageAction {
                label: t.get("trip-notice-public"),
                href: format!("/trip-notices/{id}"),
                danger: false,
            });
        }
        if liaison_core::trips::publication::reported(&trip) {
            actions.push(PageAction {
                label: t.get("trip-report-public"),
                href: format!("/trip-reports/{id}"),
                danger: false,
            });
        }
    }
    let view = DetailView {
        title: title(&ui, &trip),
        subtitle: Some(t.value("trip-state", trip.status.as_str())),
        actions,
        sections: vec![
            about,
            plan,
            rules,
            passports,
            changes,
            destinations,
            members,
            schedule,
            budget,
            report,
            history,
        ],
    };
    let may_act = |name: &str| {
        Trip::lifecycle()
            .check(
                &actor,
                liaison_core::trips::TRIP,
                trip.unit.as_ref().map(|u| u.id),
                trip.state(),
                name,
            )
            .is_ok()
            && liaison_core::trips::authorize_applicant(&actor, &trip).is_ok()
    };
    let reporting = may_act("report");
    let may_change_files = trip.authorize_change(&actor).is_ok();
    let files = super::files::section(&state, &ui, TRIP, TRIP.path, id, may_change_files).await?;
    let photos_needed = match (&files, reporting) {
        (Some(files), true) => {
            let have = files.items.iter().filter(|f| f.thumbnail.is_some()).count();
            Some(t.args(
                "trip-photos-needed",
                &[
                    ("needed", policy.report_photos.to_string()),
                    ("have", have.to_string()),
                ],
            ))
        }
        _ => None,
    };
    Ok(render(&TripTemplate {
        ui: &ui,
        view: &view,
        trip: &trip,
        files: files.as_ref(),
        photos_needed,
        returning: may_act("return"),
        reporting,
        today: state.settings.clock.today().to_string(),
    }))
}

/// Makes the change of state a button of the application's page names.
async fn act(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = Values::from_pairs(pairs);
    let actor = ui.actor()?;
    let mut reader = Reader::default();
    let name = values.get("transition").to_owned();
    let mut input = TripActionInput {
        version: values
            .text("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or_default(),
        comment: values.text("note"),
        date: None,
        report: None,
    };
    if name == "return" {
        input.date = reader.date(&values, "date");
    }
    if name == "report" {
        input.report = Some(TripReport {
            tasks_done: values.get("tasks_done").to_owned(),
            outcomes: values.get("outcomes").to_owned(),
            spending: reader
                .yuan(&values, "spent")
                .map(|fen| {
                    vec![BudgetLine {
                        item: ui.t.get("field-spent"),
                        amount: Money::from_fen(fen),
                    }]
                })
                .unwrap_or_default(),
            follow_up: values.text("follow_up"),
        });
    }
    let back = format!("/trips/{id}");
    if !reader.errors.is_empty() {
        return Ok(refusal(&ui, reader.errors, back));
    }
    let (_, policy) = state.store.trip_policy(&state.store.policy().trips).await?;
    match state
        .store
        .trip_action(
            &actor,
            id,
            &name,
            input,
            &policy,
            state.settings.clock.today(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(mut errors))) => {
            translate_findings(&state, &ui, id, &policy, &mut errors).await?;
            Ok(refusal(&ui, errors, back))
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { message, .. })) => {
            Ok(message_page(
                &ui,
                StatusCode::CONFLICT,
                ui.t.get("conflict-title"),
                vec![ui.t.get("transition-stale"), message],
                Some(back),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Puts the reader's language on the refusals that are rules of the trip policy: the store says
/// them in English, and the page works out the same findings again, with their numbers, now.
async fn translate_findings(
    state: &AppState,
    ui: &Ui,
    id: i64,
    policy: &liaison_core::trips::TripPolicy,
    errors: &mut FieldErrors,
) -> Result<(), super::PageError> {
    let mut findings = Vec::new();
    if errors.0.iter().any(|e| e.field == "policy") {
        let trip = state.store.get::<Trip>(id).await?;
        let today = state.settings.clock.today();
        findings.extend(
            state
                .store
                .trip_findings(&trip, policy, today)
                .await
                .unwrap_or_default(),
        );
    }
    if errors
        .0
        .iter()
        .any(|e| e.code == Rule::ReportPhotos.as_str())
    {
        let files = state.store.record_files(TRIP, id).await?;
        let photos = files.iter().filter(|f| f.is_image()).count() as i64;
        findings.extend(liaison_core::trips::check_report_photos(policy, photos));
    }
    for e in &mut errors.0 {
        if let Some(f) = findings.iter().find(|f| f.rule.as_str() == e.code) {
            e.message = finding(ui, f);
        }
    }
    Ok(())
}

/// The page saying why a change of state was not made, each reason with its numbers.
fn refusal(ui: &Ui, errors: FieldErrors, back: String) -> Response {
    message_page(
        ui,
        StatusCode::UNPROCESSABLE_ENTITY,
        ui.t.get("transition-refused-title"),
        errors.0.iter().map(|e| e.message.clone()).collect(),
        Some(back),
    )
}

/// The form's values of an application.
fn values_of(trip: &TripInput) -> Values {
    let mut v = Values::default();
    let set = |v: &mut Values, name: String, value: String| v.set(name, value);
    set(
        &mut v,
        "version".into(),
        trip.version.map(|n| n.to_string()).unwrap_or_default(),
    );
    set(
        &mut v,
        "title_zh".into(),
        trip.title_zh.clone().unwrap_or_default(),
    );
    set(
        &mut v,
        "title_en".into(),
        trip.title_en.clone().unwrap_or_default(),
    );
    set(&mut v, "trip_type".into(), code(&trip.trip_type));
    set(
        &mut v,
        "unit".into(),
        trip.unit.map(|u| u.to_string()).unwrap_or_default(),
    );
    set(
        &mut v,
        "inviting_organization".into(),
        trip.inviting_organization
            .map(|o| format!("#{o}"))
            .unwrap_or_default(),
    );
    set(
        &mut v,
        "invitation".into(),
        trip.invitation.clone().unwrap_or_default(),
    );
    set(
        &mut v,
        "purpose".into(),
        trip.purpose.clone().unwrap_or_default(),
    );
    set(
        &mut v,
        "tasks".into(),
        trip.tasks.clone().unwrap_or_default(),
    );
    set(&mut v, "funding".into(), code(&trip.funding));
    for (i, d) in trip.destinations.iter().enumerate() {
        set(
            &mut v,
            format!("destinations-{i}-country"),
            d.country.to_string(),
        );
        set(&mut v, format!("destinations-{i}-city"), d.city.clone());
        set(
            &mut v,
            format!("destinations-{i}-arrive"),
            d.arrive.to_string(),
        );
        set(
            &mut v,
            format!("destinations-{i}-leave"),
            d.leave.to_string(),
        );
    }
    for (i, m) in trip.members.iter().enumerate() {
        set(
            &mut v,
            format!("members-{i}-person"),
            format!("#{}", m.person_id),
        );
        set(
            &mut v,
            format!("members-{i}-head"),
            if m.leader { "yes" } else { "" }.into(),
        );
        set(
            &mut v,
            format!("members-{i}-position"),
            m.position.clone().unwrap_or_default(),
        );
        set(
            &mut v,
            format!("members-{i}-unit_leader"),
            if m.unit_leader { "yes" } else { "" }.into(),
        );
    }
    for (i, d) in trip.schedule.iter().enumerate() {
        set(&mut v, format!("schedule-{i}-date"), d.date.to_string());
        set(&mut v, format!("schedule-{i}-plan"), d.plan.clone());
    }
    for (i, b) in trip.budget.iter().enumerate() {
        set(&mut v, format!("budget-{i}-item"), b.item.clone());
        set(
            &mut v,
            format!("budget-{i}-amount"),
            format!("{:.2}", b.amount.fen() as f64 / 100.0),
        );
    }
    v
}

/// Reads the submitted form into an application, with every problem of reading it.
fn read_form(v: &Values) -> (Option<TripInput>, Reader) {
    let mut r = Reader::default();
    let trip_type: Option<TripType> = r.choice(v, "trip_type");
    let funding: Option<FundingSource> = r.choice(v, "funding");
    let unit = v.text("unit").and_then(|u| u.parse().ok());
    let inviting_organization = match r.link(v, "inviting_organization") {
        Some(liaison_core::Link::Id(id)) => Some(id),
        _ => None,
    };
    let mut destinations = Vec::new();
    for i in 0..v.rows("destinations") {
        if v.row_is_empty("destinations", i) {
            continue;
        }
        let field = |name: &str| format!("destinations-{i}-{name}");
        let country = v.get(&field("country"));
        let country = match liaison_core::parse_country(country) {
            Ok(c) => Some(c),
            Err(message) => {
                r.errors.add(field("country"), "invalid", message);
                None
            }
        };
        let arrive = r.date(v, &field("arrive"));
        let leave = r.date(v, &field("leave"));
        if let (Some(country), Some(arrive), Some(leave)) = (country, arrive, leave) {
            destinations.push(Destination {
                country,
                city: v.get(&field("city")).to_owned(),
                arrive,
                leave,
            });
        } else if arrive.is_none() || leave.is_none() {
            r.errors.add(
                field("arrive"),
                "required",
                "give the first and last day there",
            );
        }
    }
    let mut members = Vec::new();
    for i in 0..v.rows("members") {
        if v.row_is_empty("members", i) {
            continue;
        }
        let field = |name: &str| format!("members-{i}-{name}");
        match r.link(v, &field("person")) {
            Some(liaison_core::Link::Id(person_id)) => members.push(Member {
                person_id,
                leader: v.get(&field("head")) == "yes",
                position: v.text(&field("position")),
                unit_leader: v.get(&field("unit_leader")) == "yes",
            }),
            Some(_) => r.errors.add(
                field("person"),
                "invalid",
                "write # and the person's number",
            ),
            None => {}
        }
    }
    let mut schedule = Vec::new();
    for i in 0..v.rows("schedule") {
        if v.row_is_empty("schedule", i) {
            continue;
        }
        if let Some(date) = r.date(v, &format!("schedule-{i}-date")) {
            schedule.push(ScheduleDay {
                date,
                plan: v.get(&format!("schedule-{i}-plan")).to_owned(),
            });
        }
    }
    let mut budget = Vec::new();
    for i in 0..v.rows("budget") {
        if v.row_is_empty("budget", i) {
            continue;
        }
        if let Some(fen) = r.yuan(v, &format!("budget-{i}-amount")) {
            budget.push(BudgetLine {
                item: v.get(&format!("budget-{i}-item")).to_owned(),
                amount: Money::from_fen(fen),
            });
        }
    }
    let input = match (trip_type, funding) {
        (Some(trip_type), Some(funding)) => Some(TripInput {
            version: v.text("version").and_then(|n| n.parse().ok()),
            key: None,
            unit,
            title_zh: v.text("title_zh"),
            title_en: v.text("title_en"),
            trip_type,
            destinations,
            members,
            inviting_organization,
            invitation: v.text("invitation"),
            purpose: v.text("purpose"),
            tasks: v.text("tasks"),
            schedule,
            funding,
            budget,
            chosen_approvers: BTreeMap::new(),
        }),
        _ => {
            if trip_type.is_none() {
                r.errors
                    .add("trip_type", "required", "choose the trip type");
            }
            if funding.is_none() {
                r.errors.add("funding", "required", "choose who pays");
            }
            None
        }
    };
    (input, r)
}

async fn form_view(
    ui: &Ui,
    state: &AppState,
    v: &Values,
    action: String,
    adding: &str,
) -> Result<FormView, super::PageError> {
    let t = &ui.t;
    let units = super::kinds::unit_choices(ui, &state.store).await?;
    let yes_no = vec![
        (String::new(), t.get("choice-no")),
        ("yes".to_owned(), t.get("choice-yes")),
    ];
    let countries: Vec<(String, String)> = std::iter::once((String::new(), t.get("choice-none")))
        .chain(
            liaison_core::countries::countries_by_name(t.lang.language())
                .into_iter()
                .map(|(code, name, other)| (code.to_string(), format!("{name} · {other}"))),
        )
        .collect();
    let line = |g: &str, i: usize, name: &str| row_input(ui, v, "text", g, i, name);
    let date = |g: &str, i: usize, name: &str| row_input(ui, v, "date", g, i, name);
    let destinations = group(
        ui,
        v,
        GroupText {
            name: "destinations",
            label: "field-destinations",
            hint: Some("hint-destinations"),
            add: "add-destination",
        },
        adding,
        |i| {
            vec![
                row_select(ui, v, "destinations", i, "country", countries.clone()),
                line("destinations", i, "city"),
                date("destinations", i, "arrive"),
                date("destinations", i, "leave"),
            ]
        },
    );
    let members = group(
        ui,
        v,
        GroupText {
            name: "members",
            label: "field-members",
            hint: Some("hint-members"),
            add: "add-member",
        },
        adding,
        |i| {
            vec![
                line("members", i, "person"),
                row_select(ui, v, "members", i, "head", yes_no.clone()),
                line("members", i, "position"),
                row_select(ui, v, "members", i, "unit_leader", yes_no.clone()),
            ]
        },
    );
    let schedule = group(
        ui,
        v,
        GroupText {
            name: "schedule",
            label: "field-schedule",
            hint: None,
            add: "add-schedule-day",
        },
        adding,
        |i| vec![date("schedule", i, "date"), line("schedule", i, "plan")],
    );
    let budget = group(
        ui,
        v,
        GroupText {
            name: "budget",
            label: "field-budget",
            hint: Some("hint-budget"),
            add: "add-budget-line",
        },
        adding,
        |i| vec![line("budget", i, "item"), line("budget", i, "amount")],
    );
    let textarea = |name: &str, label: String| Field::new("textarea", name, label, v.get(name));
    Ok(FormView {
        title: if v.get("version").is_empty() {
            t.get("new-trip")
        } else {
            t.get("edit-trip")
        },
        action,
        version: v.text("version").and_then(|n| n.parse().ok()),
        fields: vec![
            text(ui, v, "title_zh"),
            text(ui, v, "title_en"),
            select(
                ui,
                v,
                "trip_type",
                choices(ui, "trip-type", &TYPES, Some("choice-none")),
            )
            .required(),
            select(ui, v, "unit", units),
            text(ui, v, "inviting_organization").hint(t.get("hint-organization-number")),
            textarea("invitation", t.get("field-invitation")),
            textarea("purpose", t.get("field-purpose")),
            textarea("tasks", t.get("field-tasks")),
            select(
                ui,
                v,
                "funding",
                choices(ui, "trip-funding", &FUNDING, Some("choice-none")),
            )
            .required(),
        ],
        groups: vec![destinations, members, schedule, budget],
        errors: Vec::new(),
        cancel: "/trips".to_owned(),
    })
}

async fn new_form(State(state): State<AppState>, ui: Ui) -> PageResult {
    let actor = ui.actor()?;
    let mut v = Values::default();
    v.set(
        "unit",
        actor.unit_id.map(|u| u.to_string()).unwrap_or_default(),
    );
    let view = form_view(&ui, &state, &v, "/trips".to_owned(), "").await?;
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn edit_form(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    let v = values_of(&trip.to_input());
    let view = form_view(&ui, &state, &v, format!("/trips/{id}"), "").await?;
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

/// Saves a new application, or redraws the form with a row added or with its problems.
async fn create(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(state, ui, None, Values::from_pairs(pairs)).await
}

async fn update(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(state, ui, Some(id), Values::from_pairs(pairs)).await
}

async fn save(state: AppState, ui: Ui, id: Option<i64>, v: Values) -> PageResult {
    let actor = ui.actor()?;
    let action = id.map_or_else(|| "/trips".to_owned(), |id| format!("/trips/{id}"));
    let adding = v.get("add").to_owned();
    if !adding.is_empty() {
        let view = form_view(&ui, &state, &v, action, &adding).await?;
        return Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK));
    }
    let (input, reader) = read_form(&v);
    let result = match (input, reader.errors.is_empty()) {
        (Some(input), true) => match id {
            None => state.store.create_trip(&actor, input).await,
            Some(id) => state.store.update_trip(&actor, id, input).await,
        },
        _ => Err(liaison_core::Error::Invalid(reader.errors).into()),
    };
    match result {
        Ok(trip) => Ok(Redirect::to(&format!("/trips/{}", trip.meta.id)).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            let view = form_view(&ui, &state, &v, action, "").await?;
            Ok(form_page(
                &ui,
                view,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { message, .. })) => {
            Ok(message_page(
                &ui,
                StatusCode::CONFLICT,
                ui.t.get("conflict-title"),
                vec![message],
                id.map(|id| format!("/trips/{id}")),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The public notice (公示) of an approved trip, laid out to print on A4.
async fn notice(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    if trip.notice_posted.is_none() {
        return Err(super::PageError::NotFound);
    }
    super::trip_publication::notice_page(&ui, &trip)
}

/// The trip approval form (出国(境)任务审批表): the application and each approval with who gave it,
/// when and with what comment, as the office prints, signs and files it.
fn approval_form(ui: &Ui, trip: &Trip, decisions: &[TripDecision]) -> Vec<Section> {
    let t = &ui.t;
    let mut about = Section::new(t.get("section-trip"), String::new());
    about.row(t.get("field-applicant"), trip.applicant.name.clone());
    about.row(
        t.get("field-unit"),
        trip.unit
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
    );
    about.row(
        t.get("field-trip_type"),
        t.value("trip-type", trip.trip_type.as_str()),
    );
    about.row(
        t.get("field-track"),
        t.value("trip-track", trip.track.as_str()),
    );
    about.row(t.get("field-destinations"), places(ui, trip));
    about.row(
        t.get("field-dates"),
        match (trip.departure, trip.return_date) {
            (Some(a), Some(b)) => format!("{} – {}", t.date(a), t.date(b)),
            _ => String::new(),
        },
    );
    about.row(t.get("field-days_abroad"), t.number(trip.days_abroad));
    about.row(
        t.get("field-inviting_organization"),
        trip.inviting_organization
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
    );
    about.row(
        t.get("field-invitation"),
        trip.invitation.clone().unwrap_or_default(),
    );
    about.row(
        t.get("field-purpose"),
        trip.purpose.clone().unwrap_or_default(),
    );
    about.row(t.get("field-tasks"), trip.tasks.clone().unwrap_or_default());
    about.row(
        t.get("field-funding"),
        t.value("trip-funding", trip.funding.as_str()),
    );
    about.row(
        t.get("field-budget_total"),
        t.money(trip.budget_total.fen()),
    );

    let mut members = Section::new(t.get("field-members"), t.get("empty-members"));
    for m in &trip.members {
        let mut value = m.position.clone().unwrap_or_default();
        if m.leader {
            value = format!("{} · {value}", t.get("trip-head"));
        }
        members.row(m.person.name.clone(), value);
    }
    let mut schedule = Section::new(t.get("field-schedule"), t.get("empty-schedule"));
    for d in &trip.schedule {
        schedule.row(t.date(d.date), d.plan.clone());
    }
    let mut budget = Section::new(t.get("field-budget"), t.get("empty-budget"));
    for line in &trip.budget {
        budget.row(line.item.clone(), t.money(line.amount.fen()));
    }
    let mut approvals = Section::new(t.get("section-trip-approvals"), t.get("empty-approvals"));
    for d in decisions {
        let mut value = format!(
            "{} · {} · {}",
            d.username,
            t.value("trip-verdict", &code(&d.verdict)),
            t.date(d.at.date_naive())
        );
        if let Some(comment) = &d.comment {
            value = format!("{value} · {comment}");
        }
        approvals.row(d.step_name.clone(), value);
    }
    vec![about, members, schedule, budget, approvals]
}

/// Sections as a Word document: a title, a note, and each section's rows as a table.
fn document(title: String, note: String, sections: &[Section]) -> Document {
    let mut doc = Document::new();
    doc.push(Block::Title(title)).push(Block::Note(note));
    for section in sections {
        doc.push(Block::Heading(section.title.clone()));
        if section.rows.is_empty() {
            doc.push(Block::Note(section.empty.clone()));
            continue;
        }
        let mut table = Table::new("", &["", ""]);
        for row in &section.rows {
            table.push(vec![row.label.clone().into(), row.value.clone().into()]);
        }
        doc.push(Block::Table(table));
    }
    doc
}

async fn approval_form_page(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    let decisions = state.store.trip_decisions(id).await?;
    let view = DetailView {
        title: format!("{} · {}", ui.t.get("trip-approval-form"), title(&ui, &trip)),
        subtitle: Some(ui.t.value("trip-state", trip.status.as_str())),
        actions: vec![PageAction {
            label: ui.t.get("briefing-download"),
            href: format!("/trips/{id}/approval-form.docx"),
            danger: false,
        }],
        sections: approval_form(&ui, &trip, &decisions),
    };
    Ok(super::records::detail_page(&ui, &view))
}

async fn approval_form_docx(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    let decisions = state.store.trip_decisions(id).await?;
    let document = document(
        format!("{} · {}", ui.t.get("trip-approval-form"), title(&ui, &trip)),
        ui.t.value("trip-state", trip.status.as_str()),
        &approval_form(&ui, &trip, &decisions),
    );
    let bytes = super::render_file(move || document.to_docx()).await?;
    Ok(super::download(
        bytes,
        super::DOCX,
        &format!("trip-{id}-approval-form.docx"),
    ))
}

/// The public notice as a Word document, for the notice board and the files.
async fn notice_docx(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    if trip.notice_posted.is_none() {
        return Err(super::PageError::NotFound);
    }
    let t = &ui.t;
    let heading = title(&ui, &trip);
    let mut sections = approval_form(&ui, &trip, &[]);
    // A notice names the trip's members, destinations, tasks, schedule, inviter, funding and
    // budget; the approvals stay in the office's files.
    sections.pop();
    let mut doc = document(
        t.get("trip-notice-heading"),
        t.args(
            "trip-notice-period",
            &[
                ("posted", t.optional_date(trip.notice_posted)),
                ("ends", t.optional_date(trip.notice_ends)),
            ],
        ),
        &sections,
    );
    doc.blocks.insert(
        2,
        Block::Paragraph(t.args(
            "trip-notice-intro",
            &[("title", heading), ("places", places(&ui, &trip))],
        )),
    );
    let bytes = super::render_file(move || doc.to_docx()).await?;
    Ok(super::download(
        bytes,
        super::DOCX,
        &format!("trip-{id}-notice.docx"),
    ))
}

/// The form recording a pre-departure briefing (行前教育): its day, place and topics, and a box for
/// each member of each trip under notice, ticked for those who attended.
async fn briefing_form(
    ui: &Ui,
    state: &AppState,
    v: &Values,
) -> Result<FormView, super::PageError> {
    let t = &ui.t;
    let filter = TripFilter {
        status: Some(TripState::InNotice),
        ..TripFilter::default()
    };
    let page = PageRequest::parse(
        Some(1),
        Some(200),
        Some("departure"),
        liaison_core::trips::TRIP_SORTS,
        false,
    )?;
    let trips = state
        .store
        .list_trips(&filter, &page, state.settings.clock.today())
        .await?;
    let mut fields = vec![
        Field::new("date", "held_on", t.get("field-held_on"), v.get("held_on")).required(),
        Field::new("text", "place", t.get("field-place"), v.get("place")).required(),
        Field::new("textarea", "topics", t.get("field-topics"), v.get("topics")).required(),
    ];
    for trip in &trips.items {
        for m in &trip.members {
            let name = format!("attended-{}-{}", trip.meta.id, m.person.id);
            let mut field = Field::new(
                "checkbox",
                name.clone(),
                format!("{} · {}", title(ui, trip), m.person.name),
                v.get(&name),
            );
            if trip.briefed.contains(&m.person.id) {
                field.hint = Some(t.get("trip-briefed"));
            }
            fields.push(field);
        }
    }
    Ok(FormView {
        title: t.get("new-briefing"),
        action: "/briefings".to_owned(),
        version: None,
        fields,
        groups: Vec::new(),
        errors: if trips.items.is_empty() {
            vec![t.get("briefing-no-trips")]
        } else {
            Vec::new()
        },
        cancel: "/trips".to_owned(),
    })
}

async fn new_briefing(State(state): State<AppState>, ui: Ui) -> PageResult {
    let mut v = Values::default();
    v.set("held_on", state.settings.clock.today().to_string());
    let view = briefing_form(&ui, &state, &v).await?;
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn record_briefing(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let actor = ui.actor()?;
    let v = Values::from_pairs(pairs);
    let mut reader = Reader::default();
    let held_on = reader.date(&v, "held_on");
    let attended: Vec<Attendance> =
        v.0.iter()
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(name, _)| {
                let mut parts = name.strip_prefix("attended-")?.split('-');
                Some(Attendance {
                    trip_id: parts.next()?.parse().ok()?,
                    person_id: parts.next()?.parse().ok()?,
                })
            })
            .collect();
    let result = match (held_on, reader.errors.is_empty()) {
        (Some(held_on), true) => state
            .store
            .record_briefing(
                &actor,
                BriefingInput {
                    held_on,
                    place: v.get("place").to_owned(),
                    topics: v.get("topics").to_owned(),
                    attended,
                },
            )
            .await
            .map(|_| ()),
        _ => {
            if held_on.is_none() && reader.errors.is_empty() {
                reader
                    .errors
                    .add("held_on", "required", "give the day of the briefing");
            }
            Err(liaison_core::Error::Invalid(reader.errors).into())
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to("/trips?view=all&status=in_notice").into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            let view = briefing_form(&ui, &state, &v).await?;
            Ok(form_page(
                &ui,
                view,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Every page of the trips.
pub fn routes() -> Routes {
    Routes::new()
        .get("/trips", list)
        .get("/trips/new", new_form)
        .post("/trips", create)
        .get("/trips/{id}", show)
        .get("/trips/{id}/edit", edit_form)
        .post("/trips/{id}", update)
        .post("/trips/{id}/act", act)
        .get("/trips/{id}/notice", notice)
        .get("/trips/{id}/notice.docx", notice_docx)
        .get("/trips/{id}/approval-form", approval_form_page)
        .get("/trips/{id}/approval-form.docx", approval_form_docx)
        .get("/briefings/new", new_briefing)
        .post("/briefings", record_briefing)
        .merge(super::files::routes::<Trip>(TRIP.path))
        .merge(super::trip_publication::signed_in_routes())
}
