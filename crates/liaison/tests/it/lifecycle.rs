//! The agreement's lifecycle through the API and the pages: transitions, who may make them,
//! stale versions, the history and renewals.

use crate::common::{TestApp, fields};
use liaison_core::UserRole;
use serde_json::{Value, json};

on_both_databases!(
    the_api_makes_transitions_and_refuses_them_with_the_status_the_rules_say,
    the_agreement_page_offers_the_transitions_the_user_may_make_and_shows_the_history,
    renewing_from_the_page_opens_the_form_of_a_new_draft_linked_both_ways,
    the_agreement_list_shows_each_agreements_partners_after_transitions,
);

/// Two units, a partner, and a draft agreement of the first unit; the unit numbers and the
/// agreement.
async fn draft(app: &TestApp) -> (i64, i64, Value) {
    let mut units = Vec::new();
    for name in ["School of Law", "School of Safety Engineering"] {
        let (status, unit) = app.post("/api/v1/units", &json!({"name_en": name})).await;
        assert_eq!(status, 201, "{unit}");
        units.push(unit["id"].as_i64().unwrap());
    }
    let (status, agreement) = app
        .post(
            "/api/v1/agreements",
            &json!({"kind": "mou", "title_en": "Memorandum on joint research",
                    "unit": units[0], "signed_on": "2025-06-01",
                    "partners": [{"key": "org-vnu", "kind": "university", "country": "VN",
                                  "name_en": "Vietnam National University"}],
                    "signatories": [{"name": "Prof. Nguyen", "capacity": "Rector",
                                     "organization": "org-vnu"}]}),
        )
        .await;
    assert_eq!(status, 201, "{agreement}");
    assert_eq!(agreement["status"], "draft");
    (units[0], units[1], agreement)
}

fn transition(name: &str, version: i64) -> Value {
    json!({"transition": name, "version": version, "note": format!("{name} as agreed")})
}

