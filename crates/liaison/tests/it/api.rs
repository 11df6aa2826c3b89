//! The JSON API end to end: a real server on a free port, a fresh database per test.

use crate::common::{TestApp, fields};
use serde_json::{Value, json};

on_both_databases!(
    every_kind_of_record_can_be_created_read_changed_listed_and_deleted,
    an_activity_is_created_in_one_request_with_new_people_and_organizations,
    invalid_records_get_422_with_every_field_and_save_nothing,
    malformed_requests_get_400_never_500,
    unknown_records_and_addresses_get_404,
    a_stale_version_gets_409_with_the_current_record,
    deleting_a_record_still_referred_to_gets_409,
    lists_page_sort_and_filter_with_totals,
    the_role_vocabulary_can_be_extended,
    the_openapi_document_describes_every_endpoint,
    search_finds_records_in_chinese_and_english_and_answers_odd_input_clearly,
    the_organization_list_shows_each_organization_s_identifiers_and_affiliations,
);

async fn every_kind_of_record_can_be_created_read_changed_listed_and_deleted(app: TestApp) {
    let org = json!({"kind": "university", "country": "GB", "name_en": "University of Warwick",
                     "identifiers": [{"scheme": "ror", "value": "01a77tt86"}]});
    let records = [
        (
            "units",
            json!({"kind": "school", "name_en": "School of Law", "name_zh": "法学院"}),
            "name_en",
        ),
        ("organizations", org, "name_en"),
        (
            "people",
            json!({"name_en": "Jane Doe", "nationality": "GB", "email": "jane@example.org"}),
            "name_en",
        ),
        (
            "activities",
            json!({"kind": "lecture", "title_en": "Guest lecture", "start_date": "2024-03-05"}),
            "title_en",
        ),
        (
            "gifts",
            json!({"direction": "given", "item": "Tea set", "giver": {"description": "the office"},
                         "receiver": {"description": "the guest"}}),
            "item",
        ),
        (
            "agreements",
            json!({"kind": "mou", "title_en": "MoU", "partners": [{"kind": "university",
                              "country": "FR", "name_en": "Université Paris 1"}]}),
            "title_en",
        ),
    ];
    for (collection, body, text_field) in records {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/{collection}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{collection}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let created: serde_json::Value = response.json().await.unwrap();
        assert_eq!(created["version"], 1);
        assert_eq!(location, format!("/api/v1/{collection}/{}", created["id"]));

        let (status, read) = app.get(&location).await;
        assert_eq!((status, &read), (200, &created), "{collection}");

        let mut change = body.clone();
        change[text_field] = json!("Changed");
        change["version"] = json!(1);
        let (status, changed) = app.put(&location, &change).await;
        assert_eq!(status, 200, "{collection}: {changed}");
        assert_eq!(
            (changed["version"].as_i64(), changed[text_field].as_str()),
            (Some(2), Some("Changed"))
        );

        let (status, list) = app.get(&format!("/api/v1/{collection}")).await;
        assert_eq!(status, 200);
        assert!(list["total"].as_i64().unwrap() >= 1);

        assert_eq!(app.delete(&location).await, 204, "{collection}");
        assert_eq!(app.get(&location).await.0, 404, "{collection}");
        assert_eq!(app.delete(&location).await, 404, "{collection}");
    }
}

