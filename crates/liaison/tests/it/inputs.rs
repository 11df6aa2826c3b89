//! Hostile input at the boundary: U+0000, numbers and dates past their range, lists past their
//! bound, formulas in csv exports, line breaks in calendar feeds, a workbook that unpacks to
//! gigabytes, and a role refused before what it sent is read.

use crate::common::{TestApp, fields, read_workbook};
use calamine::Data;
use liaison_core::UserRole;
use liaison_core::limits::{MAX_LIST, MAX_MONEY_FEN};
use serde_json::{Value, json};

on_both_databases!(
    a_nul_character_is_refused_with_a_field_error_in_json_queries_forms_and_sign_in,
    numbers_and_dates_past_their_range_are_refused_with_the_field,
    the_annual_review_answers_for_the_largest_amounts_accepted,
    lists_past_their_bound_are_refused_with_a_field_error,
    a_role_that_may_not_create_or_change_is_refused_before_its_body_is_read,
    csv_exports_quote_texts_a_spreadsheet_would_run_and_workbooks_keep_them,
    a_multi_line_summary_stays_inside_its_property_in_a_calendar_feed,
    a_workbook_that_unpacks_past_its_bound_is_refused_with_a_clear_message,
    a_body_that_is_not_an_object_is_refused_and_changes_nothing,
);

