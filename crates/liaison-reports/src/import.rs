//! Spreadsheets read for import: the header row and rows of text of an xlsx or csv file, the
//! columns matched to a record's fields, and each row read into the record it describes with
//! every problem found on the way.
//!
//! Nothing here looks at the database: references to units and organizations are handed back
//! as [`Reference`]s for the caller to look up, and filled in with [`ImportRecord::link`].

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use liaison_core::limits::{
    MAX_IMPORT_CELLS, MAX_IMPORT_EXPANDED_BYTES, MAX_IMPORT_PARTS, MAX_IMPORT_TEXT_BYTES, MAX_TEXT,
};
use liaison_core::{
    CellKind, CountryCode, FieldErrors, Identifier, ImportRow, InputProblem, Link, RecordKind,
    RowProblem,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// The most rows one file may hold: a year of a large office's records, and a preview that
/// still fits in a browser.
pub const MAX_IMPORT_ROWS: usize = 20_000;
/// The most columns read; a sheet wider than this is not a list of records.
pub const MAX_IMPORT_COLUMNS: usize = 100;

/// Why a file could not be read as a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is an old Excel workbook (.xls); save it as .xlsx")]
    OldExcel,
    #[error("the file is neither an xlsx workbook nor a csv file in UTF-8")]
    NotASpreadsheet,
    #[error("the workbook could not be read: {0}")]
    Damaged(String),
    #[error("the file has no header row")]
    Empty,
    #[error("the file has {rows} rows; at most {MAX_IMPORT_ROWS} are imported at once")]
    TooManyRows { rows: usize },
    /// A workbook whose parts expand past [`MAX_IMPORT_EXPANDED_BYTES`], or whose cells hold
    /// more than [`MAX_IMPORT_TEXT_BYTES`] of text: a small file can unpack to gigabytes.
    #[error("the workbook expands to more than its contents could need")]
    TooLarge,
    #[error("the sheet has more than {MAX_IMPORT_CELLS} cells")]
    TooManyCells,
    #[error("a cell of line {line} is longer than {MAX_TEXT} characters")]
    CellTooLong { line: usize },
    #[error("a cell of line {line} holds the character U+0000")]
    NulCharacter { line: usize },
}

/// A sheet as text: the header row, and the rows below it that hold anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<ImportRow>,
}

/// Reads an xlsx workbook or a csv file (UTF-8, with or without a byte-order mark). Of a
/// workbook, the first sheet named one of `sheet_names` is read, else the first sheet.
pub fn read(bytes: &[u8], sheet_names: &[String]) -> Result<Grid, ReadError> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0";
    let lines = if bytes.starts_with(ZIP) {
        read_xlsx(bytes, sheet_names)?
    } else if bytes.starts_with(OLE) {
        return Err(ReadError::OldExcel);
    } else {
        read_csv(bytes)?
    };
    grid(lines)
}

/// Refuses a workbook whose parts expand past [`MAX_IMPORT_EXPANDED_BYTES`] before anything
/// is unpacked into memory: first by the sizes its directory declares, then by unpacking each
/// part into nothing and counting, stopping as soon as the bound is passed, since a declared
/// size can lie.
fn check_expansion(bytes: &[u8]) -> Result<(), ReadError> {
    let damaged = |e: zip::result::ZipError| ReadError::Damaged(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > MAX_IMPORT_PARTS {
        return Err(ReadError::TooLarge);
    }
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(damaged)?;
        declared = declared.saturating_add(part.size());
    }
    if declared > MAX_IMPORT_EXPANDED_BYTES {
        return Err(ReadError::TooLarge);
    }
    let mut left = MAX_IMPORT_EXPANDED_BYTES;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(damaged)?;
        let read = std::io::copy(&mut part.take(left + 1), &mut std::io::sink())
            .map_err(|e| ReadError::Damaged(e.to_string()))?;
        if read > left {
            return Err(ReadError::TooLarge);
        }
        left -= read;
    }
    Ok(())
}

