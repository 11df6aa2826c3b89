//! What every stored record carries: its number, key, version and timestamps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The bookkeeping fields of a stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Meta {
    pub id: i64,
    /// The importer's stable name for the record, if it has one.
    pub key: Option<String>,
    /// Increases by one with every saved change; an update must name the version it started from.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of a list, with the total so a user interface can show "1–50 of 1,234".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The most rows one page may hold.
pub const MAX_PER_PAGE: i64 = 200;
/// Rows on a page unless asked otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;

/// Paging and sorting asked of a list, with every value already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
    /// One of the sort keys the list offers.
    pub sort: String,
    pub descending: bool,
}

impl PageRequest {
    /// Checks `page`, `per_page` and `sort` (a field name, `-` in front for newest or largest
    /// first) against the sort keys a list offers; the first of them is the default.
    pub fn parse(
        page: Option<i64>,
        per_page: Option<i64>,
        sort: Option<&str>,
        allowed: &[&str],
        default_descending: bool,
    ) -> Result<Self, crate::Error> {
        let mut errors = crate::FieldErrors::new();
        let page = page.unwrap_or(1);
        if !(1..=crate::limits::MAX_PAGE).contains(&page) {
            errors.add(
                "page",
                "out_of_range",
                format!("must be between 1 and {}", crate::limits::MAX_PAGE),
            );
        }
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.add(
                "per_page",
                "out_of_range",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            );
        }
        let (sort, descending) = match sort.map(str::trim).filter(|s| !s.is_empty()) {
            None => (allowed[0].to_owned(), default_descending),
            Some(s) => {
                let (name, desc) = match s.strip_prefix('-') {
                    Some(rest) => (rest, true),
                    None => (s, false),
                };
                if !allowed.contains(&name) {
                    errors.add(
                        "sort",
                        "unknown",
                        format!(
                            "cannot sort by '{name}'; choose one of {}",
                            allowed.join(", ")
                        ),
                    );
                }
                (name.to_owned(), desc)
            }
        };
        errors.into_result()?;
        Ok(PageRequest {
            page,
            per_page,
            sort,
            descending,
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_to_the_first_page_sorted_by_the_first_key() {
        let p = PageRequest::parse(None, None, None, &["start", "title"], true).unwrap();
        assert_eq!(
            (p.page, p.per_page, p.sort.as_str(), p.descending),
            (1, 50, "start", true)
        );
        assert_eq!(p.offset(), 0);
    }

    #[test]
    fn paging_refuses_unknown_sort_keys_and_out_of_range_pages() {
        let err = PageRequest::parse(Some(0), Some(1000), Some("-password"), &["start"], true)
            .unwrap_err();
        let crate::Error::Invalid(errors) = err else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page", "sort"]);
    }
}
