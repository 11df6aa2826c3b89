//! The admins' pages of the trip approvals: the approval chain, step by step with drop-downs,
//! and the trip policy's numbers. Each save is a new version; applications under way keep the
//! plan they were submitted with.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::FieldErrors;
use liaison_core::accounts::UserRole;
use liaison_core::approvals::{
    ApplicationKind, Approver, Chain, ChainInput, Comparison, Condition, Field as ConditionField,
    OnRefusal, Operator, Quorum, Step,
};
use liaison_core::trips::{Deadline, Publication, TripPolicy};

use super::admin::admin_only;
use super::forms::{Reader, RowChange, Values};
use super::kinds::{GroupText, choices, code, group, row_input, row_select};
use super::records::form_page;
use super::{Field, FormView, PageResult, Ui};
use crate::AppState;
use crate::routes::Routes;

const RULES: [&str; 7] = [
    "role",
    "unit_leader",
    "unit_liaison",
    "leader_in_charge",
    "user",
    "named_on_application",
    "applicant_chooses",
];
const QUORUMS: [&str; 3] = ["any", "all", "at_least"];
const REFUSALS: [OnRefusal; 3] = [
    OnRefusal::End,
    OnRefusal::BackToApplicant,
    OnRefusal::BackToPrevious,
];
const OPERATORS: [Operator; 7] = [
    Operator::Is,
    Operator::IsNot,
    Operator::OneOf,
    Operator::GreaterThan,
    Operator::AtLeast,
    Operator::LessThan,
    Operator::AtMost,
];