async fn the_api_makes_transitions_and_refuses_them_with_the_status_the_rules_say(app: TestApp) {
    let (own_unit, other_unit, agreement) = draft(&app).await;
    let id = agreement["id"].as_i64().unwrap();
    let path = format!("/api/v1/agreements/{id}/transitions");

    // Another unit's liaison officer, a leader and a viewer may not submit it.
    let liaison_elsewhere = app
        .client_for("liaison-elsewhere", UserRole::Liaison, Some(other_unit))
        .await;
    let leader = app.client_for("leader", UserRole::Leader, None).await;
    for client in [&liaison_elsewhere, &leader] {
        let response = client
            .post(app.url(&path))
            .json(&transition("submit", 1))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "forbidden");
    }
    // The unit's own liaison officer submits it, but may not sign it.
    let liaison = app
        .client_for("liaison-own", UserRole::Liaison, Some(own_unit))
        .await;
    let response = liaison
        .post(app.url(&path))
        .json(&transition("submit", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let submitted: Value = response.json().await.unwrap();
    assert_eq!(
        (&submitted["status"], &submitted["version"]),
        (&json!("under_review"), &json!(2))
    );
    let response = liaison
        .post(app.url(&path))
        .json(&transition("sign", 2))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);

    // A stale version is a conflict that carries the agreement as it is now.
    let (status, body) = app.post(&path, &transition("sign", 1)).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "conflict");
    assert_eq!(body["current"]["status"], "under_review");
    assert_eq!(body["current"]["version"], 2);

    for name in ["sign", "enter_into_force", "expire"] {
        let (_, now) = app.get(&format!("/api/v1/agreements/{id}")).await;
        let (status, body) = app
            .post(&path, &transition(name, now["version"].as_i64().unwrap()))
            .await;
        assert_eq!(status, 200, "{name}: {body}");
    }
    // Nothing leads out of expired: the refusal names the state.
    let (status, body) = app.post(&path, &transition("terminate", 5)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["transition"]);
    let message = body["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("that is expired"), "{message}");
    assert!(message.contains("none, it is final"), "{message}");
    // A request that is not a transition is refused as such.
    let (status, _) = app
        .post(&path, &json!({"transition": "sign", "version": "five"}))
        .await;
    assert!(status == 400 || status == 422, "{status}");

    // An edit may not change the status.
    let (_, now) = app.get(&format!("/api/v1/agreements/{id}")).await;
    let mut edit = now.clone();
    for derived in ["id", "created_at", "updated_at", "renews", "renewed_by"] {
        edit.as_object_mut().unwrap().remove(derived);
    }
    edit["unit"] = json!(own_unit);
    edit["partners"] = json!(["org-vnu"]);
    edit["signatories"] = json!([{"name": "Prof. Nguyen", "capacity": "Rector"}]);
    edit["status"] = json!("in_force");
    let (status, body) = app.put(&format!("/api/v1/agreements/{id}"), &edit).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["status"]);

    let (status, history) = app.get(&format!("/api/v1/agreements/{id}/history")).await;
    assert_eq!(status, 200);
    let steps: Vec<(Value, Value, Value, Value)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["transition"].clone(),
                e["from"].clone(),
                e["to"].clone(),
                e["username"].clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                json!("created"),
                Value::Null,
                json!("draft"),
                json!("test-admin")
            ),
            (
                json!("submit"),
                json!("draft"),
                json!("under_review"),
                json!("liaison-own")
            ),
            (
                json!("sign"),
                json!("under_review"),
                json!("signed"),
                json!("test-admin")
            ),
            (
                json!("enter_into_force"),
                json!("signed"),
                json!("in_force"),
                json!("test-admin")
            ),
            (
                json!("expire"),
                json!("in_force"),
                json!("expired"),
                json!("test-admin")
            ),
        ]
    );
    assert_eq!(history[1]["note"], "submit as agreed");
    let (status, _) = app.get("/api/v1/agreements/999/history").await;
    assert_eq!(status, 404);

    // Both routes are in the OpenAPI document.
    let (_, doc) = app.get("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/agreements/{id}/transitions"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/agreements/{id}/history"]["get"].is_object());
}

