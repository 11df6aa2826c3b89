//! How records refer to one another, through the API and the pages: the body that ran an
//! activity sees it on its timeline, and a form naming several missing records hears of each.

use liaison_core::UserRole;
use serde_json::json;

use crate::common::TestApp;

on_both_databases!(
    the_body_that_ran_an_activity_has_it_on_its_timeline_and_is_counted_apart_from_partners,
    every_missing_record_a_request_names_is_reported_in_the_api_and_the_forms,
);

/// The national federation runs a course the university hosts for Vietnamese union cadres, and
/// an online seminar the university attends; a delegation of the Lao federation visits, invited
/// by the university alone.
async fn a_year_of_the_federations(app: &TestApp) -> (i64, i64, i64) {
    let acftu = app
        .created(
            "/api/v1/organizations",
            json!({"key": "org-acftu", "kind": "federation", "country": "CN",
               "name_zh": "中华全国总工会", "name_en": "All-China Federation of Trade Unions"}),
        )
        .await;
    let vgcl = app.created("/api/v1/organizations",
        json!({"key": "org-vgcl", "kind": "trade_union", "country": "VN",
               "name_zh": "越南劳动总联合会", "name_en": "Vietnam General Confederation of Labour"}),
    )
    .await;
    app.created(
        "/api/v1/organizations",
        json!({"key": "org-lftu", "kind": "trade_union", "country": "LA",
               "name_zh": "老挝工会联合会", "name_en": "Lao Federation of Trade Unions"}),
    )
    .await;
    let course = app
        .created(
            "/api/v1/activities",
            json!({"kind": "training_course", "title_zh": "2024年越南工会干部研修班",
               "title_en": "2024 Seminar for Vietnamese Trade Union Cadres",
               "start_date": "2024-05-13", "end_date": "2024-05-19",
               "organizer": "org-acftu", "university_role": "host", "partners": ["org-vgcl"],
               "delegation_size": 25,
               "participants": [{"person": {"key": "p-wang-lei", "category": "external",
                   "name_zh": "王磊", "name_en": "Wang Lei", "organization": "org-acftu"},
                   "role": "accompanying"}]}),
        )
        .await;
    app.created(
        "/api/v1/activities",
        json!({"kind": "online_meeting", "title_zh": "劳动法线上研讨会",
               "title_en": "Online seminar on labour law", "start_date": "2024-09-04",
               "organizer": "org-acftu", "university_role": "participant"}),
    )
    .await;
    app.created(
        "/api/v1/activities",
        json!({"kind": "inbound_visit", "title_en": "Visit of the LFTU delegation",
               "start_date": "2024-10-21", "partners": ["org-lftu"], "delegation_size": 6}),
    )
    .await;
    (acftu, vgcl, course)
}