/// Reads the chosen sheet cell by cell, so that nothing larger than the rows kept is ever held:
/// at most [`MAX_IMPORT_CELLS`] cells, none longer than [`MAX_TEXT`] characters, at most
/// [`MAX_IMPORT_TEXT_BYTES`] of text altogether.
fn read_xlsx(bytes: &[u8], sheet_names: &[String]) -> Result<Vec<Vec<String>>, ReadError> {
    check_expansion(bytes)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReadError::Damaged(e.to_string()))?;
    let names = book.sheet_names();
    let chosen = names
        .iter()
        .find(|n| sheet_names.iter().any(|want| want.eq_ignore_ascii_case(n)))
        .or(names.first())
        .cloned()
        .ok_or(ReadError::Empty)?;
    let damaged = |e: calamine::XlsxError| ReadError::Damaged(e.to_string());
    let mut cells = book.worksheet_cells_reader(&chosen).map_err(damaged)?;
    // Lines are numbered from the sheet's first row: blank rows above the header still count.
    let mut lines: Vec<Vec<String>> = Vec::new();
    let (mut count, mut text_bytes) = (0usize, 0usize);
    while let Some(cell) = cells.next_cell().map_err(damaged)? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) || col >= MAX_IMPORT_COLUMNS {
            continue;
        }
        if row > MAX_IMPORT_ROWS {
            return Err(ReadError::TooManyRows { rows: row + 1 });
        }
        count += 1;
        if count > MAX_IMPORT_CELLS {
            return Err(ReadError::TooManyCells);
        }
        let text = cell_ref_text(value, row + 1)?;
        text_bytes += text.len();
        if text_bytes > MAX_IMPORT_TEXT_BYTES {
            return Err(ReadError::TooLarge);
        }
        if lines.len() <= row {
            lines.resize(row + 1, Vec::new());
        }
        let line = &mut lines[row];
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = text;
    }
    Ok(lines)
}

/// A cell read in passing as the text a user typed, as [`cell_text`] writes it; refused when
/// longer than any field takes, before it is copied, or when it holds U+0000.
fn cell_ref_text(cell: &DataRef<'_>, line: usize) -> Result<String, ReadError> {
    let too_long = |s: &str| s.len() > MAX_TEXT && s.chars().count() > MAX_TEXT;
    let raw = match cell {
        DataRef::SharedString(s) => Some(*s),
        DataRef::String(s) => Some(s.as_str()),
        _ => None,
    };
    if raw.is_some_and(too_long) {
        return Err(ReadError::CellTooLong { line });
    }
    let text = match cell {
        DataRef::SharedString(s) => (*s).to_owned(),
        other => cell_text(&Data::from(other.clone())),
    };
    if too_long(&text) {
        return Err(ReadError::CellTooLong { line });
    }
    if liaison_core::limits::has_nul(&text) {
        return Err(ReadError::NulCharacter { line });
    }
    Ok(text)
}

/// A workbook cell as the text a user typed: whole numbers without ".0", days as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_day(d.as_f64())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// The day of an Excel serial number (days since 30 December 1899).
fn excel_day(serial: f64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(serial.floor().max(0.0) as u64))
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // A file that is not UTF-8 (a csv saved as GBK, an image, a PDF) would be read as garbage.
    if std::str::from_utf8(body).is_err() || body.contains(&0) {
        return Err(ReadError::NotASpreadsheet);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ReadError::NotASpreadsheet)?;
        let line = lines.len() + 1;
        if record
            .iter()
            .any(|cell| cell.len() > MAX_TEXT && cell.chars().count() > MAX_TEXT)
        {
            return Err(ReadError::CellTooLong { line });
        }
        lines.push(
            record
                .iter()
                .take(MAX_IMPORT_COLUMNS)
                .map(str::to_owned)
                .collect(),
        );
        if lines.len() > MAX_IMPORT_ROWS + 1 {
            return Err(ReadError::TooManyRows { rows: lines.len() });
        }
    }
    Ok(lines)
}

/// The first line holding anything is the header; blank lines below it are left out, and every
/// row keeps its line number so that problems point at the line the user sees.
fn grid(lines: Vec<Vec<String>>) -> Result<Grid, ReadError> {
    let blank = |cells: &Vec<String>| cells.iter().all(|c| c.trim().is_empty());
    let mut numbered = lines
        .into_iter()
        .enumerate()
        .filter(|(_, cells)| !blank(cells));
    let (_, mut header) = numbered.next().ok_or(ReadError::Empty)?;
    while header.last().is_some_and(|h| h.trim().is_empty()) {
        header.pop();
    }
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let rows: Vec<ImportRow> = numbered
        .map(|(i, mut cells)| {
            cells.resize(header.len().max(cells.len()), String::new());
            ImportRow {
                line: i as i64 + 1,
                cells,
            }
        })
        .collect();
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(ReadError::TooManyRows { rows: rows.len() });
    }
    Ok(Grid { header, rows })
}

