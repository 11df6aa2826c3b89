//! Spreadsheets end to end: every list exported as xlsx and csv and read back, the import
//! template, and importing organizations, people and activities through the pages.

use crate::common::{PageClient, TestApp, read_workbook};
use calamine::Data;
use liaison_core::{Actor, ExchangeDocument, UserRole};
use serde_json::json;

on_both_databases!(
    an_exported_list_holds_every_filtered_row_with_numbers_dates_and_chinese_intact,
    every_list_exports_in_both_formats_with_titles_in_the_user_s_language,
    an_export_with_a_filter_that_does_not_read_is_refused_not_widened,
    organizations_from_a_csv_are_matched_previewed_and_saved_together,
    a_file_with_bad_rows_shows_every_problem_and_saves_nothing,
    activities_from_the_filled_in_template_are_saved_with_units_and_partners_by_name,
    importing_is_for_roles_that_may_create_and_each_file_is_its_owner_s,
    files_that_are_not_spreadsheets_or_too_large_are_refused_clearly,
    a_long_file_s_page_shows_how_far_checking_and_saving_have_come,
);

/// Downloads a file through the pages: status, content type, file name offered, bytes.
async fn download(page: &PageClient, app: &TestApp, path: &str) -> (u16, String, String, Vec<u8>) {
    let response = page.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let content_type = header("content-type");
    let disposition = header("content-disposition");
    let bytes = response.bytes().await.unwrap().to_vec();
    (status, content_type, disposition, bytes)
}

/// The rows of a csv download, the byte-order mark checked and removed.
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("csv starts with a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A day as Excel counts it: days since 30 December 1899.
fn excel_day(year: i32, month: u32, day: u32) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap();
    (date - epoch).num_days() as f64
}

/// 120 lectures of 2024 with Chinese titles and 30 conferences of 2023, loaded at once.
async fn load_activities(app: &TestApp) {
    let mut activities = Vec::new();
    for i in 0..120 {
        activities.push(json!({
            "kind": "lecture", "title_zh": format!("讲座 {i:03}"), "title_en": format!("Lecture {i:03}"),
            "start_date": format!("2024-03-{:02}", i % 28 + 1), "venue": "至远楼",
        }));
    }
    for i in 0..30 {
        activities.push(json!({
            "kind": "conference", "title_en": format!("Conference {i}"),
            "start_date": "2023-05-01",
        }));
    }
    let document: ExchangeDocument =
        serde_json::from_value(json!({ "activities": activities })).unwrap();
    app.db
        .store
        .import(&Actor::command_line("test setup"), &document)
        .await
        .unwrap();
}

async fn an_exported_list_holds_every_filtered_row_with_numbers_dates_and_chinese_intact(
    app: TestApp,
) {
    load_activities(&app).await;
    let page = app.sign_in("viewer", UserRole::Viewer, None, "zh-CN").await;
    let (status, html) = page.get("/activities?kind=lecture&sort=title&page=2").await;
    assert_eq!(status, 200);
    let link = "/activities/export.xlsx?kind=lecture&#38;sort=title";
    assert!(html.contains(link), "the list links its export: {html}");

    let (status, content_type, disposition, bytes) = download(
        &page,
        &app,
        "/activities/export.xlsx?kind=lecture&sort=title",
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"activities-{today}.xlsx\"")
    );
    let sheets = read_workbook(&bytes);
    assert_eq!(sheets.len(), 1);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "活动");
    assert_eq!(rows[0][1], Data::String("中文标题".into()));
    assert_eq!(rows[0][4], Data::String("开始日期".into()));
    assert_eq!(rows.len(), 1 + 120, "every lecture, not one page of them");
    assert_eq!(rows[1][1], Data::String("讲座 000".into()));
    assert_eq!(rows[120][1], Data::String("讲座 119".into()));
    assert_eq!(rows[1][3], Data::String("讲座或研讨".into()));
    assert_eq!(rows[1][8], Data::String("至远楼".into()));
    assert!(matches!(rows[1][0], Data::Float(_)), "{:?}", rows[1][0]);
    match &rows[1][4] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), excel_day(2024, 3, 1)),
        other => panic!("the first day is not a date: {other:?}"),
    }
    assert!(
        rows.iter()
            .skip(1)
            .all(|r| !matches!(&r[2], Data::String(t) if t.starts_with("Conference"))),
        "no conference slips in"
    );

    let (status, content_type, disposition, bytes) = download(
        &page,
        &app,
        "/activities/export.csv?kind=lecture&sort=-title",
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), 1 + 120);
    assert_eq!(
        rows[1][1], "讲座 119",
        "sorted as asked, newest title first"
    );
    assert_eq!(rows[1][4], "2024-03-08");
}

