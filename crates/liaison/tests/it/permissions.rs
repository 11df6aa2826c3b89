//! Every API route walked with every role: allowed, or refused with 403; never a 500.

use crate::common::TestApp;
use liaison_core::{Unit, UserRole};
use serde_json::{Value, json};

on_both_databases!(
    every_route_answers_every_role_as_the_rules_say,
    nothing_is_served_without_signing_in
);

/// A valid new record of each collection, under `unit` where records have a unit.
fn new_record(collection: &str, unit: i64, n: usize) -> Value {
    match collection {
        "units" => json!({"name_en": format!("Unit {n}")}),
        "people" => json!({"category": "internal", "name_en": format!("Person {n}"), "unit": unit}),
        "organizations" => json!({"kind": "ngo", "country": "TH", "name_en": format!("Org {n}")}),
        "activities" => {
            json!({"kind": "lecture", "title_en": format!("Lecture {n}"), "start_date": "2024-05-01", "host_unit": unit})
        }
        "agreements" => json!({"kind": "mou", "title_en": format!("MoU {n}"), "unit": unit,
                               "partners": [{"kind": "university", "country": "TH", "name_en": format!("Partner {n}")}]}),
        _ => unreachable!(),
    }
}

/// Whether a role may change records of a collection that belong to its own unit.
fn may_change(role: UserRole, collection: &str) -> bool {
    match role {
        UserRole::Admin | UserRole::Officer => true,
        UserRole::Liaison => collection != "organizations",
        UserRole::Leader | UserRole::Viewer | UserRole::Staff => false,
    }
}

fn may_create(role: UserRole, collection: &str) -> bool {
    match role {
        UserRole::Liaison => collection != "units",
        other => may_change(other, collection),
    }
}

async fn expect(label: &str, allowed: bool, response: reqwest::Response) {
    let status = response.status().as_u16();
    assert!(status < 500, "{label}: {status}");
    if allowed {
        assert!(
            status != 403 && status != 401,
            "{label} should be allowed, got {status}"
        );
    } else {
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            (status, body["error"].as_str()),
            (403, Some("forbidden")),
            "{label}: {body}"
        );
        assert!(
            body.get("current").is_none(),
            "{label}: a refusal shows no record"
        );
    }
}

async fn every_route_answers_every_role_as_the_rules_say(app: TestApp) {
    app.load_demo().await;
    let (_, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "unit-own", "name_en": "The liaison's school"}),
        )
        .await;
    let own_unit = unit["id"].as_i64().unwrap();
    let lftu_timeline = format!(
        "/api/v1/organizations/{}/timeline",
        app.id_of("organizations", "org-lftu").await
    );
    let mut n = 0;
    for role in UserRole::ALL {
        let client = app
            .client_for(&format!("user-{}", role.as_str()), role, Some(own_unit))
            .await;
        let url = |path: &str| app.url(path);
        for collection in [
            "units",
            "people",
            "organizations",
            "activities",
            "agreements",
        ] {
            n += 1;
            // The record to change: the liaison's own unit itself, or a record under it.
            let target = if collection == "units" {
                own_unit
            } else {
                let (status, created) = app
                    .post(
                        &format!("/api/v1/{collection}"),
                        &new_record(collection, own_unit, n),
                    )
                    .await;
                assert_eq!(status, 201, "{created}");
                created["id"].as_i64().unwrap()
            };
            let item = format!("/api/v1/{collection}/{target}");
            let label = |op: &str| format!("{} {op} {collection}", role.as_str());
            expect(
                &label("list"),
                true,
                client
                    .get(url(&format!("/api/v1/{collection}")))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            let read = client.get(url(&item)).send().await.unwrap();
            let current: Value = read.json().await.unwrap();
            n += 1;
            let create = client
                .post(url(&format!("/api/v1/{collection}")))
                .json(&new_record(collection, own_unit, n))
                .send()
                .await
                .unwrap();
            expect(&label("create"), may_create(role, collection), create).await;
            let mut change = new_record(collection, own_unit, n + 1000);
            change["version"] = current["version"].clone();
            if collection == "units" {
                change["key"] = json!("unit-own");
            }
            let update = client.put(url(&item)).json(&change).send().await.unwrap();
            expect(&label("update"), may_change(role, collection), update).await;
            if collection != "units" {
                let delete = client.delete(url(&item)).send().await.unwrap();
                expect(&label("delete"), may_change(role, collection), delete).await;
            }
        }
        let lftu = client.get(url(&lftu_timeline)).send().await.unwrap();
        expect(&format!("{} timeline", role.as_str()), true, lftu).await;
        let roles = client.get(url("/api/v1/roles")).send().await.unwrap();
        expect(&format!("{} roles", role.as_str()), true, roles).await;
        let new_role =
            json!({"code": format!("role_{}", role.as_str()), "name_zh": "新", "name_en": "New"});
        let add_role = client
            .post(url("/api/v1/roles"))
            .json(&new_role)
            .send()
            .await
            .unwrap();
        let office = matches!(role, UserRole::Admin | UserRole::Officer);
        expect(&format!("{} add role", role.as_str()), office, add_role).await;
        let audit = client.get(url("/api/v1/audit")).send().await.unwrap();
        expect(
            &format!("{} audit", role.as_str()),
            role == UserRole::Admin,
            audit,
        )
        .await;
    }
    // What a liaison officer may not touch: another unit's records.
    let liaison = app
        .client_for("second-liaison", UserRole::Liaison, Some(own_unit))
        .await;
    let (_, other) = app
        .post("/api/v1/units", &json!({"name_en": "Another school"}))
        .await;
    let other_unit = other["id"].as_i64().unwrap();
    let (_, theirs) = app
        .post(
            "/api/v1/activities",
            &new_record("activities", other_unit, 9999),
        )
        .await;
    let item = app.url(&format!("/api/v1/activities/{}", theirs["id"]));
    let mut change = new_record("activities", other_unit, 10000);
    change["version"] = json!(1);
    expect(
        "liaison update of another unit's activity",
        false,
        liaison.put(&item).json(&change).send().await.unwrap(),
    )
    .await;
    expect(
        "liaison delete of another unit's activity",
        false,
        liaison.delete(&item).send().await.unwrap(),
    )
    .await;
    let create_elsewhere = liaison
        .post(app.url("/api/v1/activities"))
        .json(&new_record("activities", other_unit, 10001))
        .send()
        .await
        .unwrap();
    expect("liaison create for another unit", false, create_elsewhere).await;
}

async fn nothing_is_served_without_signing_in(app: TestApp) {
    let anonymous = reqwest::Client::new();
    for path in [
        "/api/v1/activities",
        "/api/v1/activities/1",
        "/api/v1/organizations/1/timeline",
        "/api/v1/roles",
        "/api/v1/audit",
    ] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    let response = anonymous
        .post(app.url("/api/v1/units"))
        .json(&json!({"name_en": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let forged = anonymous
        .get(app.url("/api/v1/units"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let cookie = anonymous
        .get(app.url("/api/v1/units"))
        .header("cookie", "liaison_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(cookie.status(), 401);
    assert_eq!(
        anonymous
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.db
            .store
            .list::<Unit>(
                &Default::default(),
                &liaison_core::PageRequest::parse(
                    None,
                    None,
                    None,
                    liaison_core::UNIT_SORTS,
                    false
                )
                .unwrap()
            )
            .await
            .unwrap()
            .total,
        0
    );
}
