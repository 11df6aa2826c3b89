//! Files kept with records through the API: round trips on a folder and on an S3-compatible
//! store, what is refused, the headers files are served with, who may do what, the audit log,
//! deletion with the record, and `liaison backup` and `liaison files check` with files.

use liaison_core::UserRole;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app_with_files};

on_both_databases!(
    a_photo_and_a_letter_come_back_byte_for_byte_with_safe_headers,
    a_file_named_like_an_image_with_executable_content_is_refused,
    a_decompression_bomb_is_refused,
    files_past_the_limits_are_refused_and_nothing_is_kept,
    a_photo_kept_without_its_location_has_no_exif,
    captions_change_and_deleted_files_are_gone_from_the_store,
    each_role_may_do_with_a_record_s_files_what_it_may_do_with_the_record,
    uploads_downloads_and_deletions_are_audited,
    a_deleted_record_takes_its_files_with_it,
    several_files_uploaded_from_a_record_s_page_are_shown_with_thumbnails,
    a_record_s_page_asks_before_deleting_its_files_and_names_how_many,
    a_viewer_sees_the_files_but_no_form_to_change_them,
    an_upload_the_multipart_reader_cannot_take_apart_is_a_422,
);

/// A JPEG photo of `width` × `height` pixels whose bytes vary with `seed`.
pub fn photo(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x as u8).wrapping_add(seed),
            (y as u8).wrapping_mul(3),
            ((x + y) as u8).wrapping_add(seed / 2),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A small PDF's bytes.
pub fn letter(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n").into_bytes()
}

fn part(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

async fn new_activity(app: &TestApp, unit: i64, title: &str) -> i64 {
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "inbound_visit", "title_en": title, "start_date": "2025-03-04",
                    "host_unit": unit}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn new_unit(app: &TestApp, key: &str) -> i64 {
    let (status, body) = app
        .post("/api/v1/units", &json!({"key": key, "name_en": key}))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn upload(app: &TestApp, client: &reqwest::Client, path: &str, form: Form) -> (u16, Value) {
    let response = client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn kept_files(app: &TestApp) -> usize {
    let dir = app.files_dir.path().join("files/files");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap().count())
        .sum()
}

/// Uploads a photo and a letter to an activity, an agreement and an organization, and reads
/// each back whole.
async fn round_trip(app: &TestApp) {
    let unit = new_unit(app, "unit-files").await;
    let activity = new_activity(app, unit, "Reception of the Mekong delegation").await;
    let (_, org) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "ngo", "country": "TH", "name_en": "Mekong Institute"}),
        )
        .await;
    let (_, agreement) = app
        .post(
            "/api/v1/agreements",
            &json!({"kind": "mou", "title_en": "MoU with the Mekong Institute", "unit": unit,
                    "partners": [org["id"]]}),
        )
        .await;
    let photo = photo(1600, 1200, 7);
    let letter = letter("invitation of 4 March");
    for record in [
        format!("/api/v1/activities/{activity}"),
        format!("/api/v1/agreements/{}", agreement["id"]),
        format!("/api/v1/organizations/{}", org["id"]),
    ] {
        let form = Form::new()
            .text("caption", "At the gate")
            .part("file", part("gate.jpg", photo.clone()))
            .part("file", part("邀请函.pdf", letter.clone()));
        let (status, kept) = upload(app, &app.client, &format!("{record}/files"), form).await;
        assert_eq!(status, 201, "{record}: {kept}");
        assert_eq!(kept.as_array().unwrap().len(), 2);
        let (status, listed) = app.get(&format!("{record}/files")).await;
        assert_eq!(status, 200);
        assert_eq!(listed, kept, "{record}");
        for (file, bytes, media_type, disposition) in [
            (&kept[0], &photo, "image/jpeg", "inline"),
            (&kept[1], &letter, "application/pdf", "attachment"),
        ] {
            assert_eq!(file["media_type"], media_type);
            assert_eq!(file["caption"], "At the gate");
            assert_eq!(file["size"], bytes.len());
            let response = app
                .client
                .get(app.url(&format!("{record}/files/{}", file["id"])))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            assert_eq!(headers["content-type"], media_type);
            assert_eq!(headers["x-content-type-options"], "nosniff");
            let shown = headers["content-disposition"].to_str().unwrap();
            assert!(shown.starts_with(disposition), "{shown}");
            assert_eq!(response.bytes().await.unwrap().as_ref(), &bytes[..]);
        }
        assert!(
            headers_name(&kept[1]).ends_with(".pdf"),
            "the letter keeps its name"
        );
    }
}

