//! A trip's files, the photos its report needs, and its notice and report as the office prints
//! them and, when the trip policy says so, as anyone reads them without signing in: on a clock
//! the test sets, so the notice period and the return fall on the days the story needs.

use chrono::NaiveDate;
use liaison_core::UserRole;
use liaison_store::Backend;
use liaison_web::clock::OfficeClock;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::files::{letter, photo};
use crate::trips::{Accounts, DepartureDays, get, school, send, take_to_departure};

/// Runs each listed test once against SQLite and once against PostgreSQL, on a server whose
/// office clock the test moves.
macro_rules! on_both_databases_with_a_clock {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (app, clock) = super::clocked(liaison_store::Backend::Sqlite).await;
                    super::$name(app, clock).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let (app, clock) = super::clocked(liaison_store::Backend::Postgres).await;
                    super::$name(app, clock).await;
                }
            )*
        }
    };
}

on_both_databases_with_a_clock!(
    a_trip_keeps_its_files_as_whoever_acts_for_it_allows,
    a_report_needs_its_photos_and_says_so_in_the_reader_s_language,
    a_submission_refused_by_the_policy_says_why_in_the_reader_s_language,
    the_publication_setting_decides_what_an_anonymous_visitor_reads_and_nothing_personal_leaks,
);

async fn clocked(backend: Backend) -> (TestApp, OfficeClock) {
    let clock = OfficeClock::fixed(day("2026-03-02"));
    let app = crate::common::spawn_app_with(
        backend,
        None,
        liaison_web::WebSettings {
            clock: clock.clone(),
            ..Default::default()
        },
    )
    .await;
    (app, clock)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// What the notice must not show: a member's phone, mailbox and notes, the applicant's account,
/// the approvers and their comments, the invitation and the purpose.
const PRIVATE: &[&str] = &[
    "13812345678",
    "zhang.wei@example.edu",
    "Allergic to penicillin",
    "li.na",
    "zhou.hai",
    "Approved after checking the budget",
    "Invitation signed by the rector",
    "Renew the joint laboratory",
    "/people/",
];

/// A research trip of the school to Vientiane, 10 to 16 May 2026, with a third member whose
/// record holds personal data.
async fn file_trip(app: &TestApp, a: &Accounts) -> i64 {
    let (status, org) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "university", "country": "LA", "name_en": "National University of Laos"}),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let (status, private) = app
        .post(
            "/api/v1/people",
            &json!({"name_en": "Zhang Wei", "category": "internal", "unit": "marine",
                    "phone": "13812345678", "email": "zhang.wei@example.edu",
                    "notes": "Allergic to penicillin"}),
        )
        .await;
    assert_eq!(status, 201, "{private}");
    let trip = json!({
        "unit": a.unit,
        "title_en": "Joint marine research in Laos",
        "trip_type": "research",
        "destinations": [{"country": "LA", "city": "Vientiane",
                          "arrive": "2026-05-10", "leave": "2026-05-16"}],
        "members": [
            {"person_id": a.teacher_person, "leader": true, "position": "Professor"},
            {"person_id": a.colleague_person, "position": "Lecturer"},
            {"person_id": private["id"], "position": "Research assistant"}
        ],
        "inviting_organization": org["id"],
        "invitation": "Invitation signed by the rector on 2 February",
        "purpose": "Renew the joint laboratory",
        "tasks": "Joint sampling in the Mekong; two seminars",
        "schedule": [{"date": "2026-05-11", "plan": "Seminar at the Faculty of Environmental Sciences"}],
        "funding": "research_grant",
        "budget": [{"item": "Air fares", "amount": 1200000}]
    });
    let (status, filed) = send(&a.teacher, app, "/api/v1/trips", &trip).await;
    assert_eq!(status, 201, "{filed}");
    filed["id"].as_i64().unwrap()
}

/// Makes a change of state of trip `id` from the version it is at now.
async fn act(app: &TestApp, who: &reqwest::Client, id: i64, action: &str, extra: Value) -> Value {
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    let mut body = json!({"version": trip["version"]});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let (status, after) = send(who, app, &format!("/api/v1/trips/{id}/{action}"), &body).await;
    assert_eq!(status, 200, "{action}: {after}");
    after
}

