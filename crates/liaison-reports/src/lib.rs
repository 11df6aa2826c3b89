//! Liaison's files: the tables and documents the office circulates, written as xlsx workbooks,
//! docx documents, csv and iCalendar, and spreadsheets read back for import.
//!
//! Everything here is pure: records and figures in, bytes out (or bytes in, rows out). What a
//! file holds is decided by the callers, which describe it as [`Table`]s and [`Document`]s.

mod calendar;
mod document;
pub mod import;
mod table;

pub use calendar::{CalendarEvent, ics};
pub use document::{Block, Document, Picture};
pub use table::{Cell, Table};

/// Why a file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the document could not be written: {0}")]
    Docx(String),
    #[error("the csv file could not be written: {0}")]
    Csv(#[from] csv::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use table::workbook;
