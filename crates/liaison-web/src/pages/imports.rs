//! Importing organizations, people and activities from a spreadsheet: upload, match the columns
//! to fields, preview every row's problems with nothing saved, then save all rows in one
//! transaction; checking and saving run in the background while the page shows how far they
//! have come. Also the template workbook to fill in.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Form, Multipart, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liaison_core::accounts::{authorize_role, may};
use liaison_core::kind::Example;
use liaison_core::limits;
use liaison_core::{
    Action, Actor, ExchangeDocument, ImportBatch, ImportRow, ImportStatus, Link, RecordKind,
    RowProblem, UNIT,
};
use liaison_reports::import::{self, ImportRecord, ReadError, ValueLabels};
use liaison_reports::{Cell as SheetCell, Table};
use liaison_store::Store;

use super::forms::Values;
use super::{Link as PageLink, PageError, PageResult, RecordId, Ui, render};
use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::routes::Routes;

/// The largest file accepted: about 20,000 rows of a wide sheet, and well below what the
/// server can hold for a moment while reading it.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Rows checked between two progress updates in the database.
const PROGRESS_EVERY: usize = 100;

/// Rows without problems shown in a preview; rows with problems are always all shown.
const PREVIEW_CLEAN_ROWS: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One column of the uploaded file on the mapping page.
#[derive(Debug, Clone, Default)]
pub struct MappingColumn {
    pub index: usize,
    pub header: String,
    /// The first values below the header, to recognise the column by.
    pub samples: String,
    pub choices: Vec<Choice>,
}

/// One row of the preview.
#[derive(Debug, Clone, Default)]
pub struct PreviewRow {
    pub line: i64,
    pub cells: Vec<String>,
    pub problems: Vec<String>,
}

/// What an import page shows; each step fills in its part.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    pub title: String,
    /// The import's state on its own page (`data-status` of the heading), for scripts that
    /// follow an import: `committed` once the records are saved.
    pub status: &'static str,
    pub paragraphs: Vec<String>,
    pub errors: Vec<String>,
    /// The page reloads itself every second while work is under way.
    pub refresh: bool,
    /// Done and total, for the progress bar.
    pub progress: Option<(i64, i64)>,
    /// Upload: the kinds the user may import.
    pub kinds: Vec<Choice>,
    pub mapping_action: Option<String>,
    pub columns: Vec<MappingColumn>,
    pub preview_columns: Vec<String>,
    pub preview: Vec<PreviewRow>,
    pub commit_action: Option<String>,
    pub links: Vec<PageLink>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportTemplate<'a> {
    ui: &'a Ui,
    view: &'a ImportView,
}

fn page(ui: &Ui, view: &ImportView, status: StatusCode) -> Response {
    let mut response = render(&ImportTemplate { ui, view });
    *response.status_mut() = status;
    response
}

/// The kinds the actor's role may import at all. Whether a liaison officer's activity is of
/// their own unit is checked row by row in the preview, and again by the store when saving.
fn allowed_kinds(actor: &Actor) -> Vec<RecordKind> {
    RecordKind::importable()
        .filter(|k| authorize_role(actor, Action::Create, *k).is_ok())
        .collect()
}

fn kind_title(t: &Tr, kind: RecordKind) -> String {
    t.get(&format!("nav-{}", kind.path))
}

/// A field's column title, as the template writes it and the mapping recognises it.
fn field_label(t: &Tr, field: &str) -> String {
    t.get(&format!("field-{field}"))
}

/// Each field of the kind with its titles in both languages.
fn field_names(kind: RecordKind) -> Vec<(&'static str, Vec<String>)> {
    let (zh, en) = (Tr::new(Lang::Zh), Tr::new(Lang::En));
    kind.spreadsheet()
        .columns
        .iter()
        .map(|f| (*f, vec![field_label(&zh, f), field_label(&en, f)]))
        .collect()
}

/// The catalog prefix of each choice field's values, as the kind declares them.
fn value_prefixes(kind: RecordKind) -> Vec<(&'static str, &'static str, Vec<String>)> {
    kind.spreadsheet()
        .choices
        .iter()
        .map(|(field, prefix, codes)| (*field, *prefix, codes()))
        .collect()
}

