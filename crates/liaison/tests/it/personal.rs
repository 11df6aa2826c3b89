//! Personal data through the API, the pages, the spreadsheets and the command line: masked by
//! default, shown on request to the roles that may see it with each view audited, sealed under a
//! key kept beside the database.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::TestApp;
use liaison_core::UserRole;
use serde_json::{Value, json};

on_both_databases!(
    every_api_answer_masks_personal_data_and_showing_it_is_audited,
    a_person_s_page_masks_personal_data_until_a_user_who_may_see_it_presses_show,
    spreadsheets_hold_personal_data_only_for_the_roles_that_may_see_it_and_say_so,
    a_liaison_officer_cannot_create_internal_people_of_another_unit_through_the_api,
    two_first_saves_of_a_news_release_show_the_conflict_page_with_both_texts,
);

const PHONE: &str = "13812345678";
const EMAIL: &str = "zhang.caiming@example.org";
const NOTES: &str = "Prefers tea to coffee";

/// A unit and Zhang Caiming, one of its staff with a phone, an e-mail and notes.
async fn unit_and_zhang(app: &TestApp) -> (i64, i64) {
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "unit-law", "name_zh": "法学院"}),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let unit = unit["id"].as_i64().unwrap();
    let (status, person) = app
        .post(
            "/api/v1/people",
            &json!({"category": "internal", "unit": unit, "name_zh": "张才明",
                    "name_en": "Zhang Caiming", "phone": PHONE, "email": EMAIL, "notes": NOTES}),
        )
        .await;
    assert_eq!(status, 201, "{person}");
    assert_eq!(
        person["phone"], "138****5678",
        "the answer to a create is masked"
    );
    (unit, person["id"].as_i64().unwrap())
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn every_api_answer_masks_personal_data_and_showing_it_is_audited(app: TestApp) {
    let (unit, id) = unit_and_zhang(&app).await;
    let (_, person) = app.get(&format!("/api/v1/people/{id}")).await;
    assert_eq!(person["phone"], "138****5678");
    assert_eq!(person["email"], "z***@example.org");
    assert_eq!(person["notes"], "***");
    let (_, list) = app.get("/api/v1/people").await;
    assert_eq!(list["items"][0]["phone"], "138****5678");
    assert!(!list.to_string().contains(PHONE));

    // A change sent back with the masked values keeps them; a stale one shows the current
    // record masked.
    let mut change = person.clone();
    for field in ["id", "created_at", "updated_at"] {
        change.as_object_mut().unwrap().remove(field);
    }
    change["unit"] = json!(unit);
    change["position"] = json!("Dean");
    let (status, saved) = app.put(&format!("/api/v1/people/{id}"), &change).await;
    assert_eq!(status, 200, "{saved}");
    let (status, conflict) = app.put(&format!("/api/v1/people/{id}"), &change).await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["current"]["phone"], "138****5678", "{conflict}");
    assert!(!conflict.to_string().contains(PHONE));

    // The office sees a value when it asks.
    let reveal = format!("/api/v1/people/{id}/personal");
    let (status, shown) = app.post(&reveal, &json!({"fields": ["phone"]})).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["phone"], PHONE);
    assert_eq!(shown["email"], "z***@example.org");
    let (_, all) = app.post(&reveal, &json!({})).await;
    assert_eq!(
        (&all["email"], &all["notes"]),
        (&json!(EMAIL), &json!(NOTES))
    );

    let (_, other) = app
        .post(
            "/api/v1/units",
            &json!({"key": "unit-labour", "name_zh": "劳动关系学院"}),
        )
        .await;
    for (name, role, own) in [
        ("a-viewer", UserRole::Viewer, None),
        ("a-leader", UserRole::Leader, None),
        ("other-liaison", UserRole::Liaison, other["id"].as_i64()),
    ] {
        let client = app.client_for(name, role, own).await;
        let (status, body) = json_of(
            client
                .post(app.url(&reveal))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 403, "{name}: {body}");
        let (_, read) = json_of(
            client
                .get(app.url(&format!("/api/v1/people/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(read["phone"], "138****5678", "{name}");
    }
    let liaison = app
        .client_for("own-liaison", UserRole::Liaison, Some(unit))
        .await;
    let (status, shown) = json_of(
        liaison
            .post(app.url(&reveal))
            .json(&json!({"fields": ["email"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &shown["email"]), (200, &json!(EMAIL)));

    let (_, audit) = app
        .get(&format!(
            "/api/v1/audit?entity=person&record_id={id}&per_page=200"
        ))
        .await;
    let views: Vec<(String, Value)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "view_personal")
        .map(|e| {
            (
                e["username"].as_str().unwrap().to_owned(),
                e["changes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        views,
        vec![
            ("own-liaison".to_owned(), json!({"fields": ["email"]})),
            (
                "test-admin".to_owned(),
                json!({"fields": ["phone", "email", "notes"]})
            ),
            ("test-admin".to_owned(), json!({"fields": ["phone"]})),
        ]
    );
    for secret in [PHONE, EMAIL, NOTES] {
        assert!(
            !audit.to_string().contains(secret),
            "{secret} in the audit log"
        );
    }
}

async fn a_person_s_page_masks_personal_data_until_a_user_who_may_see_it_presses_show(
    app: TestApp,
) {
    let (_, id) = unit_and_zhang(&app).await;
    let page = format!("/people/{id}");
    let show = format!("/people/{id}/personal");
    let officer = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = officer.get(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("138****5678"), "{html}");
    assert!(html.contains("z***@example.org"));
    assert!(!html.contains(PHONE) && !html.contains(EMAIL) && !html.contains(NOTES));
    assert!(
        html.contains(&format!("action=\"{show}\"")),
        "a Show button"
    );
    let (status, html, _) = officer.post(&show, &[("field", "phone")]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(PHONE), "{html}");
    assert!(!html.contains(EMAIL), "only the field asked for");

    // The edit form shows the masks, and saving it unchanged keeps the values.
    let (_, form) = officer.get(&format!("{page}/edit")).await;
    assert!(form.contains("138****5678") && !form.contains(PHONE));

    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "zh").await;
    let (_, html) = viewer.get(&page).await;
    assert!(html.contains("138****5678"));
    assert!(
        !html.contains(&format!("action=\"{show}\"")),
        "no Show button"
    );
    let (status, html, _) = viewer.post(&show, &[("field", "phone")]).await;
    assert_eq!(status, 403);
    assert!(!html.contains(PHONE));

    let (_, audit) = app
        .get(&format!(
            "/api/v1/audit?action=view_personal&record_id={id}"
        ))
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    assert_eq!(audit["items"][0]["username"], "officer");
    assert_eq!(audit["items"][0]["changes"], json!({"fields": ["phone"]}));
}

async fn spreadsheets_hold_personal_data_only_for_the_roles_that_may_see_it_and_say_so(
    app: TestApp,
) {
    let (unit, _) = unit_and_zhang(&app).await;
    let (status, guest) = app
        .post(
            "/api/v1/people",
            &json!({"name_en": "A guest", "phone": "+85620555123456"}),
        )
        .await;
    assert_eq!(status, 201, "{guest}");
    let admin = app.sign_in("admin2", UserRole::Admin, None, "en").await;
    let file = csv(&admin).await;
    assert!(file.contains(PHONE) && file.contains(EMAIL), "{file}");
    assert!(file.contains("+85620555123456"));
    let (_, list) = admin.get("/people").await;
    assert!(
        list.contains("Downloads include the phone numbers"),
        "{list}"
    );

    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    let file = csv(&viewer).await;
    assert!(
        file.contains("138****5678") && !file.contains(PHONE),
        "{file}"
    );
    assert!(!file.contains(EMAIL) && !file.contains("+85620555123456"));
    let (_, list) = viewer.get("/people").await;
    assert!(
        list.contains("your role does not see personal data"),
        "{list}"
    );

    let liaison = app
        .sign_in("liaison", UserRole::Liaison, Some(unit), "en")
        .await;
    let file = csv(&liaison).await;
    assert!(file.contains(PHONE), "their unit's people: {file}");
    assert!(!file.contains("+85620555123456"), "no one else's");

    let (_, audit) = app.get("/api/v1/audit?action=export_personal").await;
    let by: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["username"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["liaison", "admin2"], "{audit}");
}

async fn a_liaison_officer_cannot_create_internal_people_of_another_unit_through_the_api(
    app: TestApp,
) {
    let (own, _) = unit_and_zhang(&app).await;
    let (_, other) = app
        .post(
            "/api/v1/units",
            &json!({"key": "unit-labour", "name_zh": "劳动关系学院"}),
        )
        .await;
    let other = other["id"].as_i64().unwrap();
    let liaison = app
        .client_for("liaison", UserRole::Liaison, Some(own))
        .await;
    let post = |path: &'static str, body: Value| {
        let request = liaison.post(app.url(path)).json(&body);
        async move { json_of(request.send().await.unwrap()).await }
    };
    let (status, body) = post(
        "/api/v1/people",
        json!({"category": "internal", "unit": other, "name_en": "Another unit's dean"}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let visit = |unit: i64| {
        json!({"kind": "inbound_visit", "title_zh": "来访", "start_date": "2024-05-01",
               "host_unit": own,
               "participants": [{"person": {"category": "internal", "unit": unit,
                                            "name_en": format!("Staff of {unit}")},
                                 "role": "host"}]})
    };
    let (status, body) = post("/api/v1/activities", visit(other)).await;
    assert_eq!(status, 403, "{body}");
    let (_, people) = app.get("/api/v1/people?per_page=200").await;
    assert_eq!(people["total"], 1, "nothing was saved: {people}");
    let (status, body) = post(
        "/api/v1/people",
        json!({"category": "internal", "unit": own, "name_en": "Own unit's dean"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = post("/api/v1/activities", visit(own)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = post("/api/v1/people", json!({"name_en": "A guest"})).await;
    assert_eq!(status, 201, "{body}");
}

async fn two_first_saves_of_a_news_release_show_the_conflict_page_with_both_texts(app: TestApp) {
    let (status, activity) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_zh": "讲座", "start_date": "2024-05-01"}),
        )
        .await;
    assert_eq!(status, 201, "{activity}");
    let path = format!("/activities/{}/news/zh", activity["id"]);
    let first = app.sign_in("first", UserRole::Officer, None, "en").await;
    let second = app.sign_in("second", UserRole::Officer, None, "en").await;
    // Both open the draft before either saves: neither form names a version.
    let (_, form) = first.get(&path).await;
    assert!(!form.contains("name=\"version\""), "{form}");
    second.get(&path).await;
    let (status, _, _) = first
        .post(&path, &[("title", "First title"), ("body", "First text")])
        .await;
    assert_eq!(status, 303);
    let (status, html, _) = second
        .post(&path, &[("title", "Second title"), ("body", "Second text")])
        .await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("First text"), "their text: {html}");
    assert!(html.contains("Second text"), "my text");
    assert!(
        html.contains("name=\"version\" value=\"1\""),
        "saving again is possible"
    );
}

fn liaison(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("LIAISON_DATABASE")
        .env_remove("LIAISON_CONFIG")
        .env_remove("LIAISON_KEY")
        .env_remove("LIAISON_KEY_FILE")
        .env("LIAISON_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the liaison binary runs")
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "liaison failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn failed(output: &Output) -> String {
    assert!(!output.status.success(), "liaison should have failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A person with a phone number, as `liaison import` reads them.
fn import_zhang(dir: &Path) {
    let document = json!({"liaison_format": 1, "people": [
        {"key": "person-zhang", "name_en": "Zhang Caiming", "phone": PHONE, "email": EMAIL}
    ]});
    std::fs::write(dir.join("zhang.json"), document.to_string()).unwrap();
    succeeded(&liaison(dir, &[], &["import", "zhang.json"]));
}

#[test]
fn the_key_is_made_on_the_first_start_rotated_by_a_command_and_a_wrong_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let first = liaison(dir, &[], &["migrate"]);
    succeeded(&first);
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("Back it up"),
        "the first start says where the key is and to back it up"
    );
    let key_file = dir.join("liaison.key");
    let first_key = std::fs::read_to_string(&key_file).unwrap();
    import_zhang(dir);
    let database = std::fs::read(dir.join("liaison.db")).unwrap();
    assert!(!String::from_utf8_lossy(&database).contains(PHONE));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner reads the key file");
    }

    // Rotation: a new key in the file, every value sealed under it, still read.
    let rotated = succeeded(&liaison(dir, &[], &["key", "rotate"]));
    assert!(rotated.starts_with("2 personal values"), "{rotated}");
    let second_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(first_key, second_key);
    let export = succeeded(&liaison(dir, &[], &["export"]));
    assert!(export.contains(PHONE) && export.contains(EMAIL), "{export}");

    // The old key no longer opens the database, and says which key it needs.
    std::fs::write(&key_file, &first_key).unwrap();
    let refused = failed(&liaison(dir, &[], &["export"]));
    assert!(refused.contains("sealed under key"), "{refused}");
    std::fs::write(&key_file, &second_key).unwrap();

    // A lost key file is not replaced by a new one that opens nothing.
    std::fs::remove_file(&key_file).unwrap();
    let refused = failed(&liaison(dir, &[], &["export"]));
    assert!(refused.contains("is missing"), "{refused}");
    assert!(!key_file.exists());

    // The key may be given by setting instead, and rotated there too.
    let key_line = second_key
        .lines()
        .find(|l| !l.starts_with('#') && !l.is_empty())
        .unwrap();
    let env = [("LIAISON_KEY", key_line)];
    let export = succeeded(&liaison(dir, &env, &["export"]));
    assert!(export.contains(PHONE));
    let new_key = succeeded(&liaison(dir, &env, &["key", "rotate"]));
    let env = [("LIAISON_KEY", new_key.trim())];
    let export = succeeded(&liaison(dir, &env, &["export"]));
    assert!(export.contains(EMAIL));
    assert!(!key_file.exists());
}

/// The people list as a CSV file, downloaded by `client`.
async fn csv(client: &crate::common::PageClient) -> String {
    let (status, _, bytes) = client.download("/people/export.csv").await;
    assert_eq!(status, 200);
    String::from_utf8(bytes).unwrap()
}
