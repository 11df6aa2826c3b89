//! Files shown where people look: search finds a file by its name and caption and leads to its
//! record, and an upload racing the deletion of its record leaves no file behind.

use liaison_core::UserRole;
use liaison_files::{ContentHash, FileStore, Location};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app_with_files};
use crate::files::{letter, photo};

on_both_databases!(
    a_file_is_found_by_its_caption_and_name_and_leads_to_its_record,
    an_upload_racing_the_deletion_of_its_record_leaves_no_file_behind,
    an_upload_from_the_page_of_a_record_deleted_meanwhile_says_so,
    every_kind_that_keeps_files_asks_before_deleting_them,
);

async fn created(app: &TestApp, list: &str, body: Value) -> i64 {
    let (status, saved) = app.post(&format!("/api/v1/{list}"), &body).await;
    assert_eq!(status, 201, "{list}: {saved}");
    saved["id"].as_i64().unwrap()
}

/// Uploads one file to a record through the API and answers the status and the body.
async fn send_file(
    app: &TestApp,
    record: &str,
    name: &str,
    bytes: Vec<u8>,
    caption: &str,
) -> (u16, Value) {
    let form = Form::new()
        .text("caption", caption.to_owned())
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let response = app
        .client
        .post(app.url(&format!("{record}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Uploads one file and answers its number.
async fn kept(app: &TestApp, record: &str, name: &str, bytes: Vec<u8>, caption: &str) -> i64 {
    let (status, body) = send_file(app, record, name, bytes, caption).await;
    assert_eq!(status, 201, "{record}: {body}");
    body[0]["id"].as_i64().unwrap()
}

/// The API's search for `q`: each hit as (type, id, names of the files it names).
async fn search(app: &TestApp, q: &str) -> Vec<(String, i64, Vec<String>)> {
    let (status, body) = app.get(&format!("/api/v1/search?q={}", urlencode(q))).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["type"].as_str().unwrap().to_owned(),
                hit["id"].as_i64().unwrap(),
                hit["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["name"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn a_file_is_found_by_its_caption_and_name_and_leads_to_its_record(app: TestApp) {
    let yangon = created(
        &app,
        "organizations",
        json!({"kind": "university", "country": "MM", "name_en": "University of Yangon",
               "name_zh": "仰光大学"}),
    )
    .await;
    let meeting = created(
        &app,
        "activities",
        json!({"kind": "online_meeting", "title_en": "Online meeting with the University of Yangon",
               "start_date": "2025-04-08", "partners": [yangon]}),
    )
    .await;
    let memorandum = created(
        &app,
        "agreements",
        json!({"kind": "mou", "title_en": "Memorandum with the University of Yangon",
               "partners": [yangon]}),
    )
    .await;
    let meeting_path = format!("/api/v1/activities/{meeting}");
    let capture = kept(
        &app,
        &meeting_path,
        "screen_capture_of_the_call.jpg",
        photo(320, 240, 11),
        "与仰光大学校长视频会谈截图",
    )
    .await;
    let signed = kept(
        &app,
        &format!("/api/v1/agreements/{memorandum}"),
        "signed-memorandum.pdf",
        letter("signed memorandum"),
        "Signed copy returned by courier",
    )
    .await;

    // By a word of a Chinese caption, an English caption and a file's name.
    let by_caption = search(&app, "视频会谈").await;
    assert_eq!(
        by_caption,
        [(
            "activity".to_owned(),
            meeting,
            vec!["screen_capture_of_the_call.jpg".to_owned()]
        )]
    );
    let by_courier = search(&app, "courier").await;
    assert_eq!(
        by_courier,
        [(
            "agreement".to_owned(),
            memorandum,
            vec!["signed-memorandum.pdf".to_owned()]
        )]
    );
    let by_name = search(&app, "screen capture").await;
    assert_eq!(by_name.len(), 1, "{by_name:?}");
    assert_eq!(by_name[0].2, ["screen_capture_of_the_call.jpg"]);
    // A record found by its own words names no file.
    let by_title = search(&app, "memorandum yangon").await;
    assert!(
        by_title
            .iter()
            .any(|(kind, id, files)| kind == "agreement" && *id == memorandum && files.len() == 1),
        "the memorandum's file is named by its own name: {by_title:?}"
    );
    let (_, body) = app.get("/api/v1/search?q=Yangon&type=activity").await;
    assert_eq!(body["items"][0]["files"], json!([]), "{body}");

    // A new caption is found at once, and the old one no more.
    let (status, body) = app
        .put(
            &format!("{meeting_path}/files/{capture}"),
            &json!({"caption": "Handshake on screen with the rector"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(search(&app, "视频会谈").await.is_empty());
    assert_eq!(search(&app, "handshakes").await[0].1, meeting);

    // A deleted file is no longer found.
    let status = app
        .delete(&format!("/api/v1/agreements/{memorandum}/files/{signed}"))
        .await;
    assert_eq!(status, 204);
    assert!(search(&app, "courier").await.is_empty());

    // Rebuilding the index keeps the files' words.
    app.db.store.reindex().await.unwrap();
    assert_eq!(search(&app, "handshake").await[0].2.len(), 1);

    // The search page names the file and leads to it and to its record, in both languages,
    // for a viewer, who may read the record and so the file.
    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    let (status, html) = viewer.get("/search?q=handshake").await;
    assert_eq!(status, 200);
    let file_href = format!("/activities/{meeting}/files/{capture}");
    assert!(
        html.contains(&format!("href=\"/activities/{meeting}\"")),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{file_href}\"")), "{html}");
    assert!(html.contains("File: <a"), "{html}");
    assert!(html.contains("Handshake on screen with the rector"));
    let (status, content_type, bytes) = viewer.download(&file_href).await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    assert_eq!(bytes, photo(320, 240, 11));
    let chinese = app
        .sign_in("viewer-zh", UserRole::Viewer, None, "zh-CN")
        .await;
    let (_, html) = chinese.get("/search?q=%E6%8F%A1%E6%89%8B").await;
    assert!(!html.contains(&file_href), "握手 is in no caption");
    let (_, html) = chinese.get("/search?q=rector").await;
    assert!(html.contains("文件："), "{html}");
    assert!(html.contains(&format!("href=\"{file_href}\"")));
}

/// Uploads a photo to an activity while the activity is deleted, several times over: every
/// upload either landed first and was deleted with its record, or was refused as of a record
/// that is gone; either way no row and no bytes are left.
async fn race(app: &TestApp, files: &FileStore) {
    let mut sent = Vec::new();
    for round in 0..8u8 {
        let activity = created(
            app,
            "activities",
            json!({"kind": "conference", "title_en": format!("Mekong forum, session {round}"),
                   "start_date": "2025-06-02"}),
        )
        .await;
        let path = format!("/api/v1/activities/{activity}");
        let before = photo(80, 60, round.wrapping_mul(2));
        kept(app, &path, "before.jpg", before.clone(), "Landed before").await;
        let racing = photo(80, 60, round.wrapping_mul(2) + 1);
        let (upload, deletion) = tokio::join!(
            send_file(app, &path, "racing.jpg", racing.clone(), "On its way"),
            app.delete(&path)
        );
        assert_eq!(deletion, 204);
        match upload {
            (201, _) => {}
            (404, body) => assert!(
                body.to_string().contains("activity"),
                "the refusal names the record: {body}"
            ),
            other => panic!("neither kept nor refused: {other:?}"),
        }
        let (status, _) = app.get(&path).await;
        assert_eq!(status, 404);
        sent.push(before);
        sent.push(racing);
    }
    assert_eq!(app.db.store.all_files().await.unwrap(), []);
    for bytes in sent {
        let hash = ContentHash::of(&bytes);
        assert!(!files.contains(&hash).await.unwrap(), "{hash} left behind");
        assert!(files.thumbnail(&hash).await.unwrap().is_none());
    }
}

async fn an_upload_racing_the_deletion_of_its_record_leaves_no_file_behind(app: TestApp) {
    let files = FileStore::open(&Location::Folder(app.files_dir.path().join("files")))
        .await
        .unwrap();
    race(&app, &files).await;
}

/// The same race with the files in the S3-compatible store of `LIAISON_TEST_S3_URL`.
#[tokio::test]
async fn an_upload_racing_the_deletion_of_its_record_leaves_no_object_behind() {
    let url = std::env::var("LIAISON_TEST_S3_URL")
        .expect("LIAISON_TEST_S3_URL: run scripts/test.sh, which starts an S3-compatible server");
    let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
    let prefix = format!("race-{}", liaison_core::secrets::new_token());
    let location = Location::parse(&format!(
        "{}/{prefix}?{query}",
        bucket.trim_end_matches('/')
    ))
    .unwrap();
    for backend in [
        liaison_store::Backend::Sqlite,
        liaison_store::Backend::Postgres,
    ] {
        let app = spawn_app_with_files(backend, Some(location.clone())).await;
        let files = FileStore::open(&location).await.unwrap();
        race(&app, &files).await;
    }
}

async fn an_upload_from_the_page_of_a_record_deleted_meanwhile_says_so(app: TestApp) {
    let activity = created(
        &app,
        "activities",
        json!({"kind": "training_course", "title_en": "Course run by the ILO training centre",
               "start_date": "2025-09-15"}),
    )
    .await;
    let page = app.sign_in("officer", UserRole::Admin, None, "en").await;
    // The page was opened, then someone else deleted the record before the upload arrived.
    let (status, _) = page.get(&format!("/activities/{activity}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        app.delete(&format!("/api/v1/activities/{activity}")).await,
        204
    );
    let form = Form::new()
        .text("csrf", page.csrf.clone())
        .text("caption", "Opening session")
        .part(
            "file",
            Part::bytes(photo(80, 60, 5)).file_name("opening.jpg"),
        );
    let response = page
        .client
        .post(app.url(&format!("/activities/{activity}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The record was deleted while its files were being uploaded"),
        "{html}"
    );
    assert!(html.contains("href=\"/activities\""), "{html}");
    assert_eq!(app.db.store.all_files().await.unwrap(), []);
    assert!(
        !FileStore::open(&Location::Folder(app.files_dir.path().join("files")))
            .await
            .unwrap()
            .contains(&ContentHash::of(&photo(80, 60, 5)))
            .await
            .unwrap()
    );
}

/// Agreements and organizations ask before deleting their files, as activities do.
async fn every_kind_that_keeps_files_asks_before_deleting_them(app: TestApp) {
    let ilo = created(
        &app,
        "organizations",
        json!({"kind": "international_organization", "country": "CH",
               "name_en": "International Labour Organization"}),
    )
    .await;
    let agreement = created(
        &app,
        "agreements",
        json!({"kind": "mou", "title_en": "Training agreement with the ILO", "partners": [ilo]}),
    )
    .await;
    for (path, files) in [
        (format!("agreements/{agreement}"), 2),
        (format!("organizations/{ilo}"), 3),
    ] {
        for n in 0..files {
            kept(
                &app,
                &format!("/api/v1/{path}"),
                &format!("scan-{n}.pdf"),
                letter(&format!("{path} {n}")),
                "",
            )
            .await;
        }
    }
    let page = app.sign_in("office", UserRole::Admin, None, "en").await;
    let (_, question) = page.get(&format!("/agreements/{agreement}/delete")).await;
    assert!(
        question.contains("Its 2 files are deleted with it."),
        "{question}"
    );
    let (_, question) = page.get(&format!("/organizations/{ilo}/delete")).await;
    assert!(
        question.contains("Its 3 files are deleted with it."),
        "{question}"
    );
    let (status, _, _) = page
        .post(&format!("/agreements/{agreement}/delete"), &[])
        .await;
    assert_eq!(status, 303);
    let (status, _, _) = page
        .post(&format!("/organizations/{ilo}/delete"), &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(app.db.store.all_files().await.unwrap(), []);
}
