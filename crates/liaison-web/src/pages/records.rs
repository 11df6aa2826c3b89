//! The list, record, form and delete pages every kind of record has, written once over the
//! [`RecordPages`] each kind implements in `kinds/`.

use askama::Template;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liaison_core::accounts::{authorize_role, may};
use liaison_core::{Action, FieldErrors, Page, PageRequest, RecordKind};
use liaison_store::{Records, Store};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::export::{self, Format};
use super::fields::{self, Declared};
use super::forms::{Resolution, RowChange, Values, attach_errors};
use super::{
    Action as PageAction, Cell, Column, DetailView, FormTemplate, FormView, HiddenForm, Link,
    ListTemplate, ListView, MessageTemplate, MessageView, PageError, PageResult, RecordId, Ui,
    render,
};
use crate::AppState;
use crate::api::records::ApiRecord;
use crate::routes::Routes;

#[derive(Template)]
#[template(path = "detail.html")]
struct DetailTemplate<'a> {
    ui: &'a Ui,
    view: &'a DetailView,
    /// The files section, for a kind of record that keeps files.
    files: Option<&'a super::files::FilesView>,
}

/// What the generic pages need to know about one kind of record.
pub trait RecordPages: Send + Sync + 'static {
    /// The kind of record, whose declaration gives the path, the sorts and the rights.
    const KIND: RecordKind;
    /// The path of the list, such as `activities`, as the kind declares it.
    const PATH: &'static str = Self::KIND.declaration().path;
    /// The message keys of the list's title and of one record ("New activity").
    const TITLE: &'static str;
    const NEW: &'static str;
    /// The message key of the form that changes a record ("Edit activity").
    const EDIT: &'static str;
    const SORTS: &'static [&'static str] = Self::KIND.declaration().sorts;
    const NEWEST_FIRST: bool = Self::KIND.declaration().newest_first;

    /// The record, whose store operations ([`Records`]) the pages call.
    type Record: Records<Input = Self::Input, Filter = Self::Filter, Row = Self::Row>
        + Serialize
        + Send
        + Sync;
    type Row: Send + Sync;
    type Input: DeserializeOwned + liaison_core::Validate + Clone + Send + Sync;
    type Filter: DeserializeOwned + Default + Send + Sync;

    fn list(
        store: &Store,
        filter: &Self::Filter,
        page: &PageRequest,
    ) -> impl Future<Output = liaison_store::Result<Page<Self::Row>>> + Send {
        store.list::<Self::Record>(filter, page)
    }
    /// The filter inputs, showing the values asked for.
    fn filters(
        ui: &Ui,
        store: &Store,
        query: &Values,
    ) -> impl Future<Output = liaison_store::Result<Vec<super::Field>>> + Send;
    /// The fields of a record, declared once ([`fields`]): the record page's sections
    /// ([`Self::SECTIONS`]), the values a form starts from and the form's inputs are drawn from
    /// them unless the kind writes its own.
    const FIELDS: &'static [Declared<Self::Record>] = &[];
    /// The fields of a list's row, for the list's columns and its spreadsheet: [`Self::FIELDS`]
    /// for a kind whose list shows the records themselves.
    const ROW_FIELDS: &'static [Declared<Self::Row>] = &[];
    /// The record page's sections of declared fields, by their titles' message keys, in order.
    const SECTIONS: &'static [&'static str] = &["section-overview"];

    /// Column labels (message keys) with the sort key each offers.
    fn columns() -> Vec<(&'static str, Option<&'static str>)> {
        fields::columns(Self::ROW_FIELDS)
    }
    fn cells(ui: &Ui, row: &Self::Row) -> Vec<Cell> {
        fields::cells(ui, Self::ROW_FIELDS, row, Self::PATH)
    }
    /// The columns of the list's spreadsheet export (message keys), and a row's values in them:
    /// numbers as numbers and dates as dates, so the office can sum and sort them.
    fn sheet_columns() -> Vec<&'static str> {
        fields::sheet_columns(Self::ROW_FIELDS)
    }
    fn sheet_cells(ui: &Ui, row: &Self::Row) -> Vec<liaison_reports::Cell> {
        fields::sheet_cells(ui, Self::ROW_FIELDS, row)
    }
    /// A batch of the rows a spreadsheet holds, read for `actor`: the list's own rows unless a
    /// kind holds personal data the actor may see in a file.
    fn sheet_list(
        store: &Store,
        _actor: &liaison_core::Actor,
        filter: &Self::Filter,
        page: &PageRequest,
    ) -> impl Future<Output = liaison_store::Result<Page<Self::Row>>> + Send {
        Self::list(store, filter, page)
    }
    /// What the list's downloads hold of personal data for this user, said beside them.
    fn export_note(_ui: &Ui) -> Option<String> {
        None
    }

    /// Pages of its own besides the generic ones, such as a person's "Show" of a personal
    /// field; none unless the kind has some.
    fn own_routes() -> Routes {
        Routes::new()
    }

    fn get(
        store: &Store,
        id: i64,
    ) -> impl Future<Output = liaison_store::Result<Self::Record>> + Send {
        store.get::<Self::Record>(id)
    }
    fn id(record: &Self::Record) -> i64 {
        liaison_core::Record::meta(record).id
    }
    fn version(record: &Self::Record) -> i64 {
        liaison_core::Record::meta(record).version
    }
    /// The unit the record belongs to, for the permission rules.
    fn unit(record: &Self::Record) -> Option<i64> {
        liaison_core::Record::unit(record)
    }
    fn name(ui: &Ui, record: &Self::Record) -> String;
    /// The record's page: its name and its declared sections.
    fn detail(
        ui: &Ui,
        _store: &Store,
        record: &Self::Record,
    ) -> impl Future<Output = liaison_store::Result<DetailView>> + Send {
        let view = DetailView {
            title: Self::name(ui, record),
            sections: fields::sections(ui, Self::FIELDS, record, Self::SECTIONS),
            ..DetailView::default()
        };
        async { Ok(view) }
    }

    fn values(record: &Self::Record) -> Values {
        fields::values(Self::FIELDS, record)
    }
    /// The form's fields and groups for these values; `adding` names a group to give one more row.
    fn form(
        ui: &Ui,
        store: &Store,
        values: &Values,
        _creating: bool,
        _adding: &str,
    ) -> impl Future<Output = liaison_store::Result<FormView>> + Send {
        async {
            Ok(FormView {
                fields: fields::inputs(ui, store, Self::FIELDS, values).await?,
                ..FormView::default()
            })
        }
    }
    /// Reads a form sent into the record's input, with every problem found: by its declared
    /// fields unless the kind reads more (`creating` for a form of a new record).
    fn read(values: &Values, _creating: bool) -> Result<Self::Input, FieldErrors> {
        fields::read(Self::FIELDS, values, |_, _| {})
    }
    /// Looks up the names typed where the form names other records, before it is read: a name
    /// one record answers is written as that record's link, and a name several answer (or a new
    /// person named like one on record) comes back with the records to choose from.
    fn resolve(
        _ui: &Ui,
        _store: &Store,
        _values: &mut Values,
    ) -> impl Future<Output = liaison_store::Result<Resolution>> + Send {
        async { Ok(Resolution::default()) }
    }

    fn create(
        store: &Store,
        actor: &liaison_core::Actor,
        input: Self::Input,
    ) -> impl Future<Output = liaison_store::Result<Self::Record>> + Send {
        store.create::<Self::Record>(actor, input)
    }
    fn update(
        store: &Store,
        actor: &liaison_core::Actor,
        id: i64,
        input: Self::Input,
    ) -> impl Future<Output = liaison_store::Result<Self::Record>> + Send {
        store.update::<Self::Record>(actor, id, input)
    }
    fn delete(
        store: &Store,
        actor: &liaison_core::Actor,
        id: i64,
    ) -> impl Future<Output = liaison_store::Result<Vec<liaison_core::StoredFile>>> + Send {
        store.delete_returning_files::<Self::Record>(actor, id)
    }
}