async fn every_list_exports_in_both_formats_with_titles_in_the_user_s_language(app: TestApp) {
    app.load_demo().await;
    let (status, _) = app
        .post(
            "/api/v1/gifts",
            &json!({"direction": "received", "item": "景泰蓝花瓶", "estimated_value_fen": 123450,
                    "giver": {"organization": "org-lftu"}, "receiver": {"description": "学校"}}),
        )
        .await;
    assert_eq!(status, 201);
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    for (list, first_title) in [
        ("units", "Number"),
        ("people", "Number"),
        ("organizations", "Number"),
        ("activities", "Number"),
        ("gifts", "Number"),
        ("agreements", "Number"),
    ] {
        let (status, _, _, bytes) = download(&page, &app, &format!("/{list}/export.xlsx")).await;
        assert_eq!(status, 200, "{list}");
        let sheets = read_workbook(&bytes);
        let rows = &sheets[0].1;
        assert_eq!(rows[0][0], Data::String(first_title.into()), "{list}");
        let (status, _, _, bytes) = download(&page, &app, &format!("/{list}/export.csv")).await;
        assert_eq!(status, 200, "{list}");
        let csv_rows = read_csv(&bytes);
        assert_eq!(csv_rows.len(), rows.len(), "{list}: the same rows in both");
        assert_eq!(csv_rows[0].len(), rows[0].len(), "{list}");
    }
    // A country is filtered by its code or its name in either language, and exported by name.
    for country in ["LA", "Laos", "%E8%80%81%E6%8C%9D"] {
        let (_, _, _, bytes) = download(
            &page,
            &app,
            &format!("/organizations/export.xlsx?country={country}"),
        )
        .await;
        let rows = &read_workbook(&bytes)[0].1;
        assert_eq!(rows.len(), 3, "the two Lao organizations, by {country}");
    }
    let (_, _, _, bytes) = download(&page, &app, "/organizations/export.xlsx?country=LA").await;
    let rows = &read_workbook(&bytes)[0].1;
    assert!(
        rows.iter()
            .skip(1)
            .all(|r| r[6] == Data::String("Laos".into()))
    );
    assert_eq!(rows[0][8], Data::String("Founded".into()));
    let lftu = rows
        .iter()
        .find(|r| r[2] == Data::String("Lao Federation of Trade Unions".into()))
        .expect("the LFTU is exported");
    assert_eq!(lftu[8], Data::Float(1956.0));
    assert_eq!(lftu[9], Data::Float(220000.0));

    let (_, _, _, bytes) = download(&page, &app, "/gifts/export.xlsx?direction=received").await;
    let rows = &read_workbook(&bytes)[0].1;
    let vase = rows
        .iter()
        .find(|r| r[1] == Data::String("景泰蓝花瓶".into()))
        .expect("the vase is exported");
    assert_eq!(rows[0][5], Data::String("Estimated value (yuan)".into()));
    assert_eq!(vase[5], Data::Float(1234.5), "money in yuan, as a number");
    assert_eq!(vase[11], Data::String("yes".into()), "must be declared");
}

async fn an_export_with_a_filter_that_does_not_read_is_refused_not_widened(app: TestApp) {
    load_activities(&app).await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, _, _, bytes) = download(&page, &app, "/activities/export.xlsx?year=soon").await;
    assert_eq!(status, 422);
    let html = String::from_utf8(bytes).unwrap();
    assert!(html.contains("Nothing was exported"), "{html}");
    let (status, _, _, _) = download(&page, &app, "/activities/export.csv?sort=password").await;
    assert_eq!(status, 422);
}