/// A chain as the form's values: one row of drop-downs per step.
fn chain_values(chain: &Chain) -> Values {
    let mut v = Values::default();
    for (i, step) in chain.steps.iter().enumerate() {
        let set =
            |v: &mut Values, name: &str, value: String| v.set(format!("steps-{i}-{name}"), value);
        set(&mut v, "name", step.name.clone());
        let (rule, role, users) = match &step.approver {
            Approver::Role { role } => ("role", role.as_str().to_owned(), String::new()),
            Approver::UnitLeader => ("unit_leader", String::new(), String::new()),
            Approver::UnitLiaison => ("unit_liaison", String::new(), String::new()),
            Approver::LeaderInCharge => ("leader_in_charge", String::new(), String::new()),
            Approver::User { user_id } => ("user", String::new(), format!("#{user_id}")),
            Approver::NamedOnApplication => ("named_on_application", String::new(), String::new()),
            Approver::ApplicantChooses { candidates } => (
                "applicant_chooses",
                String::new(),
                candidates
                    .iter()
                    .map(|c| format!("#{c}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        set(&mut v, "rule", rule.to_owned());
        set(&mut v, "role", role);
        set(&mut v, "users", users);
        let (quorum, count) = match step.quorum {
            Quorum::Any => ("any", String::new()),
            Quorum::All => ("all", String::new()),
            Quorum::AtLeast { count } => ("at_least", count.to_string()),
        };
        set(&mut v, "quorum", quorum.to_owned());
        set(&mut v, "count", count);
        if let Some(Condition::Compare(c)) = &step.condition {
            set(&mut v, "when", code(&c.field));
            set(&mut v, "operator", code(&c.operator));
            let value = match &c.value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            set(&mut v, "value", value);
        }
        set(
            &mut v,
            "due_working_days",
            step.due_working_days.to_string(),
        );
        set(&mut v, "on_refusal", code(&step.on_refusal));
    }
    v
}

/// The value of a condition as typed: a number, true or false, a list for `one_of`, or a code.
fn condition_value(operator: Operator, text: &str) -> serde_json::Value {
    let one = |t: &str| -> serde_json::Value {
        let t = t.trim();
        if let Ok(n) = t.parse::<i64>() {
            n.into()
        } else if t == "true" || t == "false" {
            (t == "true").into()
        } else {
            t.into()
        }
    };
    if operator == Operator::OneOf {
        serde_json::Value::Array(text.split(',').map(one).collect())
    } else {
        one(text)
    }
}

fn read_chain(v: &Values) -> (ChainInput, Reader) {
    let mut r = Reader::default();
    let mut steps = Vec::new();
    for i in 0..v.rows("steps") {
        if v.row_is_empty("steps", i) {
            continue;
        }
        let f = |name: &str| format!("steps-{i}-{name}");
        let ids = |r: &mut Reader| -> Vec<i64> {
            v.get(&f("users"))
                .split([' ', ','])
                .filter(|t| !t.is_empty())
                .filter_map(|t| match super::forms::link_of(t) {
                    Some(liaison_core::Link::Id(id)) => Some(id),
                    _ => {
                        r.errors.add(f("users"), "invalid", "write accounts as #12");
                        None
                    }
                })
                .collect()
        };
        let approver = match v.get(&f("rule")) {
            "role" => Approver::Role {
                role: UserRole::parse(v.get(&f("role"))).unwrap_or(UserRole::Officer),
            },
            "unit_leader" => Approver::UnitLeader,
            "unit_liaison" => Approver::UnitLiaison,
            "leader_in_charge" => Approver::LeaderInCharge,
            "user" => match ids(&mut r).first() {
                Some(user_id) => Approver::User { user_id: *user_id },
                None => {
                    r.errors
                        .add(f("users"), "required", "name the account, as #12");
                    continue;
                }
            },
            "named_on_application" => Approver::NamedOnApplication,
            "applicant_chooses" => Approver::ApplicantChooses {
                candidates: ids(&mut r),
            },
            _ => {
                r.errors.add(f("rule"), "required", "choose who approves");
                continue;
            }
        };
        let quorum = match v.get(&f("quorum")) {
            "all" => Quorum::All,
            "at_least" => Quorum::AtLeast {
                count: r.parse(v, &f("count"), "a whole number").unwrap_or(0),
            },
            _ => Quorum::Any,
        };
        let condition = match v.text(&f("when")) {
            None => None,
            Some(_) => {
                let field: Option<ConditionField> = r.choice(v, &f("when"));
                let operator: Option<Operator> = r.choice(v, &f("operator"));
                match (field, operator) {
                    (Some(field), Some(operator)) => Some(Condition::Compare(Comparison {
                        field,
                        operator,
                        value: condition_value(operator, v.get(&f("value"))),
                    })),
                    _ => None,
                }
            }
        };
        steps.push(Step {
            name: v.get(&f("name")).to_owned(),
            approver,
            quorum,
            condition,
            due_working_days: r
                .parse(v, &f("due_working_days"), "a whole number")
                .unwrap_or(3),
            on_refusal: r
                .choice(v, &f("on_refusal"))
                .unwrap_or(OnRefusal::BackToApplicant),
        });
    }
    (
        ChainInput {
            kind: ApplicationKind::Trip,
            steps,
        },
        r,
    )
}

fn chain_form(ui: &Ui, v: &Values, version: i64, adding: &str) -> FormView {
    let t = &ui.t;
    let rules = RULES
        .iter()
        .map(|r| ((*r).to_owned(), t.value("approver-rule", r)))
        .collect::<Vec<_>>();
    let roles = UserRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), t.value("role", r.as_str())))
        .collect::<Vec<_>>();
    let quorums = QUORUMS
        .iter()
        .map(|q| ((*q).to_owned(), t.value("quorum", q)))
        .collect::<Vec<_>>();
    let fields = choices(
        ui,
        "condition-field",
        &ConditionField::ALL,
        Some("choice-always"),
    );
    let operators = choices(ui, "condition-operator", &OPERATORS, None);
    let refusals = choices(ui, "on-refusal", &REFUSALS, None);
    let steps = group(
        ui,
        v,
        GroupText {
            name: "steps",
            label: "field-steps",
            hint: Some("hint-steps"),
            add: "add-step",
        },
        adding,
        |i| {
            vec![
                row_input(ui, v, "text", "steps", i, "name"),
                row_select(ui, v, "steps", i, "rule", rules.clone()),
                row_select(ui, v, "steps", i, "role", roles.clone()),
                row_input(ui, v, "text", "steps", i, "users"),
                row_select(ui, v, "steps", i, "quorum", quorums.clone()),
                row_input(ui, v, "number", "steps", i, "count"),
                row_select(ui, v, "steps", i, "when", fields.clone()),
                row_select(ui, v, "steps", i, "operator", operators.clone()),
                row_input(ui, v, "text", "steps", i, "value"),
                row_input(ui, v, "number", "steps", i, "due_working_days"),
                row_select(ui, v, "steps", i, "on_refusal", refusals.clone()),
            ]
        },
    );
    FormView {
        title: t.args("approval-chain-title", &[("version", version.to_string())]),
        action: "/admin/approval-chain".to_owned(),
        version: None,
        fields: Vec::new(),
        groups: vec![steps.removable()],
        errors: Vec::new(),
        cancel: "/trips".to_owned(),
    }
}

async fn chain_page(State(state): State<AppState>, ui: Ui) -> PageResult {
    admin_only(&ui)?;
    let chain = state.store.approval_chain(ApplicationKind::Trip).await?;
    let view = chain_form(&ui, &chain_values(&chain), chain.version, "");
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn save_chain(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    admin_only(&ui)?;
    let actor = ui.actor()?;
    let sent = Values::from_pairs(pairs);
    let current = state.store.approval_chain(ApplicationKind::Trip).await?;
    let v = sent.compacted();
    match sent.row_change() {
        Some(RowChange::Add(group)) => {
            let view = chain_form(&ui, &v, current.version, &group);
            return Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK));
        }
        Some(RowChange::Remove(group, index)) => {
            let view = chain_form(&ui, &v.without_row(&group, index), current.version, "");
            return Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK));
        }
        None => {}
    }
    let (input, reader) = read_chain(&v);
    let result = if reader.errors.is_empty() {
        state.store.save_approval_chain(&actor, input).await
    } else {
        Err(liaison_core::Error::Invalid(reader.errors).into())
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/approval-chain").into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            let view = chain_form(&ui, &v, current.version, "");
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

/// The trip policy's fields: the form's name of each and its value.
fn policy_values(p: &TripPolicy) -> Values {
    let mut v = Values::default();
    v.set(
        "administrative_days_by_countries",
        p.administrative_days_by_countries
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    for (name, n) in [
        ("administrative_members", p.administrative_members),
        ("hong_kong_days", p.hong_kong_days),
        ("macao_days", p.macao_days),
        ("hong_kong_macao_days", p.hong_kong_macao_days),
        ("lead_days_foreign", p.lead_days_foreign),
        ("lead_days_hong_kong_macao", p.lead_days_hong_kong_macao),
        ("lead_days_taiwan", p.lead_days_taiwan),
        ("notice_working_days", p.notice_working_days),
        ("report_photos", p.report_photos),
    ] {
        v.set(name, n.to_string());
    }
    v.set("publication", p.publication.as_str());
    let (unit, n) = match p.report_due {
        Deadline::Months(n) => ("months", i64::from(n)),
        Deadline::Days(n) => ("days", n),
        Deadline::WorkingDays(n) => ("working_days", n),
    };
    v.set("report_due", n.to_string());
    v.set("report_due_unit", unit);
    v
}

fn policy_form(ui: &Ui, v: &Values, version: i64) -> FormView {
    let t = &ui.t;
    let number = |name: &str, label: String| Field::new("number", name, label, v.get(name));
    let units = ["months", "days", "working_days"]
        .iter()
        .map(|u| ((*u).to_owned(), t.value("deadline-unit", u)))
        .collect();
    FormView {
        title: t.args("trip-policy-title", &[("version", version.to_string())]),
        action: "/admin/trip-policy".to_owned(),
        version: None,
        fields: vec![
            Field::new(
                "text",
                "administrative_days_by_countries",
                t.get("field-administrative_days_by_countries"),
                v.get("administrative_days_by_countries"),
            )
            .hint(t.get("hint-administrative-days")),
            number(
                "administrative_members",
                t.get("field-administrative_members"),
            ),
            number("hong_kong_days", t.get("field-hong_kong_days")),
            number("macao_days", t.get("field-macao_days")),
            number("hong_kong_macao_days", t.get("field-hong_kong_macao_days")),
            number("lead_days_foreign", t.get("field-lead_days_foreign")),
            number(
                "lead_days_hong_kong_macao",
                t.get("field-lead_days_hong_kong_macao"),
            ),
            number("lead_days_taiwan", t.get("field-lead_days_taiwan")),
            number("notice_working_days", t.get("field-notice_working_days")),
            Field::select(
                "publication",
                t.get("field-publication"),
                v.get("publication"),
                Publication::ALL
                    .iter()
                    .map(|p| {
                        (
                            p.as_str().to_owned(),
                            t.value("trip-publication", p.as_str()),
                        )
                    })
                    .collect(),
            )
            .hint(t.get("hint-publication")),
            number("report_photos", t.get("field-report_photos")).hint(t.get("hint-report-photos")),
            number("report_due", t.get("field-report_due")),
            Field::select(
                "report_due_unit",
                t.get("field-report_due_unit"),
                v.get("report_due_unit"),
                units,
            ),
        ],
        groups: Vec::new(),
        errors: Vec::new(),
        cancel: "/trips".to_owned(),
    }
}

async fn policy_page(State(state): State<AppState>, ui: Ui) -> PageResult {
    admin_only(&ui)?;
    let (version, policy) = state.store.trip_policy(&state.store.policy().trips).await?;
    let view = policy_form(&ui, &policy_values(&policy), version);
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn save_policy(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    admin_only(&ui)?;
    let actor = ui.actor()?;
    let v = Values::from_pairs(pairs);
    let (version, current) = state.store.trip_policy(&state.store.policy().trips).await?;
    let mut r = Reader::default();
    let mut n = |name: &str, default: i64| -> i64 {
        r.parse(&v, name, "a whole number").unwrap_or(default)
    };
    let mut policy = TripPolicy {
        administrative_members: n("administrative_members", current.administrative_members),
        hong_kong_days: n("hong_kong_days", current.hong_kong_days),
        macao_days: n("macao_days", current.macao_days),
        hong_kong_macao_days: n("hong_kong_macao_days", current.hong_kong_macao_days),
        lead_days_foreign: n("lead_days_foreign", current.lead_days_foreign),
        lead_days_hong_kong_macao: n(
            "lead_days_hong_kong_macao",
            current.lead_days_hong_kong_macao,
        ),
        lead_days_taiwan: n("lead_days_taiwan", current.lead_days_taiwan),
        notice_working_days: n("notice_working_days", current.notice_working_days),
        report_photos: n("report_photos", current.report_photos),
        publication: Publication::parse(v.get("publication")).unwrap_or(current.publication),
        ..current.clone()
    };
    let due = n("report_due", 1);
    policy.report_due = match v.get("report_due_unit") {
        "days" => Deadline::Days(due),
        "working_days" => Deadline::WorkingDays(due),
        _ => Deadline::Months(u32::try_from(due).unwrap_or(u32::MAX)),
    };
    let days: Vec<Option<i64>> = v
        .get("administrative_days_by_countries")
        .split([',', '，', ' '])
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().ok())
        .collect();
    if days.iter().any(Option::is_none) {
        r.errors.add(
            "administrative_days_by_countries",
            "invalid",
            "write the days as whole numbers separated by commas, such as 5, 8, 10",
        );
    } else {
        policy.administrative_days_by_countries = days.into_iter().flatten().collect();
    }
    let save = state.store.save_trip_policy(&actor, policy);
    super::save_policy_version(r.errors, save, "/admin/trip-policy", async |errors| {
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

/// The admins' pages of the trip approvals.
pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/approval-chain", chain_page)
        .post("/admin/approval-chain", save_chain)
        .get("/admin/trip-policy", policy_page)
        .post("/admin/trip-policy", save_policy)
}