/// The labels of every choice value in both languages, so a cell may say 工会 or Trade union.
fn value_labels(kind: RecordKind) -> ValueLabels {
    let mut labels = Vec::new();
    for t in [Tr::new(Lang::Zh), Tr::new(Lang::En)] {
        for (field, prefix, codes) in value_prefixes(kind) {
            for c in codes {
                labels.push((field.to_owned(), t.value(prefix, &c), c));
            }
        }
    }
    ValueLabels(labels)
}

/// A row problem in the reader's language: its column (as the file titles it) and what is wrong.
fn problem_text(ui: &Ui, batch: &ImportBatch, problem: &RowProblem) -> String {
    let column = problem
        .field
        .as_deref()
        .map(|f| {
            batch
                .mapping
                .iter()
                .position(|m| m.as_deref() == Some(f))
                .and_then(|i| batch.header.get(i).cloned())
                .unwrap_or_else(|| field_label(&ui.t, f))
        })
        .unwrap_or_default();
    let message = match ui.t.lang {
        Lang::En => problem.message.clone(),
        _ => format!(
            "{}（{}）",
            ui.t.value("problem", &problem.code),
            problem.message
        ),
    };
    if column.is_empty() {
        message
    } else {
        format!("{column}: {message}")
    }
}

/// The upload form, with who may import what.
async fn upload_form(ui: Ui) -> PageResult {
    let actor = ui.actor()?;
    let view = upload_view(&ui, &actor)?;
    Ok(page(&ui, &view, StatusCode::OK))
}

fn upload_view(ui: &Ui, actor: &Actor) -> Result<ImportView, PageError> {
    let kinds = allowed_kinds(actor);
    if kinds.is_empty() {
        return Err(PageError::Forbidden(ui.t.get("import-not-allowed")));
    }
    let mut paragraphs = vec![ui.t.args(
        "import-explained",
        &[("rows", ui.t.number(import::MAX_IMPORT_ROWS as i64))],
    )];
    if actor.role == liaison_core::UserRole::Liaison {
        paragraphs.push(ui.t.get("import-liaison-may"));
    }
    Ok(ImportView {
        title: ui.t.get("import-title"),
        paragraphs,
        kinds: kinds
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_title(&ui.t, k),
                selected: false,
            })
            .collect(),
        links: vec![PageLink {
            label: ui.t.get("import-template"),
            href: "/import/template.xlsx".to_owned(),
        }],
        ..ImportView::default()
    })
}

/// The upload form again with a problem, answered with `status`.
fn upload_refused(ui: &Ui, status: StatusCode, problem: String) -> PageResult {
    let actor = ui.actor()?;
    let mut view = upload_view(ui, &actor)?;
    view.errors.push(problem);
    Ok(page(ui, &view, status))
}

/// An uploaded file: read, kept for the user with its columns matched as well as their titles
/// allow, and the mapping page next.
async fn upload(
    State(state): State<AppState>,
    ui: Ui,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let actor = ui.actor()?;
    let Ok(mut multipart) = multipart else {
        return upload_refused(&ui, StatusCode::BAD_REQUEST, ui.t.get("import-no-file"));
    };
    let (mut kind, mut file) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return too_large_or_unreadable(&ui, err.status()),
        };
        match field.name().unwrap_or_default() {
            "kind" => kind = field.text().await.ok(),
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(err) => return too_large_or_unreadable(&ui, err.status()),
                }
            }
            _ => {}
        }
    }
    let Some(kind) = kind.as_deref().and_then(RecordKind::importing) else {
        return upload_refused(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            ui.t.get("import-choose-kind"),
        );
    };
    authorize_role(&actor, Action::Create, kind)?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_refused(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            ui.t.get("import-no-file"),
        );
    };
    let sheet_names = vec![
        kind_title(&Tr::new(Lang::Zh), kind),
        kind_title(&Tr::new(Lang::En), kind),
    ];
    let read = tokio::task::spawn_blocking(move || import::read(&bytes, &sheet_names)).await;
    let grid = match read {
        Ok(Ok(grid)) => grid,
        Ok(Err(err)) => {
            return upload_refused(&ui, StatusCode::UNPROCESSABLE_ENTITY, read_error(&ui, &err));
        }
        Err(err) => {
            return Err(PageError::Internal(err.to_string()));
        }
    };
    if grid.rows.is_empty() {
        return upload_refused(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            ui.t.get("import-no-rows"),
        );
    }
    let mapping = import::suggest_mapping(&grid.header, &field_names(kind));
    let id = state
        .store
        .create_import(&actor, kind, &file_name, &grid.header, &grid.rows, &mapping)
        .await?;
    Ok(Redirect::to(&format!("/import/{id}/mapping")).into_response())
}