/// Posts a file to the upload form as a browser does: status, page, redirect.
pub(crate) async fn upload(
    page: &PageClient,
    app: &TestApp,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> (u16, String, String) {
    upload_with_token(page, app, &page.csrf, kind, file_name, bytes).await
}

async fn upload_with_token(
    page: &PageClient,
    app: &TestApp,
    csrf: &str,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> (u16, String, String) {
    let boundary = "liaison-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("kind", kind)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = page
        .client
        .post(app.url("/import"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    crate::common::answer(response).await
}

/// The import's page once checking or saving has finished. While the work goes on in the
/// background the page refreshes itself; the test reloads it, letting the background work run
/// between loads, until it stops refreshing. An import that never finishes is left to the test
/// harness's own limit, not to a guess of how long it may take.
async fn settled(page: &PageClient, path: &str) -> String {
    loop {
        let (status, html) = page.get(path).await;
        assert_eq!(status, 200, "{path}: {html}");
        if !html.contains("http-equiv=\"refresh\"") {
            return html;
        }
        tokio::task::yield_now().await;
    }
}

/// The fields a mapping page has chosen, as `column-N=field` pairs to post back.
fn chosen(html: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for select in html.split("<select id=\"column-").skip(1) {
        let index: String = select.chars().take_while(char::is_ascii_digit).collect();
        let options = select.split("</select>").next().unwrap_or_default();
        let value = options
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains(" selected>"))
            .and_then(|o| o.split('"').next())
            .unwrap_or_default();
        pairs.push((format!("column-{index}"), value.to_owned()));
    }
    pairs
}

/// Posts the mapping as the page chose it, with `changes`, and returns the settled page.
async fn check_with_mapping(
    page: &PageClient,
    mapping_path: &str,
    changes: &[(&str, &str)],
) -> (u16, String) {
    let (_, html) = page.get(mapping_path).await;
    let mut pairs = chosen(&html);
    for (column, field) in changes {
        if let Some(pair) = pairs.iter_mut().find(|(c, _)| c == column) {
            pair.1 = (*field).to_owned();
        }
    }
    let fields: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(c, f)| (c.as_str(), f.as_str()))
        .collect();
    let (status, html, location) = page.post(mapping_path, &fields).await;
    if status != 303 {
        return (status, html);
    }
    (status, settled(page, &location).await)
}

async fn count(app: &TestApp, list: &str) -> i64 {
    let (status, body) = app.get(&format!("/api/v1/{list}?per_page=1")).await;
    assert_eq!(status, 200);
    body["total"].as_i64().unwrap()
}

async fn organizations_from_a_csv_are_matched_previewed_and_saved_together(app: TestApp) {
    let page = app
        .sign_in("officer", UserRole::Officer, None, "zh-CN")
        .await;
    let (status, html) = page.get("/import").await;
    assert_eq!(status, 200);
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("导入模板"));
    let file = "\u{feff}中文名称,Name (English),类型,Country,成立年份,备注\n\
                老挝工会联合会,Lao Federation of Trade Unions,工会,LA,1956,来访\n\
                越南劳动总联合会,Vietnam General Confederation of Labour,trade union,越南,\"1,929\",\n";
    let (status, _, location) = upload(
        &page,
        &app,
        "organizations",
        "partners.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("/mapping"), "{location}");
    let (status, html) = page.get(&location).await;
    assert_eq!(status, 200);
    let mapping = chosen(&html);
    assert_eq!(
        mapping.iter().map(|(_, f)| f.as_str()).collect::<Vec<_>>(),
        ["name_zh", "name_en", "kind", "country", "founded_year", ""],
        "matched by the headers, in Chinese and English; the notes column left out"
    );
    let (status, html) = check_with_mapping(&page, &location, &[]).await;
    assert_eq!(status, 303);
    assert!(html.contains("全部 2 行均可保存"), "{html}");
    assert!(html.contains("越南劳动总联合会"));
    assert_eq!(
        count(&app, "organizations").await,
        0,
        "the preview saves nothing"
    );

    let batch = location.trim_end_matches("/mapping").to_owned();
    let (status, _, to) = page.post(&format!("{batch}/commit"), &[]).await;
    assert_eq!((status, to.as_str()), (303, batch.as_str()));
    let html = settled(&page, &batch).await;
    assert!(
        html.contains("已新建 2 条记录") || html.contains("新建 2 条记录"),
        "{html}"
    );
    assert!(html.contains("href=\"/organizations\""));
    let (_, body) = app.get("/api/v1/organizations?country=VN").await;
    assert_eq!(body["items"][0]["founded_year"], 1929);
    assert_eq!(body["items"][0]["kind"], "trade_union");
    let (_, body) = app.get("/api/v1/audit?entity=organization").await;
    assert_eq!(
        body["items"].as_array().unwrap().len(),
        2,
        "each record is audited"
    );
    // Saving twice saves nothing more.
    let (status, _, _) = page.post(&format!("{batch}/commit"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(count(&app, "organizations").await, 2);
}

async fn a_file_with_bad_rows_shows_every_problem_and_saves_nothing(app: TestApp) {
    app.load_demo().await;
    let people_before = count(&app, "people").await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let mut sheet = liaison_reports::Table::new(
        "People",
        &[
            "Name (Chinese)",
            "Name (English)",
            "Unit",
            "Nationality",
            "E-mail",
            "Key",
        ],
    );
    for row in [
        [
            "王明",
            "Wang Ming",
            "法学院",
            "CN",
            "wang@example.edu.cn",
            "p-wang",
        ],
        ["", "Nobody Known", "School of Nothing", "ZZ", "", ""],
        ["李华", "", "School of Law", "", "not an address", "p-wang"],
    ] {
        sheet.push(row.iter().map(|c| (*c).into()).collect());
    }
    let bytes = liaison_reports::workbook(&[sheet]).unwrap();
    let (status, _, location) = upload(&page, &app, "people", "staff.xlsx", &bytes).await;
    assert_eq!(status, 303);
    let (_, html) = check_with_mapping(&page, &location, &[]).await;
    assert!(html.contains("2 of 3 rows have problems"), "{html}");
    for problem in [
        "Unit: there is no unit named &#39;School of Nothing&#39;",
        "Nationality: &#39;ZZ&#39; names no country or region",
        "E-mail: &#39;not an address&#39; is not an e-mail address",
        "Key: the key &#39;p-wang&#39; is on an earlier row of the file too",
    ] {
        assert!(
            html.contains(problem),
            "the preview names {problem}: {html}"
        );
    }
    assert!(
        !html.contains("Save all rows"),
        "nothing to save while rows have problems"
    );
    let batch = location.trim_end_matches("/mapping").to_owned();
    let (status, _, _) = page.post(&format!("{batch}/commit"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(count(&app, "people").await, people_before, "nothing saved");

    // A clean file whose last row becomes a duplicate after the preview: saving is refused as a
    // whole, naming the row, and the rows before it are not saved either.
    let file = "Name (English),Key\nFirst Guest,g-1\nSecond Guest,g-2\n";
    let (_, _, location) = upload(&page, &app, "people", "guests.csv", file.as_bytes()).await;
    let (_, html) = check_with_mapping(&page, &location, &[]).await;
    assert!(html.contains("All 2 rows can be saved"), "{html}");
    let (status, _) = app
        .post(
            "/api/v1/people",
            &json!({"name_en": "Someone else", "key": "g-2"}),
        )
        .await;
    assert_eq!(status, 201);
    let batch = location.trim_end_matches("/mapping").to_owned();
    page.post(&format!("{batch}/commit"), &[]).await;
    let html = settled(&page, &batch).await;
    assert!(html.contains("Nothing was saved"), "{html}");
    assert!(html.contains("row 3, key"), "the row is named: {html}");
    assert_eq!(count(&app, "people").await, people_before + 1);
    let (_, body) = app.get("/api/v1/people?q=First%20Guest").await;
    assert_eq!(body["total"], 0, "the first row was not saved either");
}

async fn activities_from_the_filled_in_template_are_saved_with_units_and_partners_by_name(
    app: TestApp,
) {
    app.load_demo().await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, _, disposition, bytes) = download(&page, &app, "/import/template.xlsx").await;
    assert_eq!(status, 200);
    assert!(disposition.contains(".xlsx"));
    let sheets = read_workbook(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Organizations", "People", "Activities", "Columns"]);
    let activities = &sheets[2].1;
    assert_eq!(activities[0][0], Data::String("Title (Chinese)".into()));
    assert_eq!(
        activities[1][0],
        Data::String("老挝工会联合会代表团来访".into())
    );
    assert!(
        matches!(activities[1][3], Data::DateTime(_)),
        "an example date"
    );
    let columns = &sheets[3].1;
    let country = columns
        .iter()
        .find(|r| {
            r[0] == Data::String("Organizations".into()) && r[1] == Data::String("Country".into())
        })
        .expect("the country column is explained");
    assert_eq!(country[2], Data::String("yes".into()));
    assert!(matches!(&country[3], Data::String(t) if t.contains("ISO 3166-1 alpha-2")));
    assert!(
        columns
            .iter()
            .any(|r| matches!(&r[3], Data::String(t) if t.contains("trade_union (Trade union)")))
    );

    // The template's activity sheet, filled in, comes back through the import.
    let header: Vec<String> = activities[0]
        .iter()
        .map(|c| match c {
            Data::String(s) => s.clone(),
            _ => String::new(),
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut sheet = liaison_reports::Table::new("Activities", &header_refs);
    let mut row = vec![liaison_reports::Cell::Empty; header.len()];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    row[at("Title (Chinese)")] = "越南工会代表团来访".into();
    row[at("Kind")] = "Inbound visit".into();
    row[at("First day")] = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap().into();
    row[at("Part of the first day")] = "morning".into();
    row[at("Host unit")] = "School of Trade Union Cadres Training".into();
    row[at("Partners")] = "LFTU; 世界工会联合会".into();
    row[at("Delegation size")] = liaison_reports::Cell::Int(12);
    sheet.push(row);
    let bytes = liaison_reports::workbook(&[sheet]).unwrap();
    let (status, _, location) = upload(&page, &app, "activities", "visits.xlsx", &bytes).await;
    assert_eq!(status, 303);
    let (_, html) = check_with_mapping(&page, &location, &[]).await;
    assert!(html.contains("All 1 rows can be saved"), "{html}");
    let batch = location.trim_end_matches("/mapping").to_owned();
    page.post(&format!("{batch}/commit"), &[]).await;
    let html = settled(&page, &batch).await;
    assert!(html.contains("1 records were created"), "{html}");
    let (_, body) = app.get("/api/v1/activities?q=越南工会").await;
    let id = body["items"][0]["id"].as_i64().unwrap();
    let (_, activity) = app.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(activity["kind"], "inbound_visit");
    assert_eq!(activity["start_date"], "2024-05-20");
    assert_eq!(activity["start_part"], "morning");
    assert_eq!(activity["delegation_size"], 12);
    assert_eq!(
        activity["host_unit"]["key"],
        "unit-trade-union-cadres-training"
    );
    let partners: Vec<&str> = activity["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(partners, ["org-lftu", "org-wftu"]);

    // Partners and units written by their numbers: those on record are found, one that is not
    // is named as missing.
    let number = |named: &serde_json::Value| format!("#{}", named["id"].as_i64().unwrap());
    let (lftu, wftu) = (
        number(&activity["partners"][0]),
        number(&activity["partners"][1]),
    );
    let unit = number(&activity["host_unit"]);
    let file = format!(
        "Title (English),Kind,First day,Host unit,Partners\n\
         Numbered partners,lecture,2024-06-01,{unit},{lftu};{wftu}\n\
         A partner not on record,lecture,2024-06-02,{unit},#999999\n"
    );
    let (_, _, location) = upload(&page, &app, "activities", "numbers.csv", file.as_bytes()).await;
    let (_, html) = check_with_mapping(&page, &location, &[]).await;
    assert!(html.contains("1 of 2 rows have problems"), "{html}");
    assert!(
        html.contains("there is no organization named &#39;#999999&#39;"),
        "{html}"
    );
    assert_eq!(
        html.matches("there is no").count(),
        1,
        "the numbers on record are found: {html}"
    );
}

async fn importing_is_for_roles_that_may_create_and_each_file_is_its_owner_s(app: TestApp) {
    app.load_demo().await;
    for role in [UserRole::Viewer, UserRole::Leader] {
        let page = app.sign_in(role.as_str(), role, None, "en").await;
        let (status, html) = page.get("/").await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("href=\"/import\""),
            "no Import in the navigation"
        );
        let (status, _) = page.get("/import").await;
        assert_eq!(status, 403, "{role:?}");
        let (status, _, _) = upload(
            &page,
            &app,
            "organizations",
            "x.csv",
            b"Name (English),Kind,Country\nA,ngo,GB\n",
        )
        .await;
        assert_eq!(status, 403, "{role:?}");
        let (status, _, _, _) = download(&page, &app, "/import/template.xlsx").await;
        assert_eq!(status, 403);
    }

    let owner = app.sign_in("owner", UserRole::Officer, None, "en").await;
    let file = "Name (English),Kind,Country\nBritish Council,ngo,GB\n";
    let (_, _, location) = upload(&owner, &app, "organizations", "x.csv", file.as_bytes()).await;
    let batch = location.trim_end_matches("/mapping").to_owned();
    check_with_mapping(&owner, &location, &[]).await;
    let other = app.sign_in("other", UserRole::Admin, None, "en").await;
    let (status, _) = other.get(&batch).await;
    assert_eq!(status, 404, "another user does not see the file");
    let (status, _) = other.get(&location).await;
    assert_eq!(status, 404);
    let (status, _, _) = other.post(&format!("{batch}/commit"), &[]).await;
    assert_eq!(status, 404, "nor saves it");
    assert_eq!(count(&app, "organizations").await, 6);

    // A liaison officer imports people, and activities of their own unit only.
    let (_, body) = app.get("/api/v1/units?q=School%20of%20Law").await;
    let law = body["items"][0]["id"].as_i64().unwrap();
    let liaison = app
        .sign_in("liaison", UserRole::Liaison, Some(law), "en")
        .await;
    let (_, html) = liaison.get("/import").await;
    assert!(
        html.contains("activities hosted by your own unit"),
        "{html}"
    );
    let file = "Title (English),Kind,First day,Host unit\n\
                Law lecture,lecture,2024-04-01,School of Law\n\
                Safety lecture,lecture,2024-04-02,School of Safety Engineering\n";
    let (status, _, location) = upload(
        &liaison,
        &app,
        "activities",
        "lectures.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = check_with_mapping(&liaison, &location, &[]).await;
    assert!(html.contains("1 of 2 rows have problems"), "{html}");
    assert!(html.contains("own unit"), "{html}");
}

async fn files_that_are_not_spreadsheets_or_too_large_are_refused_clearly(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let (status, html, _) = upload(&page, &app, "people", "photo.png", png).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("neither an Excel workbook (.xlsx) nor a CSV file in UTF-8"),
        "{html}"
    );
    let gbk = b"\xd0\xd5\xc3\xfb,Name\n\xd5\xc5,Zhang\n";
    let (status, html, _) = upload(&page, &app, "people", "gbk.csv", gbk).await;
    assert_eq!(status, 422);
    assert!(html.contains("CSV UTF-8"), "{html}");
    let (status, html, _) = upload(
        &page,
        &app,
        "people",
        "old.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1a\xe1",
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("save it as .xlsx"), "{html}");
    let (status, html, _) = upload(&page, &app, "people", "empty.csv", b"Name (English)\n").await;
    assert_eq!(status, 422);
    assert!(html.contains("no rows below it"), "{html}");
    let big = vec![b'a'; 11 * 1024 * 1024];
    let (status, html, _) = upload(&page, &app, "people", "big.csv", &big).await;
    assert_eq!(status, 413);
    assert!(html.contains("larger than 10 MB"), "{html}");
    let (status, _, _) = upload(&page, &app, "units", "u.csv", b"Name (English)\nLaw\n").await;
    assert_eq!(status, 422, "units are not imported from spreadsheets");
    let (status, _, _) = upload_with_token(
        &page,
        &app,
        "forged",
        "people",
        "p.csv",
        b"Name (English)\nA\n",
    )
    .await;
    assert_eq!(status, 403, "the form's token is checked");
    // A mapping without the fields a record needs is refused before any row is checked.
    let (_, _, location) = upload(
        &page,
        &app,
        "organizations",
        "o.csv",
        b"Name (English),Kind\nA,ngo\n",
    )
    .await;
    let (status, html) = check_with_mapping(&page, &location, &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("No column is matched to Country"), "{html}");
}

async fn a_long_file_s_page_shows_how_far_checking_and_saving_have_come(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (user, _) = app
        .db
        .store
        .user_for_login("officer")
        .await
        .unwrap()
        .unwrap();
    let actor = user.actor(None);
    let rows: Vec<liaison_core::ImportRow> = (0..1500)
        .map(|i| liaison_core::ImportRow {
            line: i + 2,
            cells: vec![format!("Guest {i}")],
        })
        .collect();
    let mapping = [Some("name_en".to_owned())];
    let store = &app.db.store;
    let id = store
        .create_import(
            &actor,
            liaison_core::PERSON,
            "guests.csv",
            &["Name (English)".to_owned()],
            &rows,
            &mapping,
        )
        .await
        .unwrap();
    // The state as a check running in another process leaves it in the shared database.
    store
        .start_import_check(&actor, id, &mapping)
        .await
        .unwrap();
    store.set_import_progress(&actor, id, 300).await.unwrap();
    let (status, html) = page.get(&format!("/import/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"1\">"));
    assert!(html.contains("Checked 300 of 1,500 rows"), "{html}");
    assert!(html.contains("<progress max=\"1500\" value=\"300\">"));
    store.finish_import_check(&actor, id, &[]).await.unwrap();
    store.start_import_commit(&actor, id).await.unwrap();
    let (_, html) = page.get(&format!("/import/{id}")).await;
    assert!(html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("Saving 1,500 rows"), "{html}");

    // Through the pages: the preview of the same rows, then saving them all.
    let file: String = std::iter::once("Name (English)\n".to_owned())
        .chain((0..1500).map(|i| format!("Guest {i}\n")))
        .collect();
    let (_, _, location) = upload(&page, &app, "people", "guests.csv", file.as_bytes()).await;
    let (_, html) = check_with_mapping(&page, &location, &[]).await;
    assert!(html.contains("All 1,500 rows can be saved"), "{html}");
    assert!(
        html.contains("1,300 more rows without problems are not shown"),
        "{html}"
    );
    let batch = location.trim_end_matches("/mapping").to_owned();
    page.post(&format!("{batch}/commit"), &[]).await;
    let html = settled(&page, &batch).await;
    assert!(html.contains("1,500 records were created"), "{html}");
    assert_eq!(count(&app, "people").await, 1500);
    // The page stops refreshing once search finds what was saved.
    let (status, found) = app.get("/api/v1/search?q=Guest+1499").await;
    assert_eq!(status, 200);
    assert_eq!(found["total"], 1, "{found}");

    // Records whose words wait to be indexed (an import in another process, say) keep the
    // saved page refreshing, and saying so, until they are indexed.
    let more = liaison_core::ExchangeDocument {
        people: serde_json::from_value(serde_json::json!([
            {"name_en": "Queued Guest One", "category": "external"},
            {"name_en": "Queued Guest Two", "category": "external"},
        ]))
        .unwrap(),
        ..Default::default()
    };
    store
        .import_with_progress(&actor, &more, &|_| {})
        .await
        .unwrap();
    let (_, html) = page.get(&batch).await;
    assert!(html.contains("http-equiv=\"refresh\""), "{html}");
    assert!(
        html.contains("Records still being added to search: 2."),
        "{html}"
    );
    // Search indexes so short a queue before it reads.
    let (_, found) = app.get("/api/v1/search?q=Queued+Guest").await;
    assert_eq!(found["total"], 2, "{found}");
    assert_eq!(store.queued_documents().await.unwrap(), 0);
    let html = settled(&page, &batch).await;
    assert!(!html.contains("still being added"), "{html}");
}
