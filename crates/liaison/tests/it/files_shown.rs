//! Files shown where people look: search finds a file by its name and caption and leads to its
//! record, a news release shows the photos chosen for it on its public page and in its .docx,
//! the briefing book has a strip of photos, and an upload racing the deletion of its record
//! leaves no file behind.

use std::io::Read;

use liaison_core::UserRole;
use liaison_files::{ContentHash, FileStore, Location};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::common::{TestApp, fields, read_docx, spawn_app_over, spawn_app_with_files};
use crate::files::{letter, photo};

on_both_databases!(
    a_file_is_found_by_its_caption_and_name_and_leads_to_its_record,
    a_release_shows_the_photos_chosen_for_it_in_order_and_no_other_file,
    photos_are_chosen_and_ordered_for_a_release_on_its_edit_page,
    the_release_s_docx_holds_its_photos_with_their_captions,
    the_briefing_book_shows_a_strip_of_the_activity_s_and_earlier_visits_photos,
    an_upload_racing_the_deletion_of_its_record_leaves_no_file_behind,
    an_upload_from_the_page_of_a_record_deleted_meanwhile_says_so,
    every_kind_that_keeps_files_asks_before_deleting_them,
    a_release_shows_its_photos_after_export_and_import_into_an_empty_database,
);

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
    let yangon = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "university", "country": "MM", "name_en": "University of Yangon",
               "name_zh": "仰光大学"}),
        )
        .await;
    let meeting = app.created("/api/v1/activities",
        json!({"kind": "online_meeting", "title_en": "Online meeting with the University of Yangon",
               "start_date": "2025-04-08", "partners": [yangon]}),
    )
    .await;
    let memorandum = app
        .created(
            "/api/v1/agreements",
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

/// An activity with three photos, a programme and a photo of another record.
struct Signing {
    activity: i64,
    photos: [i64; 3],
    programme: i64,
    elsewhere: i64,
}

async fn signing(app: &TestApp) -> Signing {
    let mekong = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "ngo", "country": "TH", "name_en": "Mekong Institute"}),
        )
        .await;
    let activity = app.created("/api/v1/activities",
        json!({"kind": "signing_ceremony", "title_en": "Signing ceremony with the Mekong Institute",
               "title_zh": "与湄公学院签约仪式", "start_date": "2025-05-12",
               "partners": [mekong]}),
    )
    .await;
    let path = format!("/api/v1/activities/{activity}");
    let mut photos = [0; 3];
    for (i, caption) in ["Signing the agreement", "Group photo", "Exchange of gifts"]
        .into_iter()
        .enumerate()
    {
        photos[i] = kept(
            app,
            &path,
            &format!("photo-{i}.jpg"),
            photo(1300, 975, i as u8),
            caption,
        )
        .await;
    }
    let programme = kept(
        app,
        &path,
        "programme.pdf",
        letter("programme"),
        "Programme",
    )
    .await;
    let elsewhere = kept(
        app,
        &format!("/api/v1/organizations/{mekong}"),
        "campus.jpg",
        photo(400, 300, 99),
        "The institute's campus",
    )
    .await;
    Signing {
        activity,
        photos,
        programme,
        elsewhere,
    }
}

fn release(photos: Value, published: bool, version: Option<i64>) -> Value {
    json!({"version": version, "title": "湄公学院代表团来校签署合作协议",
           "body": "5月12日，湄公学院代表团来校签署合作协议。\n\n双方互赠礼品。",
           "published": published, "photos": photos})
}

fn photo_path(release: i64, file: i64) -> String {
    format!("/news/{release}/photos/{file}")
}