/// A file over the size limit, or a form that is not one.
fn too_large_or_unreadable(ui: &Ui, status: StatusCode) -> PageResult {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        upload_refused(
            ui,
            StatusCode::PAYLOAD_TOO_LARGE,
            ui.t.args(
                "import-too-large",
                &[("megabytes", (MAX_UPLOAD_BYTES / 1024 / 1024).to_string())],
            ),
        )
    } else {
        upload_refused(ui, StatusCode::BAD_REQUEST, ui.t.get("import-no-file"))
    }
}

fn read_error(ui: &Ui, err: &ReadError) -> String {
    match err {
        ReadError::OldExcel => ui.t.get("import-old-excel"),
        ReadError::NotASpreadsheet => ui.t.get("import-not-a-spreadsheet"),
        ReadError::Damaged(_) => ui.t.get("import-damaged"),
        ReadError::Empty => ui.t.get("import-no-rows"),
        ReadError::TooManyRows { rows } => ui.t.args(
            "import-too-many-rows",
            &[
                ("rows", ui.t.number(*rows as i64)),
                ("limit", ui.t.number(import::MAX_IMPORT_ROWS as i64)),
            ],
        ),
        ReadError::TooLarge => ui.t.args(
            "import-expands-too-large",
            &[(
                "megabytes",
                (limits::MAX_IMPORT_EXPANDED_BYTES / 1024 / 1024).to_string(),
            )],
        ),
        ReadError::TooManyCells => ui.t.args(
            "import-too-many-cells",
            &[("limit", ui.t.number(limits::MAX_IMPORT_CELLS as i64))],
        ),
        ReadError::CellTooLong { line } => ui.t.args(
            "import-cell-too-long",
            &[
                ("line", ui.t.number(*line as i64)),
                ("limit", ui.t.number(limits::MAX_TEXT as i64)),
            ],
        ),
        ReadError::NulCharacter { line } => ui.t.args(
            "import-nul-character",
            &[("line", ui.t.number(*line as i64))],
        ),
    }
}

/// The user's own import of that number, or the page saying why not.
async fn own_import(state: &AppState, ui: &Ui, id: i64) -> Result<(Actor, ImportBatch), PageError> {
    let actor = ui.actor()?;
    let batch = state.store.get_import(&actor, id).await?;
    Ok((actor, batch))
}

/// The mapping page: each column of the file with the field it fills.
async fn mapping_form(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let (actor, batch) = own_import(&state, &ui, id).await?;
    if !matches!(
        batch.status,
        ImportStatus::Uploaded | ImportStatus::Checked | ImportStatus::Failed
    ) {
        return Ok(Redirect::to(&format!("/import/{id}")).into_response());
    }
    let view = mapping_view(&ui, &state.store, &actor, &batch, Vec::new()).await?;
    Ok(page(&ui, &view, StatusCode::OK))
}

async fn mapping_view(
    ui: &Ui,
    store: &Store,
    actor: &Actor,
    batch: &ImportBatch,
    errors: Vec<String>,
) -> Result<ImportView, PageError> {
    let rows = store.import_rows(actor, batch.id).await?;
    let required: Vec<String> = batch
        .kind
        .spreadsheet()
        .required
        .iter()
        .map(|f| field_label(&ui.t, f))
        .collect();
    let columns = batch
        .header
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let chosen = batch
                .mapping
                .get(index)
                .cloned()
                .flatten()
                .unwrap_or_default();
            let samples: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.cells.get(index).map(String::as_str))
                .filter(|c| !c.trim().is_empty())
                .take(3)
                .collect();
            let mut choices = vec![Choice {
                value: String::new(),
                label: ui.t.get("import-ignore"),
                selected: chosen.is_empty(),
            }];
            choices.extend(batch.kind.spreadsheet().columns.iter().map(|f| Choice {
                value: (*f).to_owned(),
                label: field_label(&ui.t, f),
                selected: chosen == *f,
            }));
            MappingColumn {
                index,
                header: header.clone(),
                samples: samples.join(" · "),
                choices,
            }
        })
        .collect();
    Ok(ImportView {
        title: ui
            .t
            .args("import-mapping-title", &[("file", batch.file_name.clone())]),
        paragraphs: vec![
            ui.t.args(
                "import-mapping-explained",
                &[
                    ("rows", ui.t.number(batch.row_count)),
                    ("kind", kind_title(&ui.t, batch.kind)),
                ],
            ),
            ui.t.args(
                "import-mapping-required",
                &[("fields", required.join(", "))],
            ),
        ],
        errors,
        mapping_action: Some(format!("/import/{}/mapping", batch.id)),
        columns,
        ..ImportView::default()
    })
}

