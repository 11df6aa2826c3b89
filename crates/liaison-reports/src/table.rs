//! A table of figures or records, and how it is written as an xlsx sheet or a csv file.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use crate::Result;

/// One value of a table. Numbers stay numbers in a workbook, so that the office can sum them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The value as a csv field or a docx table cell shows it.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A fraction or amount with at most two decimals, without trailing zeros.
fn format_number(n: f64) -> String {
    let text = format!("{n:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Cell {
        text.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl From<NaiveDate> for Cell {
    fn from(date: NaiveDate) -> Cell {
        Cell::Date(date)
    }
}

/// A titled table: a sheet of a workbook, a table of a document, or a csv file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The sheet's name (cut to Excel's 31 characters) and the heading above it in a document.
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A text as a csv field may hold it without a spreadsheet taking it for a formula: a text
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return (a name typed as
/// `=HYPERLINK(…)`) gets a single quote in front, as OWASP recommends against csv injection.
/// Every csv Liaison writes goes through here; a workbook needs nothing, as its cells are typed.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Excel refuses sheet names longer than this.
const SHEET_NAME_LIMIT: usize = 31;

impl Table {
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            title: title.into(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The table as csv: a header row, then one line per row, UTF-8 with a byte-order mark so
    /// that Excel opens Chinese text correctly. Texts pass through [`csv_text`].
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(self.columns.iter().map(|c| csv_text(c).into_owned()))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| match cell {
                Cell::Text(text) => csv_text(text).into_owned(),
                other => other.display(),
            }))?;
        }
        writer
            .into_inner()
            .map_err(|err| crate::Error::Csv(err.into_error().into()))
    }

    /// The sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, never empty.
    fn sheet_name(&self, index: usize) -> String {
        let cleaned: String = self
            .title
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(SHEET_NAME_LIMIT)
            .collect();
        let trimmed = cleaned.trim().trim_matches('\'');
        if trimmed.is_empty() {
            format!("Sheet{}", index + 1)
        } else {
            trimmed.to_owned()
        }
    }
}

/// Tables as one workbook, a sheet each, with a bold frozen header row and dates as dates.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#E8EEF4");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut used_names: Vec<String> = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        let sheet = book.add_worksheet();
        let mut name = table.sheet_name(index);
        // Two tables of the same title would be refused as one sheet name used twice.
        if used_names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" ({})", index + 1);
            let room = SHEET_NAME_LIMIT - suffix.chars().count();
            name = name.chars().take(room).collect::<String>() + &suffix;
        }
        sheet.set_name(&name)?;
        used_names.push(name);
        for (col, title) in table.columns.iter().enumerate() {
            let col = col as u16;
            sheet.write_string_with_format(0, col, title, &header)?;
            let widest = table
                .rows
                .iter()
                .filter_map(|row| row.get(col as usize))
                .map(|cell| display_width(&cell.display()))
                .chain([display_width(title)])
                .max()
                .unwrap_or(8);
            sheet.set_column_width(col, (widest as f64 + 2.0).clamp(6.0, 60.0))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) => {
                        sheet.write_string(r, c, text)?;
                    }
                    Cell::Int(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n)?;
                    }
                    Cell::Date(d) => {
                        sheet.write_datetime_with_format(r, c, d, &date)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}

/// How many columns a text takes in a spreadsheet: Chinese characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum::<usize>()
        .min(60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn sample() -> Table {
        let mut table = Table::new("Activities: by kind", &["Kind", "Count", "Share", "First"]);
        table.push(vec![
            "来访".into(),
            Cell::Int(12),
            Cell::Number(0.25),
            NaiveDate::from_ymd_opt(2023, 11, 17).unwrap().into(),
        ]);
        table.push(vec![
            "出访, \"abroad\"".into(),
            Cell::Int(3),
            Cell::Empty,
            Cell::Empty,
        ]);
        table
    }

    #[test]
    fn a_workbook_keeps_numbers_as_numbers_and_dates_as_dates() {
        let bytes = workbook(&[sample(), sample()]).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let names = book.sheet_names();
        assert_eq!(names, vec!["Activities by kind", "Activities by kind (2)"]);
        let range = book.worksheet_range("Activities by kind").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("Kind".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("来访".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(12.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(0.25)));
        assert!(
            matches!(range.get((1, 3)), Some(Data::DateTime(d)) if d.as_f64() == 45247.0),
            "{:?}",
            range.get((1, 3))
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_starts_with_a_byte_order_mark() {
        let bytes = sample().to_csv().unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows[0], vec!["来访", "12", "0.25", "2023-11-17"]);
        assert_eq!(rows[1], vec!["出访, \"abroad\"", "3", "", ""]);
    }

    #[test]
    fn csv_texts_that_a_spreadsheet_would_run_as_formulas_are_quoted_and_numbers_kept() {
        let mut table = Table::new("People", &["=name", "Count"]);
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "=cmd|' /C calc'!A0",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            table.push(vec![text.into(), Cell::Int(-5)]);
        }
        table.push(vec!["Wu Wanxiong = host".into(), Cell::Number(-0.5)]);
        let bytes = table.to_csv().unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..]);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows[0], ["'=name", "Count"]);
        for row in &rows[1..8] {
            assert!(row[0].starts_with('\''), "{row:?}");
            assert_eq!(row[1], "-5");
        }
        assert_eq!(rows[1][0], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(rows[8], ["Wu Wanxiong = host", "-0.5"]);
        let xlsx = workbook(&[table]).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
        let range = book.worksheet_range("People").unwrap();
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into()))
        );
    }
}