fn headers_name(file: &Value) -> String {
    file["name"].as_str().unwrap().to_owned()
}

async fn a_photo_and_a_letter_come_back_byte_for_byte_with_safe_headers(app: TestApp) {
    round_trip(&app).await;
    // The same photo kept with three records is kept once, beside the one letter.
    assert_eq!(kept_files(&app).await, 2);
}

/// The same round trip with the files in the S3-compatible store of `LIAISON_TEST_S3_URL`.
#[tokio::test]
async fn files_in_an_object_store_come_back_byte_for_byte() {
    let url = std::env::var("LIAISON_TEST_S3_URL").unwrap_or_else(|_| {
        panic!(
            "LIAISON_TEST_S3_URL is not set: run scripts/test.sh, which starts an S3-compatible \
             server, or set it to s3://BUCKET?endpoint=URL&region=NAME with AWS_ACCESS_KEY_ID \
             and AWS_SECRET_ACCESS_KEY"
        )
    });
    let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
    let prefix = format!("it-{}", liaison_core::secrets::new_token());
    let location = liaison_files::Location::parse(&format!(
        "{}/{prefix}?{query}",
        bucket.trim_end_matches('/')
    ))
    .unwrap();
    for backend in [
        liaison_store::Backend::Sqlite,
        liaison_store::Backend::Postgres,
    ] {
        let app = spawn_app_with_files(backend, Some(location.clone())).await;
        round_trip(&app).await;
    }
}

async fn a_file_named_like_an_image_with_executable_content_is_refused(app: TestApp) {
    let unit = new_unit(&app, "unit-exe").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let mut program = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
    program.extend_from_slice(&[0u8; 4000]);
    let windows = [&b"MZ\x90\x00\x03\x00\x00\x00"[..], &[0u8; 4000]].concat();
    let html = b"<!DOCTYPE html><script>alert(1)</script>".to_vec();
    for (name, bytes) in [
        ("photo.jpg", program),
        ("photo.png", windows),
        ("photo.gif", html),
    ] {
        let form = Form::new().part("file", part(name, bytes));
        let (status, body) = upload(
            &app,
            &app.client,
            &format!("/api/v1/activities/{activity}/files"),
            form,
        )
        .await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(body["fields"][0]["code"], "not_allowed", "{body}");
    }
    assert_eq!(kept_files(&app).await, 0);
    let (_, listed) = app
        .get(&format!("/api/v1/activities/{activity}/files"))
        .await;
    assert_eq!(listed, json!([]));
}

