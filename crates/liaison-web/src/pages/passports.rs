//! The passport cabinet in the browser: what is out and with whom, due this week, overdue and
//! expiring, every document the user may see; a document's page with its custody forms and log;
//! each holder's page; the hand-over receipt (交接单) as an A4 page; the form that records a
//! document.

use askama::Template;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liaison_core::passports::{
    CabinetRow, CustodyAction, CustodyEntry, CustodyInput, Escalation, PASSPORT,
    PASSPORT_LIFECYCLE, Passport, PassportFilter, PassportFinding, PassportInput, PassportPolicy,
    PassportRule, authorize_keeper,
};
use liaison_core::trips::Deadline;
use liaison_core::{FieldErrors, PageRequest, Stateful, Unit, UnitFilter, UserRole};

use super::forms::{Reader, Values};
use super::records::{form_page, message_page};
use super::{
    Action as PageAction, Cell, Column, Count, DetailView, Field, FormTemplate, FormView,
    HiddenForm, Link, PageResult, RecordId, Section, TransitionButton, TransitionsView, Ui, render,
};
use crate::AppState;
use crate::routes::Routes;

/// A table of the cabinet page.
struct TableView {
    title: String,
    empty: String,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    pager: Vec<Link>,
}

struct CabinetView {
    title: String,
    subtitle: String,
    actions: Vec<PageAction>,
    filters: Vec<Field>,
    counts: Vec<Count>,
    tables: Vec<TableView>,
}

#[derive(Template)]
#[template(path = "passports.html")]
struct CabinetTemplate<'a> {
    ui: &'a Ui,
    view: &'a CabinetView,
}

/// A form of the document's page: hand out, take back.
struct CustodyForm {
    title: String,
    action: String,
    version: Option<i64>,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "passport.html")]
struct PassportTemplate<'a> {
    ui: &'a Ui,
    view: &'a DetailView,
    forms: &'a [CustodyForm],
}

struct ReceiptView {
    passport_id: i64,
    title: String,
    intro: String,
    rows: Vec<(String, String)>,
    pledge: String,
    date: String,
}

#[derive(Template)]
#[template(path = "passport_receipt.html")]
struct ReceiptTemplate<'a> {
    ui: &'a Ui,
    receipt: &'a ReceiptView,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
        pre: false,
    }
}

fn link_cell(text: impl Into<String>, href: String) -> Cell {
    Cell {
        href: Some(href),
        ..cell(text)
    }
}

fn column(label: String) -> Column {
    Column {
        label,
        href: None,
        sorted: None,
    }
}

/// A kind of document by its name in the reader's language.
fn kind_name(ui: &Ui, kinds: &[liaison_core::passports::DocumentKind], code: &str) -> String {
    kinds
        .iter()
        .find(|k| k.code == code)
        .map(|k| {
            ui.t.pick(&Some(k.name_zh.clone()), &Some(k.name_en.clone()))
        })
        .unwrap_or_else(|| code.to_owned())
}

fn escalation(ui: &Ui, e: Option<Escalation>) -> String {
    e.map(|e| ui.t.value("passport-escalation", e.as_str()))
        .unwrap_or_default()
}

/// A passport rule a trip breaks, in the reader's language with its numbers.
pub fn finding(ui: &Ui, f: &PassportFinding) -> String {
    let rule = match f.rule {
        PassportRule::Validity => "validity",
        PassportRule::HolderOverdue => "overdue",
        PassportRule::UnitHeld => "unit-held",
        PassportRule::NotHandedOut => "not-handed-out",
    };
    ui.t.args(
        &format!("passport-rule-{rule}"),
        &[
            (
                "name",
                f.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
            ),
            ("limit", f.limit.to_string()),
            ("actual", f.actual.to_string()),
            ("needed", ui.t.optional_date(f.needed)),
            ("expires", ui.t.optional_date(f.expires)),
        ],
    )
}

/// A trip's section on its members' documents: what the passport rules find, and who travels on
/// their own document, with the reason.
pub fn trip_section(ui: &Ui, documents: &crate::api::passports::TripPassports) -> Section {
    let t = &ui.t;
    let mut section = Section::new(t.get("section-trip-passports"), t.get("trip-passports-met"));
    section.items = documents
        .findings
        .iter()
        .map(|f| super::Item {
            title: finding(ui, f),
            href: f
                .person
                .as_ref()
                .map(|p| format!("/passports/holders/{}", p.id)),
            meta: String::new(),
            lines: Vec::new(),
        })
        .collect();
    for own in &documents.own_documents {
        section.items.push(super::Item {
            title: own.person.name.clone(),
            href: Some(format!("/passports/holders/{}", own.person.id)),
            meta: format!("{} {}", t.get("passport-expires"), t.date(own.expires_on)),
            lines: vec![own.reason.clone()],
        });
    }
    section
}

