//! Every list as a spreadsheet: the formats a list downloads as, its links, and the file of the
//! rows the list's filters choose, all of them, in its sort order. The handlers that read the
//! rows are the lists' own ([`super::records`]); this module knows no kind of record.

use liaison_reports::Table;

use super::forms::Values;
use super::{Link, PageResult, Ui};

/// The most rows one export holds. A workbook of this size is about 10 MB and opens in Excel
/// and WPS in seconds; more is a sign the filters were forgotten, and would hold the server's
/// memory for nothing.
pub const MAX_EXPORT_ROWS: i64 = 100_000;

/// Rows read from the database at a time while exporting, so that memory holds one batch of
/// records beside the table being written.
pub const BATCH: i64 = 2_000;

/// The two formats a list downloads as.
#[derive(Debug, Clone, Copy)]
pub enum Format {
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

/// The file of an exported table, named after the list's path and today's date. A large
/// workbook takes seconds of CPU: it is written away from the request threads.
pub async fn file(path: &str, table: Table, format: Format) -> PageResult {
    let bytes = super::render_file(move || match format {
        Format::Xlsx => liaison_reports::workbook(&[table]),
        Format::Csv => table.to_csv(),
    })
    .await?;
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
    let file_name = format!("{path}-{today}.{}", format.extension());
    Ok(super::download(bytes, format.content_type(), &file_name))
}
