//! The domain's errors: what went wrong, in words the office understands.

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one field of a submitted record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the submitted document, such as `participants[2].role`.
    pub field: String,
    /// A stable code a user interface can translate, such as `required` or `too_long`.
    pub code: String,
    /// The problem in English.
    pub message: String,
    /// The value at fault (the number of a missing record, a key in use), so that a message
    /// in another language can name it without quoting the English one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// All problems found in one submission; validation reports every one, not only the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            value: None,
        });
    }

    /// Adds a problem that names the value at fault.
    pub fn add_with_value(
        &mut self,
        field: impl Into<String>,
        code: &str,
        message: impl Into<String>,
        value: impl Into<String>,
    ) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            value: Some(value.into()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves every error of `other` under the prefix `prefix`, as in `participants[0].`.
    pub fn extend_under(&mut self, prefix: &str, other: FieldErrors) {
        for e in other.0 {
            let field = if e.field.is_empty() {
                prefix.to_owned()
            } else if e.field.starts_with('[') {
                format!("{prefix}{}", e.field)
            } else {
                format!("{prefix}.{}", e.field)
            };
            self.0.push(FieldError { field, ..e });
        }
    }

    /// `Ok(())` when nothing was found, the errors otherwise.
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

/// What a domain operation can refuse to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },
    #[error("the submission has {} problem(s)", .0.0.len())]
    Invalid(FieldErrors),
    /// The user's role does not allow it.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Someone else saved the record first, or the change would break a link other records rely on.
    #[error("{message}")]
    Conflict {
        message: String,
        /// The record as it is now, so the user can compare it with their own version.
        current: Option<serde_json::Value>,
    },
}

impl Error {
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub fn invalid(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, code, message);
        Error::Invalid(errors)
    }
}
