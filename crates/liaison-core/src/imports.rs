//! Spreadsheet imports: the state of one uploaded file on its way from upload through preview
//! to saving. Which records a spreadsheet may bring in, and its columns, each kind declares
//! (`Kind::import`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ImportReport, RecordKind};

/// Where an uploaded file is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Read; its columns wait to be matched to fields.
    Uploaded,
    /// Every row is being read into a record and checked; nothing is written.
    Checking,
    /// Checked: every row's problems are known.
    Checked,
    /// Being saved, all rows in one transaction.
    Committing,
    /// Saved.
    Committed,
    /// Saving was refused; nothing was saved.
    Failed,
}

impl ImportStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ImportStatus::Uploaded => "uploaded",
            ImportStatus::Checking => "checking",
            ImportStatus::Checked => "checked",
            ImportStatus::Committing => "committing",
            ImportStatus::Committed => "committed",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<ImportStatus> {
        [
            ImportStatus::Uploaded,
            ImportStatus::Checking,
            ImportStatus::Checked,
            ImportStatus::Committing,
            ImportStatus::Committed,
            ImportStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether work on the file is under way, so its page keeps refreshing.
    pub fn is_running(&self) -> bool {
        matches!(self, ImportStatus::Checking | ImportStatus::Committing)
    }
}

/// One row of an uploaded file: its line in the file (the header is line 1) and its cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: i64,
    pub cells: Vec<String>,
}

/// One problem of one row, found before anything is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The row's line in the file.
    pub line: i64,
    /// The field at fault, such as `country`; `None` for the row as a whole.
    pub field: Option<String>,
    /// A stable code a user interface can translate, such as `required` or `not_found`.
    pub code: String,
    /// The problem in English, naming the value at fault.
    pub message: String,
}

/// An uploaded file and what has been done with it, without its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub id: i64,
    /// The user who uploaded it; nobody else sees it.
    pub user_id: i64,
    /// A kind that declares how a spreadsheet brings it in.
    pub kind: RecordKind,
    pub file_name: String,
    pub header: Vec<String>,
    /// For each column, the field it fills, or `None` when it is left out.
    pub mapping: Vec<Option<String>>,
    pub status: ImportStatus,
    pub row_count: i64,
    /// Rows checked so far while checking.
    pub progress: i64,
    pub problems: Vec<RowProblem>,
    /// What saving did, once saved.
    pub report: Option<ImportReport>,
    /// Why saving was refused, naming the row.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