async fn list_page<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = Values::from_query(raw.as_deref());
    let base = format!("/{}", K::PATH);
    let mut problem = None;
    let filter = read_filter::<K>(&query).unwrap_or_else(|| {
        problem = Some(ui.t.get("filter-invalid"));
        K::Filter::default()
    });
    let page = match read_page::<K>(&query) {
        Ok(page) => page,
        Err(_) => {
            problem = Some(ui.t.get("filter-invalid"));
            PageRequest::parse(None, None, None, K::SORTS, K::NEWEST_FIRST)?
        }
    };
    let rows = K::list(&state.store, &filter, &page).await?;
    let columns = K::columns()
        .into_iter()
        .map(|(label, sort)| {
            let sorted = sort.filter(|s| *s == page.sort).map(|_| {
                if page.descending {
                    "descending"
                } else {
                    "ascending"
                }
            });
            let href = sort.map(|s| {
                let next = if sorted == Some("ascending") {
                    format!("-{s}")
                } else {
                    s.to_owned()
                };
                query.link(&base, &[("sort", next), ("page", String::new())])
            });
            Column {
                label: ui.t.get(label),
                href,
                sorted,
            }
        })
        .collect();
    let pages = (rows.total + page.per_page - 1) / page.per_page;
    let first = if rows.total == 0 {
        0
    } else {
        page.offset() + 1
    };
    let last = page.offset() + rows.items.len() as i64;
    let total_text = problem.unwrap_or_else(|| {
        ui.t.args(
            "list-total",
            &[
                ("total", ui.t.number(rows.total)),
                ("first", ui.t.number(first)),
                ("last", ui.t.number(last)),
            ],
        )
    });
    let view = ListView {
        title: ui.t.get(K::TITLE),
        base: base.clone(),
        new_link: authorize_role(&ui.actor()?, Action::Create, K::KIND)
            .ok()
            .map(|_| Link {
                label: ui.t.get(K::NEW),
                href: format!("/{}/new", K::PATH),
            }),
        filters: K::filters(&ui, &state.store, &query).await?,
        columns,
        rows: rows.items.iter().map(|r| K::cells(&ui, r)).collect(),
        total_text,
        empty_text: ui.t.get(if query.0.is_empty() {
            "list-empty"
        } else {
            "list-empty-filtered"
        }),
        exports: super::export::links(&ui, &query, &base),
        export_note: K::export_note(&ui),
        prev: (page.page > 1).then(|| query.link(&base, &[("page", (page.page - 1).to_string())])),
        next: (page.page < pages)
            .then(|| query.link(&base, &[("page", (page.page + 1).to_string())])),
    };
    Ok(render(&ListTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// The filter a list's query asks for, without its paging and sorting; `None` when a value
/// does not read (a year that is not a number, a kind that does not exist).
pub(super) fn read_filter<K: RecordPages>(query: &Values) -> Option<K::Filter> {
    let mut filter_query = query.clone();
    for paging in ["page", "per_page", "sort"] {
        filter_query.0.remove(paging);
    }
    serde_urlencoded::to_string(&filter_query.0)
        .ok()
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
}

/// The page and sort a list's query asks for.
pub(super) fn read_page<K: RecordPages>(
    query: &Values,
) -> Result<PageRequest, liaison_core::Error> {
    PageRequest::parse(
        query.text("page").and_then(|p| p.parse().ok()),
        query.text("per_page").and_then(|p| p.parse().ok()),
        query.text("sort").as_deref(),
        K::SORTS,
        K::NEWEST_FIRST,
    )
}

async fn show<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let record = K::get(&state.store, id).await?;
    let mut view = K::detail(&ui, &state.store, &record).await?;
    let actor = ui.actor()?;
    if may(&actor, Action::Change, K::KIND, K::unit(&record)) {
        view.actions.push(PageAction {
            label: ui.t.get("action-edit"),
            href: format!("/{}/{id}/edit", K::PATH),
            danger: false,
        });
        view.actions.push(PageAction {
            label: ui.t.get("action-delete"),
            href: format!("/{}/{id}/delete", K::PATH),
            danger: true,
        });
    }
    let may_change = may(&actor, Action::Change, K::KIND, K::unit(&record));
    let files = super::files::section(&state, &ui, K::KIND, K::PATH, id, may_change).await?;
    Ok(render(&DetailTemplate {
        ui: &ui,
        view: &view,
        files: files.as_ref(),
    }))
}

/// A record's page, or a page of one record's lists drawn the same way.
pub(crate) fn detail_page(ui: &Ui, view: &DetailView) -> Response {
    render(&DetailTemplate {
        ui,
        view,
        files: None,
    })
}

/// A form with each error beside its field and all of them listed at its top.
pub(crate) fn form_page(
    ui: &Ui,
    view: FormView,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    form_page_offering(ui, view, errors, &Default::default(), status)
}

/// A form with each error beside its field, and the records a name typed matched offered
/// beside it to choose from.
fn form_page_offering(
    ui: &Ui,
    mut view: FormView,
    errors: &FieldErrors,
    offers: &std::collections::BTreeMap<String, Vec<(String, String)>>,
    status: StatusCode,
) -> Response {
    let mut fields: Vec<&mut super::Field> = view.fields.iter_mut().collect();
    for group in view.groups.iter_mut() {
        for row in group.rows.iter_mut() {
            fields.extend(row.iter_mut());
        }
    }
    for field in fields.iter_mut() {
        if let Some(offered) = offers.get(&field.name) {
            field.offers = offered.clone();
        }
    }
    view.errors = attach_errors(ui, &mut fields, errors);
    let mut response = render(&FormTemplate { ui, view: &view });
    *response.status_mut() = status;
    response
}

/// A kind's form with what every form has: its title, where it is sent (the list for a new
/// record, the page itself for a change) and where "cancel" leads.
async fn form_of<K: RecordPages>(
    ui: &Ui,
    store: &Store,
    values: &Values,
    creating: bool,
    adding: &str,
) -> liaison_store::Result<FormView> {
    let mut view = K::form(ui, store, values, creating, adding).await?;
    view.title = ui.t.get(if creating { K::NEW } else { K::EDIT });
    view.action = if creating {
        format!("/{}", K::PATH)
    } else {
        ui.path.clone()
    };
    view.cancel = format!("/{}", K::PATH);
    Ok(view)
}

async fn new_form<K: RecordPages>(State(state): State<AppState>, ui: Ui) -> PageResult {
    authorize_role(&ui.actor()?, Action::Create, K::KIND)?;
    let view = form_of::<K>(&ui, &state.store, &Values::default(), true, "").await?;
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

async fn edit_form<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let record = changeable::<K>(&state, &ui, id).await?;
    let mut view = form_of::<K>(&ui, &state.store, &K::values(&record), false, "").await?;
    view.version = Some(K::version(&record));
    Ok(form_page(&ui, view, &FieldErrors::new(), StatusCode::OK))
}

/// Saves a submitted form: creates when `id` is `None`. A form with a problem comes back with
/// what was typed and the message beside each field; an "add a row" button only redraws it.
async fn save<K: RecordPages>(
    state: &AppState,
    ui: &Ui,
    id: Option<i64>,
    values: Values,
) -> PageResult {
    let actor = ui.actor()?;
    let creating = id.is_none();
    // A role that may not make this change is refused before anything it sent is looked at.
    let action = if creating {
        Action::Create
    } else {
        Action::Change
    };
    authorize_role(&actor, action, K::KIND)?;
    // Rows are numbered again in the order sent, so the form comes back with exactly the
    // rows the user had, whichever were taken away in the page.
    let change = values.row_change();
    let mut values = values.compacted();
    let no_offers = Default::default();
    if let Some(change) = change {
        // The form is drawn again with the row added, named as the group it was added to, or
        // without the row taken away.
        let (values, adding) = match change {
            RowChange::Add(group) => (values, group),
            RowChange::Remove(group, index) => (values.without_row(&group, index), String::new()),
        };
        return redraw::<K>(
            state,
            ui,
            &values,
            creating,
            &FieldErrors::new(),
            &no_offers,
            StatusCode::OK,
            &adding,
        )
        .await;
    }
    let mut resolution = K::resolve(ui, &state.store, &mut values).await?;
    let read = K::read(&values, creating);
    if !resolution.is_empty() {
        let offers = std::mem::take(&mut resolution.offers);
        let errors = resolution.with(read.err().unwrap_or_default());
        return redraw::<K>(
            state,
            ui,
            &values,
            creating,
            &errors,
            &offers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        )
        .await;
    }
    let input = match read {
        Ok(input) => input,
        Err(errors) => {
            return redraw::<K>(
                state,
                ui,
                &values,
                creating,
                &errors,
                &no_offers,
                StatusCode::UNPROCESSABLE_ENTITY,
                "",
            )
            .await;
        }
    };
    let result = match id {
        None => K::create(&state.store, &actor, input).await,
        Some(id) => K::update(&state.store, &actor, id, input).await,
    };
    match result {
        Ok(record) => Ok(Redirect::to(&format!("/{}/{}", K::PATH, K::id(&record))).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            redraw::<K>(
                state,
                ui,
                &values,
                creating,
                &errors,
                &no_offers,
                StatusCode::UNPROCESSABLE_ENTITY,
                "",
            )
            .await
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict {
            message,
            current: Some(_),
        })) => {
            let id = id.unwrap_or_default();
            let current = K::get(&state.store, id).await?;
            Ok(conflict_page::<K>(ui, &state.store, &values, &current, message).await)
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict {
            message,
            current: None,
        })) => Ok(message_page(
            ui,
            StatusCode::CONFLICT,
            ui.t.get("conflict-title"),
            vec![message],
            id.map(|id| format!("/{}/{id}", K::PATH)),
        )),
        Err(other) => Err(other.into()),
    }
}