/// The cabinet's table of rows out or expiring, with the columns that matter for each.
fn rows_table(
    ui: &Ui,
    kinds: &[liaison_core::passports::DocumentKind],
    title: &str,
    empty: &str,
    rows: &[CabinetRow],
    late: bool,
) -> TableView {
    let t = &ui.t;
    let mut columns = vec![
        column(t.get("passport-holder")),
        column(t.get("field-unit")),
        column(t.get("field-kind")),
        column(t.get("passport-number")),
        column(t.get("passport-out-to")),
        column(t.get("passport-trip")),
        column(t.get("passport-due")),
        column(t.get("passport-expires")),
    ];
    if late {
        columns.push(column(t.get("passport-days-late")));
        columns.push(column(t.get("passport-raised-with")));
    }
    let rows = rows
        .iter()
        .map(|r| {
            let p = &r.passport;
            let mut cells = vec![
                link_cell(
                    p.holder.name.clone(),
                    format!("/passports/holders/{}", p.holder.id),
                ),
                cell(p.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
                link_cell(
                    kind_name(ui, kinds, &p.kind),
                    format!("/passports/{}", p.meta.id),
                ),
                cell(p.number.clone().unwrap_or_default()),
                cell(
                    p.out
                        .as_ref()
                        .map(|o| format!("{} · {}", o.to.name, t.date(o.on)))
                        .unwrap_or_else(|| t.value("passport-status", p.status.as_str())),
                ),
                match p.out.as_ref().and_then(|o| o.trip.as_ref()) {
                    Some(trip) => link_cell(trip.name.clone(), format!("/trips/{}", trip.id)),
                    None => cell(""),
                },
                cell(t.optional_date(r.due_on)),
                cell(t.date(p.expires_on)),
            ];
            if late {
                cells.push(cell(t.number(r.days_late)));
                cells.push(cell(escalation(ui, r.escalation)));
            }
            cells
        })
        .collect();
    TableView {
        title: title.to_owned(),
        empty: empty.to_owned(),
        columns,
        rows,
        pager: Vec::new(),
    }
}

/// The cabinet: the office's whole, a liaison officer's unit's, anyone else's own documents.
async fn cabinet(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> PageResult {
    let actor = ui.actor()?;
    let t = &ui.t;
    let query = Values::from_query(raw.as_deref());
    let filter = PassportFilter {
        unit: query.text("unit").and_then(|u| u.parse().ok()),
        kind: query.text("kind"),
        status: query
            .text("status")
            .and_then(|s| liaison_core::passports::PassportStatus::parse(&s)),
        holder: None,
    };
    let today = state.settings.clock.today();
    let cabinet = state.store.passport_cabinet(&actor, &filter, today).await?;
    let kinds = state.store.passport_kinds().await?;
    let units = state
        .store
        .list::<Unit>(
            &UnitFilter::default(),
            &PageRequest::parse(None, Some(200), None, liaison_core::UNIT.sorts, false)?,
        )
        .await?;
    let page = PageRequest::parse(
        query.text("page").and_then(|p| p.parse().ok()),
        Some(50),
        query.text("sort").as_deref(),
        PASSPORT.sorts,
        false,
    )
    .unwrap_or_else(|_| PageRequest {
        page: 1,
        per_page: 50,
        sort: PASSPORT.sorts[0].to_owned(),
        descending: false,
    });
    let all = state.store.passports_for(&actor, &filter, &page).await?;

    let mut unit_options = vec![(String::new(), t.get("choice-all"))];
    unit_options.extend(
        units
            .items
            .iter()
            .map(|u| (u.meta.id.to_string(), t.pick(&u.name_zh, &u.name_en))),
    );
    let mut kind_options = vec![(String::new(), t.get("choice-all"))];
    kind_options.extend(
        kinds
            .iter()
            .map(|k| (k.code.clone(), kind_name(&ui, &kinds, &k.code))),
    );
    let mut status_options = vec![(String::new(), t.get("choice-all"))];
    status_options.extend(
        liaison_core::passports::PassportStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    t.value("passport-status", s.as_str()),
                )
            }),
    );
    let filters = vec![
        Field::select("unit", t.get("field-unit"), query.get("unit"), unit_options),
        Field::select("kind", t.get("field-kind"), query.get("kind"), kind_options),
        Field::select(
            "status",
            t.get("field-status"),
            query.get("status"),
            status_options,
        ),
    ];

    let office = matches!(actor.role, UserRole::Admin | UserRole::Officer);
    let (title, subtitle) = match actor.role {
        UserRole::Admin | UserRole::Officer => {
            (t.get("passport-cabinet"), t.get("passport-cabinet-office"))
        }
        UserRole::Liaison => (t.get("passport-cabinet"), t.get("passport-cabinet-unit")),
        _ => (t.get("passport-mine"), t.get("passport-cabinet-own")),
    };
    let mut actions = Vec::new();
    if office {
        actions.push(PageAction {
            label: t.get("passport-new"),
            href: "/passports/new".to_owned(),
            danger: false,
        });
    }
    let counts = vec![
        Count {
            label: t.get("passport-count-in-custody"),
            value: t.number(cabinet.in_custody),
            href: String::new(),
        },
        Count {
            label: t.get("passport-count-out"),
            value: t.number(cabinet.out.len() as i64),
            href: String::new(),
        },
        Count {
            label: t.get("passport-count-overdue"),
            value: t.number(cabinet.overdue.len() as i64),
            href: String::new(),
        },
    ];

    // Every document, sorted and paged.
    let sort_link = |key: &str| {
        let sorted_here = page.sort == key;
        let next = if sorted_here && !page.descending {
            format!("-{key}")
        } else {
            key.to_owned()
        };
        Column {
            label: t.get(&format!("passport-sort-{key}")),
            href: Some(query.link("/passports", &[("sort", next), ("page", String::new())])),
            sorted: sorted_here.then_some(if page.descending {
                "descending"
            } else {
                "ascending"
            }),
        }
    };
    let mut list = TableView {
        title: t.get("passport-all"),
        empty: t.get("passport-none"),
        columns: vec![
            sort_link("holder"),
            column(t.get("field-unit")),
            sort_link("kind"),
            column(t.get("passport-number")),
            sort_link("status"),
            column(t.get("passport-location")),
            sort_link("expires"),
        ],
        rows: all
            .items
            .iter()
            .map(|p| {
                vec![
                    link_cell(
                        p.holder.name.clone(),
                        format!("/passports/holders/{}", p.holder.id),
                    ),
                    cell(p.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
                    link_cell(
                        kind_name(&ui, &kinds, &p.kind),
                        format!("/passports/{}", p.meta.id),
                    ),
                    cell(p.number.clone().unwrap_or_default()),
                    cell(t.value("passport-status", p.status.as_str())),
                    cell(p.location.clone().unwrap_or_default()),
                    cell(t.date(p.expires_on)),
                ]
            })
            .collect(),
        pager: Vec::new(),
    };
    if page.page > 1 {
        list.pager.push(Link {
            label: t.get("pager-previous"),
            href: query.link("/passports", &[("page", (page.page - 1).to_string())]),
        });
    }
    if page.page * page.per_page < all.total {
        list.pager.push(Link {
            label: t.get("pager-next"),
            href: query.link("/passports", &[("page", (page.page + 1).to_string())]),
        });
    }

    let tables = vec![
        rows_table(
            &ui,
            &kinds,
            &t.get("passport-overdue"),
            &t.get("passport-none-overdue"),
            &cabinet.overdue,
            true,
        ),
        rows_table(
            &ui,
            &kinds,
            &t.get("passport-due-this-week"),
            &t.get("passport-none-due"),
            &cabinet.due_this_week,
            false,
        ),
        rows_table(
            &ui,
            &kinds,
            &t.get("passport-out"),
            &t.get("passport-none-out"),
            &cabinet.out,
            false,
        ),
        rows_table(
            &ui,
            &kinds,
            &t.get("passport-expiring"),
            &t.get("passport-none-expiring"),
            &cabinet.expiring,
            false,
        ),
        list,
    ];
    let view = CabinetView {
        title,
        subtitle,
        actions,
        filters,
        counts,
        tables,
    };
    Ok(render(&CabinetTemplate {
        ui: &ui,
        view: &view,
    }))
}