/// A header or label reduced to what matters for matching: no case, spaces or punctuation, so
/// "Name (Chinese)", "name_zh" and "NAME(CHINESE)" meet, and "中文名称：" meets "中文名称".
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// For each column, the field whose name or label its header is; each field is chosen once, by
/// its first column. `labels` holds each field with the names it is known by.
pub fn suggest_mapping(header: &[String], labels: &[(&str, Vec<String>)]) -> Vec<Option<String>> {
    let mut taken: Vec<&str> = Vec::new();
    header
        .iter()
        .map(|h| {
            let h = normalize(h);
            if h.is_empty() {
                return None;
            }
            let field = labels.iter().find(|(field, names)| {
                !taken.contains(field)
                    && (normalize(field) == h || names.iter().any(|n| normalize(n) == h))
            })?;
            taken.push(field.0);
            Some(field.0.to_owned())
        })
        .collect()
}

/// A unit or organization a row names, to be found in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The field it fills: `unit`, `organization`, `host_unit`, `inviting_organization` or
    /// `partners`.
    pub field: &'static str,
    pub target: RecordKind,
    /// As written: a name, `#12` or a key.
    pub text: String,
}

/// The record a row describes: its kind, and its fields in the JSON of the kind's input, which
/// serde reads as that input (`Import::check` of the kind).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub kind: RecordKind,
    /// An object of the input's fields.
    pub fields: Value,
}

impl ImportRecord {
    /// Fills in a reference once the record it names is found.
    pub fn link(&mut self, field: &str, link: Link) {
        let Some(fields) = self.fields.as_object_mut() else {
            return;
        };
        let link = json!(link);
        match cell_kind(self.kind, field) {
            Some(CellKind::References(_)) => match fields.get_mut(field) {
                Some(Value::Array(links)) => links.push(link),
                _ => {
                    fields.insert(field.to_owned(), Value::Array(vec![link]));
                }
            },
            Some(CellKind::Reference(_)) => {
                fields.insert(field.to_owned(), link);
            }
            _ => {}
        }
    }

    pub fn key(&self) -> Option<&str> {
        self.fields.get("key").and_then(Value::as_str)
    }

    /// The record, or each of its own rules it breaks as a problem of `line`. It is cleaned by
    /// those rules when it is saved.
    pub fn validated(self, line: i64) -> Result<ImportRecord, Vec<RowProblem>> {
        match (self.kind.spreadsheet().check)(&self.fields) {
            Ok(()) => Ok(self),
            Err(InputProblem::Invalid(errors)) => Err(problems_of(line, errors)),
            Err(InputProblem::Unreadable { field, message }) => Err(vec![RowProblem {
                line,
                field: column_of(&field),
                code: "invalid".to_owned(),
                message,
            }]),
        }
    }

    /// The record as the kind's input.
    pub fn input<T: DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.fields)
    }
}

/// How the cells of a kind's column read: plain text unless its declaration says otherwise.
fn cell_kind(kind: RecordKind, field: &str) -> Option<CellKind> {
    kind.spreadsheet()
        .cells
        .iter()
        .find(|(column, _)| *column == field)
        .map(|(_, cell)| *cell)
}

/// The column a field's path (`partners[0].name_zh`) came from.
fn column_of(path: &str) -> Option<String> {
    path.split(['[', '.'])
        .next()
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
}

/// Field errors of a record as problems of its row, each under the column it came from:
/// `partners[0].name_zh` is a problem of the `partners` column.
pub fn problems_of(line: i64, errors: FieldErrors) -> Vec<RowProblem> {
    errors
        .0
        .into_iter()
        .map(|e| RowProblem {
            line,
            field: column_of(&e.field),
            code: e.code,
            message: e.message,
        })
        .collect()
}

/// Labels of the values of choice fields (kinds, categories, parts of days) in the user's
/// languages, as `(field, label, code)`; codes themselves are always understood.
#[derive(Debug, Clone, Default)]
pub struct ValueLabels(pub Vec<(String, String, String)>);

