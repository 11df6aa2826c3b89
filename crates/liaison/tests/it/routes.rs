//! Every route of the router, walked: each form refuses a request without its session's token,
//! and the API serves exactly what its OpenAPI document describes.

use std::collections::BTreeSet;

use crate::common::{PageClient, TestApp};
use liaison_core::{Actor, ImportRow, NewsLanguage, PERSON, PageRequest, UserRole};
use serde_json::{Value, json};

on_both_databases!(
    every_form_is_refused_without_the_session_token_and_changes_nothing,
    a_session_cookie_changes_nothing_through_the_api_without_the_token_header,
    every_api_route_is_in_the_openapi_document_and_every_documented_path_is_served,
    the_openapi_document_is_valid_and_describes_refusals_and_bounds,
    a_path_naming_no_record_is_the_not_found_page_in_the_users_language,
);

/// The routes of the pages that change something: everything but plain reads, outside the API.
fn page_writes() -> Vec<(String, String)> {
    liaison_web::routes()
        .into_iter()
        .filter(|(method, path)| !method.is_safe() && !path.starts_with("/api/"))
        .map(|(method, path)| (method.as_str().to_owned(), path))
        .collect()
}

/// What the walk could change: the audit log, the admin's account, feeds, import and news
/// release, and whether the session still works.
async fn everything(app: &TestApp, page: &PageClient, admin: &Actor, ids: &Ids) -> String {
    let store = &app.db.store;
    let audit = store
        .list_audit(
            admin,
            &Default::default(),
            &PageRequest::parse(None, None, None, liaison_core::audit::AUDIT_SORTS, true).unwrap(),
        )
        .await
        .unwrap();
    let user = store.get_user(admin.user_id.unwrap()).await.unwrap();
    let feeds = store.calendar_feeds(admin).await.unwrap();
    let tokens = store
        .api_tokens(admin, Some(&admin.username))
        .await
        .unwrap();
    let import = store.get_import(admin, ids.import).await.unwrap();
    let news = store
        .news_release(ids.activity, NewsLanguage::Zh)
        .await
        .unwrap();
    let signed_in = page.get("/units").await.0;
    format!(
        "audit entries {}\n{user:?}\n{feeds:?}\n{tokens:?}\n{:?} {:?}\n{news:?}\nsigned in {signed_in}",
        audit.total, import.status, import.mapping
    )
}

/// Records the walk fills the `{id}` of each path with.
struct Ids {
    activity: i64,
    calendar: i64,
    import: i64,
    token: i64,
    user: i64,
}

/// An existing record of the collection an API path lists, such as `/api/v1/gifts`.
async fn first_of(app: &TestApp, collection: &str) -> i64 {
    let (status, body) = app.get(&format!("/api/v1/{collection}?per_page=1")).await;
    assert_eq!(status, 200, "{collection}");
    body["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no {collection} to fill a path with: {body}"))
}

/// The path with its parameters filled by records that exist, so that a form the token check
/// let through would find something to change.
async fn filled(app: &TestApp, ids: &Ids, path: &str) -> String {
    if !path.contains('{') {
        return path.to_owned();
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = match segments[0] {
        "calendars" => ids.calendar,
        "account" => ids.token,
        "import" => ids.import,
        "admin" => ids.user,
        "activities" => ids.activity,
        collection => first_of(app, collection).await,
    };
    let mut filled = path.replace("{id}", &id.to_string());
    filled = filled.replace("{language}", "zh");
    if filled.contains("{file}") {
        // A file of the record, kept for the walk.
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 walked".to_vec()).file_name("walked.pdf"),
        );
        let kept: serde_json::Value = app
            .client
            .post(app.url(&format!("/api/v1/{}/{id}/files", segments[0])))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        filled = filled.replace("{file}", &kept[0]["id"].to_string());
    }
    assert!(
        !filled.contains('{'),
        "a path parameter this walk does not know how to fill: {path}"
    );
    filled
}