/// Files, submits and approves a trip on 2 March 2026 and posts its notice, which runs until
/// 9 March.
async fn noticed(app: &TestApp, a: &Accounts) -> i64 {
    let id = file_trip(app, a).await;
    act(app, &a.teacher, id, "submit", json!({})).await;
    let comment = json!({"comment": "Approved after checking the budget"});
    for approver in [&a.leader, &a.officer, &a.vice_president] {
        act(app, approver, id, "approve", comment.clone()).await;
    }
    let trip = act(app, &a.officer, id, "post_notice", json!({})).await;
    assert_eq!(trip["notice_ends"], "2026-03-09");
    id
}

/// Briefs every member, departs on 10 May and comes back on 16 May.
async fn back_home(app: &TestApp, a: &Accounts, clock: &OfficeClock, id: i64) {
    let days = DepartureDays {
        briefing: "2026-04-20",
        briefed: "2026-04-27",
        departs: "2026-05-10",
    };
    take_to_departure(app, &a.officer, clock, id, days).await;
    clock.set(day("2026-05-18"));
    act(app, &a.teacher, id, "return", json!({"date": "2026-05-16"})).await;
}

fn report() -> Value {
    json!({"report": {
        "tasks_done": "Joint sampling in the Mekong; two seminars given.",
        "outcomes": "A joint research agreement drafted with the National University of Laos.",
        "spending": [{"item": "Air fares", "amount": 1150000}],
        "follow_up": "Sign the agreement in the autumn."
    }})
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    files: Vec<(&str, Vec<u8>)>,
    caption: &str,
) -> (u16, Value) {
    let mut form = Form::new().text("caption", caption.to_owned());
    for (name, bytes) in files {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    let response = client
        .post(app.url(&format!("/api/v1/trips/{id}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A JPEG whose EXIF data says where it was taken.
fn photo_with_location(seed: u8) -> Vec<u8> {
    let plain = photo(64, 48, seed);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a GPS 17.9N 102.6E";
    let mut tagged = plain[..2].to_vec();
    tagged.extend_from_slice(&[0xff, 0xe1]);
    tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    tagged.extend_from_slice(exif);
    tagged.extend_from_slice(&plain[2..]);
    tagged
}

fn has_location(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|w| w == b"GPS 17.9N")
}

async fn a_trip_keeps_its_files_as_whoever_acts_for_it_allows(app: TestApp, _clock: OfficeClock) {
    let a = school(&app).await;
    let id = file_trip(&app, &a).await;
    let files = format!("/api/v1/trips/{id}/files");

    // The invitation letter before submission, by the applicant.
    let invitation = letter("Invitation of the National University of Laos");
    let (status, kept) = upload(
        &app,
        &a.teacher,
        id,
        vec![("邀请函.pdf", invitation.clone())],
        "Invitation",
    )
    .await;
    assert_eq!(status, 201, "{kept}");
    assert_eq!(kept[0]["record_kind"], "trip");
    let letter_id = kept[0]["id"].as_i64().unwrap();

    // Whoever reads the trip reads its files; only who acts for it changes them.
    let (status, listed) = get(&a.leader, &app, &files).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let response = a
        .leader
        .get(app.url(&format!("{files}/{letter_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), invitation);
    let (_, law) = app
        .post(
            "/api/v1/units",
            &json!({"key": "law", "name_en": "Law School"}),
        )
        .await;
    let outsiders = [
        ("the leader in charge", a.vice_president.clone()),
        (
            "a viewer",
            app.client_for("reader", UserRole::Viewer, None).await,
        ),
        (
            "another unit's liaison officer",
            app.client_for("liaison.law", UserRole::Liaison, law["id"].as_i64())
                .await,
        ),
        (
            "a colleague who did not apply",
            app.client_for("teacher.qian", UserRole::Staff, Some(a.unit))
                .await,
        ),
    ];
    for (who, client) in &outsiders {
        let (status, body) = upload(&app, client, id, vec![("x.jpg", photo(8, 8, 1))], "").await;
        assert_eq!(status, 403, "{who} uploads: {body}");
        let status = client
            .put(app.url(&format!("{files}/{letter_id}")))
            .json(&json!({"caption": "Changed"}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 403, "{who} captions");
        let status = client
            .delete(app.url(&format!("{files}/{letter_id}")))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 403, "{who} deletes");
    }
    // The office keeps a file with it too.
    let (status, body) = upload(
        &app,
        &a.officer,
        id,
        vec![("visa.jpg", photo(16, 12, 2))],
        "",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let response = a
        .teacher
        .put(app.url(&format!("{files}/{letter_id}")))
        .json(&json!({"caption": "Invitation, signed and stamped"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let status = a
        .teacher
        .delete(app.url(&format!("{files}/{letter_id}")))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let (_, listed) = get(&a.teacher, &app, &files).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Each upload, download and deletion is in the audit log, with who made it.
    let (_, audit) = app.get("/api/v1/audit?entity=file").await;
    let mut actions: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    actions.reverse();
    let expected = [
        ("create", "li.na"),
        ("download", "zhou.hai"),
        ("create", "officer"),
        ("update", "li.na"),
        ("delete", "li.na"),
    ]
    .map(|(a, u)| (a.to_owned(), u.to_owned()));
    assert_eq!(actions, expected);

    // The routes are in the OpenAPI document.
    let (_, doc) = app.get("/api/openapi.json").await;
    for path in [
        "/api/v1/trips/{id}/files",
        "/api/v1/trips/{id}/files/{file}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }

    // On the trip's page: the files, and the upload form for who acts for the trip only.
    let liaison = app
        .sign_in("wang.fang", UserRole::Liaison, Some(a.unit), "en")
        .await;
    let (status, page) = liaison.get(&format!("/trips/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("visa.jpg"), "the files are listed");
    assert!(
        page.contains(&format!("action=\"/trips/{id}/files\"")),
        "the upload form"
    );
    let viewer = app
        .sign_in("viewer.page", UserRole::Viewer, None, "en")
        .await;
    let (status, page) = viewer.get(&format!("/trips/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("visa.jpg"));
    assert!(!page.contains(&format!("action=\"/trips/{id}/files\"")));
}

async fn a_report_needs_its_photos_and_says_so_in_the_reader_s_language(
    app: TestApp,
    clock: OfficeClock,
) {
    let a = school(&app).await;
    let id = noticed(&app, &a).await;
    back_home(&app, &a, &clock, id).await;
    let (status, _) = upload(
        &app,
        &a.teacher,
        id,
        vec![("mekong.jpg", photo(32, 24, 1))],
        "",
    )
    .await;
    assert_eq!(status, 201);
    // One photo of the three the policy asks for: refused, with the rule and its numbers.
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    let mut body = report();
    body["version"] = trip["version"].clone();
    let (status, refused) = send(
        &a.teacher,
        &app,
        &format!("/api/v1/trips/{id}/report"),
        &body,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "photos", "{refused}");
    assert_eq!(
        refused["fields"][0]["message"],
        "the report needs 3 photos; the trip has 1"
    );

    // In the browser, in Chinese: the form says how many photos there are, and takes more.
    let liaison = app
        .sign_in("wang.fang", UserRole::Liaison, Some(a.unit), "zh-CN")
        .await;
    let (status, page) = liaison.get(&format!("/trips/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("出访报告须附照片 3 张，本团组现有 1 张"),
        "{page}"
    );
    let report_form = [
        ("transition", "report"),
        ("tasks_done", "Joint sampling in the Mekong."),
        ("outcomes", "A joint research agreement drafted."),
    ];
    let version = trip["version"].as_i64().unwrap().to_string();
    let mut fields = report_form.to_vec();
    fields.push(("version", version.as_str()));
    let (status, refused, _) = liaison.post(&format!("/trips/{id}/act"), &fields).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("出访报告须附照片不少于 3 张，本团组现有 1 张。"),
        "{refused}"
    );
    let form = Form::new()
        .text("csrf", liaison.csrf.clone())
        .text("caption", "在湄公河采样")
        .text("strip_location", "on")
        .part(
            "file",
            Part::bytes(photo(32, 24, 2)).file_name("sampling.jpg"),
        )
        .part(
            "file",
            Part::bytes(photo(32, 24, 3)).file_name("seminar.jpg"),
        );
    let response = liaison
        .client
        .post(app.url(&format!("/trips/{id}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, page) = liaison.get(&format!("/trips/{id}")).await;
    assert!(page.contains("出访报告须附照片 3 张，本团组现有 3 张"));
    let (status, _, _) = liaison.post(&format!("/trips/{id}/act"), &fields).await;
    assert_eq!(status, 303);
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    assert_eq!(trip["status"], "reported");

    // An office that asks for no photos is set so on the trip policy page.
    let admin = app.sign_in("chief", UserRole::Admin, None, "en").await;
    let (status, page) = admin.get("/admin/trip-policy").await;
    assert_eq!(status, 200);
    assert!(page.contains("Photos a report needs"), "{page}");
    let (status, _, _) = admin
        .post(
            "/admin/trip-policy",
            &[
                ("administrative_days_by_countries", "5, 8, 10"),
                ("report_due", "1"),
                ("report_due_unit", "months"),
                ("report_photos", "0"),
                ("publication", "public"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, policy) = app.get("/api/v1/trip-policy").await;
    assert_eq!(policy["policy"]["report_photos"], 0);
    assert_eq!(policy["policy"]["publication"], "public");
    let (_, audit) = app.get("/api/v1/audit?entity=trip_policy").await;
    assert_eq!(audit["items"][0]["username"], "chief", "{audit}");
}

async fn the_publication_setting_decides_what_an_anonymous_visitor_reads_and_nothing_personal_leaks(
    app: TestApp,
    clock: OfficeClock,
) {
    let a = school(&app).await;
    let id = noticed(&app, &a).await;
    let draft = file_trip(&app, &a).await;
    let mut english = reqwest::header::HeaderMap::new();
    english.insert(reqwest::header::ACCEPT_LANGUAGE, "en".parse().unwrap());
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(english)
        .build()
        .unwrap();
    let read = |path: String| {
        let anonymous = anonymous.clone();
        let url = app.url(&path);
        async move {
            let response = anonymous.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };

    // Signed-in only, the default: nothing at the public addresses.
    for path in [
        "/trip-notices".to_owned(),
        format!("/trip-notices/{id}"),
        format!("/trip-reports/{id}"),
    ] {
        assert_eq!(read(path.clone()).await.0, 404, "{path}");
    }
    let (_, policy) = app.get("/api/v1/trip-policy").await;
    let mut public = policy["policy"].clone();
    public["publication"] = json!("public");
    let (status, body) = app.put("/api/v1/trip-policy", &public).await;
    assert_eq!(status, 200, "{body}");

    // Public: the notices up today, each listing what a notice lists and nothing else.
    let (status, list) = read("/trip-notices".to_owned()).await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("Joint marine research in Laos"), "{list}");
    assert!(list.contains(&format!("/trip-notices/{id}")));
    assert!(!list.contains(&format!("/trip-notices/{draft}")));
    let (status, notice) = read(format!("/trip-notices/{id}")).await;
    assert_eq!(status, 200, "{notice}");
    for listed in [
        "Li Na",
        "Chen Bo",
        "Zhang Wei",
        "Research assistant",
        "School of Marine Science",
        "Vientiane",
        "Joint sampling in the Mekong; two seminars",
        "Seminar at the Faculty of Environmental Sciences",
        "National University of Laos",
        "Research grant",
        "¥12,000",
    ] {
        assert!(notice.contains(listed), "{listed} missing from the notice");
    }
    for private in PRIVATE {
        assert!(
            !notice.contains(private),
            "{private} is on the public notice"
        );
    }
    assert_eq!(read(format!("/trip-notices/{draft}")).await.0, 404);
    assert_eq!(
        read(format!("/trip-reports/{id}")).await.0,
        404,
        "not reported"
    );
    assert_eq!(read("/trip-notices/999999".to_owned()).await.0, 404);

    // The notice stays up to its last working day, 9 March, and is taken down the day after.
    clock.set(day("2026-03-09"));
    assert_eq!(read(format!("/trip-notices/{id}")).await.0, 200);
    clock.set(day("2026-03-10"));
    assert_eq!(read(format!("/trip-notices/{id}")).await.0, 404);
    let (_, list) = read("/trip-notices".to_owned()).await;
    assert!(!list.contains(&format!("/trip-notices/{id}")), "{list}");

    // Back home, the report goes up.
    back_home(&app, &a, &clock, id).await;
    assert_eq!(read(format!("/trip-notices/{id}")).await.0, 404);
    let photos = vec![
        ("mekong.jpg", photo_with_location(1)),
        ("seminar.jpg", photo_with_location(2)),
        ("lab.jpg", photo_with_location(3)),
    ];
    let (status, kept) = upload(&app, &a.teacher, id, photos, "Sampling in the Mekong").await;
    assert_eq!(status, 201, "{kept}");
    act(&app, &a.teacher, id, "report", report()).await;
    let (status, page) = read(format!("/trip-reports/{id}")).await;
    assert_eq!(status, 200, "{page}");
    for listed in [
        "Joint sampling in the Mekong; two seminars given.",
        "A joint research agreement drafted",
        "Sign the agreement in the autumn.",
        "Sampling in the Mekong",
        "Zhang Wei",
    ] {
        assert!(page.contains(listed), "{listed} missing from the report");
    }
    for private in PRIVATE {
        assert!(!page.contains(private), "{private} is on the public report");
    }
    let photo_id = kept[0]["id"].as_i64().unwrap();
    let src = format!("/trip-reports/{id}/photos/{photo_id}");
    assert!(page.contains(&src), "{page}");
    let response = anonymous.get(app.url(&src)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let shown = response.bytes().await.unwrap();
    assert!(image::load_from_memory(&shown).is_ok());
    assert!(!has_location(&shown), "a public photo keeps no location");
    // The file itself, and the trip's other addresses, still need a session.
    for path in [
        format!("/trips/{id}/files/{photo_id}"),
        format!("/trips/{id}/report"),
        format!("/api/v1/trips/{id}/files/{photo_id}"),
    ] {
        let status = read(path.clone()).await.0;
        assert!(
            (300..400).contains(&status) || status == 401,
            "{path}: {status}"
        );
    }

    // Signed in, the report prints on A4 and downloads with its photos in it.
    let officer = app
        .sign_in("office.page", UserRole::Officer, None, "en")
        .await;
    let (status, page) = officer.get(&format!("/trips/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/trips/{id}/report.docx")));
    assert!(
        page.contains(&format!("/trip-reports/{id}")),
        "the public address"
    );
    let (status, page) = officer.get(&format!("/trips/{id}/report")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/trips/{id}/report/photos/{photo_id}")));
    let (status, kind, bytes) = officer.download(&format!("/trips/{id}/report.docx")).await;
    assert_eq!(status, 200);
    assert!(kind.contains("wordprocessingml"), "{kind}");
    let (xml, text) = crate::common::read_docx(&bytes);
    assert!(
        text.contains("A joint research agreement drafted"),
        "{text}"
    );
    assert!(text.contains("Sampling in the Mekong"), "{text}");
    assert_eq!(xml.matches("<w:drawing>").count(), 3, "three photos");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let pictures = (0..zip.len())
        .filter(|&i| {
            let entry = zip.by_index(i).unwrap();
            let media = entry
                .name()
                .is_ok_and(|n| n.starts_with("word/media/") && n.ends_with(".png"));
            media && entry.size() > 0
        })
        .count();
    assert_eq!(pictures, 3, "the photos are embedded");

    // Back to signed-in only: the public addresses answer 404 again.
    let mut private = public.clone();
    private["publication"] = json!("signed_in");
    let (status, _) = app.put("/api/v1/trip-policy", &private).await;
    assert_eq!(status, 200);
    assert_eq!(read(format!("/trip-reports/{id}")).await.0, 404);
    assert_eq!(read(src).await.0, 404);
}

async fn a_submission_refused_by_the_policy_says_why_in_the_reader_s_language(
    app: TestApp,
    _clock: OfficeClock,
) {
    let a = school(&app).await;
    // Official talks in Laos for six days: one day past the limit of an administrative trip.
    let trip = json!({
        "unit": a.unit,
        "title_en": "Talks with the Lao Federation of Trade Unions",
        "trip_type": "talks",
        "destinations": [{"country": "LA", "city": "Vientiane",
                          "arrive": "2026-05-10", "leave": "2026-05-15"}],
        "members": [{"person_id": a.teacher_person, "leader": true, "position": "Dean"}],
        "funding": "university"
    });
    let (status, filed) = send(&a.teacher, &app, "/api/v1/trips", &trip).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let version = filed["version"].as_i64().unwrap().to_string();
    for (lang, expected) in [
        (
            "zh-CN",
            "行政类出访 1 个国家（地区）在外不超过 5 天（含离、抵境当日），本次为 6 天。",
        ),
        (
            "en",
            "An administrative trip to 1 countries or regions may last at most 5 days",
        ),
    ] {
        let liaison = app
            .sign_in(
                &format!("liaison.{lang}"),
                UserRole::Liaison,
                Some(a.unit),
                lang,
            )
            .await;
        let (status, refused, _) = liaison
            .post(
                &format!("/trips/{id}/act"),
                &[("transition", "submit"), ("version", &version)],
            )
            .await;
        assert_eq!(status, 422);
        assert!(refused.contains(expected), "{lang}: {refused}");
    }
}