/// A row read into its record, with the references still to find and the problems met.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub line: i64,
    /// `None` when a column the record cannot do without did not read.
    pub record: Option<ImportRecord>,
    pub references: Vec<Reference>,
    pub problems: Vec<RowProblem>,
}

/// Reads one row into a record of `kind`, taking each field from the column `mapping` assigns
/// it and reading each cell as the kind declares ([`CellKind`]): choices by code or by name,
/// numbers, days, countries, lists, and the records it names handed back as references. Every
/// problem is collected; the record's own rules are checked by the caller, once the references
/// are filled in. A row whose fields do not read as the kind's input has no record.
pub fn parse_row(
    kind: RecordKind,
    row: &ImportRow,
    mapping: &[Option<String>],
    labels: &ValueLabels,
) -> ParsedRow {
    let import = kind.spreadsheet();
    let mut cells = Cells {
        row,
        mapping,
        labels,
        problems: Vec::new(),
        references: Vec::new(),
    };
    for field in import.required {
        if cells.text(field).is_none() {
            cells.problem(field, "required", "is required".to_owned());
        }
    }
    let mut fields = Map::new();
    for &field in import.columns {
        let value = if let Some((_, _, codes)) = import.choices.iter().find(|c| c.0 == field) {
            cells.choice(field, &codes()).map(Value::String)
        } else {
            match cell_kind(kind, field) {
                None => cells.text(field).map(Value::String),
                Some(CellKind::Number) => cells.number(field).map(|n| json!(n)),
                Some(CellKind::Date) => cells.date(field).map(|d| json!(d)),
                Some(CellKind::Country) => cells.country(field).map(|c| json!(c)),
                Some(CellKind::List) => Some(json!(cells.list(field))),
                Some(CellKind::Identifiers) => Some(json!(cells.identifiers(field))),
                Some(CellKind::Reference(target)) => {
                    cells.reference(field, target);
                    None
                }
                Some(CellKind::References(target)) => {
                    for text in cells.list(field) {
                        cells.references.push(Reference {
                            field,
                            target,
                            text,
                        });
                    }
                    None
                }
            }
        };
        if let Some(value) = value {
            fields.insert(field.to_owned(), value);
        }
    }
    (import.implied)(&mut fields, &|field| cells.text(field).is_some());
    // A row whose cells all read is a record, to be checked with its references filled in; one
    // with a cell wrong is a record only if its fields still read as the kind's input (a cell
    // the record can do without).
    let fields = Value::Object(fields);
    let readable = cells.problems.is_empty()
        || !matches!(
            (import.check)(&fields),
            Err(InputProblem::Unreadable { .. })
        );
    let record = readable.then_some(ImportRecord { kind, fields });
    ParsedRow {
        line: row.line,
        record,
        references: cells.references,
        problems: cells.problems,
    }
}

/// The cells of one row, read by field name through the mapping.
struct Cells<'a> {
    row: &'a ImportRow,
    mapping: &'a [Option<String>],
    labels: &'a ValueLabels,
    problems: Vec<RowProblem>,
    references: Vec<Reference>,
}