/// The mapping chosen: checked for the fields a record needs, then every row is checked in
/// the background and the import's page shows how far it has come.
async fn save_mapping(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let values = Values::from_pairs(pairs);
    let (actor, mut batch) = own_import(&state, &ui, id).await?;
    let fields = batch.kind.spreadsheet().columns;
    let mapping: Vec<Option<String>> = (0..batch.header.len())
        .map(|i| {
            values
                .text(&format!("column-{i}"))
                .filter(|f| fields.contains(&f.as_str()))
        })
        .collect();
    let problems = mapping_problems(&ui, batch.kind, &mapping);
    if !problems.is_empty() {
        batch.mapping = mapping;
        let view = mapping_view(&ui, &state.store, &actor, &batch, problems).await?;
        return Ok(page(&ui, &view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    match state.store.start_import_check(&actor, id, &mapping).await {
        Ok(()) => {}
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { .. })) => {
            return Ok(Redirect::to(&format!("/import/{id}")).into_response());
        }
        Err(other) => return Err(other.into()),
    }
    batch.mapping = mapping;
    let rows = state.store.import_rows(&actor, id).await?;
    tokio::spawn(check_in_background(state.store.clone(), actor, batch, rows));
    Ok(Redirect::to(&format!("/import/{id}")).into_response())
}

/// What is wrong with a mapping as a whole: a needed field without a column, a field chosen
/// for two columns.
fn mapping_problems(ui: &Ui, kind: RecordKind, mapping: &[Option<String>]) -> Vec<String> {
    let chosen = |f: &str| mapping.iter().filter(|m| m.as_deref() == Some(f)).count();
    let mut problems = Vec::new();
    for field in kind.spreadsheet().required {
        if chosen(field) == 0 {
            problems.push(ui.t.args(
                "import-field-missing",
                &[("field", field_label(&ui.t, field))],
            ));
        }
    }
    let (zh, en) = kind.spreadsheet().names;
    if chosen(zh) + chosen(en) == 0 {
        problems.push(ui.t.args(
            "import-name-missing",
            &[
                ("zh", field_label(&ui.t, zh)),
                ("en", field_label(&ui.t, en)),
            ],
        ));
    }
    for field in kind.spreadsheet().columns {
        if chosen(field) > 1 {
            problems.push(ui.t.args(
                "import-field-twice",
                &[("field", field_label(&ui.t, field))],
            ));
        }
    }
    problems
}

/// Checks every row and records its problems; nothing is written but the import's own state.
async fn check_in_background(store: Store, actor: Actor, batch: ImportBatch, rows: Vec<ImportRow>) {
    let id = batch.id;
    let result = prepare(&store, &actor, &batch, &rows, true).await;
    let problems = match result {
        Ok((_, problems)) => problems,
        Err(err) => {
            tracing::error!(error = %err, import = id, "checking an import failed");
            vec![RowProblem {
                line: 0,
                field: None,
                code: "check_failed".to_owned(),
                message: "the rows could not be checked; nothing was saved. Try again later."
                    .to_owned(),
            }]
        }
    };
    if let Err(err) = store.finish_import_check(&actor, id, &problems).await {
        tracing::error!(error = %err, import = id, "an import's check could not be recorded");
    }
}

/// Reads every row into its record, finds the units and organizations it names, and checks
/// the record's rules, its key and the actor's permission: the records ready to save, with
/// their lines, and every problem found.
async fn prepare(
    store: &Store,
    actor: &Actor,
    batch: &ImportBatch,
    rows: &[ImportRow],
    report_progress: bool,
) -> liaison_store::Result<(Vec<(i64, ImportRecord)>, Vec<RowProblem>)> {
    let labels = value_labels(batch.kind);
    let mut keys: HashSet<String> = HashSet::new();
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let parsed: Vec<_> = rows
        .iter()
        .map(|row| import::parse_row(batch.kind, row, &batch.mapping, &labels))
        .collect();
    let named: Vec<&str> = parsed
        .iter()
        .filter_map(|p| p.record.as_ref()?.key())
        .collect();
    let taken = store.keys_in_use(batch.kind, &named).await?;
    let mut texts: HashMap<RecordKind, Vec<&str>> = HashMap::new();
    for reference in parsed.iter().flat_map(|p| &p.references) {
        texts
            .entry(reference.target)
            .or_default()
            .push(reference.text.as_str());
    }
    let mut found: HashMap<(RecordKind, String), Vec<i64>> = HashMap::new();
    for (target, mut texts) in texts {
        texts.sort_unstable();
        texts.dedup();
        for (text, ids) in store.find_all_named(target, &texts).await? {
            found.insert((target, text), ids);
        }
    }
    for (i, (row, parsed)) in rows.iter().zip(parsed).enumerate() {
        if report_progress && i > 0 && i % PROGRESS_EVERY == 0 {
            store.set_import_progress(actor, batch.id, i as i64).await?;
        }
        let mut row_problems = parsed.problems;
        let Some(mut record) = parsed.record else {
            problems.extend(row_problems);
            continue;
        };
        let mut unit = None;
        for reference in parsed.references {
            let ids = found
                .get(&(reference.target, reference.text.clone()))
                .cloned()
                .unwrap_or_default();
            let what = reference.target.as_str();
            match ids.as_slice() {
                [id] => {
                    if reference.target == UNIT {
                        unit = Some(*id);
                    }
                    record.link(reference.field, Link::Id(*id));
                }
                [] => row_problems.push(RowProblem {
                    line: row.line,
                    field: Some(reference.field.to_owned()),
                    code: "not_found".to_owned(),
                    message: format!(
                        "there is no {what} named '{}'; add it first, or write its number as #12",
                        reference.text
                    ),
                }),
                several => row_problems.push(RowProblem {
                    line: row.line,
                    field: Some(reference.field.to_owned()),
                    code: "ambiguous".to_owned(),
                    message: format!(
                        "several {what} records are named '{}' ({}); write the number of the one meant, such as #{}",
                        reference.text,
                        several.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", "),
                        several[0]
                    ),
                }),
            }
        }
        if let Some(key) = record.key().map(str::to_owned) {
            if !keys.insert(key.clone()) {
                row_problems.push(RowProblem {
                    line: row.line,
                    field: Some("key".to_owned()),
                    code: "duplicate".to_owned(),
                    message: format!("the key '{key}' is on an earlier row of the file too"),
                });
            } else if taken.contains(&key) {
                row_problems.push(RowProblem {
                    line: row.line,
                    field: Some("key".to_owned()),
                    code: "taken".to_owned(),
                    message: format!("a record with the key '{key}' is on record already"),
                });
            }
        }
        if !may(actor, Action::Create, batch.kind, unit) {
            let why = liaison_core::accounts::authorize(actor, Action::Create, batch.kind, unit)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            row_problems.push(RowProblem {
                line: row.line,
                field: None,
                code: "not_allowed".to_owned(),
                message: why,
            });
        }
        match record.validated(row.line) {
            Ok(record) if row_problems.is_empty() => records.push((row.line, record)),
            Ok(_) => {}
            Err(rules) => row_problems.extend(rules),
        }
        problems.extend(row_problems);
    }
    Ok((records, problems))
}

