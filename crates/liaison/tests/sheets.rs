//! Spreadsheets end to end: every list exported as xlsx and csv and read back, the import
//! template, and importing organizations, people and activities through the pages.

mod common;

use calamine::Data;
use common::{PageClient, TestApp, read_workbook};
use liaison_core::{Actor, ExchangeDocument, UserRole};
use serde_json::json;

on_both_databases!(
    an_exported_list_holds_every_filtered_row_with_numbers_dates_and_chinese_intact,
    every_list_exports_in_both_formats_with_titles_in_the_user_s_language,
    an_export_with_a_filter_that_does_not_read_is_refused_not_widened,
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

    let (status, content_type, disposition, bytes) =
        download(&page, &app, "/activities/export.xlsx?kind=lecture&sort=title").await;
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
    assert_eq!(rows[1][1], "讲座 119", "sorted as asked, newest title first");
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
    let (_, _, _, bytes) = download(&page, &app, "/organizations/export.xlsx?country=LA").await;
    let rows = &read_workbook(&bytes)[0].1;
    assert_eq!(rows.len(), 3, "the two Lao organizations");
    assert!(rows.iter().skip(1).all(|r| r[6] == Data::String("LA".into())));
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
