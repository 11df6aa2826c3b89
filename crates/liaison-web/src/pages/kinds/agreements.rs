//! Pages of agreements.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::accounts::may;
use liaison_core::lifecycle::Who;
use liaison_core::{
    AGREEMENT, Action, Agreement, AgreementFilter, AgreementInput, AgreementKind, AgreementStatus,
    FieldError, FieldErrors, RENEWABLE, RecordEvent, RecordKind, Ref, SignatoryInput, Stateful,
    TransitionRequest,
};
use liaison_store::Store;

use super::{
    GroupText, SheetCell, choices, code, date_cell, group, input, key_field, named_cell, row_input,
    search, select, text, unit_choices,
};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::forms::{Reader, Values, finish};
use crate::pages::records::{RecordPages, message_page};
use crate::pages::{
    Cell, DetailView, Field, FormView, Item, Link, PageResult, RecordId, Section, TransitionButton,
    TransitionsView, Ui,
};
use crate::routes::Routes;

pub struct Agreements;

const KINDS: [AgreementKind; 5] = [
    AgreementKind::Mou,
    AgreementKind::Framework,
    AgreementKind::Specific,
    AgreementKind::JointProgram,
    AgreementKind::Other,
];
const STATUSES: [AgreementStatus; 6] = AgreementStatus::ALL;

impl RecordPages for Agreements {
    const KIND: RecordKind = AGREEMENT;
    const TITLE: &'static str = "nav-agreements";
    const NEW: &'static str = "new-agreement";
    const EDIT: &'static str = "edit-agreement";
    type Record = Agreement;
    type Row = Agreement;
    type Input = AgreementInput;
    type Filter = AgreementFilter;

    fn own_routes() -> Routes {
        routes()
    }