/// The form again, with what was typed, the problems found and the records offered.
#[allow(clippy::too_many_arguments)] // Each is a part of the page drawn again; none belong together.
async fn redraw<K: RecordPages>(
    state: &AppState,
    ui: &Ui,
    values: &Values,
    creating: bool,
    errors: &FieldErrors,
    offers: &std::collections::BTreeMap<String, Vec<(String, String)>>,
    status: StatusCode,
    adding: &str,
) -> PageResult {
    let mut view = form_of::<K>(ui, &state.store, values, creating, adding).await?;
    view.version = values.text("version").and_then(|v| v.parse().ok());
    Ok(form_page_offering(ui, view, errors, offers, status))
}

/// Someone saved the record after this user opened it: both versions side by side, and the
/// choice of keeping theirs or saving this one over it.
async fn conflict_page<K: RecordPages>(
    ui: &Ui,
    store: &Store,
    mine: &Values,
    current: &K::Record,
    message: String,
) -> Response {
    let theirs = K::values(current);
    let labels = match form_of::<K>(ui, store, &theirs, false, "").await {
        Ok(view) => {
            let mut labels: Vec<(String, String)> = view
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.label.clone()))
                .collect();
            for group in &view.groups {
                labels.push((group.name.clone(), group.label.clone()));
            }
            labels
        }
        Err(_) => Vec::new(),
    };
    let label_of = |name: &str| {
        labels
            .iter()
            .filter(|(n, _)| name == n || name.starts_with(&format!("{n}-")))
            .max_by_key(|(n, _)| n.len())
            .map(|(n, l)| {
                if n == name {
                    l.clone()
                } else {
                    format!("{l} ({})", &name[n.len() + 1..])
                }
            })
            .unwrap_or_else(|| name.to_owned())
    };
    let skip = ["csrf", "version", "save", "add", "remove"];
    let mut names: Vec<&String> = mine
        .0
        .keys()
        .chain(theirs.0.keys())
        .filter(|k| !skip.contains(&k.as_str()))
        .collect();
    names.sort();
    names.dedup();
    let comparison = names
        .into_iter()
        .filter(|n| mine.get(n).trim() != theirs.get(n).trim())
        .map(|n| {
            (
                label_of(n),
                mine.get(n).to_owned(),
                theirs.get(n).to_owned(),
            )
        })
        .collect();
    let id = K::id(current);
    let mut hidden: Vec<(String, String)> = mine
        .0
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    hidden.push(("version".to_owned(), K::version(current).to_string()));
    let view = MessageView {
        title: ui.t.get("conflict-title"),
        tone: "warning",
        paragraphs: vec![ui.t.get("conflict-explained"), message],
        comparison,
        form: Some(HiddenForm {
            action: format!("/{}/{id}/edit", K::PATH),
            hidden,
            submit: ui.t.get("conflict-save-mine"),
            tone: "danger",
        }),
        links: vec![
            Link {
                label: ui.t.get("conflict-keep-theirs"),
                href: format!("/{}/{id}", K::PATH),
            },
            Link {
                label: ui.t.get("conflict-edit-again"),
                href: format!("/{}/{id}/edit", K::PATH),
            },
        ],
    };
    let mut response = render(&MessageTemplate { ui, view: &view });
    *response.status_mut() = StatusCode::CONFLICT;
    response
}

