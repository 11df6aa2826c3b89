//! The admin's pages: accounts and the audit log.

use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::secrets::hash_password;
use liaison_core::{AuditFilter, FieldErrors, PageRequest, RecordKind, UserInput, UserRole};

use super::forms::{Reader, Values, attach_errors};
use super::kinds::{choices, unit_choices};
use super::{
    Cell, Column, Field, FormTemplate, FormView, Link, ListTemplate, ListView, PageError,
    PageResult, RecordId, Ui, render,
};
use crate::AppState;
use crate::routes::Routes;

/// Refuses a page to anyone but an admin.
pub(super) fn admin_only(ui: &Ui) -> Result<(), PageError> {
    if ui.is_admin() {
        Ok(())
    } else {
        Err(PageError::Forbidden(ui.t.get("admin-only")))
    }
}

async fn users(State(state): State<AppState>, ui: Ui) -> PageResult {
    admin_only(&ui)?;
    let page = PageRequest::parse(
        None,
        Some(liaison_core::MAX_PER_PAGE),
        None,
        &["username"],
        false,
    )?;
    let users = state.store.list_users(&ui.actor()?, &page).await?;
    let view = ListView {
        title: ui.t.get("nav-users"),
        base: "/admin/users".to_owned(),
        new_link: Some(Link {
            label: ui.t.get("new-user"),
            href: "/admin/users/new".to_owned(),
        }),
        columns: [
            "field-username",
            "field-display_name",
            "field-user_role",
            "field-unit",
            "field-active",
        ]
        .into_iter()
        .map(|key| Column {
            label: ui.t.get(key),
            ..Column::default()
        })
        .collect(),
        rows: users
            .items
            .iter()
            .map(|u| {
                vec![
                    Cell::link(u.username.clone(), format!("/admin/users/{}/edit", u.id)),
                    Cell::text(u.display_name.clone()),
                    Cell::text(ui.t.value("role", u.role.as_str())),
                    Cell::text(u.unit.as_ref().map(|n| n.name.clone()).unwrap_or_default()),
                    Cell::text(ui.t.get(if u.active { "yes" } else { "no" })),
                ]
            })
            .collect(),
        total_text: ui.t.args(
            "list-total",
            &[
                ("total", ui.t.number(users.total)),
                ("first", "1".into()),
                ("last", ui.t.number(users.items.len() as i64)),
            ],
        ),
        empty_text: ui.t.get("list-empty"),
        ..ListView::default()
    };
    Ok(render(&ListTemplate {
        ui: &ui,
        view: &view,
    }))
}

