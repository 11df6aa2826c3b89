//! What every operation of the OpenAPI document shares: the answers any of them may give, the
//! bounds of the paging and year parameters, and a name of its own, added once to every
//! operation instead of being repeated beside each handler.

use std::collections::HashMap;

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Type};

use liaison_core::MAX_PER_PAGE;

/// The highest page a list serves: 10,000 pages of the largest page are a million rows.
pub const MAX_PAGE: i64 = 10_000;
/// The years a list filter and the annual review accept.
pub const YEARS: (i64, i64) = (1900, 2200);

/// Adds to every operation of `/api/v1` the answers the layers in front of its handler and the
/// handler's extractors give, and the bounds of `page`, `per_page` and `year`; and names each
/// operation uniquely.
pub struct SharedAnswers;

impl utoipa::Modify for SharedAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
        name_uniquely(openapi);
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let names_a_record = path.contains('{');
            for (method, operation) in operations(item) {
                let changes = method != "get";
                add(operation, "401", "No valid session or API token was sent.");
                add(
                    operation,
                    "403",
                    "The user's role may not do this, or a change signed in with the session \
                     cookie did not send the session's token in the X-CSRF-Token header.",
                );
                if names_a_record {
                    add(operation, "404", "No record has this number.");
                }
                add(
                    operation,
                    "422",
                    "A parameter or a field of the body is out of range or of the wrong kind; \
                     `fields` names each one.",
                );
                if changes {
                    add(
                        operation,
                        "409",
                        "The record was changed by someone else since the version sent (the \
                         answer carries it as `current`), or other records still refer to it.",
                    );
                    add_busy(operation);
                }
                if operation.request_body.is_some() {
                    add(
                        operation,
                        "400",
                        "The body is not JSON, or not sent as application/json.",
                    );
                }
                bound_parameters(operation);
            }
        }
    }
}

/// Names by its method and path each operation whose handler's name another operation's
/// handler has too (the trips' and the passports' lists are each a `list`), so that every name
/// is its own, as clients generated from the document need.
fn name_uniquely(openapi: &mut OpenApi) {
    let mut uses: HashMap<String, usize> = HashMap::new();
    for item in openapi.paths.paths.values_mut() {
        for (_, operation) in operations(item) {
            if let Some(id) = &operation.operation_id {
                *uses.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            let shared = |id: &String| uses.get(id).is_some_and(|n| *n > 1);
            if operation.operation_id.as_ref().is_none_or(shared) {
                let words = path
                    .trim_start_matches("/api/v1/")
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty());
                let name: Vec<&str> = std::iter::once(method).chain(words).collect();
                operation.operation_id = Some(name.join("_"));
            }
        }
    }
}

/// The operations of a path, with their methods.
fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
    .collect()
}

/// Documents an error answer with the common error body, unless the operation describes that
/// status itself.
fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error_response(description).into());
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// A write that waited its turn longer than the write wait is refused with 503 and
/// `Retry-After`, and saves nothing.
fn add_busy(operation: &mut Operation) {
    let mut response = error_response(
        "The database was busy with other changes; nothing was saved. Send the request again \
         after the seconds of Retry-After.",
    );
    response.headers.insert(
        "Retry-After".to_owned(),
        HeaderBuilder::new()
            .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some("Seconds to wait before sending the request again."))
            .build(),
    );
    operation
        .responses
        .responses
        .entry("503".to_owned())
        .or_insert_with(|| response.into());
}

/// Sets the bounds the handlers hold `page`, `per_page` and `year` to.
fn bound_parameters(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        let (minimum, maximum) = match parameter.name.as_str() {
            "page" => (1, MAX_PAGE),
            "per_page" => (1, MAX_PER_PAGE),
            "year" => YEARS,
            _ => continue,
        };
        if let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() {
            schema.minimum = Some(minimum.into());
            schema.maximum = Some(maximum.into());
        }
    }
}
