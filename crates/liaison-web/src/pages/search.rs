//! The search page: one box for every kind of record, results grouped by kind, matches marked.

use askama::Template;
use axum::extract::{RawQuery, State};
use liaison_search::{RecordKind, SearchRequest, Segment};

use super::forms::{Reader, Values};
use super::{Field, PageResult, Ui, render};
use crate::AppState;

#[derive(Debug, Clone, Default)]
pub struct GroupLink {
    pub label: String,
    pub count: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Hit {
    pub title: String,
    pub href: String,
    pub meta: String,
    pub snippet: Vec<Segment>,
    /// The record's files found by their name or caption: (name, address, caption).
    pub files: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchView {
    pub filters: Vec<Field>,
    pub notice: Option<String>,
    pub groups: Vec<GroupLink>,
    pub hits: Vec<Hit>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    ui: &'a Ui,
    view: &'a SearchView,
}

pub async fn show(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> PageResult {
    let query = Values::from_query(raw.as_deref());
    let t = &ui.t;
    let mut reader = Reader::default();
    let request = SearchRequest {
        q: query.text("q"),
        entity: query
            .text("type")
            .and_then(|e| RecordKind::parse(&e))
            .filter(|k| k.search.is_some()),
        kind: None,
        year: reader.parse(&query, "year", "a year"),
        country: query.text("country"),
        page: query.text("page").and_then(|p| p.parse().ok()),
        per_page: Some(20),
    };
    let results = state.store.search(&request).await?;
    let filters = vec![
        Field::new("search", "q", t.get("search-words"), query.get("q")),
        Field::new("number", "year", t.get("field-year"), query.get("year")),
        crate::pages::kinds::country_field(&ui, &query, "country"),
    ];
    let notice = if !reader.errors.is_empty() {
        Some(t.get("filter-invalid"))
    } else if request.q.is_none() {
        Some(t.get("search-hint"))
    } else if results.terms.is_empty() {
        Some(t.get("search-no-words"))
    } else if results.total == 0 {
        Some(t.args(
            "search-nothing",
            &[("q", request.q.clone().unwrap_or_default())],
        ))
    } else {
        Some(t.args(
            "search-found",
            &[
                ("total", t.number(results.total)),
                ("terms", results.terms.join(" · ")),
            ],
        ))
    };
    let mut groups = Vec::new();
    if !results.counts.is_empty() {
        let all: i64 = results.counts.iter().map(|c| c.count).sum();
        groups.push(GroupLink {
            label: t.get("search-all"),
            count: t.number(all),
            href: query.link(
                "/search",
                &[("type", String::new()), ("page", String::new())],
            ),
            current: request.entity.is_none(),
        });
        for c in &results.counts {
            groups.push(GroupLink {
                label: t.value("search-type", c.entity.as_str()),
                count: t.number(c.count),
                href: query.link(
                    "/search",
                    &[
                        ("type", c.entity.as_str().to_owned()),
                        ("page", String::new()),
                    ],
                ),
                current: request.entity == Some(c.entity),
            });
        }
    }
    let hits = results
        .items
        .into_iter()
        .map(|hit| {
            let mut meta = vec![t.value("search-type", hit.entity.as_str())];
            meta.extend(
                hit.kind
                    .as_deref()
                    .zip(hit.entity.categories)
                    .map(|(k, prefix)| t.value(prefix, k)),
            );
            meta.extend(hit.year.map(|y| y.to_string()));
            let href = format!("/{}/{}", hit.entity.path, hit.id);
            Hit {
                files: hit
                    .files
                    .into_iter()
                    .map(|f| (f.name, format!("{href}/files/{}", f.id), f.caption))
                    .collect(),
                title: hit.title,
                href,
                meta: meta.join(" · "),
                snippet: hit.snippet,
            }
        })
        .collect();
    let pages = (results.total + results.per_page - 1) / results.per_page;
    let view = SearchView {
        filters,
        notice,
        groups,
        hits,
        prev: (results.page > 1)
            .then(|| query.link("/search", &[("page", (results.page - 1).to_string())])),
        next: (results.page < pages)
            .then(|| query.link("/search", &[("page", (results.page + 1).to_string())])),
    };
    Ok(render(&SearchTemplate {
        ui: &ui,
        view: &view,
    }))
}