fn codes(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no field errors in {body}"))
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn total(app: &TestApp, list: &str) -> i64 {
    let (status, body) = app.get(&format!("/api/v1/{list}")).await;
    assert_eq!(status, 200, "{body}");
    body["total"].as_i64().unwrap()
}

async fn a_nul_character_is_refused_with_a_field_error_in_json_queries_forms_and_sign_in(
    app: TestApp,
) {
    let (status, body) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "university", "country": "GB", "name_en": "Warwick\u{0}"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        codes(&body),
        [("name_en".to_owned(), "nul_character".to_owned())]
    );
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Guest lecture", "start_date": "2024-03-05",
                    "participants": [{"person": {"name_en": "Jane\u{0}Doe"}, "role": "lecturer"}],
                    "tags": ["fine", "bad\u{0}"]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        fields(&body),
        ["participants[0].person.name_en", "tags[1]"],
        "{body}"
    );
    let (status, body) = app.get("/api/v1/activities?q=a%00b").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["q"]);
    assert_eq!(total(&app, "organizations").await, 0);
    assert_eq!(total(&app, "activities").await, 0);

    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html, _) = page
        .post(
            "/organizations",
            &[
                ("kind", "university"),
                ("country", "GB"),
                ("name_en", "War\u{0}wick"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("U+0000"), "{html}");
    let (status, _) = page.get("/activities?q=a%00b").await;
    assert_eq!(status, 200, "a filter holding U+0000 is left out");
    assert_eq!(total(&app, "organizations").await, 0);

    let chinese = app.sign_in("leader", UserRole::Leader, None, "zh").await;
    let (status, html, _) = chinese
        .post("/calendars", &[("name", "我的\u{0}日历"), ("unit", "")])
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(!html.contains("/feeds/"), "no feed was made: {html}");

    // Signing in: the name and the password are looked at before the database is asked.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut csrf = crate::common::csrf_of(&login);
    for (username, password) in [("officer\u{0}", "x"), ("officer", "correct\u{0}")] {
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{username:?} {password:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains("U+0000"), "{html}");
        // The form shown again carries the token of the next try.
        csrf = crate::common::csrf_of(&html);
    }
}

async fn numbers_and_dates_past_their_range_are_refused_with_the_field(app: TestApp) {
    let gift = |value: i64| {
        json!({"direction": "received", "item": "Vase", "exchanged_on": "2024-05-01",
               "giver": {"description": "a guest"}, "receiver": {"description": "the office"},
               "estimated_value_fen": value})
    };
    for value in [i64::MAX, MAX_MONEY_FEN + 1, -1] {
        let (status, body) = app.post("/api/v1/gifts", &gift(value)).await;
        assert_eq!(status, 422, "{value}: {body}");
        assert_eq!(fields(&body), ["estimated_value_fen"], "{value}");
    }
    let (status, body) = app.post("/api/v1/gifts", &gift(MAX_MONEY_FEN)).await;
    assert_eq!(status, 201, "{body}");

    for (path, field) in [
        ("/api/v1/activities?page=6148914691236517206", "page"),
        ("/api/v1/activities?page=10001", "page"),
        ("/api/v1/activities?per_page=201", "per_page"),
        ("/api/v1/activities?year=99999", "year"),
        ("/api/v1/activities?year=1899", "year"),
        ("/api/v1/activities?from=2024-1-1", "from"),
        ("/api/v1/gifts?year=-5", "year"),
        ("/api/v1/review?year=99999", "year"),
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(fields(&body), [field], "{path}");
    }
    let (status, body) = app.get("/api/v1/activities?page=10000").await;
    assert_eq!(status, 200, "{body}");

    for date in [
        "0000-01-01",
        "-0001-01-01",
        "2024-1-1",
        "1899-12-31",
        "2201-01-01",
    ] {
        let (status, body) = app
            .post(
                "/api/v1/activities",
                &json!({"kind": "lecture", "title_en": "Lecture", "start_date": date}),
            )
            .await;
        assert_eq!(status, 422, "{date}: {body}");
        assert_eq!(fields(&body), ["start_date"], "{date}");
        let (status, body) = app
            .post(
                "/api/v1/agreements",
                &json!({"kind": "mou", "title_en": "MoU", "partners": [{"kind": "university",
                        "country": "GB", "name_en": "Warwick"}], "valid_to": date}),
            )
            .await;
        assert_eq!(status, 422, "{date}: {body}");
        assert_eq!(fields(&body), ["valid_to"], "{date}");
    }
    let (status, body) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "trade_union", "country": "LA", "name_en": "LFTU",
                    "membership": 9_000_000_000_000_i64}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["membership"]);
    assert_eq!(total(&app, "activities").await, 0);

    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    for date in ["2024-1-1", "0000-01-01"] {
        let (status, html, _) = page
            .post(
                "/activities",
                &[
                    ("kind", "lecture"),
                    ("title_en", "Lecture"),
                    ("start_date", date),
                ],
            )
            .await;
        assert_eq!(status, 422, "{date}: {html}");
        assert!(html.contains("id=\"e-start_date\""), "{html}");
    }
    let (status, html, _) = page
        .post(
            "/gifts",
            &[
                ("direction", "received"),
                ("item", "Vase"),
                ("giver_description", "a guest"),
                ("receiver_description", "the office"),
                ("value", "99999999999999"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("must be between 0 and"), "{html}");
    let (status, html) = page.get("/activities?page=6148914691236517206").await;
    assert_eq!(status, 200);
    assert!(html.contains("Some filters could not be read"), "{html}");
    assert_eq!(total(&app, "activities").await, 0);
}

async fn the_annual_review_answers_for_the_largest_amounts_accepted(app: TestApp) {
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "inbound_visit", "title_en": "Visit", "start_date": "2024-03-01"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    for (direction, day) in [
        ("received", "2024-03-01"),
        ("received", "2024-04-01"),
        ("received", "2024-05-01"),
        ("given", "2024-06-01"),
        ("given", "2023-06-01"),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/gifts",
                &json!({"direction": direction, "item": "Painting", "exchanged_on": day,
                        "giver": {"description": "a guest"},
                        "receiver": {"description": "the office"},
                        "estimated_value_fen": MAX_MONEY_FEN, "declared_on": day}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(status, 200, "{review}");
    let row = |key: &str| {
        review["gifts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("no {key} in {review}"))
    };
    assert_eq!(row("received_value_fen")["this_year"], 3 * MAX_MONEY_FEN);
    assert_eq!(row("given_value_fen")["this_year"], MAX_MONEY_FEN);
    assert_eq!(row("given_value_fen")["last_year"], MAX_MONEY_FEN);

    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = page.get("/review?year=2024").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("¥30,000,000,000.00"),
        "the sum in yuan is shown: {html}"
    );
    let (status, _, xlsx) = page.download("/review/2024.xlsx").await;
    assert_eq!(status, 200);
    assert!(!read_workbook(&xlsx).is_empty());
    let (status, _, docx) = page.download("/review/2024.docx").await;
    assert_eq!(status, 200);
    assert!(docx.starts_with(b"PK"));
}

async fn lists_past_their_bound_are_refused_with_a_field_error(app: TestApp) {
    // Fifty thousand tags, each once: refused for their number, and read in one pass.
    let tags: Vec<String> = (0..50_000).map(|i| format!("tag {i}")).collect();
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Lecture", "start_date": "2024-03-05",
                    "tags": tags}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(codes(&body), [("tags".to_owned(), "too_many".to_owned())]);
    let points: Vec<String> = (0..=MAX_LIST).map(|i| format!("point {i}")).collect();
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "conference", "title_en": "Conference", "start_date": "2024-03-05",
                    "agenda": [{"title_en": "Keynote", "points": points}]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["agenda[0].points"]);
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Lecture", "start_date": "2024-03-05",
                    "summary_en": "x".repeat(100_001)}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["summary_en"]);
    // As many as the bound allows are saved, duplicates still reported at their place.
    let mut tags: Vec<String> = (0..MAX_LIST - 1).map(|i| format!("tag {i}")).collect();
    tags.push("tag 7".to_owned());
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Lecture", "start_date": "2024-03-05",
                    "tags": tags}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), [format!("tags[{}]", MAX_LIST - 1)]);
    tags.pop();
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Lecture", "start_date": "2024-03-05",
                    "tags": tags}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let many: String = (0..=MAX_LIST).map(|i| format!("tag {i}\n")).collect();
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "Lecture"),
                ("start_date", "2024-03-05"),
                ("tags", &many),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("must have at most 1000 entries"), "{html}");
    assert_eq!(total(&app, "activities").await, 1);
}

