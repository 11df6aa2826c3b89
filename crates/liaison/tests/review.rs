//! The annual review end to end: a small year of work recorded through the API, and every figure
//! of the review, its page, its workbook and its report checked against numbers counted by hand.

mod common;

use common::TestApp;
use serde_json::{Value, json};

on_both_databases!(
    the_review_counts_every_figure_as_counted_by_hand,
    a_year_that_cannot_be_reviewed_is_refused_with_a_reason,
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
            row("going_global_people", 3, 0),
            row("bringing_in_people", 2, 1),
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
        [row("countries", 5, 3), row("partners", 6, 3)]
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
    assert_eq!(partners.len(), 6);
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
        ("All-China Federation of Trade Unions", 1, 0),
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

async fn a_year_that_cannot_be_reviewed_is_refused_with_a_reason(app: TestApp) {
    for query in ["year=abc", "year=99999", "year=999", "year=99999999999"] {
        let (status, body) = app.get(&format!("/api/v1/review?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(common::fields(&body), ["year"], "{query}");
    }
    let (status, review) = app.get("/api/v1/review").await;
    assert_eq!(status, 200, "last year by default");
    assert!(review["year"].as_i64().unwrap() >= 2025);
}