/// Saving asked for: only a checked import without problems, and only once.
async fn commit(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let (actor, batch) = own_import(&state, &ui, id).await?;
    match state.store.start_import_commit(&actor, id).await {
        Ok(()) => {
            let rows = state.store.import_rows(&actor, id).await?;
            tokio::spawn(commit_in_background(
                state.store.clone(),
                actor,
                batch,
                rows,
            ));
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Conflict { .. })) => {}
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/import/{id}")).into_response())
}

/// Checks the rows once more (the records they name may have changed since the preview) and
/// saves them all in one transaction, or none.
async fn commit_in_background(
    store: Store,
    actor: Actor,
    batch: ImportBatch,
    rows: Vec<ImportRow>,
) {
    let id = batch.id;
    let outcome = save_all(&store, &actor, &batch, &rows).await;
    let saved = outcome.is_ok();
    if let Err(err) = store.finish_import_commit(&actor, id, outcome).await {
        tracing::error!(error = %err, import = id, "an import's result could not be recorded");
    }
    // The records are saved and shown; search finds them once their words are indexed.
    if saved {
        store.index_imported().await;
    }
}

async fn save_all(
    store: &Store,
    actor: &Actor,
    batch: &ImportBatch,
    rows: &[ImportRow],
) -> Result<liaison_core::ImportReport, String> {
    let nothing_saved = "nothing was saved";
    let (records, problems) = prepare(store, actor, batch, rows, false)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, import = batch.id, "preparing an import failed");
            format!("the rows could not be read again; {nothing_saved}")
        })?;
    if let Some(first) = problems.first() {
        return Err(format!(
            "row {}{}: {}; {nothing_saved}",
            first.line,
            first
                .field
                .as_deref()
                .map(|f| format!(", {f}"))
                .unwrap_or_default(),
            first.message
        ));
    }
    let lines: Vec<i64> = records.iter().map(|(line, _)| *line).collect();
    // An exchange document lists each kind's records under its path, as the rows are read.
    let rows: Vec<serde_json::Value> = records
        .into_iter()
        .map(|(_, record)| record.fields)
        .collect();
    let path = batch.kind.declaration().path;
    let document: ExchangeDocument = serde_json::from_value(serde_json::json!({ path: rows }))
        .map_err(|err| {
            tracing::error!(error = %err, import = batch.id, "checked rows did not read as records");
            format!("the rows could not be read again; {nothing_saved}")
        })?;
    let id = batch.id;
    let result = store.save_import(actor, id, &document).await;
    result.map_err(|err| match err {
        liaison_store::Error::Domain(liaison_core::Error::Invalid(errors)) => {
            let first = errors.0.first();
            let path = first.map(|e| e.field.as_str()).unwrap_or_default();
            // The store names a record by its place in the document, as `people[3].unit`.
            let index: Option<usize> = path
                .split_once('[')
                .and_then(|(_, rest)| rest.split(']').next())
                .and_then(|n| n.parse().ok());
            let line = index.and_then(|i| lines.get(i)).copied().unwrap_or(0);
            let field = path.split_once("].").map(|(_, f)| f).unwrap_or(path);
            format!(
                "row {line}, {field}: {}; {nothing_saved}",
                first.map(|e| e.message.as_str()).unwrap_or_default()
            )
        }
        liaison_store::Error::Domain(liaison_core::Error::Forbidden(why)) => {
            format!("not allowed: {why}; {nothing_saved}")
        }
        liaison_store::Error::Domain(liaison_core::Error::Conflict { message, .. }) => {
            format!("{message}; {nothing_saved}")
        }
        other => {
            tracing::error!(error = %other, import = id, "saving an import failed");
            format!("the database refused the rows; {nothing_saved}")
        }
    })
}

