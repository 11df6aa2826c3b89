//! The annual review end to end: a small year of work recorded through the API, and every figure
//! of the review, its page, its workbook and its report checked against numbers counted by hand.

use crate::common::TestApp;
use calamine::Data;
use liaison_core::UserRole;
use serde_json::{Value, json};

on_both_databases!(
    the_review_counts_every_figure_as_counted_by_hand,
    a_year_that_cannot_be_reviewed_is_refused_with_a_reason,
    the_review_follows_every_change_to_the_records,
    the_review_page_draws_charts_and_the_map_in_both_languages,
    the_review_downloads_as_a_workbook_and_a_report_with_the_same_figures,
);

/// Two years of work, 2023 and 2024, with one activity of 2022 that neither year may count.
///
/// | | kind | days | host | partners (inviting) | tags | outcomes | participants |
/// |---|---|---|---|---|---|---|---|
/// | A1 2024-03-10 | inbound visit | 3 | law | LA (CN) | key project | 2 | Wang, Phonesane |
/// | A2 2024-05-01 | outbound trip | 5 | unions | GB, HK | 重点项目 | 1 | Wang, Li |
/// | A3 2024-09-01 | training course | 90 | unions | LA | Belt and Road | 0 | Phonesane, Wang |
/// | A4 2024-11-20 | conference | 1 | law | MO, TW | | 1 | |
/// | A5 2024-12-30 | outbound trip | 5 | law | TW | Key Project | 0 | Li |
/// | B1 2023-06-01 | inbound visit | 1 | law | LA | | 1 | Phonesane |
/// | B2 2023-10-10 | lecture | 1 | none | HK | | 0 | Wang, Chan |
/// | B3 2023-02-01 | training course | 89 | unions | GB | key project | 3 | |
/// | C1 2022-12-31 | conference | 1 | law | LA | key project | 1 | Wang |
///
/// Gifts: at A1 one given (¥500) and one received (¥300); one given on 2024-07-01 without an
/// activity (¥100); at B1 one received (¥200); at C1 one given (¥999).
async fn record_two_years(app: &TestApp) {
    for (key, name) in [
        ("unit-law", "School of Law"),
        ("unit-unions", "School of Trade Unions"),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/units",
                &json!({"key": key, "kind": "school", "name_en": name}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    for (key, kind, country, name) in [
        (
            "org-acftu",
            "federation",
            "CN",
            "All-China Federation of Trade Unions",
        ),
        (
            "org-lftu",
            "trade_union",
            "LA",
            "Lao Federation of Trade Unions",
        ),
        ("org-oxford", "university", "GB", "University of Oxford"),
        ("org-hku", "university", "HK", "University of Hong Kong"),
        ("org-um", "university", "MO", "University of Macau"),
        ("org-ntu", "university", "TW", "National Taiwan University"),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/organizations",
                &json!({"key": key, "kind": kind, "country": country, "name_en": name}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let outcomes = |n: usize| -> Value {
        (0..n)
            .map(|i| json!({"description": format!("outcome {i}")}))
            .collect()
    };
    let activities = [
        json!({"kind": "inbound_visit", "title_en": "A1 Lao delegation",
               "start_date": "2024-03-10", "end_date": "2024-03-12",
               "host_unit": "unit-law", "inviting_organization": "org-acftu",
               "partners": ["org-lftu"], "tags": ["key project"], "outcomes": outcomes(2),
               "participants": [
                   {"person": {"key": "person-wang", "category": "internal", "name_en": "Wang Wei",
                               "unit": "unit-law"}, "role": "host"},
                   {"person": {"key": "person-phonesane", "category": "external",
                               "name_en": "Phonesane", "organization": "org-lftu"},
                    "role": "leader"}],
               "gifts": [
                   {"direction": "given", "item": "Porcelain vase", "estimated_value_fen": 50000,
                    "giver": {"description": "the university"},
                    "receiver": {"organization": "org-lftu"}},
                   {"direction": "received", "item": "Silk painting",
                    "estimated_value_fen": 30000,
                    "giver": {"organization": "org-lftu"},
                    "receiver": {"description": "the university"}}]}),
        json!({"kind": "outbound_trip", "title_en": "A2 trip to Oxford and Hong Kong",
               "start_date": "2024-05-01", "end_date": "2024-05-05", "host_unit": "unit-unions",
               "partners": ["org-oxford", "org-hku"], "tags": ["重点项目"], "outcomes": outcomes(1),
               "participants": [
                   {"person": "person-wang", "role": "leader"},
                   {"person": {"key": "person-li", "category": "internal", "name_en": "Li Na",
                               "unit": "unit-unions"}, "role": "delegation_member"}]}),
        json!({"kind": "training_course", "title_en": "A3 cadre training course",
               "start_date": "2024-09-01", "end_date": "2024-11-29", "host_unit": "unit-unions",
               "partners": ["org-lftu"], "tags": ["Belt and Road"],
               "participants": [
                   {"person": "person-phonesane", "role": "attendee"},
                   {"person": "person-wang", "role": "lecturer"}]}),
        json!({"kind": "conference", "title_en": "A4 cross-strait conference",
               "start_date": "2024-11-20", "host_unit": "unit-law",
               "partners": ["org-um", "org-ntu"], "outcomes": outcomes(1)}),
        json!({"kind": "outbound_trip", "title_en": "A5 trip to Taipei",
               "start_date": "2024-12-30", "end_date": "2025-01-03", "host_unit": "unit-law",
               "partners": ["org-ntu"], "tags": ["Key Project"],
               "participants": [{"person": "person-li", "role": "leader"}]}),
        json!({"kind": "inbound_visit", "title_en": "B1 Lao visit",
               "start_date": "2023-06-01", "host_unit": "unit-law",
               "partners": ["org-lftu"], "outcomes": outcomes(1),
               "participants": [{"person": "person-phonesane", "role": "leader"}],
               "gifts": [{"direction": "received", "item": "Book", "estimated_value_fen": 20000,
                          "giver": {"organization": "org-lftu"},
                          "receiver": {"description": "the university"}}]}),
        json!({"kind": "lecture", "title_en": "B2 lecture from Hong Kong",
               "start_date": "2023-10-10", "partners": ["org-hku"],
               "participants": [
                   {"person": "person-wang", "role": "lecturer"},
                   {"person": {"key": "person-chan", "category": "external",
                               "name_en": "Chan Tai Man", "organization": "org-hku"},
                    "role": "attendee"}]}),
        json!({"kind": "training_course", "title_en": "B3 visiting scholars",
               "start_date": "2023-02-01", "end_date": "2023-04-30", "host_unit": "unit-unions",
               "partners": ["org-oxford"], "tags": ["key project"], "outcomes": outcomes(3)}),
        json!({"kind": "conference", "title_en": "C1 the year before",
               "start_date": "2022-12-31", "host_unit": "unit-law",
               "partners": ["org-lftu"], "tags": ["key project"], "outcomes": outcomes(1),
               "participants": [{"person": "person-wang", "role": "attendee"}],
               "gifts": [{"direction": "given", "item": "Tea", "estimated_value_fen": 99900,
                          "giver": {"description": "the university"},
                          "receiver": {"organization": "org-lftu"}}]}),
    ];
    for activity in &activities {
        let (status, body) = app.post("/api/v1/activities", activity).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = app
        .post(
            "/api/v1/gifts",
            &json!({"direction": "given", "item": "Calligraphy", "exchanged_on": "2024-07-01",
                    "estimated_value_fen": 10000, "giver": {"description": "the university"},
                    "receiver": {"organization": "org-oxford"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// The rows of a table as (key, this year, last year, change).
fn rows(review: &Value, table: &str) -> Vec<(String, i64, i64, i64)> {
    review[table]
        .as_array()
        .unwrap_or_else(|| panic!("no table {table} in {review}"))
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["this_year"].as_i64().unwrap(),
                r["last_year"].as_i64().unwrap(),
                r["change"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn row(key: &str, this_year: i64, last_year: i64) -> (String, i64, i64, i64) {
    (key.to_owned(), this_year, last_year, this_year - last_year)
}

async fn the_review_counts_every_figure_as_counted_by_hand(app: TestApp) {
    record_two_years(&app).await;
    let (status, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["year"], 2024);
    assert_eq!(review["previous_year"], 2023);
    assert_eq!(review["long_term_days"], 90);
    assert_eq!(
        review["key_project_tags"],
        json!(["key project", "重点项目"])
    );
    assert_eq!(
        (
            review["total"]["this_year"].as_i64(),
            review["total"]["last_year"].as_i64()
        ),
        (Some(5), Some(3))
    );
    assert_eq!(
        rows(&review, "kinds"),
        [
            row("inbound_visit", 1, 1),
            row("outbound_trip", 2, 0),
            row("conference", 1, 0),
            row("lecture", 0, 1),
            row("training_course", 1, 1),
            row("signing_ceremony", 0, 0),
            row("online_meeting", 0, 0),
        ]
    );
    assert_eq!(
        rows(&review, "directions"),
        [
            row("going_global", 2, 0),
            row("bringing_in", 1, 1),
            row("bringing_in_courses", 0, 0),
            // The members of the delegations: ours going (A2's leader and member, A5's
            // leader), theirs coming (A1's and B1's leaders); hosts are not counted, and A3 is a
            // course given to no delegation.
            row("going_global_people", 3, 0),
            row("bringing_in_people", 1, 1),
        ]
    );
    assert_eq!(
        rows(&review, "regions"),
        [
            row("foreign", 3, 2),
            row("hong_kong", 1, 1),
            row("macao", 1, 0),
            row("taiwan", 2, 0),
        ]
    );
    // The mainland inviting body (CN) is not a country of exchange.
    assert_eq!(
        rows(&review, "countries"),
        [
            row("LA", 2, 1),
            row("TW", 2, 0),
            row("GB", 1, 1),
            row("HK", 1, 1),
            row("MO", 1, 0),
        ]
    );
    assert_eq!(
        rows(&review, "reach"),
        [row("countries", 5, 3), row("partners", 5, 3)]
    );
    let partners: Vec<(String, i64, i64)> = review["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name_en"].as_str().unwrap().to_owned(),
                r["this_year"].as_i64().unwrap(),
                r["last_year"].as_i64().unwrap(),
            )
        })
        .collect();
    // The federation invited A1: it is counted apart, not as a partner.
    assert_eq!(partners.len(), 5);
    assert_eq!(
        review["inviting"][0]["name_en"],
        "All-China Federation of Trade Unions"
    );
    assert_eq!(review["inviting"][0]["this_year"], 1);
    assert_eq!(
        partners[..2],
        [
            ("Lao Federation of Trade Unions".to_owned(), 2, 1),
            ("National Taiwan University".to_owned(), 2, 0),
        ]
    );
    for expected in [
        ("University of Oxford", 1, 1),
        ("University of Hong Kong", 1, 1),
        ("University of Macau", 1, 0),
    ] {
        assert!(
            partners
                .iter()
                .any(|p| (p.0.as_str(), p.1, p.2) == expected),
            "{expected:?} in {partners:?}"
        );
    }
    let units: Vec<(Option<&str>, i64, i64)> = review["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name_en"].as_str(),
                r["this_year"].as_i64().unwrap(),
                r["last_year"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            (Some("School of Law"), 3, 1),
            (Some("School of Trade Unions"), 2, 1),
            (None, 0, 1),
        ]
    );
    // A3 lasts 90 days, the policy's line, and is long-term; B3 lasts 89 and is not.
    assert_eq!(
        rows(&review, "terms"),
        [row("short_term", 4, 3), row("long_term", 1, 0)]
    );
    assert_eq!(
        rows(&review, "durations"),
        [
            row("one_day", 1, 2),
            row("two_to_seven_days", 3, 0),
            row("eight_to_thirty_days", 0, 0),
            row("one_to_three_months", 0, 1),
            row("three_months_or_more", 1, 0),
        ]
    );
    assert_eq!(
        rows(&review, "key_projects"),
        [row("key_projects", 3, 1), row("other_projects", 2, 2)]
    );
    assert_eq!(review["key_project_share"]["this_year"], 60.0);
    assert_eq!(review["key_project_share"]["last_year"], 33.33);
    assert_eq!(
        rows(&review, "outcomes"),
        [row("with_outcomes", 3, 2), row("outcomes", 4, 4)]
    );
    assert_eq!(review["outcomes_per_exchange"]["this_year"], 0.8);
    assert_eq!(review["outcomes_per_exchange"]["last_year"], 1.33);
    assert_eq!(
        rows(&review, "participants"),
        [
            row("participations", 7, 3),
            row("people", 3, 3),
            row("internal", 2, 1),
            row("external", 1, 2),
        ]
    );
    assert_eq!(
        rows(&review, "gifts"),
        [
            row("received", 1, 1),
            row("received_value_fen", 30000, 20000),
            row("given", 2, 0),
            row("given_value_fen", 60000, 0),
        ]
    );

    // A year without records is reviewed as empty, not refused.
    let (status, empty) = app.get("/api/v1/review?year=2019").await;
    assert_eq!(status, 200);
    assert_eq!(empty["total"]["this_year"], 0);
    assert!(empty["countries"].as_array().unwrap().is_empty());
}

async fn the_review_follows_every_change_to_the_records(app: TestApp) {
    record_two_years(&app).await;
    let total = |review: &Value| review["total"]["this_year"].as_i64().unwrap();
    let (_, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(total(&review), 5);
    let (status, lecture) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "A6 lecture", "start_date": "2024-04-01"}),
        )
        .await;
    assert_eq!(status, 201, "{lecture}");
    let (_, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(total(&review), 6, "a new activity counts at once");
    assert_eq!(rows(&review, "kinds")[3], row("lecture", 1, 1));

    // Moved to a kind and a year of its own: the counts of both years follow.
    let id = lecture["id"].as_i64().unwrap();
    let (status, body) = app
        .put(
            &format!("/api/v1/activities/{id}"),
            &json!({"version": lecture["version"], "kind": "online_meeting",
                    "title_en": "A6 lecture", "start_date": "2023-04-01"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(total(&review), 5);
    assert_eq!(rows(&review, "kinds")[3], row("lecture", 0, 1));
    assert_eq!(rows(&review, "kinds")[6], row("online_meeting", 0, 1));

    assert_eq!(app.delete(&format!("/api/v1/activities/{id}")).await, 204);
    let (_, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(rows(&review, "kinds")[6], row("online_meeting", 0, 0));
}

async fn a_year_that_cannot_be_reviewed_is_refused_with_a_reason(app: TestApp) {
    for query in ["year=abc", "year=99999", "year=999", "year=99999999999"] {
        let (status, body) = app.get(&format!("/api/v1/review?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(crate::common::fields(&body), ["year"], "{query}");
    }
    let (status, review) = app.get("/api/v1/review").await;
    assert_eq!(status, 200, "last year by default");
    assert!(review["year"].as_i64().unwrap() >= 2025);
}

async fn the_review_page_draws_charts_and_the_map_in_both_languages(app: TestApp) {
    record_two_years(&app).await;
    let page = app.sign_in("leader", UserRole::Leader, None, "en").await;
    let (status, html) = page.get("/review?year=2024").await;
    assert_eq!(status, 200);
    assert!(html.contains("Annual review of international exchange and cooperation, 2024"));
    assert!(
        html.contains("href=\"/review\" aria-current=\"page\""),
        "in the navigation"
    );
    assert!(html.contains(
        "Going global and bringing in: outbound trips 2 with 3 of our people; inbound visits \
         and training courses for delegations 1 (of which courses 0) with 1 guests."
    ));
    assert!(html.contains(
        "Expansion and focus: countries and regions of partners 5; partner organizations 5; \
         key projects 3, 60% of all activities."
    ));
    assert!(html.contains("Long-term (90 days or more)"));
    assert!(html.contains("<svg class=\"chart\""));
    // The map: an outline for every country, Laos and Taiwan coloured by their two activities.
    assert!(html.contains("viewBox=\"0 0 720 288\""));
    assert!(html.matches("<path d=\"M").count() > 170);
    // Countries are named from CLDR; Hong Kong, Macao and Taiwan as regions of China.
    assert!(html.contains("<title>Laos: 2</title>"));
    assert!(html.contains("<title>Taiwan, China: 2</title>"));
    assert!(html.contains("<title>France: 0</title>"));
    assert!(html.contains("Too small to draw at this scale: Hong Kong, China 1; Macao, China 1"));
    assert!(html.contains("href=\"/review/2024.xlsx\""));
    assert!(html.contains("href=\"/review/2024.docx\""));
    assert!(!html.contains("<script"), "no JavaScript is served");

    let chinese = app.sign_in("viewer", UserRole::Viewer, None, "zh-CN").await;
    let (status, html) = chinese.get("/review?year=2024").await;
    assert_eq!(status, 200);
    assert!(html.contains("2024年度国际交流与合作工作回顾"));
    assert!(html.contains("走出去与引进来：出访2批、我方出访3人；来访及来校培训1批（其中为外方代表团举办的培训班0个），来访1人。"));
    assert!(html.contains("短期与长期：短期项目4项，长期项目1项（长期指90天及以上）。"));
    assert!(html.contains("<title>中国台湾: 2</title>"));
    assert!(html.contains("<title>老挝: 2</title>"));
    assert!(html.contains("<title>法国: 0</title>"));
    assert!(html.contains("中国香港 1"));
    assert!(html.contains("年度回顾"));

    // A year without records says so instead of drawing empty charts.
    let (status, html) = page.get("/review?year=2019").await;
    assert_eq!(status, 200);
    assert!(html.contains("No activities are recorded for 2019."));
    assert!(!html.contains("<svg class=\"chart\""));
    let (status, html) = chinese.get("/review?year=2019").await;
    assert_eq!(status, 200);
    assert!(html.contains("2019年没有活动记录。"));

    // Without a year, last year's review.
    let (status, html) = page.get("/review").await;
    assert_eq!(status, 200);
    assert!(html.contains("Annual review of international exchange and cooperation, 20"));

    for path in ["/review?year=abc", "/review?year=99999", "/review/abc.xlsx"] {
        let (status, html) = page.get(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(
            html.contains("is not a year from 1900 to 2200."),
            "{path}: {html}"
        );
    }
    let (status, _) = page.get("/review/2024.pdf").await;
    assert_eq!(status, 404);
}

/// Downloads a file of the pages as the signed-in client: content type, disposition, bytes.
async fn download(client: &reqwest::Client, url: String) -> (String, String, Vec<u8>) {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (
        content_type,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// The text of every run of a docx body, in order.
fn runs(xml: &str) -> Vec<String> {
    xml.split("<w:t xml:space=\"preserve\">")
        .skip(1)
        .map(|piece| piece.split("</w:t>").next().unwrap_or_default().to_owned())
        .collect()
}

fn numbers(row: &[Data]) -> Vec<f64> {
    row[1..]
        .iter()
        .map(|cell| match cell {
            Data::Float(n) => *n,
            other => panic!("{other:?} is not stored as a number in {row:?}"),
        })
        .collect()
}

async fn the_review_downloads_as_a_workbook_and_a_report_with_the_same_figures(app: TestApp) {
    record_two_years(&app).await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (content_type, disposition, bytes) =
        download(&page.client, app.url("/review/2024.xlsx")).await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        disposition,
        "attachment; filename=\"liaison-annual-review-2024.xlsx\""
    );
    let sheets = crate::common::read_workbook(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Overview",
            "Activities by kind",
            "Going global, bringing in",
            "By region class",
            "By country and region",
            "By unit",
            "Most active partners",
            "Inviting and organizing bodies",
            "Agreements",
            "Short-term and long-term",
            "By duration",
            "Key projects",
            "Outcomes",
            "Participants",
            "Gifts",
        ]
    );
    let sheet = |name: &str| &sheets.iter().find(|(n, _)| n == name).unwrap().1;
    let kinds = sheet("Activities by kind");
    assert_eq!(
        kinds[0],
        [
            Data::String("Kind".into()),
            Data::String("2024".into()),
            Data::String("2023".into()),
            Data::String("Change".into()),
        ]
    );
    assert_eq!(kinds[1][0], Data::String("Inbound visit".into()));
    assert_eq!(numbers(&kinds[1]), [1.0, 1.0, 0.0]);
    assert_eq!(numbers(&kinds[2]), [2.0, 0.0, 2.0]);
    assert_eq!(numbers(&kinds[4]), [0.0, 1.0, -1.0]);
    let overview = sheet("Overview");
    assert_eq!(numbers(&overview[1]), [5.0, 3.0, 2.0], "activities");
    assert_eq!(
        numbers(&overview[2]),
        [5.0, 3.0, 2.0],
        "countries and regions"
    );
    assert_eq!(numbers(&overview[3]), [5.0, 3.0, 2.0], "partners");
    let regions = sheet("By region class");
    assert_eq!(numbers(&regions[1]), [3.0, 2.0, 1.0], "foreign");
    assert_eq!(numbers(&regions[4]), [2.0, 0.0, 2.0], "Taiwan");
    let countries = sheet("By country and region");
    assert_eq!(countries[1][0], Data::String("Laos".into()));
    assert_eq!(numbers(&countries[1]), [2.0, 1.0, 1.0]);
    let units = sheet("By unit");
    assert_eq!(units[1][0], Data::String("School of Law".into()));
    assert_eq!(numbers(&units[1]), [3.0, 1.0, 2.0]);
    let terms = sheet("Short-term and long-term");
    assert_eq!(numbers(&terms[1]), [4.0, 3.0, 1.0]);
    assert_eq!(numbers(&terms[2]), [1.0, 0.0, 1.0]);
    let key = sheet("Key projects");
    assert_eq!(numbers(&key[1]), [3.0, 1.0, 2.0]);
    assert_eq!(numbers(&key[3]), [60.0, 33.33, 26.67]);
    let outcomes = sheet("Outcomes");
    assert_eq!(numbers(&outcomes[3]), [0.8, 1.33, -0.53]);
    let people = sheet("Participants");
    assert_eq!(numbers(&people[1]), [7.0, 3.0, 4.0]);
    let gifts = sheet("Gifts");
    assert_eq!(gifts[2][0], Data::String("Value received (¥)".into()));
    assert_eq!(numbers(&gifts[2]), [300.0, 200.0, 100.0]);
    assert_eq!(numbers(&gifts[4]), [600.0, 0.0, 600.0]);

    // The report, downloaded in Chinese, has the balances and the same tables.
    let chinese = app.sign_in("leader", UserRole::Leader, None, "zh-CN").await;
    let (content_type, disposition, bytes) =
        download(&chinese.client, app.url("/review/2024.docx")).await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(disposition.ends_with("liaison-annual-review-2024.docx\""));
    let (xml, text) = crate::common::read_docx(&bytes);
    assert_eq!(xml.matches("<w:tbl>").count(), 15, "one table per sheet");
    for line in [
        "2024年度国际交流与合作工作回顾",
        "四个平衡",
        "数量与质量：全年开展活动5项（比上年+2），记录成果4项，平均每项交流0.8项。",
        "拓展与聚焦：合作伙伴分布于5个国家和地区，共5个合作机构；重点项目3项，占全部活动的60%。",
        "短期与长期：短期项目4项，长期项目1项（长期指90天及以上）。",
        "走出去与引进来：出访2批、我方出访3人；来访及来校培训1批（其中为外方代表团举办的培训班0个），来访1人。",
        "按活动类型",
        "礼品",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    // Table rows read as their cells in order: label, this year, last year, change.
    let cells = runs(&xml).join("|");
    for row in [
        "指标|2024|2023|增减|活动|5|3|2|",
        "|重点项目占比（%）|60|33.33|26.67|",
        "|受赠价值（元）|300|200|100|",
        "|中国台湾|2|0|2|",
        "|老挝|2|1|1|",
        "|因公出访|2|0|2|",
    ] {
        assert!(cells.contains(row), "{row} in {cells}");
    }
}
