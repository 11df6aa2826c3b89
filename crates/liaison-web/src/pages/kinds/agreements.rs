//! Pages of agreements.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::accounts::may;
use liaison_core::lifecycle::Who;
use liaison_core::{
    AGREEMENT, Action, Agreement, AgreementFilter, AgreementInput, AgreementKind, AgreementStatus,
    FieldError, FieldErrors, RENEWABLE, RecordEvent, RecordKind, Stateful, TransitionRequest,
};
use liaison_store::Store;
use serde_json::json;

use super::{GroupText, choices, code, codes, group, input, row_input, search, select};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::fields::{self, Declared, Input, Value, key, number};
use crate::pages::forms::Values;
use crate::pages::records::{RecordPages, message_page};
use crate::pages::{
    DetailView, Field, FormView, Item, Link, PageResult, RecordId, Section, TransitionButton,
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

const OVERVIEW: &str = "section-overview";

/// An agreement's fields: the list's columns, the page's overview and the form, besides its
/// signatories and its history.
const FIELDS: &[Declared<Agreement>] = &[
    number(),
    Declared::new("title", "field-title", |a: &Agreement| {
        Value::Record(
            Box::new(Value::Names(a.title_zh.clone(), a.title_en.clone())),
            a.meta.id,
        )
    })
    .listed(Some("title")),
    Declared::new("title_zh", "field-title_zh", |a: &Agreement| {
        Value::Text(a.title_zh.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("title_en", "field-title_en", |a: &Agreement| {
        Value::Text(a.title_en.clone())
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Text),
    Declared::new("kind", "field-kind", |a: &Agreement| {
        Value::Choice("agreement-kind", code(&a.kind))
    })
    .listed(None)
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Choice("agreement-kind", || codes(&KINDS)))
    .required(),
    // Changed by the transitions of its lifecycle; chosen only when the office records one.
    Declared::new("status", "field-status", |a: &Agreement| {
        Value::Choice("agreement-status", code(&a.status))
    })
    .in_sheet()
    .in_section(OVERVIEW),
    Declared::new("partners", "field-partners", |a: &Agreement| {
        Value::Links(a.partners.clone(), "organizations")
    })
    .listed(None)
    .in_sheet()
    .asked(Input::Links)
    .required()
    .hinted("hint-links"),
    Declared::new("unit", "field-unit", |a: &Agreement| {
        Value::Link(a.unit.clone(), "units")
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Unit),
    Declared::new("signed_on", "field-signed_on", |a: &Agreement| {
        Value::Date(a.signed_on)
    })
    .listed(Some("signed"))
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Date),
    // The activity it was signed at.
    Declared::new("activity", "field-activity", |a: &Agreement| {
        Value::Link(a.activity.clone(), "activities")
    })
    .asked(Input::Link)
    .hinted("hint-signed-at"),
    Declared::new("valid_from", "field-valid_from", |a: &Agreement| {
        Value::Date(a.valid_from)
    })
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Date),
    Declared::new("valid_to", "field-valid_to", |a: &Agreement| {
        Value::Date(a.valid_to)
    })
    .listed(Some("valid_to"))
    .in_sheet()
    .in_section(OVERVIEW)
    .asked(Input::Date),
    Declared::new("status", "field-status", |a: &Agreement| {
        Value::Choice("agreement-status", code(&a.status))
    })
    .listed(None),
    Declared::new("activity", "field-signed_at", |a: &Agreement| {
        Value::Link(a.activity.clone(), "activities")
    })
    .in_section(OVERVIEW),
    Declared::new("renews", "field-renews", |a: &Agreement| {
        Value::Link(a.renews.clone(), "agreements")
    })
    .in_section(OVERVIEW)
    .asked(Input::Link)
    .hinted("hint-renews"),
    Declared::new("renewed_by", "field-renewed_by", |a: &Agreement| {
        Value::Links(a.renewed_by.clone(), "agreements")
    })
    .in_section(OVERVIEW),
    Declared::new("notes", "field-notes", |a: &Agreement| {
        Value::Text(a.notes.clone())
    })
    .in_section(OVERVIEW)
    .asked(Input::Area),
    key(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<Agreements>() }

impl RecordPages for Agreements {
    const KIND: RecordKind = AGREEMENT;
    const TITLE: &'static str = "nav-agreements";
    const NEW: &'static str = "new-agreement";
    const EDIT: &'static str = "edit-agreement";
    type Record = Agreement;
    type Row = Agreement;
    type Input = AgreementInput;
    type Filter = AgreementFilter;
    const FIELDS: &'static [Declared<Agreement>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<Agreement>] = FIELDS;

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

    fn name(ui: &Ui, a: &Agreement) -> String {
        super::name_of(&a.title_zh, &a.title_en, ui)
    }

    async fn detail(ui: &Ui, store: &Store, a: &Agreement) -> liaison_store::Result<DetailView> {
        let t = &ui.t;
        let mut sections = fields::sections(ui, FIELDS, a, &[OVERVIEW]);
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
        sections.extend([lifecycle, partners, signatories]);
        Ok(DetailView {
            title: Self::name(ui, a),
            subtitle: None,
            actions: Vec::new(),
            sections,
        })
    }

    fn values(a: &Agreement) -> Values {
        let mut v = fields::values(FIELDS, a);
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
        let mut fields = fields::inputs(ui, store, FIELDS, v).await?;
        // The office chooses the state when it records an agreement (one signed years ago is
        // recorded as such); a unit's new agreement is a draft. Afterwards the state changes
        // only by the buttons of its page.
        if creating && office {
            let at = fields
                .iter()
                .position(|f| f.name == "renews")
                .unwrap_or(fields.len());
            fields.insert(
                at,
                select(
                    ui,
                    v,
                    "status",
                    choices(ui, "agreement-status", &STATUSES, None),
                ),
            );
        }
        Ok(FormView {
            fields,
            groups: vec![signatories.removable()],
            ..FormView::default()
        })
    }

    fn read(v: &Values, creating: bool) -> Result<AgreementInput, FieldErrors> {
        fields::read(FIELDS, v, |r, input| {
            let mut signatories = Vec::new();
            for i in 0..v.rows("signatories") {
                if v.row_is_empty("signatories", i) {
                    continue;
                }
                signatories.push(json!({
                    "person": r.link(v, &format!("signatories-{i}-person")),
                    "name": v.text(&format!("signatories-{i}-name")),
                    "organization": r.link(v, &format!("signatories-{i}-organization")),
                    "capacity": v.text(&format!("signatories-{i}-capacity")),
                }));
            }
            input.insert("signatories".to_owned(), json!(signatories));
            // Its state is chosen only when the office records an agreement; after that it
            // changes by the transitions of its lifecycle.
            if creating && let Some(status) = r.choice::<AgreementStatus>(v, "status") {
                input.insert("status".to_owned(), json!(status));
            }
        })
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

#[cfg(test)]
mod tests {
    use liaison_core::{AgreementKind, AgreementStatus, Link, Ref};

    use super::Agreements;
    use crate::pages::forms::Values;
    use crate::pages::records::RecordPages;

    /// A memorandum signed during a visit by the president and a guest not on record.
    fn signed_memorandum() -> Values {
        Values::of(&[
            ("kind", "mou"),
            ("title_en", "Memorandum on cadre training"),
            (
                "partners",
                "#4 Lao Federation of Trade Unions\n#9 LFTU school",
            ),
            ("status", "signed"),
            ("signed_on", "2026-05-12"),
            ("activity", "#3 Visit"),
            ("signatories-0-person", "#12 Wang Wei"),
            ("signatories-0-capacity", "President"),
            ("signatories-1-name", "Phoxay Khaykhamphithoune"),
            ("signatories-1-organization", "#4"),
            ("signatories-2-name", ""),
        ])
    }

    #[test]
    fn a_signing_reads_with_its_partners_and_signatories() {
        let input = Agreements::read(&signed_memorandum(), true).expect("the form reads");
        assert_eq!(input.kind, AgreementKind::Mou);
        assert_eq!(
            input.partners,
            [Ref::Link(Link::Id(4)), Ref::Link(Link::Id(9))]
        );
        assert_eq!(input.activity, Some(Link::Id(3)));
        assert_eq!(input.status, Some(AgreementStatus::Signed));
        assert_eq!(input.signatories.len(), 2, "an empty row signs nothing");
        assert_eq!(input.signatories[0].person, Some(Ref::Link(Link::Id(12))));
        assert_eq!(input.signatories[0].capacity.as_deref(), Some("President"));
        assert_eq!(
            input.signatories[1].name.as_deref(),
            Some("Phoxay Khaykhamphithoune")
        );
        assert_eq!(
            input.signatories[1].organization,
            Some(Ref::Link(Link::Id(4)))
        );
    }

    #[test]
    fn a_change_leaves_the_state_to_the_lifecycle() {
        let input = Agreements::read(&signed_memorandum(), false).expect("the form reads");
        assert_eq!(input.status, None);
    }

    #[test]
    fn an_agreement_without_partners_is_refused_by_name() {
        let errors = Agreements::read(&Values::of(&[("kind", "mou")]), true).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["partners"], "{errors:?}");
    }
}