async fn an_activity_is_created_in_one_request_with_new_people_and_organizations(app: TestApp) {
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "iec", "name_en": "International Exchange and Cooperation Office"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, visit) = app
        .post(
            "/api/v1/activities",
            &json!({
                "kind": "inbound_visit", "title_zh": "越南劳动总联合会代表团来访",
                "start_date": "2024-05-20", "start_part": "afternoon", "end_date": "2024-05-21", "end_part": "morning",
                "host_unit": "iec",
                "inviting_organization": {"key": "acftu", "kind": "federation", "country": "CN", "name_zh": "中华全国总工会"},
                "partners": [{"key": "vgcl", "kind": "trade_union", "country": "VN", "name_en": "Vietnam General Confederation of Labour"}],
                "participants": [
                    {"person": {"key": "guest", "name_en": "Nguyen Van A", "organization": "vgcl"}, "role": "leader"},
                    {"person": {"name_en": "An Interpreter"}, "role": "interpreter"}
                ],
                "agenda": [{"kind": "meeting", "on": "2024-05-20", "starts_at": "14:30", "speaker": "guest",
                            "title_en": "Talks", "points": ["cadre training"]}],
                "gifts": [{"direction": "received", "item": "Lacquer painting", "estimated_value_fen": 50000,
                           "giver": {"person": "guest", "organization": "vgcl"}, "receiver": {"organization": "acftu"}}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{visit}");
    assert_eq!(visit["host_unit"]["id"], unit["id"]);
    assert_eq!(visit["participants"][0]["person"]["key"], "guest");
    assert_eq!(visit["agenda"][0]["speaker"]["key"], "guest");
    assert_eq!(visit["gifts"][0]["declaration_required"], true);
    assert_eq!(visit["gifts"][0]["giver"]["organization"]["key"], "vgcl");
    let (_, people) = app.get("/api/v1/people").await;
    assert_eq!(people["total"], 2);
    let (_, orgs) = app.get("/api/v1/organizations?country=VN").await;
    assert_eq!(orgs["items"][0]["key"], "vgcl");
}

async fn invalid_records_get_422_with_every_field_and_save_nothing(app: TestApp) {
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "conference", "start_date": "2024-01-10", "end_date": "2024-01-09",
                    "participants": [{"person": {"name_en": "New Person"}, "role": "no such role"}],
                    "tags": ["", "x"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "invalid");
    assert_eq!(
        fields(&body),
        ["title_zh", "end_date", "participants[0].role", "tags[0]"]
    );

    // A reference to a missing record is found only while saving, and rolls everything back.
    let (status, body) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "conference", "title_en": "Meeting", "start_date": "2024-01-10",
                    "participants": [{"person": {"key": "new-one", "name_en": "New Person"}, "role": "chair"}],
                    "partners": ["missing-org"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&body), ["partners[0]"]);
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("'missing-org'")
    );
    assert_eq!(app.get("/api/v1/people").await.1["total"], 0);
    assert_eq!(app.get("/api/v1/activities").await.1["total"], 0);

    let (status, body) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "university", "country": "XX", "name_en": "Nowhere"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&body), ["country"]);
    let (status, body) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "university", "country": "GB", "nmae_en": "Typo"}),
        )
        .await;
    assert_eq!(status, 422, "unknown fields are refused, not ignored");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nmae_en")
    );
    let (status, body) = app
        .post(
            "/api/v1/gifts",
            &json!({"direction": "received", "category": "cash_or_securities", "item": "Envelope",
        "giver": {"description": "a visitor"}, "receiver": {"description": "a teacher"}}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "cash_refused");
}

async fn malformed_requests_get_400_never_500(app: TestApp) {
    for raw in ["{not json", "", "[1, 2", "{\"name_en\": \"\\ud800\"}"] {
        let (status, body) = app.post_raw("/api/v1/units", "application/json", raw).await;
        assert_eq!(status, 400, "{raw}: {body}");
        assert_eq!(body["error"], "bad_request");
    }
    let (status, body) = app
        .post_raw("/api/v1/units", "text/plain", "{\"name_en\": \"x\"}")
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    let long = "长".repeat(100_000);
    let (status, body) = app.post("/api/v1/units", &json!({"name_zh": long})).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "too_long");
}

async fn unknown_records_and_addresses_get_404(app: TestApp) {
    for path in [
        "/api/v1/activities/12345",
        "/api/v1/organizations/7/timeline",
        "/api/v1/units/abc",
        "/api/v1/nothing",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"], "not_found");
    }
    let (status, _) = app
        .put(
            "/api/v1/people/99",
            &json!({"name_en": "Nobody", "version": 1}),
        )
        .await;
    assert_eq!(status, 404);
}

async fn a_stale_version_gets_409_with_the_current_record(app: TestApp) {
    let (_, org) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "ngo", "country": "DE", "name_en": "Original"}),
        )
        .await;
    let path = format!("/api/v1/organizations/{}", org["id"]);
    let first = json!({"kind": "ngo", "country": "DE", "name_en": "First editor", "version": 1});
    assert_eq!(app.put(&path, &first).await.0, 200);
    let second = json!({"kind": "ngo", "country": "DE", "name_en": "Second editor", "version": 1});
    let (status, body) = app.put(&path, &second).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "conflict");
    assert_eq!(body["current"]["name_en"], "First editor");
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(app.get(&path).await.1["name_en"], "First editor");
    let (status, body) = app
        .put(
            &path,
            &json!({"kind": "ngo", "country": "DE", "name_en": "No version"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["version".to_owned()]));
}

