//! Spreadsheet imports: which records a spreadsheet may bring in, the columns each accepts, and
//! the state of one uploaded file on its way from upload through preview to saving.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::kind::Import;
use crate::{ACTIVITY, ImportReport, ORGANIZATION, PERSON, RecordKind};

/// The records a spreadsheet may create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Organizations,
    People,
    Activities,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [
        ImportKind::Organizations,
        ImportKind::People,
        ImportKind::Activities,
    ];

    /// The name in addresses and in the database, which is also the record list's path.
    pub fn as_str(&self) -> &'static str {
        match self {
            ImportKind::Organizations => "organizations",
            ImportKind::People => "people",
            ImportKind::Activities => "activities",
        }
    }

    pub fn parse(text: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    pub fn record_kind(&self) -> RecordKind {
        match self {
            ImportKind::Organizations => ORGANIZATION,
            ImportKind::People => PERSON,
            ImportKind::Activities => ACTIVITY,
        }
    }

    /// The columns a spreadsheet of this kind may have, in the template's order, as its kind
    /// declares them.
    pub fn fields(&self) -> &'static [&'static str] {
        self.import().columns
    }

    /// The columns a row cannot do without.
    pub fn required(&self) -> &'static [&'static str] {
        self.import().required
    }

    fn import(&self) -> Import {
        self.record_kind()
            .import
            .expect("every kind a spreadsheet imports declares its columns")
    }
}

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
    pub kind: ImportKind,
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
