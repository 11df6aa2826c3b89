//! Official passports and permits through the API and the pages: the office records, hands out
//! and takes back documents; each role sees what it may; the cabinet, the holder's page and the
//! hand-over receipt.

use liaison_core::UserRole;
use serde_json::{Value, json};

use crate::common::TestApp;

on_both_databases!(
    the_office_keeps_a_document_and_each_role_sees_only_what_it_may_through_the_api,
    the_passport_routes_are_in_the_openapi_document,
    the_cabinet_the_holders_page_and_the_receipt_are_drawn_in_both_languages,
    the_office_changes_a_document_in_the_browser_and_its_number_stays_as_it_was,
);

fn today() -> chrono::NaiveDate {
    liaison_web::clock::china_today()
}

fn after(days: u64) -> String {
    (today() + chrono::Days::new(days)).to_string()
}

async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let request = match method {
        "GET" => client.get(app.url(path)),
        "PUT" => client.put(app.url(path)),
        _ => client.post(app.url(path)),
    };
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The School of Marine Science and its teacher Li Na, with her official passport in the
/// cabinet; a School of Law.
struct Cabinet {
    marine: i64,
    law: i64,
    li_na: i64,
    passport: Value,
}

async fn cabinet(app: &TestApp) -> Cabinet {
    let (_, marine) = app
        .post("/api/v1/units", &json!({"key": "marine", "name_zh": "海洋科学学院", "name_en": "School of Marine Science"}))
        .await;
    let (_, law) = app
        .post(
            "/api/v1/units",
            &json!({"key": "law", "name_zh": "法学院", "name_en": "School of Law"}),
        )
        .await;
    let (status, li_na) = app
        .post(
            "/api/v1/people",
            &json!({"key": "li-na", "name_zh": "李娜", "name_en": "Li Na", "category": "internal",
                    "unit": "marine", "position": "Professor"}),
        )
        .await;
    assert_eq!(status, 201, "{li_na}");
    let (status, passport) = app
        .post(
            "/api/v1/passports",
            &json!({"kind": "official_passport", "holder": "li-na", "number": "SE1234578",
                    "issued_on": "2023-04-01", "issue_place": "北京", "expires_on": "2031-03-31",
                    "location": "A-12"}),
        )
        .await;
    assert_eq!(status, 201, "{passport}");
    Cabinet {
        marine: marine["id"].as_i64().unwrap(),
        law: law["id"].as_i64().unwrap(),
        li_na: li_na["id"].as_i64().unwrap(),
        passport,
    }
}