/// An import's page: progress while checking or saving, the preview once checked, the result
/// once saved.
async fn show(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let (actor, batch) = own_import(&state, &ui, id).await?;
    let view = match batch.status {
        ImportStatus::Uploaded => {
            return Ok(Redirect::to(&format!("/import/{id}/mapping")).into_response());
        }
        ImportStatus::Checking => ImportView {
            title: ui.t.get("import-checking-title"),
            paragraphs: vec![ui.t.args(
                "import-checking",
                &[
                    ("done", ui.t.number(batch.progress)),
                    ("total", ui.t.number(batch.row_count)),
                ],
            )],
            refresh: true,
            progress: Some((batch.progress, batch.row_count)),
            ..ImportView::default()
        },
        ImportStatus::Committing => {
            // The count every process reads in the database; none before the first record is
            // reached.
            let done = (batch.progress > 0).then_some(batch.progress);
            ImportView {
                title: ui.t.get("import-saving-title"),
                paragraphs: vec![match done {
                    Some(done) => ui.t.args(
                        "import-saving",
                        &[
                            ("done", ui.t.number(done)),
                            ("total", ui.t.number(batch.row_count)),
                        ],
                    ),
                    None => ui.t.args(
                        "import-saving-elsewhere",
                        &[("total", ui.t.number(batch.row_count))],
                    ),
                }],
                refresh: true,
                progress: done.map(|d| (d, batch.row_count)),
                ..ImportView::default()
            }
        }
        ImportStatus::Checked => {
            let rows = state.store.import_rows(&actor, id).await?;
            preview_view(&ui, &batch, &rows)
        }
        ImportStatus::Committed => {
            let report = batch.report.clone().unwrap_or_default();
            let mut paragraphs = vec![ui.t.args(
                "import-saved",
                &[
                    ("created", ui.t.number(report.created)),
                    ("kind", kind_title(&ui.t, batch.kind)),
                ],
            )];
            // Records of any import whose words wait to be indexed; search finds them after.
            let queued = state.store.queued_documents().await?;
            if queued > 0 {
                paragraphs.push(ui.t.args("import-indexing", &[("queued", ui.t.number(queued))]));
            }
            ImportView {
                title: ui.t.get("import-saved-title"),
                paragraphs,
                refresh: queued > 0,
                links: vec![
                    PageLink {
                        label: kind_title(&ui.t, batch.kind),
                        href: format!("/{}", batch.kind.path),
                    },
                    PageLink {
                        label: ui.t.get("import-another"),
                        href: "/import".to_owned(),
                    },
                ],
                ..ImportView::default()
            }
        }
        ImportStatus::Failed => ImportView {
            title: ui.t.get("import-failed-title"),
            paragraphs: vec![ui.t.get("import-failed")],
            errors: batch.failure.clone().into_iter().collect(),
            links: vec![
                PageLink {
                    label: ui.t.get("import-change-mapping"),
                    href: format!("/import/{id}/mapping"),
                },
                PageLink {
                    label: ui.t.get("import-another"),
                    href: "/import".to_owned(),
                },
            ],
            ..ImportView::default()
        },
    };
    let view = ImportView {
        status: batch.status.as_str(),
        ..view
    };
    Ok(page(&ui, &view, StatusCode::OK))
}