pub(super) fn message_page(
    ui: &Ui,
    status: StatusCode,
    title: String,
    paragraphs: Vec<String>,
    back: Option<String>,
) -> Response {
    let view = MessageView {
        title,
        tone: "warning",
        paragraphs,
        links: back
            .map(|href| Link {
                label: ui.t.get("action-back"),
                href,
            })
            .into_iter()
            .collect(),
        ..MessageView::default()
    };
    let mut response = render(&MessageTemplate { ui, view: &view });
    *response.status_mut() = status;
    response
}

async fn create<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save::<K>(&state, &ui, None, Values::from_pairs(pairs)).await
}

async fn update<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save::<K>(&state, &ui, Some(id), Values::from_pairs(pairs)).await
}

async fn confirm_delete<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let record = changeable::<K>(&state, &ui, id).await?;
    let name = K::name(&ui, &record);
    let mut paragraphs = vec![ui.t.get("delete-explained")];
    // A record's files go with it: the question names how many.
    let files = state.store.file_count(K::KIND, id).await?;
    if files > 0 {
        paragraphs.push(ui.t.args("delete-files", &[("count", ui.t.number(files as i64))]));
    }
    let view = MessageView {
        title: ui.t.args("delete-title", &[("name", name)]),
        tone: "warning",
        paragraphs,
        form: Some(HiddenForm {
            action: format!("/{}/{id}/delete", K::PATH),
            hidden: Vec::new(),
            submit: ui.t.get("action-delete"),
            tone: "danger",
        }),
        links: vec![Link {
            label: ui.t.get("form-cancel"),
            href: format!("/{}/{id}", K::PATH),
        }],
        ..MessageView::default()
    };
    Ok(render(&MessageTemplate {
        ui: &ui,
        view: &view,
    }))
}