    async fn filters(ui: &Ui, _: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            search(ui, query),
            select(
                ui,
                query,
                "kind",
                choices(ui, "agreement-kind", &KINDS, Some("choice-all")),
            ),
            select(
                ui,
                query,
                "status",
                choices(ui, "agreement-status", &STATUSES, Some("choice-all")),
            ),
            input(ui, query, "date", "expires_before"),
        ])
    }

    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("field-title", Some("title")),
            ("field-kind", None),
            ("field-partners", None),
            ("field-signed_on", Some("signed")),
            ("field-valid_to", Some("valid_to")),
            ("field-status", None),
        ]
    }

    fn cells(ui: &Ui, a: &Agreement) -> Vec<Cell> {
        vec![
            Cell::link(Self::name(ui, a), format!("/agreements/{}", a.meta.id)),
            Cell::text(ui.t.value("agreement-kind", &code(&a.kind))),
            Cell::text(
                a.partners
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Cell::text(ui.t.optional_date(a.signed_on)),
            Cell::text(ui.t.optional_date(a.valid_to)),
            Cell::text(ui.t.value("agreement-status", &code(&a.status))),
        ]
    }

    fn sheet_columns() -> Vec<&'static str> {
        vec![
            "export-number",
            "field-title_zh",
            "field-title_en",
            "field-kind",
            "field-status",
            "field-partners",
            "field-unit",
            "field-signed_on",
            "field-valid_from",
            "field-valid_to",
            "field-key",
        ]
    }

    fn sheet_cells(ui: &Ui, a: &Agreement) -> Vec<SheetCell> {
        let partners: Vec<String> = a.partners.iter().map(|p| p.name.clone()).collect();
        vec![
            SheetCell::Int(a.meta.id),
            a.title_zh.clone().into(),
            a.title_en.clone().into(),
            ui.t.value("agreement-kind", &code(&a.kind)).into(),
            ui.t.value("agreement-status", &code(&a.status)).into(),
            partners.join("; ").into(),
            named_cell(&a.unit),
            date_cell(a.signed_on),
            date_cell(a.valid_from),
            date_cell(a.valid_to),
            a.meta.key.clone().into(),
        ]
    }

    fn name(ui: &Ui, a: &Agreement) -> String {
        super::name_of(&a.title_zh, &a.title_en, ui)
    }

    async fn detail(ui: &Ui, store: &Store, a: &Agreement) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let mut s = Section::new(t.get("section-overview"), "");
        s.row(
            t.get("field-title_zh"),
            a.title_zh.clone().unwrap_or_default(),
        );
        s.row(
            t.get("field-title_en"),
            a.title_en.clone().unwrap_or_default(),
        );
        s.row(
            t.get("field-kind"),
            t.value("agreement-kind", &code(&a.kind)),
        );
        s.row(
            t.get("field-status"),
            t.value("agreement-status", &code(&a.status)),
        );
        s.row(t.get("field-signed_on"), t.optional_date(a.signed_on));
        s.row(t.get("field-valid_from"), t.optional_date(a.valid_from));
        s.row(t.get("field-valid_to"), t.optional_date(a.valid_to));
        if let Some(u) = &a.unit {
            s.link_row(
                t.get("field-unit"),
                u.name.clone(),
                format!("/units/{}", u.id),
            );
        }
        if let Some(activity) = &a.activity {
            s.link_row(
                t.get("field-signed_at"),
                activity.name.clone(),
                format!("/activities/{}", activity.id),
            );
        }
        if let Some(old) = &a.renews {
            s.link_row(
                t.get("field-renews"),
                old.name.clone(),
                format!("/agreements/{}", old.id),
            );
        }
        for new in &a.renewed_by {
            s.link_row(
                t.get("field-renewed_by"),
                new.name.clone(),
                format!("/agreements/{}", new.id),
            );
        }
        s.row(t.get("field-notes"), a.notes.clone().unwrap_or_default());
        let history = store.agreement_history(a.meta.id).await?;
        let lifecycle = lifecycle_section(ui, a, &history);
        let mut partners = Section::new(t.get("field-partners"), t.get("empty-partners"));
        for p in &a.partners {
            partners.items.push(Item {
                title: p.name.clone(),
                href: Some(format!("/organizations/{}", p.id)),
                ..Item::default()
            });
        }
        let mut signatories =
            Section::new(t.get("section-signatories"), t.get("empty-signatories"));
        for sig in &a.signatories {
            let name = sig
                .person
                .as_ref()
                .map(|p| p.name.clone())
                .or(sig.name.clone())
                .unwrap_or_default();
            let meta = [
                sig.capacity.clone(),
                sig.organization.as_ref().map(|o| o.name.clone()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            signatories.items.push(Item {
                title: name,
                href: sig.person.as_ref().map(|p| format!("/people/{}", p.id)),
                meta,
                lines: Vec::new(),
            });
        }
        Ok(DetailView {
            title: Self::name(ui, a),
            subtitle: None,
            actions: Vec::new(),
            sections: vec![s, lifecycle, partners, signatories],
        })
    }

    fn values(a: &Agreement) -> Values {
        let mut v = Values::default();
        v.set("kind", code(&a.kind));
        v.set("title_zh", a.title_zh.clone().unwrap_or_default());
        v.set("title_en", a.title_en.clone().unwrap_or_default());
        v.set(
            "partners",
            a.partners
                .iter()
                .map(|p| format!("#{} {}", p.id, p.name))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        for (i, s) in a.signatories.iter().enumerate() {
            v.set(format!("signatories-{i}-person"), super::linked(&s.person));
            v.set(
                format!("signatories-{i}-name"),
                s.name.clone().unwrap_or_default(),
            );
            v.set(
                format!("signatories-{i}-organization"),
                super::linked(&s.organization),
            );
            v.set(
                format!("signatories-{i}-capacity"),
                s.capacity.clone().unwrap_or_default(),
            );
        }
        v.set(
            "unit",
            a.unit
                .as_ref()
                .map(|u| u.id.to_string())
                .unwrap_or_default(),
        );
        v.set("activity", super::linked(&a.activity));
        v.set(
            "signed_on",
            a.signed_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set(
            "valid_from",
            a.valid_from.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set(
            "valid_to",
            a.valid_to.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.set(
            "renews",
            a.renews
                .as_ref()
                .map(|r| format!("#{} {}", r.id, r.name))
                .unwrap_or_default(),
        );
        v.set("notes", a.notes.clone().unwrap_or_default());
        v.set("key", a.meta.key.clone().unwrap_or_default());
        v
    }

    async fn form(
        ui: &Ui,
        store: &Store,
        v: &Values,
        creating: bool,
        adding: &str,
    ) -> liaison_store::Result<FormView> {
        let office = ui
            .actor()
            .is_ok_and(|actor| Who::Office.allows(&actor, AGREEMENT, None));
        let signatories = group(
            ui,
            v,
            GroupText {
                name: "signatories",
                label: "section-signatories",
                hint: Some("hint-signatory"),
                add: "add-signatory",
            },
            adding,
            |i| {
                ["person", "name", "organization", "capacity"]
                    .into_iter()
                    .map(|name| row_input(ui, v, "text", "signatories", i, name))
                    .collect()
            },
        );
        Ok(FormView {
            fields: vec![
                select(ui, v, "kind", choices(ui, "agreement-kind", &KINDS, None)),
                text(ui, v, "title_zh"),
                text(ui, v, "title_en"),
                input(ui, v, "textarea", "partners")
                    .required()
                    .hint(ui.t.get("hint-links")),
                select(ui, v, "unit", unit_choices(ui, store).await?),
                input(ui, v, "date", "signed_on"),
                text(ui, v, "activity").hint(ui.t.get("hint-signed-at")),
                input(ui, v, "date", "valid_from"),
                input(ui, v, "date", "valid_to"),
            ]
            .into_iter()
            // The office chooses the state when it records an agreement (one signed years ago
            // is recorded as such); a unit's new agreement is a draft. Afterwards the state
            // changes only by the buttons of its page.
            .chain((creating && office).then(|| {
                select(
                    ui,
                    v,
                    "status",
                    choices(ui, "agreement-status", &STATUSES, None),
                )
            }))
            .chain([
                text(ui, v, "renews").hint(ui.t.get("hint-renews")),
                input(ui, v, "textarea", "notes"),
                key_field(ui, v),
            ])
            .collect(),
            groups: vec![signatories.removable()],
            ..FormView::default()
        })
    }

    fn read(v: &Values, creating: bool) -> Result<AgreementInput, FieldErrors> {
        let mut r = Reader::default();
        let kind = r.choice(v, "kind");
        let partners = r.links(v, "partners").into_iter().map(Ref::Link).collect();
        let mut signatories = Vec::new();
        for i in 0..v.rows("signatories") {
            if v.row_is_empty("signatories", i) {
                continue;
            }
            signatories.push(SignatoryInput {
                person: r.link(v, &format!("signatories-{i}-person")).map(Ref::Link),
                name: v.text(&format!("signatories-{i}-name")),
                organization: r
                    .link(v, &format!("signatories-{i}-organization"))
                    .map(Ref::Link),
                capacity: v.text(&format!("signatories-{i}-capacity")),
            });
        }
        let input = kind.map(|kind| AgreementInput {
            key: v.text("key"),
            version: v.text("version").and_then(|x| x.parse().ok()),
            kind,
            title_zh: v.text("title_zh"),
            title_en: v.text("title_en"),
            partners,
            signatories,
            unit: r
                .parse::<i64>(v, "unit", "a unit")
                .map(liaison_core::Link::Id),
            activity: r.link(v, "activity"),
            signed_on: r.date(v, "signed_on"),
            valid_from: r.date(v, "valid_from"),
            valid_to: r.date(v, "valid_to"),
            status: if creating {
                r.choice(v, "status")
            } else {
                None
            },
            renews: r.link(v, "renews"),
            notes: v.text("notes"),
        });
        finish(input, r)
    }
}

/// The agreement's state, the buttons of the transitions the user may make now, and the
/// history of its states.
fn lifecycle_section(ui: &Ui, a: &Agreement, history: &[RecordEvent]) -> Section {
    let t = &ui.t;
    let mut section = Section::new(t.get("section-lifecycle"), t.get("empty-history"));
    section.row(
        t.get("field-status"),
        t.value("agreement-status", &code(&a.status)),
    );
    if let Ok(actor) = ui.actor() {
        let unit = a.unit.as_ref().map(|u| u.id);
        let buttons = Agreement::lifecycle()
            .available(&actor, AGREEMENT, unit, a.state())
            .into_iter()
            .map(|transition| TransitionButton {
                name: transition.name.to_owned(),
                label: t.value("agreement-transition", transition.name),
                danger: transition.name == "terminate",
            })
            .collect();
        let renew = (RENEWABLE.contains(&a.status) && may(&actor, Action::Create, AGREEMENT, unit))
            .then(|| Link {
                label: t.get("agreement-renew"),
                href: format!("/agreements/{}/renew", a.meta.id),
            });
        section.transitions = Some(TransitionsView {
            action: format!("/agreements/{}/transitions", a.meta.id),
            version: a.meta.version,
            note_label: t.get("field-transition-note"),
            buttons,
            renew,
        });
    }
    let state = |s: &str| t.value("agreement-status", s);
    for event in history.iter().rev() {
        let change = match &event.from {
            Some(from) => t.args(
                "history-entry",
                &[("from", state(from)), ("to", state(&event.to))],
            ),
            None => state(&event.to),
        };
        section.items.push(Item {
            title: format!(
                "{}: {change}",
                t.value("agreement-transition", &event.transition)
            ),
            href: None,
            meta: t.args(
                "history-meta",
                &[
                    ("who", event.username.clone()),
                    ("when", event.at.format("%Y-%m-%d %H:%M UTC").to_string()),
                ],
            ),
            lines: event.note.iter().cloned().collect(),
        });
    }
    section
}

/// The pages of an agreement beyond those every kind has: its changes of state and its renewal.
fn routes() -> Routes {
    Routes::new()
        .post("/agreements/{id}/transitions", transition)
        .post("/agreements/{id}/renew", renew)
}

/// Makes the transition a button of the agreement's page asks for, then shows the page again.
async fn transition(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = Values::from_pairs(pairs);
    let actor = ui.actor()?;
    let request = TransitionRequest {
        transition: values.get("transition").to_owned(),
        version: values
            .text("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or_default(),
        note: values.text("note"),
    };
    let back = format!("/agreements/{id}");
    match state.store.transition_agreement(&actor, id, &request).await {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(err) => refused(&ui, &state.store, id, err, back).await,
    }
}

/// Renews the agreement as a new draft and opens its form.
async fn renew(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    match state.store.renew_agreement(&actor, id).await {
        Ok(new) => Ok(Redirect::to(&format!("/agreements/{}/edit", new.meta.id)).into_response()),
        Err(err) => refused(&ui, &state.store, id, err, format!("/agreements/{id}")).await,
    }
}

/// The page saying why a change of state was not made: the agreement was not in a state it
/// may be made from, or lacks what the change needs (422), or someone changed it first (409);
/// anything else is an error page.
async fn refused(
    ui: &Ui,
    store: &Store,
    id: i64,
    err: liaison_store::Error,
    back: String,
) -> PageResult {
    use liaison_core::Error as DomainError;
    match err {
        liaison_store::Error::Domain(DomainError::Invalid(errors)) => {
            let current = store.get::<Agreement>(id).await.ok();
            Ok(message_page(
                ui,
                StatusCode::UNPROCESSABLE_ENTITY,
                ui.t.get("transition-refused-title"),
                errors
                    .0
                    .iter()
                    .map(|e| explain(ui, current.as_ref(), e))
                    .collect(),
                Some(back),
            ))
        }
        liaison_store::Error::Domain(DomainError::Conflict { message, .. }) => Ok(message_page(
            ui,
            StatusCode::CONFLICT,
            ui.t.get("conflict-title"),
            vec![ui.t.get("transition-stale"), message],
            Some(back),
        )),
        other => Err(other.into()),
    }
}

/// A refusal in the reader's language, naming the agreement's state and what may be done
/// from it; the store's own words for anything else.
fn explain(ui: &Ui, current: Option<&Agreement>, error: &FieldError) -> String {
    let t = &ui.t;
    let state = |a: &Agreement| t.value("agreement-status", a.state());
    match (error.code.as_str(), current) {
        ("not_allowed_from_state", Some(a)) => {
            let allowed: Vec<String> = Agreement::lifecycle()
                .from_state(a.state())
                .map(|transition| t.value("agreement-transition", transition.name))
                .collect();
            let allowed = if allowed.is_empty() {
                t.get("transition-none")
            } else {
                allowed.join(match t.lang {
                    Lang::Zh => "、",
                    Lang::En => ", ",
                })
            };
            t.args(
                "transition-not-allowed",
                &[("state", state(a)), ("allowed", allowed)],
            )
        }
        ("not_renewable", Some(a)) => t.args("renew-not-allowed", &[("state", state(a))]),
        ("required", _) if error.field == "signed_on" => t.get("transition-needs-signed-on"),
        _ => error.message.clone(),
    }
}