/// Every row with problems, each with all of its problems, and the first rows without; saving
/// is offered only when no row has a problem.
fn preview_view(ui: &Ui, batch: &ImportBatch, rows: &[ImportRow]) -> ImportView {
    let mapped: Vec<(usize, &str)> = batch
        .mapping
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.as_deref().map(|f| (i, f)))
        .collect();
    let mut by_line: HashMap<i64, Vec<String>> = HashMap::new();
    let mut general = Vec::new();
    for problem in &batch.problems {
        let text = problem_text(ui, batch, problem);
        if problem.line == 0 {
            general.push(text);
        } else {
            by_line.entry(problem.line).or_default().push(text);
        }
    }
    let mut clean_shown = 0;
    let mut preview = Vec::new();
    for row in rows {
        let problems = by_line.remove(&row.line).unwrap_or_default();
        if problems.is_empty() {
            if clean_shown >= PREVIEW_CLEAN_ROWS {
                continue;
            }
            clean_shown += 1;
        }
        preview.push(PreviewRow {
            line: row.line,
            cells: mapped
                .iter()
                .map(|(i, _)| row.cells.get(*i).cloned().unwrap_or_default())
                .collect(),
            problems,
        });
    }
    let with_problems = batch
        .problems
        .iter()
        .filter(|p| p.line > 0)
        .map(|p| p.line)
        .collect::<HashSet<_>>()
        .len();
    let ready = batch.problems.is_empty();
    let mut paragraphs = vec![if ready {
        ui.t.args(
            "import-preview-ready",
            &[
                ("rows", ui.t.number(batch.row_count)),
                ("kind", kind_title(&ui.t, batch.kind)),
            ],
        )
    } else {
        ui.t.args(
            "import-preview-problems",
            &[
                ("rows", ui.t.number(batch.row_count)),
                ("bad", ui.t.number(with_problems as i64)),
            ],
        )
    }];
    let hidden = rows.len() - preview.len();
    if hidden > 0 {
        paragraphs.push(ui.t.args(
            "import-preview-more",
            &[("hidden", ui.t.number(hidden as i64))],
        ));
    }
    ImportView {
        title: ui
            .t
            .args("import-preview-title", &[("file", batch.file_name.clone())]),
        paragraphs,
        errors: general,
        preview_columns: mapped
            .iter()
            .map(|(i, f)| {
                format!(
                    "{} → {}",
                    batch.header.get(*i).cloned().unwrap_or_default(),
                    field_label(&ui.t, f)
                )
            })
            .collect(),
        preview,
        commit_action: ready.then(|| format!("/import/{}/commit", batch.id)),
        links: vec![
            PageLink {
                label: ui.t.get("import-change-mapping"),
                href: format!("/import/{}/mapping", batch.id),
            },
            PageLink {
                label: ui.t.get("import-another"),
                href: "/import".to_owned(),
            },
        ],
        ..ImportView::default()
    }
}

