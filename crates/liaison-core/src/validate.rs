//! Small checks shared by every record's validation, collecting errors instead of stopping at one.

use crate::error::FieldErrors;

pub use crate::limits::{MAX_LINE, MAX_TEXT};

/// Trims a text field; an empty result becomes `None`.
pub fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Checks the length of a single-line text and that it has no line breaks or U+0000.
pub fn line(errors: &mut FieldErrors, field: &str, value: &Option<String>) {
    if let Some(v) = value {
        crate::limits::nul(errors, field, v);
        let n = v.chars().count();
        if n > MAX_LINE {
            errors.add(
                field,
                "too_long",
                format!("must be at most {MAX_LINE} characters (it has {n})"),
            );
        }
        if v.contains(['\n', '\r']) {
            errors.add(field, "single_line", "must be a single line");
        }
    }
}

/// Checks the length of a free text and that it has no U+0000.
pub fn text(errors: &mut FieldErrors, field: &str, value: &Option<String>) {
    if let Some(v) = value {
        crate::limits::nul(errors, field, v);
        let n = v.chars().count();
        if n > MAX_TEXT {
            errors.add(
                field,
                "too_long",
                format!("must be at most {MAX_TEXT} characters (it has {n})"),
            );
        }
    }
}

/// A record named in several languages needs a name in at least one of Chinese and English.
pub fn names(errors: &mut FieldErrors, zh_field: &str, zh: &Option<String>, en: &Option<String>) {
    line(errors, zh_field, zh);
    line(errors, &zh_field.replace("_zh", "_en"), en);
    if zh.is_none() && en.is_none() {
        errors.add(
            zh_field,
            "required",
            "a name in Chinese or in English is required",
        );
    }
}

/// Checks a list of short texts such as tags: at most [`crate::limits::MAX_LIST`] of them,
/// each one a non-empty line, no duplicates (found in one pass, so a long list costs no more
/// than its length).
pub fn lines(errors: &mut FieldErrors, field: &str, values: &[String]) {
    crate::limits::list(errors, field, values.len());
    if values.len() > crate::limits::MAX_LIST {
        return;
    }
    for (i, v) in values.iter().enumerate() {
        let path = format!("{field}[{i}]");
        if v.trim().is_empty() {
            errors.add(&path, "required", "must not be empty");
        }
        line(errors, &path, &Some(v.clone()));
    }
    crate::limits::duplicates(
        errors,
        field,
        values,
        |v| Some(v.trim()),
        |v| format!("'{}' is listed twice", v.trim()),
    );
}

/// Trims every entry of a list of short texts.
pub fn clean_lines(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.trim().to_owned()).collect()
}

/// A submitted record that can tidy itself (trim texts) and report what is wrong with it.
pub trait Validate: Sized {
    /// Cleans the record in place and adds every problem found to `errors`.
    fn check(&mut self, errors: &mut FieldErrors);

    /// The cleaned record, or every problem found in it.
    fn validated(mut self) -> Result<Self, crate::Error> {
        let mut errors = FieldErrors::new();
        self.check(&mut errors);
        errors.into_result().map(|_| self)
    }
}

/// Checks a nested record under a path prefix such as `participants[0].person`.
pub fn nested<T: Validate>(errors: &mut FieldErrors, prefix: &str, record: &mut T) {
    let mut inner = FieldErrors::new();
    record.check(&mut inner);
    errors.extend_under(prefix, inner);
}

/// Checks a reference: a link needs nothing more, a new record is checked like any other.
pub fn reference<T: Validate>(
    errors: &mut FieldErrors,
    prefix: &str,
    reference: &mut Option<crate::Ref<T>>,
) {
    if let Some(crate::Ref::New(record)) = reference {
        nested(errors, prefix, record.as_mut());
    }
}

/// Checks an optional import key.
pub fn key(errors: &mut FieldErrors, key: &Option<String>) {
    if let Some(k) = key
        && let Err(message) = crate::values::check_key(k)
    {
        errors.add("key", "invalid", message);
    }
}

/// Trims each of the given optional texts, turning empty ones into `None`.
pub fn clean_all(fields: &mut [&mut Option<String>]) {
    for field in fields.iter_mut() {
        **field = clean(field);
    }
}
