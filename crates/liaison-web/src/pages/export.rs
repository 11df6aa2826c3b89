//! Every list as a spreadsheet: the rows the list's filters choose, all of them, in its sort
//! order, as an xlsx workbook or a csv file.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use liaison_core::PageRequest;
use liaison_reports::Table;

use super::forms::Values;
use super::records::{RecordPages, message_page, read_filter, read_page};
use super::{Link, PageResult, Ui};
use crate::AppState;

/// The most rows one export holds. A workbook of this size is about 10 MB and opens in Excel
/// and WPS in seconds; more is a sign the filters were forgotten, and would hold the server's
/// memory for nothing.
pub const MAX_EXPORT_ROWS: i64 = 100_000;

/// Rows read from the database at a time while exporting, so that memory holds one batch of
/// records beside the table being written.
const BATCH: i64 = 2_000;

/// The two formats a list downloads as.
#[derive(Debug, Clone, Copy)]
enum Format {
    Xlsx,
    Csv,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => super::XLSX,
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The export links of a list page, carrying its filters and sort but not its page.
pub fn links(ui: &Ui, query: &Values, base: &str) -> Vec<Link> {
    let no_paging = [("page", String::new()), ("per_page", String::new())];
    [("export-xlsx", Format::Xlsx), ("export-csv", Format::Csv)]
        .into_iter()
        .map(|(label, format)| Link {
            label: ui.t.get(label),
            href: query.link(&format!("{base}/export.{}", format.extension()), &no_paging),
        })
        .collect()
}

pub async fn xlsx<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> PageResult {
    export::<K>(&state, ui, raw, Format::Xlsx).await
}

pub async fn csv<K: RecordPages>(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> PageResult {
    export::<K>(&state, ui, raw, Format::Csv).await
}

async fn export<K: RecordPages>(
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
    let mut table = Table {
        title: ui.t.get(K::TITLE),
        columns: K::sheet_columns().iter().map(|c| ui.t.get(c)).collect(),
        rows: Vec::new(),
    };
    let mut page = PageRequest {
        page: 1,
        per_page: BATCH,
        ..asked
    };
    loop {
        let batch = K::list(&state.store, &filter, &page).await?;
        if batch.total > MAX_EXPORT_ROWS {
            return Ok(message_page(
                &ui,
                StatusCode::UNPROCESSABLE_ENTITY,
                ui.t.get("export-refused-title"),
                vec![ui.t.args(
                    "export-too-many",
                    &[
                        ("total", ui.t.number(batch.total)),
                        ("limit", ui.t.number(MAX_EXPORT_ROWS)),
                    ],
                )],
                Some(back),
            ));
        }
        let done = (batch.items.len() as i64) < BATCH;
        table
            .rows
            .extend(batch.items.iter().map(|row| K::sheet_cells(&ui, row)));
        if done {
            break;
        }
        page.page += 1;
    }
    // A large workbook takes seconds of CPU: it is written away from the request threads.
    let bytes = super::render_file(move || match format {
        Format::Xlsx => liaison_reports::workbook(&[table]),
        Format::Csv => table.to_csv(),
    })
    .await?;
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
    let file_name = format!("{}-{today}.{}", K::PATH, format.extension());
    Ok(super::download(bytes, format.content_type(), &file_name))
}