/// A PNG of a few hundred bytes that announces a picture of `side` × `side` pixels.
fn png_claiming(side: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::GrayImage::new(8, 8)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    let mut png = out.into_inner();
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let mut crc = 0xffff_ffffu32;
    for &byte in &png[12..29] {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    png[29..33].copy_from_slice(&(!crc).to_be_bytes());
    png
}

async fn a_decompression_bomb_is_refused(app: TestApp) {
    let unit = new_unit(&app, "unit-bomb").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let form = Form::new().part("file", part("bomb.png", png_claiming(65_000)));
    let (status, body) = upload(
        &app,
        &app.client,
        &format!("/api/v1/activities/{activity}/files"),
        form,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["code"], "bad_image", "{body}");
    assert_eq!(kept_files(&app).await, 0);
}

async fn files_past_the_limits_are_refused_and_nothing_is_kept(app: TestApp) {
    // The test server allows 2 MiB a file and 5 MiB a record.
    let unit = new_unit(&app, "unit-limits").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let path = format!("/api/v1/activities/{activity}/files");
    let mut big = letter("big");
    big.resize(2 * 1024 * 1024 + 1, b' ');
    let (status, body) = upload(
        &app,
        &app.client,
        &path,
        Form::new().part("file", part("big.pdf", big)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["code"], "too_large");
    for n in 0..2 {
        let mut file = letter(&format!("part {n}"));
        file.resize(2 * 1024 * 1024, b' ');
        let (status, body) = upload(
            &app,
            &app.client,
            &path,
            Form::new().part("file", part("part.pdf", file)),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let mut third = letter("part 3");
    third.resize(1024 * 1024 + 1, b' ');
    let (status, body) = upload(
        &app,
        &app.client,
        &path,
        Form::new().part("file", part("part.pdf", third)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["code"], "record_full");
    let (_, listed) = app.get(&path).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(
        kept_files(&app).await,
        2,
        "the refused file's bytes are not kept"
    );
}

async fn a_photo_kept_without_its_location_has_no_exif(app: TestApp) {
    let unit = new_unit(&app, "unit-exif").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let plain = photo(64, 48, 1);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a GPS 39.9N 116.4E";
    let mut tagged = plain[..2].to_vec();
    tagged.extend_from_slice(&[0xff, 0xe1]);
    tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    tagged.extend_from_slice(exif);
    tagged.extend_from_slice(&plain[2..]);
    let path = format!("/api/v1/activities/{activity}/files");
    let has_gps = |bytes: &[u8]| bytes.windows(9).any(|w| w == b"GPS 39.9N");
    for (strip, expect_gps) in [("false", true), ("true", false)] {
        let form = Form::new()
            .text("strip_location", strip)
            .part("file", part("gate.jpg", tagged.clone()));
        let (status, kept) = upload(&app, &app.client, &path, form).await;
        assert_eq!(status, 201, "{kept}");
        let bytes = app
            .client
            .get(app.url(&format!("{path}/{}", kept[0]["id"])))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(has_gps(&bytes), expect_gps, "strip_location={strip}");
    }
}

async fn captions_change_and_deleted_files_are_gone_from_the_store(app: TestApp) {
    let unit = new_unit(&app, "unit-caption").await;
    let first = new_activity(&app, unit, "First").await;
    let second = new_activity(&app, unit, "Second").await;
    let same = letter("the same letter");
    let mut ids = Vec::new();
    for activity in [first, second] {
        let form = Form::new().part("file", part("letter.pdf", same.clone()));
        let (_, kept) = upload(
            &app,
            &app.client,
            &format!("/api/v1/activities/{activity}/files"),
            form,
        )
        .await;
        ids.push(kept[0]["id"].as_i64().unwrap());
    }
    let file = format!("/api/v1/activities/{first}/files/{}", ids[0]);
    let (status, changed) = app.put(&file, &json!({"caption": "  Signed copy  "})).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["caption"], "Signed copy");
    // A file is reached only through its own record.
    assert_eq!(
        app.get(&format!("/api/v1/activities/{second}/files/{}", ids[0]))
            .await
            .0,
        404
    );
    assert_eq!(app.delete(&file).await, 204);
    assert_eq!(app.get(&file).await.0, 404);
    assert_eq!(
        kept_files(&app).await,
        1,
        "the second activity still holds the bytes"
    );
    assert_eq!(
        app.delete(&format!("/api/v1/activities/{second}/files/{}", ids[1]))
            .await,
        204
    );
    assert_eq!(kept_files(&app).await, 0);
}

async fn each_role_may_do_with_a_record_s_files_what_it_may_do_with_the_record(app: TestApp) {
    let own = new_unit(&app, "unit-own").await;
    let other = new_unit(&app, "unit-other").await;
    let own_activity = new_activity(&app, own, "Own visit").await;
    let other_activity = new_activity(&app, other, "Other visit").await;
    let (_, org) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "ngo", "country": "TH", "name_en": "Org"}),
        )
        .await;
    let org = org["id"].as_i64().unwrap();
    for role in UserRole::ALL {
        let client = app
            .client_for(&format!("user-{}", role.as_str()), role, Some(own))
            .await;
        for (record, may_change) in [
            (
                format!("/api/v1/activities/{own_activity}"),
                matches!(
                    role,
                    UserRole::Admin | UserRole::Officer | UserRole::Liaison
                ),
            ),
            (
                format!("/api/v1/activities/{other_activity}"),
                matches!(role, UserRole::Admin | UserRole::Officer),
            ),
            (
                format!("/api/v1/organizations/{org}"),
                matches!(role, UserRole::Admin | UserRole::Officer),
            ),
        ] {
            let label = format!("{} on {record}", role.as_str());
            let form = Form::new().part("file", part("letter.pdf", letter(&label)));
            let (status, kept) = upload(&app, &client, &format!("{record}/files"), form).await;
            assert_eq!(
                status,
                if may_change { 201 } else { 403 },
                "{label}: {kept}"
            );
            // Everyone reads; the admin's file is there to read and to try to delete.
            let form =
                Form::new().part("file", part("admin.pdf", letter(&format!("admin {label}"))));
            let (_, by_admin) = upload(&app, &app.client, &format!("{record}/files"), form).await;
            let file = format!("{record}/files/{}", by_admin[0]["id"]);
            let listed = client
                .get(app.url(&format!("{record}/files")))
                .send()
                .await
                .unwrap();
            assert_eq!(listed.status(), 200, "{label}");
            let read = client.get(app.url(&file)).send().await.unwrap();
            assert_eq!(read.status(), 200, "{label}");
            let caption = client
                .put(app.url(&file))
                .json(&json!({"caption": "x"}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                caption.status(),
                if may_change { 200 } else { 403 },
                "{label}"
            );
            let deleted = client.delete(app.url(&file)).send().await.unwrap();
            assert_eq!(
                deleted.status(),
                if may_change { 204 } else { 403 },
                "{label}"
            );
        }
    }
}

async fn uploads_downloads_and_deletions_are_audited(app: TestApp) {
    let unit = new_unit(&app, "unit-audit").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let form = Form::new().part("file", part("passport scan.pdf", letter("passport")));
    let (_, kept) = upload(
        &app,
        &app.client,
        &format!("/api/v1/activities/{activity}/files"),
        form,
    )
    .await;
    let file = format!("/api/v1/activities/{activity}/files/{}", kept[0]["id"]);
    app.client.get(app.url(&file)).send().await.unwrap();
    assert_eq!(app.delete(&file).await, 204);
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
    assert_eq!(
        actions,
        [
            ("create", "test-admin"),
            ("download", "test-admin"),
            ("delete", "test-admin")
        ]
        .map(|(a, u)| (a.to_owned(), u.to_owned()))
    );
    assert!(audit.to_string().contains("passport scan.pdf"), "{audit}");
}

async fn a_deleted_record_takes_its_files_with_it(app: TestApp) {
    let unit = new_unit(&app, "unit-gone").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let form = Form::new()
        .part("file", part("a.pdf", letter("a")))
        .part("file", part("b.jpg", photo(40, 30, 2)));
    upload(
        &app,
        &app.client,
        &format!("/api/v1/activities/{activity}/files"),
        form,
    )
    .await;
    assert_eq!(kept_files(&app).await, 2);
    assert_eq!(
        app.delete(&format!("/api/v1/activities/{activity}")).await,
        204
    );
    assert_eq!(
        app.get(&format!("/api/v1/activities/{activity}/files"))
            .await
            .0,
        404
    );
    assert_eq!(kept_files(&app).await, 0);
}

/// Sends the files section's upload form as a browser does: the token first, then the caption,
/// the choice about location, and the chosen files.
async fn upload_from_page(
    page: &crate::common::PageClient,
    app: &TestApp,
    record: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = Form::new()
        .text("csrf", page.csrf.clone())
        .text("caption", "Visit of the delegation")
        .text("strip_location", "on");
    for (name, bytes) in files {
        form = form.part("file", part(name, bytes));
    }
    page.client
        .post(app.url(&format!("{record}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn several_files_uploaded_from_a_record_s_page_are_shown_with_thumbnails(app: TestApp) {
    let unit = new_unit(&app, "unit-page").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let record = format!("/activities/{activity}");
    let (_, html) = page.get(&record).await;
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("multiple"), "several files at once");
    let sent = upload_from_page(
        &page,
        &app,
        &record,
        vec![
            ("gate.jpg", photo(800, 600, 3)),
            ("programme.pdf", letter("programme")),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], format!("{record}#files"));
    let (_, html) = page.get(&record).await;
    assert!(
        html.contains("gate.jpg") && html.contains("programme.pdf"),
        "{html}"
    );
    assert!(html.contains("Visit of the delegation"));
    let (_, listed) = app
        .get(&format!("/api/v1/activities/{activity}/files"))
        .await;
    let photo_id = listed[0]["id"].as_i64().unwrap();
    let letter_id = listed[1]["id"].as_i64().unwrap();
    let thumbnail = format!("{record}/files/{photo_id}/thumbnail");
    assert!(html.contains(&thumbnail), "{html}");
    assert!(!html.contains(&format!("{record}/files/{letter_id}/thumbnail")));
    let response = page.client.get(app.url(&thumbnail)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let small = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
    assert!(small.width() <= 240 && small.height() <= 240);
    // The letter is downloaded, never shown in the browser.
    let response = page
        .client
        .get(app.url(&format!("{record}/files/{letter_id}")))
        .send()
        .await
        .unwrap();
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        &letter("programme")[..]
    );
    // A refused file is named in a page of its own, in the user's language.
    let refused = upload_from_page(
        &page,
        &app,
        &record,
        vec![("run.jpg", b"MZ\x90\x00 program".to_vec())],
    )
    .await;
    assert_eq!(refused.status(), 415);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("read from its content")
    );
    // Captions change and files go from the page too.
    let (status, _, location) = page
        .post(
            &format!("{record}/files/{letter_id}/caption"),
            &[("caption", "Final programme")],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{record}#files").as_str())
    );
    let (_, html) = page.get(&record).await;
    assert!(html.contains("Final programme"));
    let (status, _, _) = page
        .post(&format!("{record}/files/{letter_id}/delete"), &[])
        .await;
    assert_eq!(status, 303);
    let (_, html) = page.get(&record).await;
    assert!(!html.contains("programme.pdf"));
}

async fn a_record_s_page_asks_before_deleting_its_files_and_names_how_many(app: TestApp) {
    let unit = new_unit(&app, "unit-ask").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let form = Form::new()
        .part("file", part("a.pdf", letter("a")))
        .part("file", part("b.pdf", letter("b")))
        .part("file", part("c.jpg", photo(30, 30, 9)));
    upload(
        &app,
        &app.client,
        &format!("/api/v1/activities/{activity}/files"),
        form,
    )
    .await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (_, question) = page.get(&format!("/activities/{activity}/delete")).await;
    assert!(
        question.contains("Its 3 files are deleted with it."),
        "{question}"
    );
    let page_zh = app
        .sign_in("officer-zh", UserRole::Officer, None, "zh-CN")
        .await;
    let (_, question) = page_zh.get(&format!("/activities/{activity}/delete")).await;
    assert!(question.contains("其 3 个文件将一并删除"), "{question}");
    let (status, _, _) = page
        .post(&format!("/activities/{activity}/delete"), &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(kept_files(&app).await, 0);
}

async fn a_viewer_sees_the_files_but_no_form_to_change_them(app: TestApp) {
    let unit = new_unit(&app, "unit-viewer").await;
    let activity = new_activity(&app, unit, "Visit").await;
    let form = Form::new().part("file", part("a.pdf", letter("a")));
    let (_, kept) = upload(
        &app,
        &app.client,
        &format!("/api/v1/activities/{activity}/files"),
        form,
    )
    .await;
    let page = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    let record = format!("/activities/{activity}");
    let (_, html) = page.get(&record).await;
    assert!(html.contains("a.pdf"));
    assert!(!html.contains("multipart/form-data"));
    assert!(!html.contains("/caption"));
    let sent = upload_from_page(&page, &app, &record, vec![("b.pdf", letter("b"))]).await;
    assert_eq!(sent.status(), 403);
    let (status, _, _) = page
        .post(&format!("{record}/files/{}/delete", kept[0]["id"]), &[])
        .await;
    assert_eq!(status, 403);
    assert_eq!(kept_files(&app).await, 1);
}

async fn an_upload_the_multipart_reader_cannot_take_apart_is_a_422(app: TestApp) {
    let unit = new_unit(&app, "unit-unreadable").await;
    let activity = new_activity(&app, unit, "Unreadable upload").await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/activities/{activity}/files")))
        .header("Content-Type", "multipart/form-data; boundary=edge")
        .body("--edge\r\n--edge--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "file", "{body}");
    assert_eq!(kept_files(&app).await, 0);
}