async fn user_form(
    ui: &Ui,
    state: &AppState,
    values: &Values,
    creating: bool,
    errors: &FieldErrors,
) -> PageResult {
    let t = &ui.t;
    let field = |kind, name: &str| {
        Field::new(
            kind,
            name,
            t.get(&format!("field-{name}")),
            values.get(name),
        )
    };
    let mut fields = Vec::new();
    if creating {
        fields.push(field("text", "username").required());
    }
    fields.push(field("text", "display_name").required());
    fields.push(Field::select(
        "user_role",
        t.get("field-user_role"),
        values.get("user_role"),
        choices(ui, "role", &UserRole::ALL, None),
    ));
    fields.push(Field::select(
        "unit",
        t.get("field-unit"),
        values.get("unit"),
        unit_choices(ui, &state.store).await?,
    ));
    if !creating {
        fields.push(field("checkbox", "active"));
    }
    fields.push(field("password", "password").hint(t.get(if creating {
        "hint-password"
    } else {
        "hint-password-change"
    })));
    let mut view = FormView {
        title: t.get(if creating { "new-user" } else { "edit-user" }),
        action: if creating {
            "/admin/users".to_owned()
        } else {
            ui.path.clone()
        },
        version: values.text("version").and_then(|v| v.parse().ok()),
        fields,
        cancel: "/admin/users".to_owned(),
        ..FormView::default()
    };
    let mut refs: Vec<&mut Field> = view.fields.iter_mut().collect();
    view.errors = attach_errors(ui, &mut refs, errors);
    let mut response = render(&FormTemplate { ui, view: &view });
    if !errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn new_user(State(state): State<AppState>, ui: Ui) -> PageResult {
    admin_only(&ui)?;
    let mut values = Values::default();
    values.set("user_role", "officer");
    user_form(&ui, &state, &values, true, &FieldErrors::new()).await
}

async fn edit_user(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    admin_only(&ui)?;
    let user = state.store.get_user(id).await?;
    let mut values = Values::default();
    values.set("display_name", user.display_name);
    values.set("user_role", user.role.as_str());
    values.set(
        "unit",
        user.unit.map(|u| u.id.to_string()).unwrap_or_default(),
    );
    values.set("active", if user.active { "on" } else { "" });
    values.set("version", user.version.to_string());
    user_form(&ui, &state, &values, false, &FieldErrors::new()).await
}

fn read_user(values: &Values, username: String) -> Result<UserInput, FieldErrors> {
    let mut r = Reader::default();
    let role = r.choice(values, "user_role").unwrap_or(UserRole::Viewer);
    let input = UserInput {
        version: values.text("version").and_then(|v| v.parse().ok()),
        username,
        display_name: values.get("display_name").to_owned(),
        role,
        unit: r.parse(values, "unit", "a unit"),
        active: values.text("version").is_none() || values.get("active") == "on",
    };
    if r.errors.is_empty() {
        Ok(input)
    } else {
        Err(r.errors)
    }
}

async fn hashed(password: String) -> Result<String, liaison_store::Error> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| liaison_store::Error::Unsupported(e.to_string()))?
        .map_err(liaison_store::Error::Unsupported)
}