async fn the_body_that_ran_an_activity_has_it_on_its_timeline_and_is_counted_apart_from_partners(
    app: TestApp,
) {
    let (acftu, vgcl, course) = a_year_of_the_federations(&app).await;

    // The federation's timeline holds both activities it ran, as their organizer; its official
    // taking part adds nothing more. The Vietnamese confederation is the course's partner.
    let (status, timeline) = app
        .get(&format!("/api/v1/organizations/{acftu}/timeline"))
        .await;
    assert_eq!(status, 200, "{timeline}");
    let entries: Vec<(String, &str)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_owned(),
                e["involvement"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("2024-09-04".to_owned(), "organizer"),
            ("2024-05-13".to_owned(), "organizer")
        ]
    );
    assert_eq!(timeline[1]["id"], course);
    let (_, partner) = app
        .get(&format!("/api/v1/organizations/{vgcl}/timeline"))
        .await;
    assert_eq!(partner[0]["involvement"], "partner");

    // Its page and its whole timeline say so in the reader's language.
    for (language, organized, partnered) in [
        ("zh", "主办方", "合作方"),
        ("en", "organized it", "partner"),
    ] {
        let reader = app
            .sign_in(
                &format!("reader-{language}"),
                UserRole::Viewer,
                None,
                language,
            )
            .await;
        for path in [
            format!("/organizations/{acftu}"),
            format!("/organizations/{acftu}/timeline"),
        ] {
            let (status, page) = reader.get(&path).await;
            assert_eq!(status, 200);
            assert_eq!(
                page.matches(&format!("· {organized}<")).count(),
                2,
                "{language} {path}:\n{page}"
            );
            assert!(page.contains(&format!("href=\"/activities/{course}\"")));
        }
        let (_, page) = reader.get(&format!("/organizations/{vgcl}")).await;
        assert!(page.contains(&format!("· {partnered}<")), "{page}");
    }

    // The review counts the federation among the bodies that invited or ran activities, never
    // as a partner.
    let (status, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(status, 200, "{review}");
    let keys = |table: &str| -> Vec<(String, i64)> {
        review[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["key"].as_str().unwrap().to_owned(),
                    r["this_year"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(keys("inviting"), [(acftu.to_string(), 2)]);
    let partners = keys("partners");
    assert!(
        !partners.iter().any(|(key, _)| *key == acftu.to_string()),
        "{partners:?}"
    );
    assert!(partners.contains(&(vgcl.to_string(), 1)), "{partners:?}");
}

async fn every_missing_record_a_request_names_is_reported_in_the_api_and_the_forms(app: TestApp) {
    a_year_of_the_federations(&app).await;

    // Through the API: a visit whose organizer, second partner and guest are not on record.
    let (status, refused) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "inbound_visit", "title_en": "Visit of the VGCL delegation",
                    "start_date": "2024-11-12", "organizer": 99997,
                    "partners": ["org-vgcl", "org-nowhere"],
                    "participants": [{"person": "p-nobody", "role": "leader"}]}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let problems: Vec<String> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} {}", f["field"], f["code"], f["value"]))
        .collect();
    assert_eq!(
        problems,
        [
            r##""organizer" "not_found" "#99997""##,
            r##""partners[1]" "not_found" "org-nowhere""##,
            r##""participants[0].person" "not_found" "p-nobody""##,
        ]
    );

    // Through a form: an agreement whose partners, activity and earlier agreement are not on
    // record, each reported beside its field in the reader's language alone.
    let fields = [
        ("kind", "mou"),
        ("title_zh", "合作备忘录"),
        ("partners", "#99991\n@org-vgcl\n@org-nowhere"),
        ("activity", "#99992"),
        ("renews", "@agr-nowhere"),
    ];
    let zh = app
        .sign_in("officer-zh", UserRole::Officer, None, "zh")
        .await;
    let (status, page, _) = zh.post("/agreements", &fields).await;
    assert_eq!(status, 422, "{page}");
    for missing in [
        "未找到（#99991）",
        "未找到（org-nowhere）",
        "未找到（#99992）",
        "未找到（agr-nowhere）",
    ] {
        assert!(page.contains(missing), "{missing} not reported:\n{page}");
    }
    assert!(!page.contains("there is no"), "English in a Chinese page");
    let en = app
        .sign_in("officer-en", UserRole::Officer, None, "en")
        .await;
    let (status, page, _) = en.post("/agreements", &fields).await;
    assert_eq!(status, 422);
    for missing in [
        "there is no organization 99991",
        "there is no organization 'org-nowhere'",
        "there is no activity 99992",
        "there is no agreement 'agr-nowhere'",
    ] {
        // The page escapes the quotes.
        let shown = ["&#39;", "&#x27;"]
            .iter()
            .any(|quote| page.contains(&missing.replace('\'', quote)));
        assert!(shown, "{missing} not reported:\n{page}");
    }
    let (_, agreements) = app.get("/api/v1/agreements").await;
    assert_eq!(agreements["total"], 0, "nothing was saved");
}