fn custody_item(ui: &Ui, line: &CustodyEntry) -> super::Item {
    let t = &ui.t;
    let mut lines = Vec::new();
    if let Some(trip) = &line.trip {
        lines.push(format!("{}: {}", t.get("passport-trip"), trip.name));
    }
    if let Some(due) = line.due_on {
        lines.push(format!("{}: {}", t.get("passport-due"), t.date(due)));
    }
    lines.extend(line.condition.clone());
    lines.extend(line.note.clone());
    super::Item {
        title: format!(
            "{} · {}",
            t.value("passport-action", line.action.as_str()),
            line.person.name
        ),
        href: Some(format!(
            "/passports/{}/receipt?entry={}",
            line.passport_id, line.id
        )),
        meta: format!("{} · {}", t.date(line.on), line.by),
        lines,
    }
}

/// A document's page: its record, the number masked with "Show" for the office, the custody
/// forms and log, and its history.
async fn document(state: &AppState, ui: &Ui, id: i64, shown: Option<Passport>) -> PageResult {
    let actor = ui.actor()?;
    let t = &ui.t;
    let passport = match shown {
        Some(p) => p,
        None => state.store.passport_for(&actor, id).await?,
    };
    let kinds = state.store.passport_kinds().await?;
    let custody = state.store.passport_custody(id).await?;
    let events = state.store.passport_history(id).await?;
    let today = state.settings.clock.today();
    let (_, holder_rows, _) = state
        .store
        .holder_passports(&actor, passport.holder.id, today)
        .await?;
    let row = holder_rows.iter().find(|r| r.passport.meta.id == id);
    let office = authorize_keeper(&actor).is_ok();

    let mut about = Section::new(t.get("section-overview"), "");
    about.link_row(
        t.get("passport-holder"),
        passport.holder.name.clone(),
        format!("/passports/holders/{}", passport.holder.id),
    );
    if let Some(unit) = &passport.unit {
        about.row(t.get("field-unit"), unit.name.clone());
    }
    about.row(t.get("field-kind"), kind_name(ui, &kinds, &passport.kind));
    about.row(
        t.get("passport-number"),
        passport.number.clone().unwrap_or_default(),
    );
    let masked = passport.number.as_deref().is_some_and(|n| n.contains('*'));
    if office
        && masked
        && let Some(row) = about.rows.last_mut()
    {
        row.show = Some(HiddenForm {
            action: format!("/passports/{id}/personal"),
            hidden: vec![("field".to_owned(), "number".to_owned())],
            submit: t.get("action-show"),
            tone: "",
        });
    }
    about.row(
        t.get("passport-issued"),
        t.optional_date(passport.issued_on),
    );
    about.row(
        t.get("passport-issue-place"),
        passport.issue_place.clone().unwrap_or_default(),
    );
    about.row(t.get("passport-expires"), t.date(passport.expires_on));
    about.row(
        t.get("passport-location"),
        passport.location.clone().unwrap_or_default(),
    );
    about.row(
        t.get("field-status"),
        t.value("passport-status", passport.status.as_str()),
    );
    if let Some(out) = &passport.out {
        about.row(
            t.get("passport-out-to"),
            format!("{} · {}", out.to.name, t.date(out.on)),
        );
        if let Some(trip) = &out.trip {
            about.link_row(
                t.get("passport-trip"),
                trip.name.clone(),
                format!("/trips/{}", trip.id),
            );
        }
    }
    if let Some(row) = row {
        about.row(t.get("passport-due"), t.optional_date(row.due_on));
        if row.days_late > 0 {
            about.row(
                t.get("passport-days-late"),
                format!(
                    "{} · {}",
                    t.number(row.days_late),
                    escalation(ui, row.escalation)
                ),
            );
        }
    }
    about.row(
        t.get("field-notes"),
        passport.notes.clone().unwrap_or_default(),
    );
    if office {
        let buttons: Vec<TransitionButton> = PASSPORT_LIFECYCLE
            .available(
                &actor,
                PASSPORT,
                passport.unit.as_ref().map(|u| u.id),
                passport.state(),
            )
            .into_iter()
            .filter(|tr| !matches!(tr.name, "hand_out" | "return"))
            .map(|tr| TransitionButton {
                name: tr.name.to_owned(),
                label: t.value("passport-action", tr.name),
                danger: matches!(tr.name, "report_lost" | "cancel"),
            })
            .collect();
        if !buttons.is_empty() {
            about.transitions = Some(TransitionsView {
                action: format!("/passports/{id}/act"),
                version: passport.meta.version,
                note_label: t.get("passport-note"),
                buttons,
                renew: None,
            });
        }
    }

    let mut log = Section::new(t.get("passport-custody-log"), t.get("passport-no-custody"));
    log.items = custody.iter().map(|l| custody_item(ui, l)).collect();
    let mut history = Section::new(t.get("section-history"), t.get("empty-history"));
    history.items = events
        .iter()
        .map(|e| super::Item {
            title: t.value("passport-action", &e.transition),
            href: None,
            meta: format!("{} · {}", e.username, e.at.format("%Y-%m-%d %H:%M")),
            lines: e.note.iter().cloned().collect(),
        })
        .collect();

    let mut forms = Vec::new();
    if office {
        let version = Some(passport.meta.version);
        match passport.status {
            liaison_core::passports::PassportStatus::InCustody => forms.push(CustodyForm {
                title: t.value("passport-action", "hand_out"),
                action: format!("/passports/{id}/hand_out"),
                version,
                fields: vec![
                    Field::new("number", "trip", t.get("passport-trip-number"), "")
                        .hint(t.get("passport-trip-hint")),
                    Field::new("date", "due_on", t.get("passport-agreed-due"), "")
                        .hint(t.get("passport-agreed-due-hint")),
                    Field::new("number", "person", t.get("passport-handed-to"), "")
                        .hint(t.get("passport-handed-to-hint")),
                    Field::new("textarea", "note", t.get("passport-note"), ""),
                ],
            }),
            liaison_core::passports::PassportStatus::HandedOut => forms.push(CustodyForm {
                title: t.value("passport-action", "return"),
                action: format!("/passports/{id}/return"),
                version,
                fields: vec![
                    Field::new("text", "condition", t.get("passport-condition"), ""),
                    Field::new("textarea", "note", t.get("passport-note"), ""),
                ],
            }),
            _ => {}
        }
    }
    let mut actions = Vec::new();
    if authorize_keeper(&ui.actor()?).is_ok() {
        actions.push(PageAction {
            label: t.get("action-edit"),
            href: format!("/passports/{id}/edit"),
            danger: false,
        });
    }
    if let Some(last) = custody.last() {
        actions.push(PageAction {
            label: t.get("passport-receipt"),
            href: format!("/passports/{id}/receipt?entry={}", last.id),
            danger: false,
        });
        actions.push(PageAction {
            label: t.get("passport-receipt-docx"),
            href: format!("/passports/{id}/receipt.docx?entry={}", last.id),
            danger: false,
        });
    }
    let view = DetailView {
        title: format!(
            "{} · {}",
            kind_name(ui, &kinds, &passport.kind),
            passport.holder.name
        ),
        subtitle: Some(t.value("passport-status", passport.status.as_str())),
        actions,
        sections: vec![about, log, history],
    };
    Ok(render(&PassportTemplate {
        ui,
        view: &view,
        forms: &forms,
    }))
}