impl Cells<'_> {
    fn problem(&mut self, field: &str, code: &str, message: String) {
        self.problems.push(RowProblem {
            line: self.row.line,
            field: Some(field.to_owned()),
            code: code.to_owned(),
            message,
        });
    }

    /// The trimmed text of the field's column, `None` when empty or not mapped.
    fn text(&self, field: &str) -> Option<String> {
        let column = self
            .mapping
            .iter()
            .position(|m| m.as_deref() == Some(field))?;
        let text = self.row.cells.get(column)?.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// A value of a choice, one of `codes`: its code in any case (`Trade union`, `trade_union`),
    /// or its label in Chinese or English.
    fn choice(&mut self, field: &str, codes: &[String]) -> Option<String> {
        let text = self.text(field)?;
        let as_code = text.trim().to_lowercase().replace([' ', '-'], "_");
        let wanted = normalize(&text);
        let found = std::iter::once(as_code)
            .chain(
                self.labels
                    .0
                    .iter()
                    .filter(|(f, label, _)| f == field && normalize(label) == wanted)
                    .map(|(_, _, code)| code.clone()),
            )
            .find(|code| codes.contains(code));
        if found.is_none() {
            self.problem(
                field,
                "invalid",
                format!("'{text}' is not one of the choices"),
            );
        }
        found
    }

    fn country(&mut self, field: &str) -> Option<CountryCode> {
        let text = self.text(field)?;
        // A sheet Liaison wrote names countries; one typed by hand may give codes.
        liaison_core::parse_country(&text)
            .map_err(|message| self.problem(field, "invalid", message))
            .ok()
    }

    /// A whole number, written with or without thousands separators.
    fn number(&mut self, field: &str) -> Option<i64> {
        let text = self.text(field)?;
        let parsed = text.replace([',', '，', ' '], "").parse::<i64>();
        parsed
            .map_err(|_| self.problem(field, "invalid", format!("'{text}' is not a whole number")))
            .ok()
    }

    /// A day as 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日; or an Excel day number, as a
    /// workbook keeps a date typed in a cell formatted as a number.
    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let text = self.text(field)?;
        let dashed = text
            .replace(['年', '月', '/', '.'], "-")
            .replace('日', "")
            .trim()
            .to_owned();
        if let Ok(date) = NaiveDate::parse_from_str(&dashed, "%Y-%m-%d") {
            return Some(date);
        }
        if let Ok(serial) = text.parse::<u32>()
            && (20_000..80_000).contains(&serial)
        {
            return excel_day(f64::from(serial));
        }
        self.problem(
            field,
            "invalid",
            format!("'{text}' is not a date (YYYY-MM-DD)"),
        );
        None
    }

    /// Several values in one cell, separated by semicolons, 、 or line breaks (not commas, which
    /// names such as "University of California, Berkeley" hold).
    fn list(&self, field: &str) -> Vec<String> {
        self.text(field)
            .map(|text| {
                text.split([';', '；', '、', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn reference(&mut self, field: &'static str, target: RecordKind) {
        if let Some(text) = self.text(field) {
            self.references.push(Reference {
                field,
                target,
                text,
            });
        }
    }

    /// Identifiers as `scheme: value`, several separated like [`Cells::list`].
    fn identifiers(&mut self, field: &str) -> Vec<Identifier> {
        let mut identifiers = Vec::new();
        for item in self.list(field) {
            match item.split_once([':', '：']) {
                Some((scheme, value)) => identifiers.push(Identifier {
                    scheme: scheme.trim().to_owned(),
                    value: value.trim().to_owned(),
                }),
                None => self.problem(
                    field,
                    "invalid",
                    format!("'{item}': write an identifier as scheme: value, such as ror: 05xx"),
                ),
            }
        }
        identifiers
    }
}

#[cfg(test)]
mod tests {
    use liaison_core::{
        ACTIVITY, ActivityInput, ORGANIZATION, OrganizationInput, OrganizationKind, PERSON,
        PersonCategory, PersonInput,
    };

    use super::*;

    /// A workbook of one sheet whose cell A1 is `len` letters, written in pieces so that the
    /// test holds no more than the compressed file: a few hundred kilobytes for a hundred
    /// megabytes of text.
    pub(crate) fn workbook_with_one_cell(len: usize) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(len > u32::MAX as usize / 2);
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Organizations" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
        ];
        for (name, text) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        zip.write_all(
            br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name_en</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>"#,
        )
        .unwrap();
        let piece = [b'a'; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(piece.len());
            zip.write_all(&piece[..n]).unwrap();
            left -= n;
        }
        zip.write_all(b"</t></is></c></row></sheetData></worksheet>")
            .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_that_unpacks_past_its_bound_is_refused_before_it_is_read() {
        let bomb = workbook_with_one_cell(MAX_IMPORT_EXPANDED_BYTES as usize + 1);
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        assert_eq!(read(&bomb, &[]), Err(ReadError::TooLarge));
    }

    #[test]
    fn a_cell_longer_than_any_field_is_refused_with_its_line() {
        let long = workbook_with_one_cell(MAX_TEXT + 1);
        assert_eq!(read(&long, &[]), Err(ReadError::CellTooLong { line: 2 }));
        let fits = read(&workbook_with_one_cell(MAX_TEXT), &[]).unwrap();
        assert_eq!(fits.header, ["name_en"]);
        assert_eq!(fits.rows[0].cells[0].len(), MAX_TEXT);
        let csv = format!("name_en\n{}\n", "a".repeat(MAX_TEXT + 1));
        assert_eq!(
            read(csv.as_bytes(), &[]),
            Err(ReadError::CellTooLong { line: 2 })
        );
    }
    use crate::{Cell, Table, workbook};

    fn labels() -> Vec<(&'static str, Vec<String>)> {
        vec![
            ("name_zh", vec!["中文名称".into(), "Name (Chinese)".into()]),
            ("name_en", vec!["英文名称".into(), "Name (English)".into()]),
            ("kind", vec!["类型".into(), "Kind".into()]),
            ("country", vec!["国家或地区".into(), "Country".into()]),
            ("founded_year", vec!["成立年份".into(), "Founded".into()]),
        ]
    }

    fn row(line: i64, cells: &[&str]) -> ImportRow {
        ImportRow {
            line,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn csv_is_read_with_or_without_a_byte_order_mark_and_blank_lines_keep_their_numbers() {
        for prefix in [&b""[..], &b"\xEF\xBB\xBF"[..]] {
            let mut bytes = prefix.to_vec();
            bytes.extend_from_slice(
                "中文名称,Country\n老挝工会联合会,LA\n,\n\"Union, Inc.\",GB\n".as_bytes(),
            );
            let grid = read(&bytes, &[]).unwrap();
            assert_eq!(grid.header, ["中文名称", "Country"]);
            assert_eq!(grid.rows[0], row(2, &["老挝工会联合会", "LA"]));
            assert_eq!(grid.rows[1], row(4, &["Union, Inc.", "GB"]));
        }
    }

    #[test]
    fn files_that_are_not_spreadsheets_are_named_for_what_they_are() {
        let gbk_csv = b"\xd6\xd0\xce\xc4,Country\n";
        assert_eq!(read(gbk_csv, &[]), Err(ReadError::NotASpreadsheet));
        assert_eq!(
            read(b"\xD0\xCF\x11\xE0\xA1\xB1", &[]),
            Err(ReadError::OldExcel)
        );
        assert_eq!(
            read(b"%PDF-1.7\n\x00\x01", &[]),
            Err(ReadError::NotASpreadsheet)
        );
        assert!(matches!(
            read(b"PK\x03\x04 not really a zip", &[]),
            Err(ReadError::Damaged(_))
        ));
        assert_eq!(read(b"\n , \n", &[]), Err(ReadError::Empty));
    }

    #[test]
    fn a_workbook_is_read_from_the_sheet_of_the_kind_with_numbers_and_dates_as_typed() {
        let mut other = Table::new("Explanation", &["x"]);
        other.push(vec!["not this one".into()]);
        let mut people = Table::new("People", &["Name (English)", "Since", "Founded"]);
        people.push(vec![
            "Phonesane".into(),
            NaiveDate::from_ymd_opt(2023, 11, 17).unwrap().into(),
            Cell::Int(1956),
        ]);
        let bytes = workbook(&[other, people]).unwrap();
        let grid = read(&bytes, &["people".to_owned()]).unwrap();
        assert_eq!(grid.header, ["Name (English)", "Since", "Founded"]);
        assert_eq!(grid.rows, [row(2, &["Phonesane", "2023-11-17", "1956"])]);
        let first = read(&bytes, &[]).unwrap();
        assert_eq!(first.header, ["x"], "without a name, the first sheet");
    }

    #[test]
    fn headers_in_chinese_english_or_as_field_names_choose_their_fields_once() {
        let header: Vec<String> = [
            "中文名称",
            "NAME (ENGLISH)",
            "Kind",
            "kind",
            "备注",
            "country",
        ]
        .map(String::from)
        .to_vec();
        let mapping = suggest_mapping(&header, &labels());
        assert_eq!(
            mapping,
            [
                Some("name_zh".into()),
                Some("name_en".into()),
                Some("kind".into()),
                None,
                None,
                Some("country".into())
            ]
        );
    }

    #[test]
    fn a_row_becomes_an_organization_with_labels_codes_and_numbers_understood() {
        let mapping = [
            Some("name_zh".to_owned()),
            Some("kind".to_owned()),
            Some("country".to_owned()),
            Some("founded_year".to_owned()),
        ];
        let values = ValueLabels(vec![("kind".into(), "工会".into(), "trade_union".into())]);
        let parsed = parse_row(
            ORGANIZATION,
            &row(2, &["老挝工会联合会", "工会", "la", "1,956"]),
            &mapping,
            &values,
        );
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let org: OrganizationInput = parsed
            .record
            .expect("an organization")
            .input()
            .expect("it reads as one");
        assert_eq!(org.kind, OrganizationKind::TradeUnion);
        assert_eq!(org.country.as_str(), "LA");
        assert_eq!(org.founded_year, Some(1956));
        let parsed = parse_row(
            ORGANIZATION,
            &row(3, &["x", "Trade union", "", "soon"]),
            &mapping,
            &values,
        );
        assert!(parsed.record.is_none(), "no country, no organization");
        let found: Vec<_> = parsed
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_deref().unwrap(), p.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [(3, "country", "required"), (3, "founded_year", "invalid")]
        );
    }

    #[test]
    fn an_activity_row_names_its_units_and_partners_for_the_caller_to_find() {
        let mapping = [
            Some("title_zh".to_owned()),
            Some("kind".to_owned()),
            Some("start_date".to_owned()),
            Some("end_date".to_owned()),
            Some("host_unit".to_owned()),
            Some("partners".to_owned()),
            Some("tags".to_owned()),
        ];
        let parsed = parse_row(
            ACTIVITY,
            &row(
                2,
                &[
                    "老挝工会代表团来访",
                    "inbound visit",
                    "2023年11月17日",
                    "2023/11/18",
                    "工会干部培训学院",
                    "老挝工会联合会；#6",
                    "一带一路",
                ],
            ),
            &mapping,
            &ValueLabels::default(),
        );
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let texts: Vec<_> = parsed
            .references
            .iter()
            .map(|r| (r.field, r.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("host_unit", "工会干部培训学院"),
                ("partners", "老挝工会联合会"),
                ("partners", "#6")
            ]
        );
        let mut record = parsed.record.unwrap();
        record.link("host_unit", Link::Id(4));
        let a: ActivityInput = record.validated(2).unwrap().input().unwrap();
        assert_eq!(a.end_date, NaiveDate::from_ymd_opt(2023, 11, 18));
        assert_eq!(a.host_unit, Some(Link::Id(4)));
        assert_eq!(a.tags, ["一带一路"]);
    }

    #[test]
    fn the_record_s_own_rules_are_problems_of_the_row_under_their_column() {
        let mapping = [Some("name_en".to_owned()), Some("email".to_owned())];
        let parsed = parse_row(
            PERSON,
            &row(7, &["", "not an address"]),
            &mapping,
            &ValueLabels::default(),
        );
        let problems = parsed.record.unwrap().validated(7).unwrap_err();
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.line, p.field.as_deref().unwrap()))
            .collect();
        assert_eq!(found, [(7, "name_zh"), (7, "email")]);
    }

    #[test]
    fn a_person_named_with_a_unit_is_the_university_s_own_unless_the_row_says_otherwise() {
        let mapping = [
            Some("name_zh".to_owned()),
            Some("unit".to_owned()),
            Some("category".to_owned()),
        ];
        let category = |cells: &[&str]| {
            let parsed = parse_row(PERSON, &row(2, cells), &mapping, &ValueLabels::default());
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            let person: PersonInput = parsed.record.unwrap().input().unwrap();
            person.category
        };
        assert_eq!(
            category(&["张才明", "工会学院", ""]),
            PersonCategory::Internal
        );
        assert_eq!(category(&["Anna Smith", "", ""]), PersonCategory::External);
        assert_eq!(
            category(&["Anna Smith", "工会学院", "external"]),
            PersonCategory::External
        );
    }

    #[test]
    fn a_number_too_large_for_its_field_is_a_problem_of_its_column() {
        let mapping = [
            Some("name_zh".to_owned()),
            Some("kind".to_owned()),
            Some("country".to_owned()),
            Some("founded_year".to_owned()),
        ];
        let parsed = parse_row(
            ORGANIZATION,
            &row(4, &["老挝工会联合会", "trade_union", "LA", "99999999999"]),
            &mapping,
            &ValueLabels::default(),
        );
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let problems = parsed.record.unwrap().validated(4).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 4);
        assert_eq!(problems[0].field.as_deref(), Some("founded_year"));
        assert_eq!(problems[0].code, "invalid");
    }
}