/// The template workbook: a sheet per kind the user may import with its columns titled as the
/// mapping recognises them and an example row, and a sheet explaining every column.
async fn template(ui: Ui) -> PageResult {
    let actor = ui.actor()?;
    let kinds = allowed_kinds(&actor);
    if kinds.is_empty() {
        return Err(PageError::Forbidden(ui.t.get("import-not-allowed")));
    }
    let tables = template_tables(&ui.t, &kinds);
    let bytes = super::render_file(move || liaison_reports::workbook(&tables)).await?;
    Ok(super::download(
        bytes,
        super::XLSX,
        "liaison-import-template.xlsx",
    ))
}

/// An example value of each field, as the kind declares it from the office's own records.
fn example(kind: RecordKind, field: &str) -> SheetCell {
    let example = kind
        .spreadsheet()
        .examples
        .iter()
        .find(|(f, _)| *f == field);
    match example.map(|(_, e)| *e) {
        Some(Example::Text(text)) => SheetCell::Text(text.to_owned()),
        Some(Example::Int(n)) => SheetCell::Int(n),
        Some(Example::Date(year, month, day)) => chrono::NaiveDate::from_ymd_opt(year, month, day)
            .map_or(SheetCell::Empty, SheetCell::Date),
        None => SheetCell::Empty,
    }
}

pub fn template_tables(t: &Tr, kinds: &[RecordKind]) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut explained = Table {
        title: t.get("import-template-columns"),
        columns: vec![
            t.get("import-template-sheet"),
            t.get("import-template-column"),
            t.get("import-template-required"),
            t.get("import-template-values"),
        ],
        rows: Vec::new(),
    };
    for kind in kinds {
        let fields = kind.spreadsheet().columns;
        tables.push(Table {
            title: kind_title(t, *kind),
            columns: fields.iter().map(|f| field_label(t, f)).collect(),
            rows: vec![fields.iter().map(|f| example(*kind, f)).collect()],
        });
        let choices = value_prefixes(*kind);
        for field in fields {
            let required = if kind.spreadsheet().required.contains(field) {
                t.get("export-yes")
            } else if matches!(*field, "name_zh" | "name_en" | "title_zh" | "title_en") {
                t.get("import-template-one-name")
            } else {
                t.get("export-no")
            };
            let values = match choices.iter().find(|(f, _, _)| f == field) {
                Some((_, prefix, codes)) => codes
                    .iter()
                    .map(|c| format!("{c} ({})", t.value(prefix, c)))
                    .collect::<Vec<_>>()
                    .join("; "),
                None => t.get(&format!("import-template-values-{}", value_kind(field))),
            };
            explained.rows.push(vec![
                kind_title(t, *kind).into(),
                field_label(t, field).into(),
                required.into(),
                values.into(),
            ]);
        }
    }
    tables.push(explained);
    tables
}

/// What sort of value a field holds, for the template's explanation.
fn value_kind(field: &str) -> &'static str {
    match field {
        "country" | "nationality" => "country",
        "start_date" | "end_date" => "date",
        "founded_year" | "membership" | "delegation_size" => "number",
        "unit" | "host_unit" => "unit",
        "organization" | "inviting_organization" => "organization",
        "partners" => "partners",
        "tags" => "list",
        "identifiers" => "identifiers",
        "key" => "key",
        _ => "text",
    }
}

/// Every import route; uploads may be up to [`MAX_UPLOAD_BYTES`], with room for the form's
/// other fields.
pub fn routes() -> Routes {
    Routes::new()
        .get("/import", upload_form)
        .post(
            "/import",
            upload.layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .get("/import/template.xlsx", template)
        .get("/import/{id}", show)
        .get("/import/{id}/mapping", mapping_form)
        .post("/import/{id}/mapping", save_mapping)
        .post("/import/{id}/commit", commit)
}