async fn every_form_is_refused_without_the_session_token_and_changes_nothing(app: TestApp) {
    app.load_demo().await;
    let (status, body) = app
        .post(
            "/api/v1/agreements",
            &json!({"kind": "mou", "title_en": "Walked MoU", "partners": ["org-lftu"]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // A trip application for the trip pages' forms.
    let (status, person) = app
        .post(
            "/api/v1/people",
            &json!({"name_en": "Walked Teacher", "category": "internal"}),
        )
        .await;
    assert_eq!(status, 201, "{person}");
    let (status, body) = app
        .post(
            "/api/v1/trips",
            &json!({"trip_type": "research", "title_en": "Walked trip", "funding": "university",
                    "destinations": [{"country": "LA", "city": "Vientiane",
                                      "arrive": "2026-05-10", "leave": "2026-05-12"}],
                    "members": [{"person_id": person["id"], "leader": true}]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // A document in the cabinet for the passport pages' forms.
    let (status, body) = app
        .post(
            "/api/v1/passports",
            &json!({"kind": "official_passport", "holder": person["id"], "number": "SE0000001",
                    "expires_on": "2031-01-31"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let page = app.sign_in("walker", UserRole::Admin, None, "en").await;
    let setup = Actor::command_line("test setup");
    let user = app
        .db
        .store
        .list_users(
            &setup,
            &PageRequest::parse(None, Some(200), None, &["username"], false).unwrap(),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|u| u.username == "walker")
        .unwrap();
    let admin = user.actor(None);
    let feed = app
        .db
        .store
        .create_calendar_feed(&admin, "mine", None, &"f".repeat(64))
        .await
        .unwrap();
    let import = app
        .db
        .store
        .create_import(
            &admin,
            PERSON,
            "people.csv",
            &["Name (English)".to_owned()],
            &[ImportRow {
                line: 2,
                cells: vec!["Somebody".to_owned()],
            }],
            &[Some("name_en".to_owned())],
        )
        .await
        .unwrap();
    let token = app
        .db
        .store
        .create_api_token(&admin, "walker", "script", &"t".repeat(64))
        .await
        .unwrap();
    let ids = Ids {
        activity: first_of(&app, "activities").await,
        calendar: feed.id,
        import,
        token: token.id,
        user: user.id,
    };
    let writes = page_writes();
    assert!(writes.len() >= 20, "the walk found the forms: {writes:?}");
    // Every path is filled first: a record's file is kept for the walk, a change of its own.
    let mut addresses = Vec::new();
    for (_, path) in &writes {
        addresses.push(format!("{}{}", app.address, filled(&app, &ids, path).await));
    }
    let before = everything(&app, &page, &admin, &ids).await;
    for ((method, path), address) in writes.iter().zip(&addresses) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        // The fields of a form that would otherwise be saved: a language, a unit, a mapping.
        let fields = [
            ("lang", "zh"),
            ("kind", "school"),
            ("name_en", "Walked"),
            ("column-0", "name_en"),
        ];
        for token in [None, Some("forged")] {
            let mut form: Vec<(&str, &str)> = fields.to_vec();
            if let Some(token) = token {
                form.push(("csrf", token));
            }
            let response = page
                .client
                .request(method.clone(), address.as_str())
                .form(&form)
                .send()
                .await
                .unwrap();
            let (status, html, _) = crate::common::answer(response).await;
            assert_eq!(status, 403, "{method} {path} with token {token:?}");
            let expected = if path == "/login" {
                "The sign-in form had expired"
            } else {
                "The form had expired"
            };
            assert!(html.contains(expected), "{method} {path}: {html}");
        }
    }
    assert_eq!(
        everything(&app, &page, &admin, &ids).await,
        before,
        "a refused form changed something"
    );
    // The same forms with the token are let through: the walk is able to change things.
    let (status, _, _) = page
        .post("/language", &[("lang", "zh"), ("back", "/")])
        .await;
    assert_eq!(status, 303);
    assert_ne!(everything(&app, &page, &admin, &ids).await, before);
}

async fn a_session_cookie_changes_nothing_through_the_api_without_the_token_header(app: TestApp) {
    let page = app.sign_in("cookie", UserRole::Admin, None, "en").await;
    let unit = json!({"name_en": "By cookie"});
    let url = app.url("/api/v1/units");
    // Reading with the cookie alone is fine: a page of another site cannot read the answer.
    let read = page.client.get(&url).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let refused = page.client.post(&url).json(&unit).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    let forged = page
        .client
        .post(&url)
        .header("x-csrf-token", "forged")
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let (_, units) = app.get("/api/v1/units").await;
    assert_eq!(units["total"], 0, "nothing was saved: {units}");
    let allowed = page
        .client
        .post(&url)
        .header("x-csrf-token", &page.csrf)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 201);
    // A bearer token is never sent by a browser on its own, and needs no header.
    let (status, _) = app
        .post("/api/v1/units", &json!({"name_en": "By token"}))
        .await;
    assert_eq!(status, 201);
}

async fn every_api_route_is_in_the_openapi_document_and_every_documented_path_is_served(
    app: TestApp,
) {
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    let routed: BTreeSet<(String, String)> = liaison_web::routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .map(|(method, path)| (method.as_str().to_ascii_lowercase(), path))
        .collect();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    ["get", "put", "post", "delete", "patch", "head", "options"]
                        .contains(&k.as_str())
                })
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        routed.len() >= 30,
        "the API's routes were found: {routed:?}"
    );
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routed, not documented: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(unrouted.is_empty(), "documented, not routed: {unrouted:?}");
}

/// Every `$ref` in `value`, with where it was found.
fn references(value: &Value, at: String, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref"
                    && let Value::String(target) = inner
                {
                    found.push((at.clone(), target.clone()));
                }
                references(inner, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                references(inner, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

async fn the_openapi_document_is_valid_and_describes_refusals_and_bounds(app: TestApp) {
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    // It reads as an OpenAPI 3.1 document, and every reference in it names a schema it defines.
    let spec = oas3::from_json(doc.to_string()).expect("an OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let mut found = Vec::new();
    references(&doc, String::new(), &mut found);
    assert!(
        found.len() > 100,
        "the walk found the references: {found:?}"
    );
    for (at, target) in &found {
        let reference = oas3::spec::ObjectOrReference::<oas3::spec::Schema>::Ref {
            ref_path: target.clone(),
            summary: None,
            description: None,
        };
        assert!(
            reference.resolve(&spec).is_ok(),
            "{at} refers to {target}, which the document does not define"
        );
    }
    let mut operations = 0;
    for (path, method, operation) in spec.operations() {
        let answers = operation.responses(&spec);
        let name = format!("{method} {path}");
        assert!(
            operation.parameters(&spec).is_ok() && operation.request_body(&spec).is_ok(),
            "{name}"
        );
        if !path.starts_with("/api/v1/") {
            continue;
        }
        operations += 1;
        let mut expected = vec!["401", "403", "422"];
        if method != "GET" {
            expected.extend(["409", "503"]);
        }
        if operation.request_body.is_some() {
            expected.push("400");
        }
        if path.contains('{') {
            expected.push("404");
        }
        for status in expected {
            assert!(
                answers.contains_key(status),
                "{name} does not describe {status}"
            );
        }
        assert!(
            answers.keys().any(|status| status.starts_with('2')),
            "{name} describes no success"
        );
    }
    assert!(operations >= 40, "{operations} operations");

    // The bounds of paging and of years, as the handlers hold them.
    let parameter = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))["schema"]
            .clone()
    };
    for path in ["/api/v1/activities", "/api/v1/people", "/api/v1/audit"] {
        let page = parameter(path, "page");
        assert_eq!(
            (&page["minimum"], &page["maximum"]),
            (&json!(1), &json!(10_000))
        );
        let per_page = parameter(path, "per_page");
        assert_eq!(
            (&per_page["minimum"], &per_page["maximum"]),
            (&json!(1), &json!(liaison_core::MAX_PER_PAGE))
        );
    }
    for path in ["/api/v1/activities", "/api/v1/review", "/api/v1/gifts"] {
        let year = parameter(path, "year");
        assert_eq!(
            (&year["minimum"], &year["maximum"]),
            (&json!(1900), &json!(2200))
        );
    }
}

async fn a_path_naming_no_record_is_the_not_found_page_in_the_users_language(app: TestApp) {
    let page = app.sign_in("reader", UserRole::Admin, None, "zh").await;
    let reads: Vec<String> = liaison_web::routes()
        .into_iter()
        .filter(|(method, path)| method.is_safe() && path.contains("{id}"))
        .filter(|(_, path)| !path.starts_with("/api/"))
        .map(|(_, path)| path)
        .collect();
    assert!(reads.len() >= 15, "the walk found the pages: {reads:?}");
    for path in &reads {
        // Not a number, not a record number, and a number no record has.
        for id in ["abc", "0", "-4", "99999"] {
            let address = path.replace("{id}", id).replace("{language}", "zh");
            let (status, html) = page.get(&address).await;
            assert_eq!(status, 404, "{address}");
            assert!(html.contains("未找到"), "{address}: {html}");
            assert!(
                html.contains("reader display"),
                "{address} is drawn for the signed-in user: {html}"
            );
        }
    }
}