async fn deleting_a_record_still_referred_to_gets_409(app: TestApp) {
    let (_, org) = app
        .post(
            "/api/v1/organizations",
            &json!({"key": "wftu", "kind": "federation", "country": "GR", "name_en": "WFTU"}),
        )
        .await;
    app.post(
        "/api/v1/people",
        &json!({"name_en": "Member", "organization": "wftu"}),
    )
    .await;
    let path = format!("/api/v1/organizations/{}", org["id"]);
    let response = app.client.delete(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("other records refer to it")
    );
    assert_eq!(app.get(&path).await.0, 200);
}

async fn lists_page_sort_and_filter_with_totals(app: TestApp) {
    for day in 1..=7 {
        let kind = if day % 2 == 0 {
            "lecture"
        } else {
            "conference"
        };
        let (status, _) = app
            .post("/api/v1/activities", &json!({"kind": kind, "title_en": format!("Event {day}"), "start_date": format!("2024-02-0{day}")}))
            .await;
        assert_eq!(status, 201);
    }
    let (_, page) = app.get("/api/v1/activities?per_page=3&page=2").await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["page"].as_i64(),
            page["per_page"].as_i64()
        ),
        (Some(7), Some(2), Some(3))
    );
    let titles: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title_en"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Event 4", "Event 3", "Event 2"],
        "newest first by default"
    );
    let (_, page) = app.get("/api/v1/activities?sort=start&kind=lecture").await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"][0]["title_en"], "Event 2");
    let (_, page) = app.get("/api/v1/activities?q=event%207&year=2024").await;
    assert_eq!(page["total"], 1);
    let (status, body) = app.get("/api/v1/activities?sort=password").await;
    assert_eq!((status, fields(&body)), (422, vec!["sort".to_owned()]));
    let (status, body) = app.get("/api/v1/activities?per_page=100000").await;
    assert_eq!((status, fields(&body)), (422, vec!["per_page".to_owned()]));
    let (status, body) = app.get("/api/v1/activities?year=soon").await;
    assert_eq!((status, fields(&body)), (422, vec!["year".to_owned()]));
    let (_, empty) = app.get("/api/v1/activities?kind=signing_ceremony").await;
    assert_eq!(
        (
            empty["total"].as_i64(),
            empty["items"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}

async fn the_role_vocabulary_can_be_extended(app: TestApp) {
    let (_, roles) = app.get("/api/v1/roles").await;
    let codes: Vec<_> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    for code in [
        "leader",
        "deputy_leader",
        "host",
        "chair",
        "keynote_speaker",
        "speaker",
        "delegation_member",
        "interpreter",
        "lecturer",
        "attendee",
        "accompanying",
    ] {
        assert!(codes.contains(&code), "{code}");
    }
    let role = json!({"code": "photographer", "name_zh": "摄影", "name_en": "Photographer"});
    assert_eq!(app.post("/api/v1/roles", &role).await.0, 201);
    let (status, body) = app.post("/api/v1/roles", &role).await;
    assert_eq!((status, fields(&body)), (422, vec!["code".to_owned()]));
}

async fn the_openapi_document_describes_every_endpoint(app: TestApp) {
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for collection in [
        "units",
        "people",
        "organizations",
        "activities",
        "gifts",
        "agreements",
    ] {
        let list = &paths[&format!("/api/v1/{collection}")];
        assert!(
            list["get"].is_object() && list["post"].is_object(),
            "{collection}"
        );
        let item = &paths[&format!("/api/v1/{collection}/{{id}}")];
        for method in ["get", "put", "delete"] {
            assert!(item[method].is_object(), "{collection} {method}");
        }
    }
    assert!(paths["/api/v1/organizations/{id}/timeline"]["get"].is_object());
    assert!(paths["/api/v1/roles"]["post"].is_object());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "ActivityInput",
        "Activity",
        "OrganizationInput",
        "ErrorBody",
        "FieldError",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
    // Every schema the document names is in it, and every operation has its own name.
    let text = doc.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(
            schemas.contains_key(name),
            "{name} is named but not described"
        );
    }
    let mut operations: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    let named = operations.len();
    operations.sort_unstable();
    operations.dedup();
    assert_eq!(operations.len(), named, "an operation's name is used twice");
}

async fn search_finds_records_in_chinese_and_english_and_answers_odd_input_clearly(app: TestApp) {
    app.load_demo().await;
    let (status, body) = app
        .get("/api/v1/search?q=%E8%80%81%E6%8C%9D%20%E5%B7%A5%E4%BC%9A")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["terms"], json!(["老挝", "工会"]));
    assert!(body["total"].as_i64().unwrap() >= 2);
    let first = &body["items"][0];
    assert!(
        first["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["match"] == true)
    );
    assert!(
        body["counts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "organization")
    );
    let (_, body) = app
        .get("/api/v1/search?q=smart+trade+unions&type=activity")
        .await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["type"], "activity");
    // Odd input is answered like any search: its words (none, for punctuation and operators
    // alone) and what they find.
    for (odd, terms, titles) in [
        ("%22%22", json!([]), json!([])),
        (
            "%27%20OR%201%3D1%20--",
            json!(["1"]),
            json!(["2019—2020年度国际交流工作会议 (2019-2020 International Exchange Conference)"]),
        ),
        ("%25", json!([]), json!([])),
        (
            "AND%20OR%20NOT",
            json!(["not"]),
            json!(["Commemorative gift"]),
        ),
        ("", json!([]), json!([])),
        ("%E2%80%A6%E2%80%A6", json!([]), json!([])),
    ] {
        let (status, body) = app.get(&format!("/api/v1/search?q={odd}")).await;
        assert_eq!(status, 200, "{odd}: {body}");
        let found: Vec<&Value> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| &hit["title"])
            .collect();
        assert_eq!(
            (&body["terms"], json!(found)),
            (&terms, titles),
            "{odd}: {body}"
        );
    }
    // A very long query is the same search as its words once.
    let long = "%E5%B7%A5%E4%BC%9A+".repeat(3000);
    let (status, long) = app.get(&format!("/api/v1/search?q={long}")).await;
    let (_, once) = app.get("/api/v1/search?q=%E5%B7%A5%E4%BC%9A").await;
    assert_eq!(status, 200);
    assert_eq!(long["terms"], json!(["工会"]));
    assert_eq!(long["total"], once["total"]);
    // Not UTF-8 (a lone surrogate, encoded) reads as a replacement character: no words, no error.
    let (status, body) = app.get("/api/v1/search?q=%ED%A0%80").await;
    assert_eq!((status, body["terms"].clone()), (200, json!([])), "{body}");
    // In a JSON body the same surrogate is malformed JSON.
    let (status, _) = app
        .post_raw(
            "/api/v1/units",
            "application/json",
            "{\"name_en\": \"\\udc00\"}",
        )
        .await;
    assert_eq!(status, 400);
    let (status, body) = app.get("/api/v1/search?q=x&type=planet").await;
    assert_eq!((status, fields(&body)), (422, vec!["type".to_owned()]));
}

