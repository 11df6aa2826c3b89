//! The record number in a page's path, read once for every page that shows or changes a record.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use super::PageError;

/// The record number `{id}` in a page's path: a positive whole number, or the page saying that
/// nothing is found there, in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId(pub i64);

impl RecordId {
    /// A record number as written in a path.
    pub fn parse(text: &str) -> Option<RecordId> {
        text.parse::<i64>().ok().filter(|id| *id > 0).map(RecordId)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        params
            .iter()
            .find(|(name, _)| *name == "id")
            .and_then(|(_, value)| RecordId::parse(value))
            .ok_or(PageError::NotFound)
    }
}

/// The file number `{file}` in the path of a record's file, read as [`RecordId`] reads `{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for FileId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        params
            .iter()
            .find(|(name, _)| *name == "file")
            .and_then(|(_, value)| RecordId::parse(value))
            .map(|RecordId(id)| FileId(id))
            .ok_or(PageError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::RecordId;

    #[test]
    fn a_record_number_is_a_positive_whole_number() {
        assert_eq!(RecordId::parse("42"), Some(RecordId(42)));
        for not_a_record in ["0", "-3", "4.5", "abc", "", "99999999999999999999", " 7"] {
            assert_eq!(RecordId::parse(not_a_record), None, "{not_a_record:?}");
        }
    }
}