async fn show(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    document(&state, &ui, id, None).await
}

/// Shows the number to the office ("Show"), and writes the view to the audit log.
async fn show_number(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    state.store.passport_for(&actor, id).await?;
    let shown = state
        .store
        .reveal_personal::<Passport>(&actor, id, &["number".to_owned()])
        .await?;
    document(&state, &ui, id, Some(shown)).await
}

fn refusal(ui: &Ui, errors: FieldErrors, back: String) -> Response {
    message_page(
        ui,
        StatusCode::UNPROCESSABLE_ENTITY,
        ui.t.get("transition-refused-title"),
        errors.0.iter().map(|e| e.message.clone()).collect(),
        Some(back),
    )
}

/// Makes a custody action or another change of state, and comes back to the document.
async fn custody_action(
    state: &AppState,
    ui: &Ui,
    id: i64,
    name: &str,
    values: &Values,
) -> PageResult {
    let actor = ui.actor()?;
    let mut reader = Reader::default();
    let number = |field: &str| {
        values
            .text(field)
            .and_then(|v| v.trim().trim_start_matches('#').parse().ok())
    };
    let input = CustodyInput {
        version: values
            .text("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or_default(),
        person: number("person"),
        trip: number("trip"),
        due_on: reader.date(values, "due_on"),
        condition: values.text("condition"),
        note: values.text("note"),
    };
    let back = format!("/passports/{id}");
    if !reader.errors.is_empty() {
        return Ok(refusal(ui, reader.errors, back));
    }
    match state
        .store
        .passport_action(&actor, id, name, input, state.settings.clock.today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            Ok(refusal(ui, errors, back))
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { message, .. })) => {
            Ok(message_page(
                ui,
                StatusCode::CONFLICT,
                ui.t.get("conflict-title"),
                vec![ui.t.get("transition-stale"), message],
                Some(back),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

async fn hand_out(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    custody_action(&state, &ui, id, "hand_out", &Values::from_pairs(pairs)).await
}

async fn take_back(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    custody_action(&state, &ui, id, "return", &Values::from_pairs(pairs)).await
}

async fn act(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = Values::from_pairs(pairs);
    let name = values.get("transition").to_owned();
    custody_action(&state, &ui, id, &name, &values).await
}

/// A holder's page: their documents with due days and lateness, and their custody history.
async fn holder(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    let t = &ui.t;
    let (holder, documents, custody) = state
        .store
        .holder_passports(&actor, id, state.settings.clock.today())
        .await?;
    let kinds = state.store.passport_kinds().await?;
    let mut overdue = Section::new(t.get("passport-overdue"), t.get("passport-none-overdue"));
    let mut held = Section::new(t.get("passport-documents"), t.get("passport-none"));
    for r in &documents {
        let p = &r.passport;
        let mut lines = vec![
            format!(
                "{}: {}",
                t.get("passport-number"),
                p.number.clone().unwrap_or_default()
            ),
            format!("{}: {}", t.get("passport-expires"), t.date(p.expires_on)),
        ];
        if let Some(due) = r.due_on {
            lines.push(format!("{}: {}", t.get("passport-due"), t.date(due)));
        }
        let item = super::Item {
            title: kind_name(&ui, &kinds, &p.kind),
            href: Some(format!("/passports/{}", p.meta.id)),
            meta: t.value("passport-status", p.status.as_str()),
            lines: lines.clone(),
        };
        if r.days_late > 0 {
            let mut late = item.clone();
            late.lines.push(t.args(
                "passport-late-by",
                &[
                    ("days", r.days_late.to_string()),
                    ("who", escalation(&ui, r.escalation)),
                ],
            ));
            overdue.items.push(late);
        }
        held.items.push(item);
    }
    let mut log = Section::new(t.get("passport-custody-log"), t.get("passport-no-custody"));
    log.items = custody.iter().map(|l| custody_item(&ui, l)).collect();
    let view = DetailView {
        title: holder.name.clone(),
        subtitle: Some(t.get("passport-holder-page")),
        actions: vec![PageAction {
            label: t.get("passport-cabinet"),
            href: "/passports".to_owned(),
            danger: false,
        }],
        sections: vec![overdue, held, log],
    };
    Ok(super::records::detail_page(&ui, &view))
}

/// The hand-over receipt (交接单) of a custody line, the newest unless `entry` names one, as the
/// two sides sign it.
async fn receipt_view(
    state: &AppState,
    ui: &Ui,
    id: i64,
    raw: Option<String>,
) -> Result<ReceiptView, super::PageError> {
    let actor = ui.actor()?;
    let t = &ui.t;
    let passport = state.store.passport_for(&actor, id).await?;
    let custody = state.store.passport_custody(id).await?;
    let query = Values::from_query(raw.as_deref());
    let wanted: Option<i64> = query.text("entry").and_then(|e| e.parse().ok());
    let line = match wanted {
        Some(entry) => custody.iter().find(|l| l.id == entry),
        None => custody.last(),
    }
    .ok_or(super::PageError::NotFound)?;
    let kinds = state.store.passport_kinds().await?;
    let action = t.value("passport-action", line.action.as_str());
    let mut rows = vec![
        (t.get("passport-receipt-action"), action.clone()),
        (t.get("passport-holder"), passport.holder.name.clone()),
        (
            t.get("field-unit"),
            passport
                .unit
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
        ),
        (t.get("field-kind"), kind_name(ui, &kinds, &passport.kind)),
        (
            t.get("passport-number"),
            passport.number.clone().unwrap_or_default(),
        ),
        (t.get("passport-expires"), t.date(passport.expires_on)),
        (
            match line.action {
                CustodyAction::HandOut => t.get("passport-handed-to"),
                CustodyAction::Return => t.get("passport-returned-by"),
            },
            line.person.name.clone(),
        ),
        (t.get("passport-receipt-office"), line.by.clone()),
    ];
    if let Some(trip) = &line.trip {
        rows.push((t.get("passport-trip"), trip.name.clone()));
    }
    if let Some(due) = line.due_on {
        rows.push((t.get("passport-due"), t.date(due)));
    }
    if let Some(condition) = &line.condition {
        rows.push((t.get("passport-condition"), condition.clone()));
    }
    if let Some(note) = &line.note {
        rows.push((t.get("passport-note"), note.clone()));
    }
    let view = ReceiptView {
        passport_id: id,
        title: t.get("passport-receipt-title"),
        intro: t.args(
            "passport-receipt-intro",
            &[("action", action), ("date", t.date(line.on))],
        ),
        rows,
        pledge: match line.action {
            CustodyAction::HandOut => t.get("passport-receipt-pledge-out"),
            CustodyAction::Return => t.get("passport-receipt-pledge-back"),
        },
        date: t.date(line.on),
    };
    Ok(view)
}

/// The receipt as an A4 page.
async fn receipt(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let view = receipt_view(&state, &ui, id, raw).await?;
    Ok(render(&ReceiptTemplate {
        ui: &ui,
        receipt: &view,
    }))
}

/// The receipt as a .docx, for offices that file it in Word.
async fn receipt_docx(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let view = receipt_view(&state, &ui, id, raw).await?;
    let t = &ui.t;
    let text = |s: &str| liaison_reports::Cell::Text(s.to_owned());
    let mut doc = liaison_reports::Document::new();
    doc.push(liaison_reports::Block::Title(view.title.clone()));
    doc.push(liaison_reports::Block::Paragraph(view.intro.clone()));
    doc.push(liaison_reports::Block::Table(liaison_reports::Table {
        title: String::new(),
        columns: vec![String::new(), String::new()],
        rows: view
            .rows
            .iter()
            .map(|(label, value)| vec![text(label), text(value)])
            .collect(),
    }));
    doc.push(liaison_reports::Block::Paragraph(view.pledge.clone()));
    doc.push(liaison_reports::Block::Table(liaison_reports::Table {
        title: String::new(),
        columns: vec![
            t.get("passport-receipt-handed-by"),
            t.get("passport-receipt-received-by"),
            t.get("passport-receipt-date"),
        ],
        rows: vec![vec![text(""), text(""), text(&view.date)]],
    }));
    let bytes = super::render_file(move || doc.to_docx()).await?;
    Ok(super::download(
        bytes,
        super::DOCX,
        &format!("passport-{id}-receipt.docx"),
    ))
}

/// The form of a document: a new one, or the one numbered `changing.0` at version `changing.1`.
fn passport_form(
    ui: &Ui,
    values: &Values,
    kinds: &[liaison_core::passports::DocumentKind],
    errors: Vec<String>,
    changing: Option<(i64, i64)>,
) -> FormView {
    let t = &ui.t;
    let options = kinds
        .iter()
        .map(|k| (k.code.clone(), kind_name(ui, kinds, &k.code)))
        .collect();
    let (title, action, version, cancel) = match changing {
        None => (
            t.get("passport-new"),
            "/passports".to_owned(),
            None,
            "/passports".to_owned(),
        ),
        Some((id, version)) => (
            t.get("passport-edit"),
            format!("/passports/{id}"),
            Some(version),
            format!("/passports/{id}"),
        ),
    };
    FormView {
        title,
        action,
        version,
        fields: vec![
            Field::select("kind", t.get("field-kind"), values.get("kind"), options).required(),
            Field::new(
                "text",
                "holder",
                t.get("passport-holder"),
                values.get("holder"),
            )
            .required()
            .hint(t.get("passport-holder-hint")),
            Field::new(
                "text",
                "number",
                t.get("passport-number"),
                values.get("number"),
            )
            .hint(t.get("hint-personal")),
            Field::new(
                "date",
                "issued_on",
                t.get("passport-issued"),
                values.get("issued_on"),
            ),
            Field::new(
                "text",
                "issue_place",
                t.get("passport-issue-place"),
                values.get("issue_place"),
            ),
            Field::new(
                "date",
                "expires_on",
                t.get("passport-expires"),
                values.get("expires_on"),
            )
            .required(),
            Field::new(
                "text",
                "location",
                t.get("passport-location"),
                values.get("location"),
            ),
            Field::new(
                "textarea",
                "notes",
                t.get("field-notes"),
                values.get("notes"),
            ),
        ],
        groups: Vec::new(),
        errors,
        cancel,
    }
}

async fn new_form(State(state): State<AppState>, ui: Ui) -> PageResult {
    authorize_keeper(&ui.actor()?)?;
    let kinds = state.store.passport_kinds().await?;
    let view = passport_form(&ui, &Values::default(), &kinds, Vec::new(), None);
    Ok(render(&FormTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// Records a document from the form; the form again with the problems otherwise.
async fn create(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(&state, &ui, None, Values::from_pairs(pairs)).await
}

/// The form of a document the office keeps, filled with what is on record; its number shown
/// masked, which saved unchanged keeps the number on record.
async fn edit_form(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    authorize_keeper(&actor)?;
    let passport = state.store.passport_for(&actor, id).await?;
    let kinds = state.store.passport_kinds().await?;
    let view = passport_form(
        &ui,
        &passport_values(&passport),
        &kinds,
        Vec::new(),
        Some((id, passport.meta.version)),
    );
    Ok(render(&FormTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// A document's fields as its form holds them, its number as shown (masked).
fn passport_values(passport: &Passport) -> Values {
    let mut values = Values::default();
    values.set("kind", passport.kind.clone());
    values.set("holder", format!("#{}", passport.holder.id));
    values.set("number", passport.number.clone().unwrap_or_default());
    if let Some(issued) = passport.issued_on {
        values.set("issued_on", issued.to_string());
    }
    values.set(
        "issue_place",
        passport.issue_place.clone().unwrap_or_default(),
    );
    values.set("expires_on", passport.expires_on.to_string());
    values.set("location", passport.location.clone().unwrap_or_default());
    values.set("notes", passport.notes.clone().unwrap_or_default());
    values
}

/// Saves the changed document; the form again with the problems, or with the news that someone
/// else saved it first.
async fn update(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(&state, &ui, Some(id), Values::from_pairs(pairs)).await
}

/// Creates a document (`id` none) or changes one from the submitted form.
async fn save(state: &AppState, ui: &Ui, id: Option<i64>, values: Values) -> PageResult {
    let actor = ui.actor()?;
    authorize_keeper(&actor)?;
    let kinds = state.store.passport_kinds().await?;
    let version = values.get("version").parse::<i64>().ok();
    let changing = id.zip(version);
    let mut reader = Reader::default();
    let holder = reader.link(&values, "holder");
    let expires_on = reader.date(&values, "expires_on");
    let issued_on = reader.date(&values, "issued_on");
    let refused = |errors: &FieldErrors| {
        let problems = errors.0.iter().map(|e| e.message.clone()).collect();
        let view = passport_form(ui, &values, &kinds, problems, changing);
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&FormTemplate { ui, view: &view }),
        )
            .into_response())
    };
    let (Some(holder), Some(expires_on)) = (holder, expires_on) else {
        let mut errors = reader.errors;
        if values.text("expires_on").is_none() {
            errors.add(
                "expires_on",
                "required",
                ui.t.get("passport-expires-required"),
            );
        }
        return refused(&errors);
    };
    // A change keeps the key the document was imported under.
    let key = match id {
        Some(id) => state.store.passport_for(&actor, id).await?.meta.key,
        None => None,
    };
    let input = PassportInput {
        version,
        key,
        kind: values.get("kind").to_owned(),
        holder,
        number: values.text("number"),
        issued_on,
        issue_place: values.text("issue_place"),
        expires_on,
        location: values.text("location"),
        notes: values.text("notes"),
    };
    let saved = match id {
        None => state.store.create::<Passport>(&actor, input).await,
        Some(id) => state.store.update::<Passport>(&actor, id, input).await,
    };
    match saved {
        Ok(saved) => Ok(Redirect::to(&format!("/passports/{}", saved.meta.id)).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => refused(&errors),
        // Someone saved it first: their version comes back in the form, with what happened.
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { .. }))
            if let Some(id) = id =>
        {
            let current = state.store.passport_for(&actor, id).await?;
            let view = passport_form(
                ui,
                &passport_values(&current),
                &kinds,
                vec![
                    ui.t.get("conflict-title"),
                    ui.t.get("passport-edit-conflict"),
                ],
                Some((id, current.meta.version)),
            );
            Ok((
                StatusCode::CONFLICT,
                render(&FormTemplate { ui, view: &view }),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The passport policy's fields: the form's name of each and its value.
fn policy_values(p: &PassportPolicy) -> Values {
    let mut v = Values::default();
    let (unit, n) = match p.return_due {
        Deadline::Months(n) => ("months", i64::from(n)),
        Deadline::Days(n) => ("days", n),
        Deadline::WorkingDays(n) => ("working_days", n),
    };
    v.set("return_due", n.to_string());
    v.set("return_due_unit", unit);
    for (name, n) in [
        ("validity_months", i64::from(p.validity_months)),
        ("unit_overdue_limit", p.unit_overdue_limit),
        ("expiring_months", i64::from(p.expiring_months)),
        (
            "escalate_unit_after_working_days",
            p.escalate_unit_after_working_days,
        ),
        (
            "escalate_office_after_working_days",
            p.escalate_office_after_working_days,
        ),
        ("remind_every_working_days", p.remind_every_working_days),
    ] {
        v.set(name, n.to_string());
    }
    v
}

fn policy_form(ui: &Ui, v: &Values, version: i64) -> FormView {
    let t = &ui.t;
    let number = |name: &str, label: String| Field::new("number", name, label, v.get(name));
    let units = ["days", "working_days", "months"]
        .iter()
        .map(|u| ((*u).to_owned(), t.value("deadline-unit", u)))
        .collect();
    FormView {
        title: t.args("passport-policy-title", &[("version", version.to_string())]),
        action: "/admin/passport-policy".to_owned(),
        version: None,
        fields: vec![
            number("return_due", t.get("passport-policy-return-due")),
            Field::select(
                "return_due_unit",
                t.get("passport-policy-return-due-unit"),
                v.get("return_due_unit"),
                units,
            ),
            number("validity_months", t.get("passport-policy-validity-months")),
            number(
                "unit_overdue_limit",
                t.get("passport-policy-unit-overdue-limit"),
            )
            .hint(t.get("passport-policy-unit-overdue-limit-hint")),
            number("expiring_months", t.get("passport-policy-expiring-months")),
            number(
                "escalate_unit_after_working_days",
                t.get("passport-policy-escalate-unit"),
            ),
            number(
                "escalate_office_after_working_days",
                t.get("passport-policy-escalate-office"),
            ),
            number(
                "remind_every_working_days",
                t.get("passport-policy-remind-every"),
            ),
        ],
        groups: Vec::new(),
        errors: Vec::new(),
        cancel: "/passports".to_owned(),
    }
}

/// The admins' page of the passport policy, in force and editable.
async fn policy_page(State(state): State<AppState>, ui: Ui) -> PageResult {
    super::admin::admin_only(&ui)?;
    let (version, policy) = state.store.passport_policy().await?;
    let view = policy_form(&ui, &policy_values(&policy), version);
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn save_policy(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    super::admin::admin_only(&ui)?;
    let actor = ui.actor()?;
    let v = Values::from_pairs(pairs);
    let (version, current) = state.store.passport_policy().await?;
    let mut r = Reader::default();
    let mut n = |name: &str, default: i64| -> i64 {
        r.parse(&v, name, "a whole number").unwrap_or(default)
    };
    let months = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let due = n("return_due", 7);
    let policy = PassportPolicy {
        return_due: match v.get("return_due_unit") {
            "working_days" => Deadline::WorkingDays(due),
            "months" => Deadline::Months(months(due)),
            _ => Deadline::Days(due),
        },
        validity_months: months(n("validity_months", i64::from(current.validity_months))),
        unit_overdue_limit: n("unit_overdue_limit", current.unit_overdue_limit),
        expiring_months: months(n("expiring_months", i64::from(current.expiring_months))),
        escalate_unit_after_working_days: n(
            "escalate_unit_after_working_days",
            current.escalate_unit_after_working_days,
        ),
        escalate_office_after_working_days: n(
            "escalate_office_after_working_days",
            current.escalate_office_after_working_days,
        ),
        remind_every_working_days: n(
            "remind_every_working_days",
            current.remind_every_working_days,
        ),
    };
    let save = state.store.save_passport_policy(&actor, policy);
    super::save_policy_version(r.errors, save, "/admin/passport-policy", async |errors| {
        let view = policy_form(&ui, &v, version);
        Ok(form_page(
            &ui,
            view,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    })
    .await
}

/// The passport pages.
pub fn routes() -> Routes {
    Routes::new()
        .get("/passports", cabinet)
        .post("/passports", create)
        .get("/passports/new", new_form)
        .get("/passports/holders/{id}", holder)
        .get("/passports/{id}", show)
        .get("/passports/{id}/edit", edit_form)
        .post("/passports/{id}", update)
        .post("/passports/{id}/personal", show_number)
        .post("/passports/{id}/hand_out", hand_out)
        .post("/passports/{id}/return", take_back)
        .post("/passports/{id}/act", act)
        .get("/passports/{id}/receipt", receipt)
        .get("/passports/{id}/receipt.docx", receipt_docx)
        .get("/admin/passport-policy", policy_page)
        .post("/admin/passport-policy", save_policy)
}