async fn a_role_that_may_not_create_or_change_is_refused_before_its_body_is_read(app: TestApp) {
    let (status, lecture) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Lecture", "start_date": "2024-03-05"}),
        )
        .await;
    assert_eq!(status, 201, "{lecture}");
    let id = lecture["id"].as_i64().unwrap();
    for role in [UserRole::Viewer, UserRole::Leader] {
        let name = format!("{}-api", role.as_str());
        let client = app.client_for(&name, role, None).await;
        for body in ["{}", "{\"kind\": \"lecture\"}", "not json"] {
            let response = client
                .post(app.url("/api/v1/activities"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{name} creating with {body}");
            let response = client
                .put(app.url(&format!("/api/v1/activities/{id}")))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{name} changing with {body}");
        }
        let response = client
            .post(app.url("/api/v1/organizations"))
            .body("")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "without a content type");

        let page = app
            .sign_in(&format!("{}-page", role.as_str()), role, None, "en")
            .await;
        let (status, html, _) = page.post("/activities", &[("title_en", "")]).await;
        assert_eq!(status, 403, "{html}");
        let (status, html, _) = page
            .post(&format!("/activities/{id}/edit"), &[("title_en", "")])
            .await;
        assert_eq!(status, 403, "{html}");
    }
    assert_eq!(total(&app, "activities").await, 1);
}

async fn csv_exports_quote_texts_a_spreadsheet_would_run_and_workbooks_keep_them(app: TestApp) {
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"Open\")",
        "=cmd|' /C calc'!A0",
        "+Plus Union",
        "-Minus Federation",
        "@At University",
        "Plain University",
    ];
    for name in names {
        let (status, body) = app
            .post(
                "/api/v1/organizations",
                &json!({"kind": "university", "country": "GB", "name_en": name}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, _, csv) = page.download("/organizations/export.csv").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv).unwrap();
    let cells: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for name in &names[..5] {
        assert!(cells.contains(&format!("'{name}")), "{name} in {text}");
        assert!(!cells.contains(&(*name).to_owned()), "{name} raw in {text}");
    }
    assert!(cells.contains(&"Plain University".to_owned()));
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell} could run as a formula"
        );
    }
    let (status, _, xlsx) = page.download("/organizations/export.xlsx").await;
    assert_eq!(status, 200);
    let sheets = read_workbook(&xlsx);
    let in_workbook: Vec<&Data> = sheets[0].1.iter().flatten().collect();
    for name in names {
        assert!(
            in_workbook.contains(&&Data::String(name.to_owned())),
            "{name} as typed in the workbook"
        );
    }
}