async fn the_organization_list_shows_each_organization_s_identifiers_and_affiliations(
    app: TestApp,
) {
    let (status, federation) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "federation", "country": "TH", "key": "mekong-federation",
                    "name_en": "Mekong Universities' Federation"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .post(
            "/api/v1/organizations",
            &json!({"kind": "university", "country": "LA", "name_en": "National University of Laos",
                    "identifiers": [{"scheme": "ror", "value": "01xq2p031"},
                                    {"scheme": "isni", "value": "0000 0004 0643 1234"}],
                    "affiliations": [
                        {"organization": "mekong-federation", "relation": "member_of",
                         "note": "since 2019, founding member"},
                        {"organization": {"kind": "federation", "country": "VN",
                                          "name_en": "ASEAN University Network, Hanoi office"},
                         "relation": "affiliated_with"}]}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, page) = app.get("/api/v1/organizations?sort=name&per_page=50").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Every row of the list is the organization as its own address shows it.
    for item in items {
        let (status, one) = app
            .get(&format!("/api/v1/organizations/{}", item["id"]))
            .await;
        assert_eq!(status, 200);
        assert_eq!(item, &one);
    }
    let laos = items
        .iter()
        .find(|o| o["country"] == "LA")
        .expect("the Lao university is listed");
    assert_eq!(
        laos["identifiers"],
        json!([{"scheme": "ror", "value": "01xq2p031"},
               {"scheme": "isni", "value": "0000 0004 0643 1234"}])
    );
    let affiliations = laos["affiliations"].as_array().unwrap();
    assert_eq!(affiliations.len(), 2);
    assert_eq!(affiliations[0]["organization"]["id"], federation["id"]);
    assert_eq!(affiliations[0]["relation"], "member_of");
    assert_eq!(affiliations[0]["note"], "since 2019, founding member");
    assert_eq!(
        affiliations[1]["organization"]["name"],
        "ASEAN University Network, Hanoi office"
    );
    assert_eq!(affiliations[1]["relation"], "affiliated_with");
    let (_, federation_row) = app.get("/api/v1/organizations?country=TH").await;
    assert_eq!(federation_row["items"][0]["identifiers"], json!([]));
    assert_eq!(federation_row["items"][0]["affiliations"], json!([]));
}
