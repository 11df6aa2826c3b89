//! The working-day calendar through the API and the pages: the shipped years, counting across
//! the holidays, admins' changes and added years, and everyone else only reading.

use crate::common::{TestApp, fields};
use liaison_core::UserRole;
use serde_json::json;

on_both_databases!(
    the_api_counts_working_days_across_national_day_and_refuses_a_year_it_does_not_hold,
    admins_change_the_calendar_through_the_api_and_others_only_read_it,
    the_calendar_page_shows_a_year_and_answers_how_many_working_days_after_a_date,
    admins_add_a_year_and_change_its_days_from_the_pages,
);

async fn the_api_counts_working_days_across_national_day_and_refuses_a_year_it_does_not_hold(
    app: TestApp,
) {
    let (status, body) = app
        .get("/api/v1/working-days/after?date=2026-09-28&days=5")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"from": "2026-09-28", "days": 5, "date": "2026-10-10"}),
        "1–7 October are off and Saturday the 10th is worked"
    );
    let (_, body) = app
        .get("/api/v1/working-days/after?date=2026-02-13&days=1")
        .await;
    assert_eq!(
        body["date"], "2026-02-14",
        "a Saturday worked before Spring Festival"
    );
    let (_, body) = app
        .get("/api/v1/working-days/after?date=2026-10-03&days=0")
        .await;
    assert_eq!(body["date"], "2026-10-03");
    let (status, body) = app
        .get("/api/v1/working-days/between?from=2025-09-26&to=2025-10-12")
        .await;
    assert_eq!((status, body["working_days"].as_i64()), (200, Some(6)));

    let (status, body) = app
        .get("/api/v1/working-days/after?date=2026-12-28&days=5")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains(
            "the working-day calendar has no entries for 2027; an admin can add the year"
        ),
        "{body}"
    );
    let (status, body) = app
        .get("/api/v1/working-days/after?date=2026-09-28&days=-1")
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["days".to_owned()]));
    let (status, body) = app
        .get("/api/v1/working-days/after?date=2026-09-31&days=1")
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["date".to_owned()]));

    let (_, doc) = app.get("/api/openapi.json").await;
    for path in [
        "/api/v1/working-days/after",
        "/api/v1/working-days/between",
        "/api/v1/calendar-days",
        "/api/v1/calendar-days/{id}",
        "/api/v1/calendar-days/years",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
}