async fn the_office_keeps_a_document_and_each_role_sees_only_what_it_may_through_the_api(
    app: TestApp,
) {
    let c = cabinet(&app).await;
    let id = c.passport["id"].as_i64().unwrap();
    assert_eq!(c.passport["number"], "S******78", "answered masked");
    assert_eq!(c.passport["status"], "in_custody");

    let officer = app.client_for("officer", UserRole::Officer, None).await;
    let liaison = app
        .client_for("marine.liaison", UserRole::Liaison, Some(c.marine))
        .await;
    let law_liaison = app
        .client_for("law.liaison", UserRole::Liaison, Some(c.law))
        .await;
    let viewer = app.client_for("reader", UserRole::Viewer, None).await;
    let holder = app
        .client_for("li.na", UserRole::Staff, Some(c.marine))
        .await;
    let user = app
        .db
        .store
        .user_for_login("li.na")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let (status, _) = app
        .put(
            &format!("/api/v1/accounts/{user}/person"),
            &json!({"person": c.li_na}),
        )
        .await;
    assert_eq!(status, 204);

    // Handed out for a visa, due back in three days.
    let (status, out) = send(
        &officer,
        &app,
        "POST",
        &format!("/api/v1/passports/{id}/hand_out"),
        Some(json!({"version": c.passport["version"], "due_on": after(3),
                    "note": "for the visa to Laos"})),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["status"], "handed_out");
    assert_eq!(out["out"]["to"]["name"], "李娜 (Li Na)");
    let (status, refused) = send(
        &liaison,
        &app,
        "POST",
        &format!("/api/v1/passports/{id}/return"),
        Some(json!({"version": out["version"]})),
    )
    .await;
    assert_eq!(status, 403, "{refused}");

    for (label, client, sees) in [
        ("officer", &officer, true),
        ("liaison", &liaison, true),
        ("holder", &holder, true),
        ("other liaison", &law_liaison, false),
        ("viewer", &viewer, false),
    ] {
        let (status, one) = send(
            client,
            &app,
            "GET",
            &format!("/api/v1/passports/{id}"),
            None,
        )
        .await;
        assert_eq!(status == 200, sees, "{label} reads: {one}");
        if sees {
            assert_eq!(one["number"], "S******78", "{label} sees it masked");
        }
        let (status, list) = send(client, &app, "GET", "/api/v1/passports", None).await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], json!(usize::from(sees)), "{label} lists");
        let (status, _) = send(
            client,
            &app,
            "POST",
            &format!("/api/v1/passports/{id}/personal"),
            Some(json!({"fields": ["number"]})),
        )
        .await;
        let expected = match label {
            "officer" => 200,
            "liaison" | "holder" => 403,
            _ => 404,
        };
        assert_eq!(status, expected, "{label} asks to see the number");
    }
    let (status, shown) = send(
        &officer,
        &app,
        "POST",
        &format!("/api/v1/passports/{id}/personal"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(shown["number"], "SE1234578");
    let (_, audit) = app
        .get(&format!(
            "/api/v1/audit?action=view_personal&entity=passport&record_id={id}"
        ))
        .await;
    assert_eq!(audit["total"], 2, "each view audited: {audit}");

    let (status, created) = send(
        &viewer,
        &app,
        "POST",
        "/api/v1/passports",
        Some(json!({"kind": "official_passport", "holder": "li-na", "expires_on": "2031-03-31"})),
    )
    .await;
    assert_eq!(status, 403, "{created}");

    let (_, cabinet) = send(&officer, &app, "GET", "/api/v1/passports/cabinet", None).await;
    assert_eq!(cabinet["out"].as_array().unwrap().len(), 1, "{cabinet}");
    assert_eq!(cabinet["due_this_week"][0]["due_on"], json!(after(3)));
    let (_, mine) = send(
        &holder,
        &app,
        "GET",
        &format!("/api/v1/people/{}/passports", c.li_na),
        None,
    )
    .await;
    assert_eq!(mine["documents"][0]["due_on"], json!(after(3)), "{mine}");
    let (status, _) = send(
        &law_liaison,
        &app,
        "GET",
        &format!("/api/v1/people/{}/passports", c.li_na),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, due) = send(&officer, &app, "GET", "/api/v1/passports/due", None).await;
    assert_eq!(status, 200);
    assert_eq!(due, json!([]), "not yet due");
    let (status, _) = send(&liaison, &app, "GET", "/api/v1/passports/due", None).await;
    assert_eq!(status, 403);

    let (status, back) = send(
        &officer,
        &app,
        "POST",
        &format!("/api/v1/passports/{id}/return"),
        Some(json!({"version": out["version"], "condition": "intact, a Lao visa added"})),
    )
    .await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["status"], "in_custody");
    let (_, log) = send(
        &holder,
        &app,
        "GET",
        &format!("/api/v1/passports/{id}/custody"),
        None,
    )
    .await;
    let actions: Vec<&str> = log["custody"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["hand_out", "return"]);
    assert_eq!(log["custody"][1]["condition"], "intact, a Lao visa added");

    // The office adds a kind of document; an admin sets the policy.
    let (status, kind) = send(
        &officer,
        &app,
        "POST",
        "/api/v1/passports/kinds",
        Some(
            json!({"code": "service_passport", "name_zh": "公务护照（外派）",
                    "name_en": "Service passport (secondment)", "track": "foreign"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{kind}");
    let (_, kinds) = app.get("/api/v1/passports/kinds").await;
    assert_eq!(kinds.as_array().unwrap().len(), 5);
    let policy = json!({"return_due": {"working_days": 5}, "validity_months": 6,
        "unit_overdue_limit": 2, "expiring_months": 6, "escalate_unit_after_working_days": 5,
        "escalate_office_after_working_days": 10, "remind_every_working_days": 3});
    let (status, _) = send(
        &officer,
        &app,
        "PUT",
        "/api/v1/passports/policy",
        Some(policy.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, saved) = app.put("/api/v1/passports/policy", &policy).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 1);
    let (_, read) = app.get("/api/v1/passports/policy").await;
    assert_eq!(read["policy"]["return_due"], json!({"working_days": 5}));
}

async fn the_passport_routes_are_in_the_openapi_document(app: TestApp) {
    let (_, doc) = app.get("/api/openapi.json").await;
    for (path, method) in [
        ("/api/v1/passports", "get"),
        ("/api/v1/passports", "post"),
        ("/api/v1/passports/{id}/{action}", "post"),
        ("/api/v1/passports/{id}/personal", "post"),
        ("/api/v1/passports/cabinet", "get"),
        ("/api/v1/passports/due", "get"),
        ("/api/v1/passports/trips/{id}/own-documents", "post"),
        ("/api/v1/people/{id}/passports", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
}

async fn the_cabinet_the_holders_page_and_the_receipt_are_drawn_in_both_languages(app: TestApp) {
    let c = cabinet(&app).await;
    let id = c.passport["id"].as_i64().unwrap();
    let (status, out) = app
        .post(
            &format!("/api/v1/passports/{id}/hand_out"),
            &json!({"version": c.passport["version"], "due_on": after(2)}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let office = app.sign_in("office", UserRole::Officer, None, "zh").await;
    let (status, html) = office.get("/passports").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("护照柜"), "{html}");
    assert!(html.contains("李娜"), "the holder of what is out");
    assert!(html.contains("S******78"), "the number masked");
    assert!(!html.contains("SE1234578"), "never in clear");
    let (status, html) = office.get(&format!("/passports?unit={}", c.law)).await;
    assert_eq!(status, 200);
    assert!(!html.contains("李娜"), "filtered by unit");
    let (status, html) = office.get(&format!("/passports/holders/{}", c.li_na)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("领出") || html.contains("交出"), "{html}");
    let (status, receipt) = office.get(&format!("/passports/{id}/receipt")).await;
    assert_eq!(status, 200, "{receipt}");
    assert!(receipt.contains("交接单"), "{receipt}");
    assert!(receipt.contains("李娜"));
    let (status, _, docx) = office
        .download(&format!("/passports/{id}/receipt.docx"))
        .await;
    assert_eq!(status, 200);
    let (_, text) = crate::common::read_docx(&docx);
    assert!(text.contains("交接单") && text.contains("李娜"), "{text}");

    let english = app
        .sign_in("office.en", UserRole::Officer, None, "en")
        .await;
    let (_, html) = english.get("/passports").await;
    assert!(html.contains("Passport cabinet"), "{html}");
    let (_, receipt) = english.get(&format!("/passports/{id}/receipt")).await;
    assert!(receipt.contains("Hand-over receipt"), "{receipt}");

    // A viewer has no cabinet; a liaison officer sees their unit's, masked.
    let viewer = app.sign_in("reader", UserRole::Viewer, None, "en").await;
    let (_, html) = viewer.get("/passports").await;
    assert!(!html.contains("Li Na"), "{html}");
    let liaison = app
        .sign_in("marine.liaison", UserRole::Liaison, Some(c.marine), "en")
        .await;
    let (_, html) = liaison.get("/passports").await;
    assert!(
        html.contains("Li Na") && html.contains("S******78"),
        "{html}"
    );

    // Handed back through the page.
    let (status, _, _) = office
        .post(
            &format!("/passports/{id}/return"),
            &[
                ("version", &out["version"].to_string()),
                ("condition", "完好"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, log) = app.get(&format!("/api/v1/passports/{id}/custody")).await;
    assert_eq!(log["custody"].as_array().unwrap().len(), 2, "{log}");

    // An admin sets the passport policy in the browser; the office may not.
    let (status, _) = office.get("/admin/passport-policy").await;
    assert_eq!(status, 403);
    let admin = app.sign_in("root", UserRole::Admin, None, "zh").await;
    let (status, html) = admin.get("/admin/passport-policy").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("证件管理规则"), "{html}");
    let (status, _, _) = admin
        .post(
            "/admin/passport-policy",
            &[
                ("return_due", "5"),
                ("return_due_unit", "working_days"),
                ("validity_months", "6"),
                ("unit_overdue_limit", "2"),
                ("expiring_months", "6"),
                ("escalate_unit_after_working_days", "5"),
                ("escalate_office_after_working_days", "10"),
                ("remind_every_working_days", "3"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, policy) = app.get("/api/v1/passports/policy").await;
    assert_eq!(policy["version"], 1);
    assert_eq!(policy["policy"]["return_due"], json!({"working_days": 5}));
    assert_eq!(policy["policy"]["unit_overdue_limit"], 2);
}

async fn the_office_changes_a_document_in_the_browser_and_its_number_stays_as_it_was(app: TestApp) {
    let c = cabinet(&app).await;
    let id = c.passport["id"].as_i64().unwrap();
    let version = c.passport["version"].to_string();
    let office = app.sign_in("office", UserRole::Officer, None, "zh").await;
    let (status, html) = office.get(&format!("/passports/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/passports/{id}/edit")), "{html}");
    let (status, form) = office.get(&format!("/passports/{id}/edit")).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("修改证照"), "{form}");
    assert!(form.contains("S******78"), "the number masked in the form");
    assert!(!form.contains("SE1234578"), "never in clear");
    let changed = |version: &str, location: &str, expires: &str| {
        vec![
            ("version".to_owned(), version.to_owned()),
            ("kind".to_owned(), "official_passport".to_owned()),
            ("holder".to_owned(), format!("#{}", c.li_na)),
            ("number".to_owned(), "S******78".to_owned()),
            ("expires_on".to_owned(), expires.to_owned()),
            ("location".to_owned(), location.to_owned()),
        ]
    };
    let pairs = changed(&version, "二号柜 B-07", "2031-06-30");
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _, _) = office.post(&format!("/passports/{id}"), &form).await;
    assert_eq!(status, 303);
    let (_, saved) = app.get(&format!("/api/v1/passports/{id}")).await;
    assert_eq!(saved["location"], "二号柜 B-07", "{saved}");
    assert_eq!(saved["expires_on"], "2031-06-30");
    let (status, shown) = app
        .post(&format!("/api/v1/passports/{id}/personal"), &json!({}))
        .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["number"], "SE1234578", "the masked number kept it");

    // A second office page saving from the old version is told and changes nothing.
    let pairs = changed(&version, "三号柜", "2031-06-30");
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, page, _) = office.post(&format!("/passports/{id}"), &form).await;
    assert_eq!(status, 409);
    assert!(
        page.contains("二号柜 B-07"),
        "the version on record: {page}"
    );
    // A date that is not one comes back with the form and changes nothing.
    let fresh = saved["version"].to_string();
    let pairs = changed(&fresh, "三号柜", "not a day");
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, page, _) = office.post(&format!("/passports/{id}"), &form).await;
    assert_eq!(status, 422, "{page}");
    let (_, kept) = app.get(&format!("/api/v1/passports/{id}")).await;
    assert_eq!(kept["location"], "二号柜 B-07");

    // A liaison officer reads their unit's documents but changes none.
    let liaison = app
        .sign_in("marine.liaison", UserRole::Liaison, Some(c.marine), "en")
        .await;
    let (status, _) = liaison.get(&format!("/passports/{id}/edit")).await;
    assert_eq!(status, 403);
    let (status, _, _) = liaison.post(&format!("/passports/{id}"), &form).await;
    assert_eq!(status, 403);
}