/// The transitions offered by a page, as the values of its buttons.
fn buttons(html: &str) -> Vec<String> {
    html.split("name=\"transition\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn the_agreement_page_offers_the_transitions_the_user_may_make_and_shows_the_history(
    app: TestApp,
) {
    let (own_unit, other_unit, agreement) = draft(&app).await;
    let id = agreement["id"].as_i64().unwrap();
    let page = format!("/agreements/{id}");
    let office = app.sign_in("office", UserRole::Officer, None, "en").await;
    let liaison = app
        .sign_in("liaison-own", UserRole::Liaison, Some(own_unit), "en")
        .await;
    let elsewhere = app
        .sign_in(
            "liaison-elsewhere",
            UserRole::Liaison,
            Some(other_unit),
            "zh",
        )
        .await;
    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;

    // The office chooses the state of an agreement it records; a unit's new one is a draft.
    let (_, form) = office.get("/agreements/new").await;
    assert!(form.contains("name=\"status\""), "{form}");
    let (status, form) = liaison.get("/agreements/new").await;
    assert_eq!(status, 200);
    assert!(!form.contains("name=\"status\""), "{form}");

    let (status, html) = office.get(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Status and history"), "{html}");
    assert_eq!(buttons(&html), ["submit", "terminate"]);
    assert!(html.contains("name=\"version\" value=\"1\""));
    assert_eq!(buttons(&liaison.get(&page).await.1), ["submit"]);
    for other in [&elsewhere, &viewer] {
        let (status, html) = other.get(&page).await;
        assert_eq!(status, 200);
        assert!(buttons(&html).is_empty());
    }
    let (_, html) = elsewhere.get(&page).await;
    assert!(
        html.contains("状态与历史") && html.contains("草拟"),
        "{html}"
    );

    // Without the session's token the button does nothing.
    let response = office
        .client
        .post(app.url(&format!("{page}/transitions")))
        .form(&[("transition", "submit"), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let (_, now) = app.get(&format!("/api/v1/agreements/{id}")).await;
    assert_eq!(now["status"], "draft");

    // Another unit's liaison officer is refused; the unit's own submits it with a note.
    let (status, _, _) = elsewhere
        .post(
            &format!("{page}/transitions"),
            &[("transition", "submit"), ("version", "1")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, location) = liaison
        .post(
            &format!("{page}/transitions"),
            &[
                ("transition", "submit"),
                ("version", "1"),
                ("note", "Reviewed by the school committee."),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, page.as_str()));
    let (_, html) = office.get(&page).await;
    assert_eq!(buttons(&html), ["send_back", "sign", "terminate"]);
    assert!(
        html.contains("Submit for review: Draft → Under review"),
        "{html}"
    );
    assert!(html.contains("Reviewed by the school committee."));
    assert!(html.contains("liaison-own"));
    assert!(buttons(&liaison.get(&page).await.1).is_empty());

    // A button pressed on a page that is no longer current is refused as a conflict; one not
    // allowed from the state, with the state named.
    let (status, html, _) = office
        .post(
            &format!("{page}/transitions"),
            &[("transition", "sign"), ("version", "1")],
        )
        .await;
    assert_eq!(status, 409, "{html}");
    let (status, html, _) = office
        .post(
            &format!("{page}/transitions"),
            &[("transition", "expire"), ("version", "2")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("The status was not changed"));
    assert!(
        html.contains(
            "This agreement is Under review; from there it may only: Send back to draft, Sign, \
             Terminate."
        ),
        "{html}"
    );
    let (status, _, _) = office
        .post(
            &format!("{page}/transitions"),
            &[("transition", "sign"), ("version", "2")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, html) = office.get(&page).await;
    assert_eq!(buttons(&html), ["enter_into_force", "expire", "terminate"]);
    assert!(html.contains("Sign: Under review → Signed"));

    // The form offers the status when an agreement is recorded, not when it is edited.
    let (_, new_form) = office.get("/agreements/new").await;
    assert!(new_form.contains("name=\"status\""));
    let (_, edit_form) = office.get(&format!("{page}/edit")).await;
    assert!(!edit_form.contains("name=\"status\""));
    // Saving the edit form keeps the state.
    let (status, _, _) = office
        .post(
            &format!("{page}/edit"),
            &[
                ("version", "3"),
                ("kind", "mou"),
                ("title_en", "Memorandum on joint research and teaching"),
                ("partners", "#1"),
                ("unit", &own_unit.to_string()),
                ("signed_on", "2025-06-01"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, now) = app.get(&format!("/api/v1/agreements/{id}")).await;
    assert_eq!(now["status"], "signed");
    assert_eq!(now["title_en"], "Memorandum on joint research and teaching");
}

async fn renewing_from_the_page_opens_the_form_of_a_new_draft_linked_both_ways(app: TestApp) {
    let (own_unit, other_unit, agreement) = draft(&app).await;
    let id = agreement["id"].as_i64().unwrap();
    let office = app.sign_in("office", UserRole::Officer, None, "en").await;
    let page = format!("/agreements/{id}");
    assert!(
        !office.get(&page).await.1.contains("/renew\""),
        "a draft is not renewed"
    );
    let (status, html, _) = office.post(&format!("{page}/renew"), &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("this one is Draft"), "{html}");
    for (name, version) in [("submit", "1"), ("sign", "2"), ("enter_into_force", "3")] {
        let (status, _, _) = office
            .post(
                &format!("{page}/transitions"),
                &[("transition", name), ("version", version)],
            )
            .await;
        assert_eq!(status, 303, "{name}");
    }
    let (_, html) = office.get(&page).await;
    assert!(html.contains(&format!("action=\"{page}/renew\"")), "{html}");
    let elsewhere = app
        .sign_in(
            "liaison-elsewhere",
            UserRole::Liaison,
            Some(other_unit),
            "en",
        )
        .await;
    assert!(!elsewhere.get(&page).await.1.contains("/renew\""));
    let (status, _, _) = elsewhere.post(&format!("{page}/renew"), &[]).await;
    assert_eq!(status, 403);

    let liaison = app
        .sign_in("liaison-own", UserRole::Liaison, Some(own_unit), "en")
        .await;
    let (status, _, location) = liaison.post(&format!("{page}/renew"), &[]).await;
    assert_eq!(status, 303);
    let new_id: i64 = location
        .strip_prefix("/agreements/")
        .and_then(|rest| rest.strip_suffix("/edit"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the renewal's form, not {location}"));
    assert_ne!(new_id, id);
    let (status, form) = liaison.get(&location).await;
    assert_eq!(status, 200);
    assert!(form.contains("Memorandum on joint research"));
    assert!(
        form.contains(&format!("#{id} ")),
        "the form keeps the link: {form}"
    );

    let (_, new) = app.get(&format!("/api/v1/agreements/{new_id}")).await;
    assert_eq!(new["status"], "draft");
    assert_eq!(new["renews"]["id"], id);
    assert_eq!(new["partners"][0]["name"], "Vietnam National University");
    assert_eq!(new["signatories"][0]["name"], "Prof. Nguyen");
    assert_eq!(new["unit"]["id"], own_unit);
    let (_, old) = app.get(&format!("/api/v1/agreements/{id}")).await;
    assert_eq!(old["renewed_by"][0]["id"], new_id);
    assert_eq!(old["status"], "in_force");

    let (_, html) = office.get(&format!("/agreements/{new_id}")).await;
    assert!(html.contains("Renews") && html.contains(&format!("href=\"/agreements/{id}\"")));
    let (_, html) = office.get(&page).await;
    assert!(
        html.contains("Renewed by") && html.contains(&format!("href=\"/agreements/{new_id}\""))
    );
}

async fn the_agreement_list_shows_each_agreements_partners_after_transitions(app: TestApp) {
    let (_, _, agreement) = draft(&app).await;
    let id = agreement["id"].as_i64().unwrap();
    let (status, other) = app
        .post(
            "/api/v1/agreements",
            &json!({"kind": "framework", "title_en": "Framework on staff training",
                    "status": "in_force", "signed_on": "2020-01-10",
                    "partners": ["org-vnu", {"kind": "ngo", "country": "LA",
                                             "name_en": "Lao Youth Union"}],
                    "signatories": [{"person": {"name_en": "Somphone K."}}]}),
        )
        .await;
    assert_eq!(status, 201, "{other}");
    let (status, _) = app
        .post(
            &format!("/api/v1/agreements/{id}/transitions"),
            &transition("submit", 1),
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.get("/api/v1/agreements?sort=created").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["status"], "under_review");
    assert_eq!(
        items[0]["partners"][0]["name"],
        "Vietnam National University"
    );
    assert_eq!(
        items[0]["signatories"][0]["organization"]["name"],
        "Vietnam National University"
    );
    assert_eq!(
        items[1]["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Vietnam National University", "Lao Youth Union"]
    );
    assert_eq!(items[1]["signatories"][0]["person"]["name"], "Somphone K.");

    let office = app.sign_in("office", UserRole::Officer, None, "en").await;
    let (_, html) = office.get("/agreements?status=under_review").await;
    assert!(html.contains("Vietnam National University") && html.contains("Under review"));
    assert!(!html.contains("Lao Youth Union"));
    let (_, html) = office.get("/agreements").await;
    assert!(html.contains("Vietnam National University; Lao Youth Union"));
    // The spreadsheet of the list carries the same status and partners.
    let (status, _, bytes) = office.download("/agreements/export.csv?sort=created").await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(bytes).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains("Under review") && rows[0].contains("Vietnam National University"),
        "{csv}"
    );
    assert!(
        rows[1].contains("In force")
            && rows[1].contains("Vietnam National University; Lao Youth Union"),
        "{csv}"
    );
}