async fn admins_change_the_calendar_through_the_api_and_others_only_read_it(app: TestApp) {
    let (status, listed) = app.get("/api/v1/calendar-days?year=2026&per_page=3").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["total"], 39);
    let dates: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-01-01", "2026-01-02", "2026-01-03"]);
    assert_eq!(listed["items"][0]["name_en"], "New Year's Day");
    assert_eq!(listed["items"][0]["source"], "dataset");

    let (_, saturday) = app
        .get("/api/v1/calendar-days?year=2026&kind=working&q=国庆")
        .await;
    let saturday = saturday["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-10-10")
        .cloned()
        .expect("Saturday 10 October 2026 is listed as worked");
    let id = saturday["id"].as_i64().unwrap();

    let viewer = app.client_for("viewer", UserRole::Viewer, None).await;
    let officer = app.client_for("officer", UserRole::Officer, None).await;
    for client in [&viewer, &officer] {
        let read = client
            .get(app.url(&format!("/api/v1/calendar-days/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200);
        let change = client
            .put(app.url(&format!("/api/v1/calendar-days/{id}")))
            .json(&json!({"date": "2026-10-10", "kind": "off", "name_zh": "国庆节", "version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(change.status(), 403);
        let add = client
            .post(app.url("/api/v1/calendar-days/years"))
            .json(&json!({"year": 2028, "lines": "2028-01-01 off 元旦"}))
            .send()
            .await
            .unwrap();
        assert_eq!(add.status(), 403);
        let after = client
            .get(app.url("/api/v1/working-days/after?date=2026-09-28&days=5"))
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 200, "everyone signed in asks");
    }

    let (status, changed) = app
        .put(
            &format!("/api/v1/calendar-days/{id}"),
            &json!({"date": "2026-10-10", "kind": "off", "name_zh": "国庆节", "version": 1}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["source"].as_str(), changed["version"].as_i64()),
        (Some("edited"), Some(2))
    );
    let (_, body) = app
        .get("/api/v1/working-days/after?date=2026-09-28&days=5")
        .await;
    assert_eq!(
        body["date"], "2026-10-12",
        "the answer follows the admin's change"
    );
    let (status, stale) = app
        .put(
            &format!("/api/v1/calendar-days/{id}"),
            &json!({"date": "2026-10-10", "kind": "working", "name_zh": "国庆节", "version": 1}),
        )
        .await;
    assert_eq!(status, 409, "{stale}");

    let (status, created) = app
        .post(
            "/api/v1/calendar-days",
            &json!({"date": "2026-06-01", "kind": "off", "name_zh": "儿童节", "name_en": "Children's Day"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let new_id = created["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/calendar-days/{new_id}")).await,
        204
    );
    let (status, body) = app
        .post(
            "/api/v1/calendar-days",
            &json!({"date": "2029-01-01", "kind": "off", "name_zh": "元旦"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["date".to_owned()]));

    let (status, year) = app
        .post(
            "/api/v1/calendar-days/years",
            &json!({"year": 2028, "days": [
                {"date": "2028-01-01", "kind": "off", "name_zh": "元旦"},
                {"date": "2028-01-29", "kind": "working", "name_zh": "春节"}
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{year}");
    assert_eq!(
        (
            year["year"].as_i64(),
            year["days"].as_i64(),
            year["source"].as_str()
        ),
        (Some(2028), Some(2), Some("edited"))
    );
    let (status, _) = app
        .post("/api/v1/calendar-days/years", &json!({"year": 2028}))
        .await;
    assert_eq!(status, 409, "a year is added once");
    let (status, body) = app
        .post("/api/v1/calendar-days/years", &json!({"year": 2030}))
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["lines".to_owned()]));
    let (_, years) = app.get("/api/v1/calendar-days/years").await;
    let held: Vec<i64> = years
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(&held[..3], [2028, 2026, 2025], "newest first");
}

async fn the_calendar_page_shows_a_year_and_answers_how_many_working_days_after_a_date(
    app: TestApp,
) {
    let officer = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = officer.get("/working-days?year=2026").await;
    assert_eq!(status, 200);
    assert!(html.contains("Working days in 2026"), "{html}");
    assert!(html.contains("October") && html.contains("title=\"National Day\""));
    assert!(!html.contains("Add a year"), "only admins add years");
    let (_, html) = officer
        .get("/working-days?year=2026&date=2026-09-28&days=5")
        .await;
    assert!(
        html.contains("5 working days after 28 September 2026 is Saturday 10 October 2026."),
        "{html}"
    );
    let (_, html) = officer.get("/working-days?date=2026-12-28&days=5").await;
    assert!(
        html.contains(
            "the working-day calendar has no entries for 2027; an admin can add the year"
        ),
        "{html}"
    );
    let (_, html) = officer.get("/working-days?year=2031").await;
    assert!(html.contains("The working-day calendar has no entries for 2031"));

    let (status, html) = officer.get("/calendar-days?year=2025&kind=working").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("28 September 2025") && html.contains("Sunday"),
        "{html}"
    );
    assert!(!html.contains("New calendar day"));
    let (status, _) = officer.get("/calendar-days/add-year").await;
    assert_eq!(status, 403);
    let (status, _, _) = officer
        .post(
            "/calendar-days/add-year",
            &[("year", "2028"), ("lines", "2028-01-01 off 元旦")],
        )
        .await;
    assert_eq!(status, 403);

    let zh = app.sign_in("viewer", UserRole::Viewer, None, "zh-CN").await;
    let (_, html) = zh
        .get("/working-days?year=2026&date=2026-09-28&days=5")
        .await;
    assert!(html.contains("2026年工作日"), "{html}");
    assert!(
        html.contains("2026年9月28日之后第 5 个工作日是2026年10月10日（星期六）。"),
        "{html}"
    );
    let (_, html) = zh.get("/working-days?date=2026-12-28&days=5").await;
    assert!(html.contains("日历中没有该年份"), "{html}");
}

async fn admins_add_a_year_and_change_its_days_from_the_pages(app: TestApp) {
    let admin = app.sign_in("chief", UserRole::Admin, None, "en").await;
    let (status, html) = admin.get("/working-days?year=2026").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/calendar-days/add-year\""));
    let (status, html) = admin.get("/calendar-days/add-year").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"lines\""));

    let typed = "2028-01-01 off 元旦\n2028-01-32 off 元旦\n2028-01-29 rest 春节";
    let (status, html, _) = admin
        .post(
            "/calendar-days/add-year",
            &[("year", "2028"), ("lines", typed)],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("line 2: &#39;2028-01-32&#39; is not a date"),
        "{html}"
    );
    assert!(html.contains("line 3: say"), "{html}");
    assert!(
        html.contains("2028-01-29 rest 春节"),
        "what was typed is kept"
    );
    let (_, html) = admin.get("/working-days?year=2028").await;
    assert!(
        html.contains("no entries for 2028"),
        "nothing of the year was saved"
    );

    let typed = "2028-01-01 off 元旦\n2028-01-29 work 春节\n2028-01-31 off 春节";
    let (status, _, to) = admin
        .post(
            "/calendar-days/add-year",
            &[("year", "2028"), ("lines", typed)],
        )
        .await;
    assert_eq!((status, to.as_str()), (303, "/working-days?year=2028"));
    let (_, html) = admin
        .get("/working-days?year=2028&date=2028-01-28&days=1")
        .await;
    assert!(html.contains("is Saturday 29 January 2028"), "{html}");
    let (status, html, _) = admin
        .post("/calendar-days/add-year", &[("year", "2028")])
        .await;
    assert_eq!(status, 409);
    assert!(html.contains("already holds 2028"));

    let (status, _, to) = admin
        .post(
            "/calendar-days",
            &[("date", "2028-02-01"), ("kind", "off"), ("name_zh", "春节")],
        )
        .await;
    assert_eq!(status, 303);
    let (status, html) = admin.get(&to).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Spring Festival") && html.contains("Entered by an admin"),
        "{html}"
    );
    let (status, html, _) = admin
        .post(
            "/calendar-days",
            &[("date", "2028-02-01"), ("kind", "off"), ("name_zh", "春节")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("already in the calendar"), "{html}");
    let (status, _) = admin.get("/calendar-days?year=2028").await;
    assert_eq!(status, 200);
    let (status, content_type, _) = admin.download("/calendar-days/export.xlsx?year=2028").await;
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"));
}