async fn save_user(state: &AppState, ui: &Ui, id: Option<i64>, values: Values) -> PageResult {
    admin_only(ui)?;
    let actor = ui.actor()?;
    let username = match id {
        Some(id) => state.store.get_user(id).await?.username,
        None => values.get("username").to_owned(),
    };
    let input = match read_user(&values, username.clone()) {
        Ok(input) => input,
        Err(errors) => return user_form(ui, state, &values, id.is_none(), &errors).await,
    };
    let password = values.text("password");
    if let Some(p) = &password
        && let Err(liaison_core::Error::Invalid(errors)) =
            liaison_core::accounts::check_password(&username, p)
    {
        return user_form(ui, state, &values, id.is_none(), &errors).await;
    }
    if id.is_none() && password.is_none() {
        let mut errors = FieldErrors::new();
        errors.add("password", "required", "give a first password");
        return user_form(ui, state, &values, true, &errors).await;
    }
    let result = match id {
        None => {
            let hash = hashed(password.clone().unwrap_or_default()).await?;
            state
                .store
                .create_user(&actor, input, &hash)
                .await
                .map(|_| ())
        }
        Some(id) => match state.store.update_user(&actor, id, input).await {
            Ok(user) => match password {
                Some(p) => {
                    let hash = hashed(p).await?;
                    state
                        .store
                        .set_password(&actor, &user.username, &hash)
                        .await
                        .map(|_| ())
                }
                None => Ok(()),
            },
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            user_form(ui, state, &values, id.is_none(), &errors).await
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { message, .. })) => {
            let mut errors = FieldErrors::new();
            errors.add("display_name", "conflict", message);
            user_form(ui, state, &values, id.is_none(), &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn create_user(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_user(&state, &ui, None, Values::from_pairs(pairs)).await
}

async fn update_user(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_user(&state, &ui, Some(id), Values::from_pairs(pairs)).await
}

async fn audit(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> PageResult {
    admin_only(&ui)?;
    let query = Values::from_query(raw.as_deref());
    let mut r = Reader::default();
    let filter = AuditFilter {
        username: query.text("username"),
        action: query.text("action"),
        entity: query.text("entity"),
        record_id: r.parse(&query, "record_id", "a number"),
        from: r.date(&query, "from"),
        to: r.date(&query, "to"),
    };
    let page_number: i64 = query
        .text("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let page = PageRequest::parse(
        Some(page_number),
        Some(50),
        None,
        liaison_core::audit::AUDIT_SORTS,
        true,
    )?;
    let log = state.store.list_audit(&ui.actor()?, &filter, &page).await?;
    let t = &ui.t;
    let filter_field = |kind, name: &str| {
        Field::new(
            kind,
            name,
            t.get(&format!("field-audit-{name}")),
            query.get(name),
        )
    };
    let link_with_page = |n: i64| query.link("/admin/audit", &[("page", n.to_string())]);
    let pages = (log.total + 49) / 50;
    let view = ListView {
        title: t.get("nav-audit"),
        base: "/admin/audit".to_owned(),
        filters: vec![
            filter_field("text", "username"),
            filter_field("text", "action"),
            filter_field("text", "entity"),
            filter_field("number", "record_id"),
            filter_field("date", "from"),
            filter_field("date", "to"),
        ],
        columns: [
            "field-audit-at",
            "field-audit-username",
            "field-audit-address",
            "field-audit-action",
            "field-audit-entity",
            "field-audit-changes",
        ]
        .into_iter()
        .map(|key| Column {
            label: t.get(key),
            ..Column::default()
        })
        .collect(),
        rows: log
            .items
            .iter()
            .map(|e| {
                let paged = RecordKind::parse(&e.entity).filter(|k| k.pages);
                let record = match (paged, e.record_id) {
                    (Some(kind), Some(id)) => Cell::link(
                        format!("{} #{id}", e.entity),
                        format!("/{}/{id}", kind.path),
                    ),
                    (None, Some(id)) => Cell::text(format!("{} #{id}", e.entity)),
                    (_, None) => Cell::text(&e.entity),
                };
                let changes = e
                    .changes
                    .as_object()
                    .map(|fields| {
                        fields
                            .iter()
                            .map(|(name, change)| {
                                // Personal data changed (its values are never kept), or the
                                // fields a view showed, or the rows an export held.
                                if change.get("changed").is_some() {
                                    return format!("{name}: {}", t.get("audit-changed"));
                                }
                                if !change.is_object() {
                                    return format!("{name}: {change}");
                                }
                                let side = |k: &str| {
                                    change
                                        .get(k)
                                        .map(|v| v.to_string())
                                        .unwrap_or_else(|| "—".into())
                                };
                                format!("{name}: {} → {}", side("before"), side("after"))
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default();
                vec![
                    Cell::text(e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                    Cell::text(e.username.clone()),
                    Cell::text(e.address.clone().unwrap_or_default()),
                    Cell::text(t.value("audit-action", &e.action)),
                    record,
                    Cell {
                        text: changes,
                        href: None,
                        pre: true,
                    },
                ]
            })
            .collect(),
        total_text: if r.errors.is_empty() {
            t.args(
                "list-total",
                &[
                    ("total", t.number(log.total)),
                    (
                        "first",
                        t.number(if log.total == 0 { 0 } else { page.offset() + 1 }),
                    ),
                    ("last", t.number(page.offset() + log.items.len() as i64)),
                ],
            )
        } else {
            t.get("filter-invalid")
        },
        empty_text: t.get("list-empty-filtered"),
        prev: (page.page > 1).then(|| link_with_page(page.page - 1)),
        next: (page.page < pages).then(|| link_with_page(page.page + 1)),
        ..ListView::default()
    };
    Ok(render(&ListTemplate {
        ui: &ui,
        view: &view,
    }))
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/users", users)
        .post("/admin/users", create_user)
        .get("/admin/users/new", new_user)
        .get("/admin/users/{id}/edit", edit_user)
        .post("/admin/users/{id}/edit", update_user)
        .get("/admin/audit", audit)
}