async fn delete<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    match K::delete(&state.store, &ui.actor()?, id).await {
        Ok(gone) => {
            crate::files::forget_unheld_files(&state, &gone).await;
            Ok(Redirect::to(&format!("/{}", K::PATH)).into_response())
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { .. })) => {
            // Said in the reader's language, naming the records in the way.
            let referring = state.store.referring(K::KIND, id).await?;
            let mut lines = vec![ui.t.get("delete-refused")];
            let mut kinds: Vec<liaison_core::RecordKind> =
                referring.iter().map(|(kind, _)| *kind).collect();
            kinds.dedup();
            for kind in kinds {
                let numbers: Vec<String> = referring
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, n)| format!("#{n}"))
                    .collect();
                lines.push(ui.t.args(
                    "delete-refused-by",
                    &[
                        ("kind", ui.t.get(&format!("nav-{}", kind.path))),
                        ("numbers", numbers.join(", ")),
                    ],
                ));
            }
            Ok(message_page(
                &ui,
                StatusCode::CONFLICT,
                ui.t.get("delete-refused-title"),
                lines,
                Some(format!("/{}/{id}", K::PATH)),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// A record the user may change, or the page saying why not.
async fn changeable<K: RecordPages>(
    state: &AppState,
    ui: &Ui,
    id: i64,
) -> Result<K::Record, PageError> {
    let record = K::get(&state.store, id).await?;
    liaison_core::accounts::authorize(&ui.actor()?, Action::Change, K::KIND, K::unit(&record))?;
    Ok(record)
}

async fn export_xlsx<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> PageResult {
    export_list::<K>(&state, ui, raw, Format::Xlsx).await
}

async fn export_csv<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> PageResult {
    export_list::<K>(&state, ui, raw, Format::Csv).await
}

/// A list's rows as a file ([`export`]): all the rows its filters choose, read in batches.
async fn export_list<K: RecordPages>(
    state: &AppState,
    ui: Ui,
    raw: Option<String>,
    format: Format,
) -> PageResult {
    let query = Values::from_query(raw.as_deref());
    let back = query.link(&format!("/{}", K::PATH), &[]);
    // A filter that does not read would export every row instead of the ones meant.
    let (Some(filter), Ok(asked)) = (read_filter::<K>(&query), read_page::<K>(&query)) else {
        return Ok(message_page(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            ui.t.get("export-refused-title"),
            vec![ui.t.get("filter-invalid")],
            Some(back),
        ));
    };
    let mut table = liaison_reports::Table {
        title: ui.t.get(K::TITLE),
        columns: K::sheet_columns().iter().map(|c| ui.t.get(c)).collect(),
        rows: Vec::new(),
    };
    let actor = ui.actor()?;
    let mut page = PageRequest {
        page: 1,
        per_page: export::BATCH,
        ..asked
    };
    loop {
        let batch = K::sheet_list(&state.store, &actor, &filter, &page).await?;
        if batch.total > export::MAX_EXPORT_ROWS {
            return Ok(message_page(
                &ui,
                StatusCode::UNPROCESSABLE_ENTITY,
                ui.t.get("export-refused-title"),
                vec![ui.t.args(
                    "export-too-many",
                    &[
                        ("total", ui.t.number(batch.total)),
                        ("limit", ui.t.number(export::MAX_EXPORT_ROWS)),
                    ],
                )],
                Some(back),
            ));
        }
        let done = (batch.items.len() as i64) < export::BATCH;
        table
            .rows
            .extend(batch.items.iter().map(|row| K::sheet_cells(&ui, row)));
        if done {
            break;
        }
        page.page += 1;
    }
    export::file(K::PATH, table, format).await
}

/// The pages of one kind of record.
fn record_routes<K: RecordPages>() -> Routes {
    let list = format!("/{}", K::PATH);
    let item = format!("{list}/{{id}}");
    Routes::new()
        .get(&list, list_page::<K>)
        .post(&list, create::<K>)
        .get(&format!("{list}/new"), new_form::<K>)
        .get(&format!("{list}/export.xlsx"), export_xlsx::<K>)
        .get(&format!("{list}/export.csv"), export_csv::<K>)
        .get(&item, show::<K>)
        .get(&format!("{item}/edit"), edit_form::<K>)
        .post(&format!("{item}/edit"), update::<K>)
        .get(&format!("{item}/delete"), confirm_delete::<K>)
        .post(&format!("{item}/delete"), delete::<K>)
}

/// What the web layer mounts and documents of one kind of record with pages. Mounting a kind
/// needs its types, which a list of declarations cannot give, so each kind's pages module
/// submits its own (`inventory::submit! { KindPages::of::<Gifts>() }`) beside its
/// [`RecordPages`]; no list of the kinds with pages is written anywhere else.
pub struct KindPages {
    pub kind: RecordKind,
    /// Its pages, its files' pages when it keeps files, and the pages of its own.
    pub pages: fn() -> Routes,
    /// Its five operations in the API, and its files' when it keeps them.
    pub api: fn() -> Routes,
    /// Writes those operations, and their schemas, into the API's document.
    pub document: fn(&mut utoipa::openapi::OpenApi),
}

inventory::collect!(KindPages);

impl KindPages {
    pub const fn of<K: RecordPages<Record: ApiRecord>>() -> KindPages {
        KindPages {
            kind: K::KIND,
            pages: pages_of::<K>,
            api: crate::api::files::routes_with_files::<K::Record>,
            document: crate::api::files::document_with_files::<K::Record>,
        }
    }

    /// Every kind's, in the order of [`liaison_core::KINDS`].
    pub fn all() -> Vec<&'static KindPages> {
        let mut all: Vec<&'static KindPages> = inventory::iter::<KindPages>.into_iter().collect();
        all.sort_by_key(|pages| liaison_core::KINDS.iter().position(|&k| k == pages.kind));
        all
    }
}

/// The pages of kind `K`, its files' when it keeps them, and its own.
fn pages_of<K: RecordPages>() -> Routes {
    let routes = record_routes::<K>().merge(K::own_routes());
    if liaison_core::files::keeps_files(K::KIND) {
        routes.merge(super::files::routes::<K::Record>(K::PATH))
    } else {
        routes
    }
}

/// The pages of every kind of record declared with pages, with each kind's own.
pub fn routes() -> Routes {
    KindPages::all()
        .into_iter()
        .fold(Routes::new(), |routes, kind| routes.merge((kind.pages)()))
}

#[cfg(test)]
mod tests {
    use liaison_core::{KINDS, RecordKind};

    use super::KindPages;

    #[test]
    fn every_kind_declared_with_pages_is_mounted_once_in_order() {
        let mounted: Vec<RecordKind> = KindPages::all().iter().map(|k| k.kind).collect();
        let declared: Vec<RecordKind> = KINDS.iter().copied().filter(|k| k.pages).collect();
        assert_eq!(mounted, declared);
    }
}