async fn a_multi_line_summary_stays_inside_its_property_in_a_calendar_feed(app: TestApp) {
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(5)).to_string();
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "inbound_visit", "title_en": "Delegation; from Hanoi, Vietnam",
                    "start_date": soon, "venue": "Room 1",
                    "summary_en": "First line\r\nSecond line\rX-INJECTED:1\nDTSTART:19700101"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html, _) = page
        .post("/calendars", &[("name", "Office"), ("unit", "")])
        .await;
    assert_eq!(status, 200, "{html}");
    let before = html.split("class=\"feed-address\"").next().unwrap();
    let start = before.rfind("value=\"").expect("the address field") + 7;
    let url = before[start..].split('"').next().unwrap().to_owned();
    let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let lines: Vec<&str> = text.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    for line in &lines {
        assert!(!line.contains(['\r', '\n']), "a raw line break in {line:?}");
        assert!(line.len() <= 75, "{line:?} is not folded");
    }
    assert!(!lines.iter().any(|l| l.starts_with("X-INJECTED")), "{text}");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("DTSTART")).count(),
        1,
        "{text}"
    );
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let event = calendar
        .components
        .iter()
        .find(|c| c.name == "VEVENT")
        .unwrap();
    let prop = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap_or_default()
    };
    assert_eq!(prop("SUMMARY"), "Delegation; from Hanoi, Vietnam");
    assert!(
        prop("DESCRIPTION").starts_with("First line\nSecond line\nX-INJECTED:1\nDTSTART:19700101"),
        "{}",
        prop("DESCRIPTION")
    );
}

async fn a_workbook_that_unpacks_past_its_bound_is_refused_with_a_clear_message(app: TestApp) {
    let bomb = one_cell_workbook(256 * 1024 * 1024);
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    for (lang, message) in [
        ("en", "The workbook unpacks to more than 64 MB"),
        ("zh", "该工作簿解压后超过 64 MB"),
    ] {
        let page = app
            .sign_in(&format!("officer-{lang}"), UserRole::Officer, None, lang)
            .await;
        let (status, html, _) =
            crate::sheets::upload(&page, &app, "organizations", "bomb.xlsx", &bomb).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains(message), "{html}");
    }
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let long = one_cell_workbook(200_000);
    let (status, html, _) =
        crate::sheets::upload(&page, &app, "organizations", "long.xlsx", &long).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("A cell of line 2 is longer than 100,000 characters"),
        "{html}"
    );
}

/// A workbook of one sheet, a header `name_en` and one cell of `len` letters below it, written
/// in pieces so that neither the test nor the file holds the text: 256 MB of it deflate to
/// about 250 KB.
fn one_cell_workbook(len: usize) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Organizations" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name_en</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>"#,
    )
    .unwrap();
    let piece = [b'a'; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(piece.len());
        zip.write_all(&piece[..n]).unwrap();
        left -= n;
    }
    zip.write_all(b"</t></is></c></row></sheetData></worksheet>")
        .unwrap();
    zip.finish().unwrap().into_inner()
}

async fn a_body_that_is_not_an_object_is_refused_and_changes_nothing(app: TestApp) {
    // serde reads a struct from an array field by field, so `[]` was a policy of defaults.
    for (path, body) in [
        ("/api/v1/passports/policy", json!([])),
        ("/api/v1/trip-policy", json!([])),
        ("/api/v1/reminder-policy", json!([7, 2, 5])),
    ] {
        let (status, answer) = app.put(path, &body).await;
        assert_eq!(status, 422, "{path}: {answer}");
        assert!(
            answer["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("a JSON object"),
            "{answer}"
        );
    }
    let (status, answer) = app
        .post("/api/v1/organizations", &json!(["embassy", "LA"]))
        .await;
    assert_eq!(status, 422, "{answer}");
    let (_, policy) = app.get("/api/v1/passports/policy").await;
    assert_eq!(policy["version"], 0, "nothing saved: {policy}");
    let (_, list) = app.get("/api/v1/organizations").await;
    assert_eq!(list["total"], 0, "{list}");
}