async fn a_release_shows_the_photos_chosen_for_it_in_order_and_no_other_file(app: TestApp) {
    let s = signing(&app).await;
    let [signing_photo, group, gifts] = s.photos;
    let news = format!("/api/v1/activities/{}/news/zh", s.activity);
    let (status, _) = app.get(&news).await;
    assert_eq!(status, 404, "no release is saved yet");
    let chosen = json!([{"file": gifts, "caption": "双方互赠礼品"}, {"file": signing_photo}]);
    let (status, saved) = app.put(&news, &release(chosen, false, None)).await;
    assert_eq!(status, 200, "{saved}");
    let expected = json!([
        {"file": gifts, "name": "photo-2.jpg", "media_type": "image/jpeg", "caption": "双方互赠礼品"},
        {"file": signing_photo, "name": "photo-0.jpg", "media_type": "image/jpeg",
         "caption": "Signing the agreement"},
    ]);
    assert_eq!(saved["photos"], expected);
    let (_, read) = app.get(&news).await;
    assert_eq!(read["photos"], expected);
    let id = saved["id"].as_i64().unwrap();

    // Only photos of the release's activity, each once.
    for (photos, field) in [
        (json!([{"file": s.programme}]), "photos[0].file"),
        (
            json!([{"file": gifts}, {"file": s.elsewhere}]),
            "photos[1].file",
        ),
        (json!([{"file": group}, {"file": group}]), "photos[1].file"),
        (json!([{"file": 999_999}]), "photos[0].file"),
    ] {
        let (status, body) = app.put(&news, &release(photos, true, Some(1))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(fields(&body), [field], "{body}");
    }

    // Nothing is public before the release is published.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: String| {
        let request = anonymous.get(app.url(&path));
        async move { request.send().await.unwrap() }
    };
    assert_eq!(get(format!("/news/{id}")).await.status(), 404);
    assert_eq!(get(photo_path(id, gifts)).await.status(), 404);

    let chosen = json!([{"file": gifts, "caption": "双方互赠礼品"}, {"file": signing_photo}]);
    let (status, body) = app.put(&news, &release(chosen, true, Some(1))).await;
    assert_eq!(status, 200, "{body}");
    let page = get(format!("/news/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let first = html.find(&photo_path(id, gifts)).expect("the gifts photo");
    let second = html
        .find(&photo_path(id, signing_photo))
        .expect("the signing photo");
    assert!(first < second, "in the release's order");
    assert!(
        html.contains("<figcaption>双方互赠礼品</figcaption>"),
        "{html}"
    );
    assert!(html.contains("<figcaption>Signing the agreement</figcaption>"));
    assert!(!html.contains(&photo_path(id, group)));

    let served = get(photo_path(id, gifts)).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().to_vec(), photo(1300, 975, 2));
    // No other file, of this activity or of any record, through the release's address.
    for other in [group, s.programme, s.elsewhere] {
        assert_eq!(get(photo_path(id, other)).await.status(), 404, "{other}");
    }
    let private = get(format!("/activities/{}/files/{gifts}", s.activity)).await;
    assert_ne!(
        private.status(),
        200,
        "the file itself still needs a sign-in"
    );

    // A deleted file leaves the release.
    let status = app
        .delete(&format!("/api/v1/activities/{}/files/{gifts}", s.activity))
        .await;
    assert_eq!(status, 204);
    let (_, read) = app.get(&news).await;
    assert_eq!(read["photos"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["photos"][0]["file"], signing_photo);
    assert_eq!(get(photo_path(id, gifts)).await.status(), 404);

    // Unpublished again, its photos are private again.
    let chosen = json!([{"file": signing_photo}]);
    let (status, _) = app.put(&news, &release(chosen, false, Some(2))).await;
    assert_eq!(status, 200);
    assert_eq!(get(photo_path(id, signing_photo)).await.status(), 404);

    // The API describes how photos are chosen.
    let (_, document) = app.get("/api/openapi.json").await;
    let path = &document["paths"]["/api/v1/activities/{id}/news/{language}"];
    assert!(path["get"].is_object() && path["put"].is_object(), "{path}");
    assert!(document["components"]["schemas"]["NewsPhotoInput"].is_object());
}

async fn photos_are_chosen_and_ordered_for_a_release_on_its_edit_page(app: TestApp) {
    let s = signing(&app).await;
    let [signing_photo, group, gifts] = s.photos;
    let page = app.sign_in("editor", UserRole::Admin, None, "en").await;
    let edit = format!("/activities/{}/news/en", s.activity);
    let (status, html) = page.get(&edit).await;
    assert_eq!(status, 200);
    for photo in s.photos {
        assert!(html.contains(&format!("name=\"photo-{photo}\"")), "{html}");
        assert!(html.contains(&format!(
            "/activities/{}/files/{photo}/thumbnail",
            s.activity
        )));
    }
    assert!(!html.contains(&format!("name=\"photo-{}\"", s.programme)));
    assert!(!html.contains(&format!("name=\"photo-{}\"", s.elsewhere)));

    let group_on = format!("photo-{group}");
    let group_position = format!("photo-{group}-position");
    let group_caption = format!("photo-{group}-caption");
    let gifts_on = format!("photo-{gifts}");
    let gifts_position = format!("photo-{gifts}-position");
    let (status, body, location) = page
        .post(
            &edit,
            &[
                ("title", "The Mekong Institute signs with the university"),
                (
                    "body",
                    "On 12 May the Mekong Institute signed an agreement.",
                ),
                (&group_on, "on"),
                (&group_position, "2"),
                (&group_caption, "The two delegations"),
                (&gifts_on, "on"),
                (&gifts_position, "1"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert!(location.contains("saved=1"));
    let (_, saved) = app
        .get(&format!("/api/v1/activities/{}/news/en", s.activity))
        .await;
    let chosen: Vec<(i64, &str)> = saved["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["file"].as_i64().unwrap(), p["caption"].as_str().unwrap()))
        .collect();
    assert_eq!(
        chosen,
        [(gifts, "Exchange of gifts"), (group, "The two delegations")]
    );
    let (_, html) = page.get(&edit).await;
    assert!(html.contains(&format!("name=\"photo-{gifts}\" value=\"on\" checked")));
    assert!(html.contains(&format!("name=\"photo-{group}\" value=\"on\" checked")));
    assert!(html.contains(&format!("name=\"photo-{signing_photo}\" value=\"on\">")));
    assert!(html.contains("value=\"The two delegations\""));

    // In Chinese, the same choice under its own heading.
    let zh = app
        .sign_in("editor-zh", UserRole::Admin, None, "zh-CN")
        .await;
    let (_, html) = zh.get(&format!("/activities/{}/news/zh", s.activity)).await;
    assert!(html.contains("配图"), "{html}");
    assert!(html.contains(&format!("name=\"photo-{gifts}\" value=\"on\">")));
}

/// The media of a .docx, by name, and the relationships of its document.
fn docx_parts(bytes: &[u8]) -> (Vec<(String, Vec<u8>)>, String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut media = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.starts_with("word/media/") && !name.ends_with('/') {
            let mut kept = Vec::new();
            entry.read_to_end(&mut kept).unwrap();
            media.push((name, kept));
        }
    }
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the docx"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let rels = read("word/_rels/document.xml.rels");
    let types = read("[Content_Types].xml");
    (media, rels, types)
}

async fn the_release_s_docx_holds_its_photos_with_their_captions(app: TestApp) {
    let s = signing(&app).await;
    let [signing_photo, group, _] = s.photos;
    let news = format!("/api/v1/activities/{}/news/zh", s.activity);
    let chosen = json!([{"file": group, "caption": "合影留念"}, {"file": signing_photo}]);
    let (status, body) = app.put(&news, &release(chosen, false, None)).await;
    assert_eq!(status, 200, "{body}");

    let page = app
        .sign_in("writer", UserRole::Officer, None, "zh-CN")
        .await;
    let (status, content_type, bytes) = page
        .download(&format!("/activities/{}/news/zh/release.docx", s.activity))
        .await;
    assert_eq!(status, 200);
    assert!(content_type.contains("wordprocessingml"), "{content_type}");
    let (xml, text) = read_docx(&bytes);
    let title = text
        .find("湄公学院代表团来校签署合作协议")
        .expect("the title");
    let paragraph = text.find("双方互赠礼品。").expect("the text");
    let first = text.find("合影留念").expect("the first caption");
    let second = text
        .find("Signing the agreement")
        .expect("the second caption");
    assert!(
        title < paragraph && paragraph < first && first < second,
        "{text}"
    );
    assert_eq!(xml.matches("<w:drawing>").count(), 2);

    // The package holds what Word needs to open it: each picture a PNG part, its type declared,
    // and every picture the text embeds related to its part.
    let (media, rels, types) = docx_parts(&bytes);
    assert_eq!(
        media.len(),
        2,
        "{:?}",
        media.iter().map(|m| &m.0).collect::<Vec<_>>()
    );
    assert!(types.contains("Extension=\"png\""), "{types}");
    for embed in xml.split("r:embed=\"").skip(1) {
        let id = embed.split('"').next().unwrap();
        let target = rels
            .split("<Relationship ")
            .find(|r| r.contains(&format!("Id=\"{id}\"")))
            .unwrap_or_else(|| panic!("relationship {id} in {rels}"));
        let path = target
            .split("Target=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            media
                .iter()
                .any(|(name, _)| name == &format!("word/{path}")),
            "{path} among the media"
        );
    }
    for (name, png) in &media {
        assert!(png.starts_with(b"\x89PNG"), "{name}");
        let picture = image::load_from_memory(png).unwrap();
        assert_eq!((picture.width(), picture.height()), (1200, 900), "{name}");
    }

    // A release not saved yet downloads as its draft, without photos.
    let (status, _, bytes) = page
        .download(&format!("/activities/{}/news/en/release.docx", s.activity))
        .await;
    assert_eq!(status, 200);
    let (xml, _) = read_docx(&bytes);
    assert!(!xml.contains("<w:drawing>"));
}

async fn the_briefing_book_shows_a_strip_of_the_activity_s_and_earlier_visits_photos(app: TestApp) {
    let phnom_penh = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "university", "country": "KH",
               "name_en": "Royal University of Phnom Penh"}),
        )
        .await;
    let earlier = app.created("/api/v1/activities",
        json!({"kind": "outbound_trip", "title_en": "Trip to the Royal University of Phnom Penh",
               "start_date": "2019-11-04", "partners": [phnom_penh]}),
    )
    .await;
    let earlier_photo = kept(
        &app,
        &format!("/api/v1/activities/{earlier}"),
        "campus.jpg",
        photo(300, 200, 41),
        "Campus tour, 2019",
    )
    .await;
    kept(
        &app,
        &format!("/api/v1/activities/{earlier}"),
        "report.pdf",
        letter("trip report"),
        "Trip report",
    )
    .await;
    let visit = app.created("/api/v1/activities",
        json!({"kind": "inbound_visit", "title_en": "Visit of the Royal University of Phnom Penh",
               "start_date": "2025-10-20", "partners": [phnom_penh]}),
    )
    .await;
    let path = format!("/api/v1/activities/{visit}");
    let arrival = kept(&app, &path, "arrival.jpg", photo(300, 200, 42), "Arrival").await;
    let talks = kept(&app, &path, "talks.jpg", photo(300, 200, 43), "").await;

    let page = app.sign_in("leader", UserRole::Leader, None, "en").await;
    let (status, html) = page.get(&format!("/activities/{visit}/briefing")).await;
    assert_eq!(status, 200);
    let strip = html
        .split("class=\"detail photo-strip\"")
        .nth(1)
        .expect("the photo strip")
        .split("</section>")
        .next()
        .unwrap();
    let thumbnail =
        |activity: i64, file: i64| format!("/activities/{activity}/files/{file}/thumbnail");
    let order: Vec<usize> = [
        thumbnail(visit, arrival),
        thumbnail(visit, talks),
        thumbnail(earlier, earlier_photo),
    ]
    .iter()
    .map(|t| {
        strip
            .find(t.as_str())
            .unwrap_or_else(|| panic!("{t} in {strip}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{strip}");
    assert!(strip.contains("Arrival"));
    assert!(strip.contains("Campus tour, 2019"));
    assert!(
        strip.contains("Earlier: Trip to the Royal University of Phnom Penh"),
        "{strip}"
    );
    assert!(!strip.contains("report"), "only photos: {strip}");
    let (status, content_type, _) = page.download(&thumbnail(earlier, earlier_photo)).await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));

    // An activity with no photos, and no partner with any, says so.
    let lecture = app
        .created(
            "/api/v1/activities",
            json!({"kind": "lecture", "title_en": "Lecture by a visiting scholar",
               "start_date": "2025-11-03"}),
        )
        .await;
    let (_, html) = page.get(&format!("/activities/{lecture}/briefing")).await;
    assert!(
        html.contains("Neither this activity nor the partners"),
        "{html}"
    );
    let zh = app
        .sign_in("leader-zh", UserRole::Leader, None, "zh-CN")
        .await;
    let (_, html) = zh.get(&format!("/activities/{lecture}/briefing")).await;
    assert!(html.contains("都还没有照片"), "{html}");
}

/// Uploads a photo to an activity while the activity is deleted, several times over: every
/// upload either landed first and was deleted with its record, or was refused as of a record
/// that is gone; either way no row and no bytes are left.
async fn race(app: &TestApp, files: &FileStore) {
    let mut sent = Vec::new();
    for round in 0..8u8 {
        let activity = app
            .created(
                "/api/v1/activities",
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
    let activity = app
        .created(
            "/api/v1/activities",
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
    let ilo = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "international_organization", "country": "CH",
               "name_en": "International Labour Organization"}),
        )
        .await;
    let agreement = app.created("/api/v1/agreements",
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

/// Runs `liaison` in `dir` on the database `url` with its files at `files`, and answers what it
/// printed, failing the test if it failed.
fn liaison_on(dir: &std::path::Path, url: &str, files: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_liaison"))
        .args(["--database", url])
        .args(args)
        .current_dir(dir)
        .env_remove("LIAISON_CONFIG")
        .env_remove("LIAISON_DATABASE")
        .env("LIAISON_FILES", files)
        .env("LIAISON_LOG", "warn")
        .output()
        .expect("the liaison binary runs");
    assert!(
        output.status.success(),
        "liaison {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A release's photos as the API reads them: each file's name and the caption printed under it.
async fn shown(app: &TestApp, activity: i64, language: &str) -> (i64, Vec<(String, String)>) {
    let (status, release) = app
        .get(&format!("/api/v1/activities/{activity}/news/{language}"))
        .await;
    assert_eq!(status, 200, "{release}");
    let photos = release["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["caption"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (release["id"].as_i64().unwrap(), photos)
}

/// What a release shows where people look, after the move: its photos in the API, on its
/// public page (each photo's bytes as they were sent) and in its .docx, in order with their
/// captions.
async fn shows_in_order(
    app: &TestApp,
    activity: i64,
    language: &str,
    expected: &[(&str, &str, Vec<u8>)],
) {
    let (release, photos) = shown(app, activity, language).await;
    let names: Vec<(String, String)> = expected
        .iter()
        .map(|(name, caption, _)| (name.to_string(), caption.to_string()))
        .collect();
    assert_eq!(photos, names, "{language}");
    let (_, read) = app
        .get(&format!("/api/v1/activities/{activity}/news/{language}"))
        .await;
    let files: Vec<i64> = read["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_i64().unwrap())
        .collect();

    let anonymous = reqwest::Client::new();
    let html = anonymous
        .get(app.url(&format!("/news/{release}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut last = 0;
    for (file, (_, caption, bytes)) in files.iter().zip(expected) {
        let at = html[last..]
            .find(&photo_path(release, *file))
            .unwrap_or_else(|| panic!("photo {file} after the one before: {html}"));
        last += at;
        let figcaption = format!("<figcaption>{caption}</figcaption>");
        let captioned = html[last..].find(&figcaption).expect("its caption");
        last += captioned;
        let served = anonymous
            .get(app.url(&photo_path(release, *file)))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200);
        assert_eq!(&served.bytes().await.unwrap().to_vec(), bytes);
    }

    let lang = if language == "zh" { "zh-CN" } else { "en" };
    let page = app
        .sign_in(&format!("reader-{language}"), UserRole::Officer, None, lang)
        .await;
    let (status, _, docx) = page
        .download(&format!(
            "/activities/{activity}/news/{language}/release.docx"
        ))
        .await;
    assert_eq!(status, 200);
    let (xml, text) = read_docx(&docx);
    assert_eq!(xml.matches("<w:drawing>").count(), expected.len());
    let mut last = 0;
    for (_, caption, _) in expected {
        last += text[last..]
            .find(caption)
            .unwrap_or_else(|| panic!("{caption} after the one before: {text}"));
    }
}

/// Exports the database of `app`, its files at `from`, with `liaison export --output`, and
/// imports the document into an empty database of the same kind with its files at `to`; then
/// each release shows the same photos in the same order with the same captions on its page,
/// its public page and its .docx, and importing again changes nothing.
async fn moved_with_its_photos(app: TestApp, from: &str, to: &str) {
    let activity = app
        .created(
            "/api/v1/activities",
            json!({"key": "activity-2025-mekong-signing", "kind": "signing_ceremony",
               "title_en": "Signing ceremony with the Mekong Institute",
               "title_zh": "与湄公学院签约仪式", "start_date": "2025-05-12"}),
        )
        .await;
    let path = format!("/api/v1/activities/{activity}");
    let mut files = Vec::new();
    for (i, caption) in [
        "Signing the agreement",
        "Group photo",
        "Exchange of gifts",
        "Campus",
    ]
    .into_iter()
    .enumerate()
    {
        let bytes = photo(320, 240, 40 + i as u8);
        let id = kept(
            &app,
            &path,
            &format!("photo-{i}.jpg"),
            bytes.clone(),
            caption,
        )
        .await;
        files.push((id, bytes));
    }
    kept(
        &app,
        &path,
        "programme.pdf",
        letter("programme"),
        "Programme",
    )
    .await;
    let zh = json!([{"file": files[2].0, "caption": "双方互赠礼品"},
                    {"file": files[0].0},
                    {"file": files[1].0, "caption": "合影留念"}]);
    let (status, body) = app
        .put(&format!("{path}/news/zh"), &release(zh, true, None))
        .await;
    assert_eq!(status, 200, "{body}");
    let en = json!({"title": "The Mekong Institute signs with the university",
                    "body": "On 12 May the Mekong Institute signed an agreement.",
                    "published": true,
                    "photos": [{"file": files[1].0, "caption": "The two delegations"}]});
    let (status, body) = app.put(&format!("{path}/news/en"), &en).await;
    assert_eq!(status, 200, "{body}");

    let dir = tempfile::tempdir().unwrap();
    liaison_on(
        dir.path(),
        &app.db.url.to_string(),
        from,
        &["export", "--output", "all.json"],
    );
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("all.json")).unwrap())
            .unwrap();
    let zh_release = document["news"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["language"] == "zh")
        .unwrap();
    assert_eq!(zh_release["activity"], "activity-2025-mekong-signing");
    assert_eq!(
        zh_release["photos"][0],
        json!({"content_hash": ContentHash::of(&files[2].1).to_string(), "name": "photo-2.jpg",
               "caption": "双方互赠礼品"})
    );

    let mut target = liaison_store::testing::TestDatabase::new(app.db.url.backend()).await;
    let url = target.url.to_string();
    target.store.close().await;
    let said = liaison_on(dir.path(), &url, to, &["import", "all.json"]);
    assert!(said.contains("5 files kept with their records"), "{said}");
    assert!(said.contains("2 news releases show their photos"), "{said}");
    let again = liaison_on(dir.path(), &url, to, &["import", "all.json"]);
    assert!(again.contains("0 files kept with their records"), "{again}");
    assert!(!again.contains("show their photos"), "{again}");
    target.store = liaison_store::Store::open(&target.url).await.unwrap();
    let moved = spawn_app_over(target, Some(Location::parse(to).unwrap()), "mover").await;
    let activity = moved
        .id_of("activities", "activity-2025-mekong-signing")
        .await;
    let bytes = |i: usize| files[i].1.clone();
    shows_in_order(
        &moved,
        activity,
        "zh",
        &[
            ("photo-2.jpg", "双方互赠礼品", bytes(2)),
            ("photo-0.jpg", "Signing the agreement", bytes(0)),
            ("photo-1.jpg", "合影留念", bytes(1)),
        ],
    )
    .await;
    shows_in_order(
        &moved,
        activity,
        "en",
        &[("photo-1.jpg", "The two delegations", bytes(1))],
    )
    .await;
}

async fn a_release_shows_its_photos_after_export_and_import_into_an_empty_database(app: TestApp) {
    let from = app.files_dir.path().join("files");
    let to = tempfile::tempdir().unwrap();
    moved_with_its_photos(
        app,
        from.to_str().unwrap(),
        to.path().join("files").to_str().unwrap(),
    )
    .await;
}

/// The same move with the files in the S3-compatible store of `LIAISON_TEST_S3_URL`, under a
/// prefix for the exporting installation and another for the importing one.
#[tokio::test]
async fn a_release_shows_its_photos_after_export_and_import_through_an_object_store() {
    let url = std::env::var("LIAISON_TEST_S3_URL")
        .expect("LIAISON_TEST_S3_URL: run scripts/test.sh, which starts an S3-compatible server");
    let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
    let at = |prefix: &str| format!("{}/{prefix}?{query}", bucket.trim_end_matches('/'));
    for backend in [
        liaison_store::Backend::Sqlite,
        liaison_store::Backend::Postgres,
    ] {
        let run = liaison_core::secrets::new_token();
        let (from, to) = (at(&format!("export-{run}")), at(&format!("import-{run}")));
        let app = spawn_app_with_files(backend, Some(Location::parse(&from).unwrap())).await;
        moved_with_its_photos(app, &from, &to).await;
    }
}
