//! Official trips abroad through the API: filing, the plan shown before submitting, each
//! approver's decision, the rules checked, and the notice period guarding departure.

use chrono::{Datelike, Duration};
use liaison_core::UserRole;
use serde_json::{Value, json};

use crate::common::TestApp;

on_both_databases!(
    a_trip_is_filed_planned_approved_in_steps_and_noticed_through_the_api,
    a_submission_breaking_a_rule_answers_422_naming_the_rule_and_its_numbers,
    the_trip_routes_are_in_the_openapi_document,
    a_trip_is_filed_submitted_and_approved_through_the_pages,
    admins_set_the_approval_chain_and_the_trip_policy_in_the_browser,
    a_staff_member_files_their_own_trip_and_changes_nothing_else,
    setting_up_approvals_with_accounts_or_people_that_do_not_exist_is_a_422,
    a_changed_trip_names_its_countries_in_the_reader_s_language,
);

/// The office's date, as the server counts it.
fn today() -> chrono::NaiveDate {
    liaison_web::clock::china_today()
}

/// Makes sure the working-day calendar holds this year and the next, which the deadlines of
/// trips a few weeks ahead are counted through; a year not shipped is entered with New Year's
/// Day alone, the rest of it Monday to Friday.
async fn calendar_years(app: &TestApp) {
    let (_, years) = app.get("/api/v1/calendar-days/years").await;
    for year in [today().year(), today().year() + 1] {
        let held = years
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == json!(year));
        if !held {
            let (status, body) = app
                .post(
                    "/api/v1/calendar-days/years",
                    &json!({"year": year, "lines": format!("{year}-01-01 off 元旦")}),
                )
                .await;
            assert_eq!(status, 201, "{body}");
        }
    }
}

pub(crate) struct Accounts {
    pub(crate) teacher: reqwest::Client,
    pub(crate) leader: reqwest::Client,
    pub(crate) officer: reqwest::Client,
    pub(crate) vice_president: reqwest::Client,
    pub(crate) teacher_person: i64,
    pub(crate) colleague_person: i64,
    pub(crate) unit: i64,
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.db
        .store
        .user_for_login(username)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

pub(crate) async fn school(app: &TestApp) -> Accounts {
    calendar_years(app).await;
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "marine", "name_en": "School of Marine Science"}),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let unit_id = unit["id"].as_i64().unwrap();
    let mut people = Vec::new();
    for (key, name) in [
        ("dean", "Zhou Hai"),
        ("teacher", "Li Na"),
        ("colleague", "Chen Bo"),
    ] {
        let (status, person) = app
            .post(
                "/api/v1/people",
                &json!({"key": key, "name_en": name, "category": "internal", "unit": "marine"}),
            )
            .await;
        assert_eq!(status, 201, "{person}");
        people.push(person["id"].as_i64().unwrap());
    }
    let (status, body) = app
        .put(
            &format!("/api/v1/units/{unit_id}"),
            &json!({"key": "marine", "name_en": "School of Marine Science",
                    "foreign_affairs_leader": "dean", "version": unit["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let teacher = app
        .client_for("li.na", UserRole::Liaison, Some(unit_id))
        .await;
    let leader = app.client_for("zhou.hai", UserRole::Leader, None).await;
    let officer = app.client_for("officer", UserRole::Officer, None).await;
    let vice_president = app.client_for("vp", UserRole::Leader, None).await;
    let leader_id = user_id(app, "zhou.hai").await;
    let vp_id = user_id(app, "vp").await;
    let (status, body) = app
        .put(
            &format!("/api/v1/accounts/{leader_id}/person"),
            &json!({"person": people[0]}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = app
        .put(
            &format!("/api/v1/units/{unit_id}/leaders-in-charge"),
            &json!({"users": [vp_id]}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    Accounts {
        teacher,
        leader,
        officer,
        vice_president,
        teacher_person: people[1],
        colleague_person: people[2],
        unit: unit_id,
    }
}

/// A trip leaving `ahead` days from today, for `days` days, of the given type.
fn trip(a: &Accounts, trip_type: &str, ahead: i64, days: i64) -> Value {
    let leave = today() + Duration::days(ahead);
    let back = leave + Duration::days(days - 1);
    json!({
        "unit": a.unit,
        "title_zh": "赴老挝开展海洋科学合作研究",
        "trip_type": trip_type,
        "destinations": [{"country": "LA", "city": "Vientiane", "arrive": leave, "leave": back}],
        "members": [
            {"person_id": a.teacher_person, "leader": true, "position": "Professor"},
            {"person_id": a.colleague_person, "position": "Lecturer"}
        ],
        "funding": "research_grant",
        "budget": [{"item": "Air fares", "amount": 1200000}]
    })
}

pub(crate) async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let response = client.post(app.url(path)).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

pub(crate) async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Readies an approved trip for departure as the office does, through `office`: a briefing held
/// on `held_on` that every member attended, and each member's own travel document on file,
/// which departure needs. Changes no state: the trip is then marked briefed and departs.
pub(crate) async fn ready_for_departure(
    app: &TestApp,
    office: &reqwest::Client,
    id: i64,
    held_on: &str,
) {
    let (status, trip) = get(office, app, &format!("/api/v1/trips/{id}")).await;
    assert_eq!(status, 200, "{trip}");
    let members: Vec<Value> = trip["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person"]["id"].clone())
        .collect();
    let attended: Vec<Value> = members
        .iter()
        .map(|person| json!({"trip_id": id, "person_id": person}))
        .collect();
    let (status, body) = send(
        office,
        app,
        "/api/v1/briefings",
        &json!({"held_on": held_on, "place": "Room 301", "topics": "Safety abroad",
                "attended": attended}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for person in members {
        let (status, body) = send(
            office,
            app,
            &format!("/api/v1/passports/trips/{id}/own-documents"),
            &json!({"person": person, "reason": "holds a valid official passport",
                    "expires_on": "2030-12-31"}),
        )
        .await;
        assert_eq!(status, 204, "{body}");
    }
}

/// The days a trip is taken to departure on: the briefing held, the trip marked briefed, and
/// its departure.
pub(crate) struct DepartureDays {
    pub(crate) briefing: &'static str,
    pub(crate) briefed: &'static str,
    pub(crate) departs: &'static str,
}

/// Takes an approved trip whose notice is up to departure through `office`: readied (see
/// [`ready_for_departure`]), marked briefed and departed, the office's clock set to each day.
/// Answers the trip as it departed.
pub(crate) async fn take_to_departure(
    app: &TestApp,
    office: &reqwest::Client,
    clock: &liaison_web::clock::OfficeClock,
    id: i64,
    days: DepartureDays,
) -> Value {
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    ready_for_departure(app, office, id, days.briefing).await;
    let mut trip = Value::Null;
    for (on, action) in [(days.briefed, "brief"), (days.departs, "depart")] {
        clock.set(day(on));
        let (_, current) = get(office, app, &format!("/api/v1/trips/{id}")).await;
        let (status, after) = send(
            office,
            app,
            &format!("/api/v1/trips/{id}/{action}"),
            &json!({"version": current["version"]}),
        )
        .await;
        assert_eq!(status, 200, "{action}: {after}");
        trip = after;
    }
    trip
}

async fn a_trip_is_filed_planned_approved_in_steps_and_noticed_through_the_api(app: TestApp) {
    let a = school(&app).await;
    let (status, filed) = send(
        &a.teacher,
        &app,
        "/api/v1/trips",
        &trip(&a, "research", 40, 7),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["status"], "draft");
    assert_eq!(filed["track"], "foreign");
    let id = filed["id"].as_i64().unwrap();

    // The applicant sees the plan before submitting: the default chain's three steps.
    let (status, review) = get(&a.teacher, &app, &format!("/api/v1/trips/{id}/review")).await;
    assert_eq!(status, 200, "{review}");
    let steps: Vec<&str> = review["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["Unit review", "Office review", "Leader approval"]);
    assert_eq!(review["findings"], json!([]));

    let (status, viewer_refused) = send(
        &app.client_for("reader", UserRole::Viewer, None).await,
        &app,
        "/api/v1/trips",
        &trip(&a, "research", 40, 7),
    )
    .await;
    assert_eq!(status, 403, "{viewer_refused}");

    let (status, submitted) = send(
        &a.teacher,
        &app,
        &format!("/api/v1/trips/{id}/submit"),
        &json!({"version": filed["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "in_approval");

    let (_, inbox) = get(&a.leader, &app, "/api/v1/trips/inbox").await;
    assert_eq!(inbox["waiting"], 1);
    let (_, inbox) = get(&a.officer, &app, "/api/v1/trips/inbox").await;
    assert_eq!(inbox["waiting"], 0);

    // Out of turn, the office is refused; the stale version after the unit's approval is a 409.
    let (status, _) = send(
        &a.officer,
        &app,
        &format!("/api/v1/trips/{id}/approve"),
        &json!({"version": submitted["version"]}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, refused) = send(
        &a.leader,
        &app,
        &format!("/api/v1/trips/{id}/refuse"),
        &json!({"version": submitted["version"]}),
    )
    .await;
    assert_eq!(status, 422, "a refusal without a comment: {refused}");
    let mut trip = submitted;
    for approver in [&a.leader, &a.officer, &a.vice_president] {
        let (status, body) = send(
            approver,
            &app,
            &format!("/api/v1/trips/{id}/approve"),
            &json!({"version": trip["version"]}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        trip = body;
    }
    assert_eq!(trip["status"], "approved");
    let (status, _) = send(
        &a.leader,
        &app,
        &format!("/api/v1/trips/{id}/approve"),
        &json!({"version": 1}),
    )
    .await;
    assert_eq!(status, 409, "a decision on a version long gone");

    let (status, noticed) = send(
        &a.officer,
        &app,
        &format!("/api/v1/trips/{id}/post_notice"),
        &json!({"version": trip["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{noticed}");
    assert_eq!(noticed["status"], "in_notice");
    assert!(noticed["notice_ends"].as_str().unwrap() > today().to_string().as_str());

    let (status, history) = get(&a.teacher, &app, &format!("/api/v1/trips/{id}/history")).await;
    assert_eq!(status, 200);
    let transitions: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["transition"].as_str().unwrap())
        .collect();
    assert_eq!(transitions, ["created", "submit", "approve", "post_notice"]);
    assert_eq!(history["decisions"].as_array().unwrap().len(), 3);

    let (status, unknown) = send(
        &a.officer,
        &app,
        &format!("/api/v1/trips/{id}/teleport"),
        &json!({"version": noticed["version"]}),
    )
    .await;
    assert_eq!(status, 422, "{unknown}");
}

async fn a_submission_breaking_a_rule_answers_422_naming_the_rule_and_its_numbers(app: TestApp) {
    let a = school(&app).await;
    // Official talks in one country for six days: one day past the limit.
    let (status, filed) = send(&a.teacher, &app, "/api/v1/trips", &trip(&a, "talks", 40, 6)).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let (_, review) = get(&a.teacher, &app, &format!("/api/v1/trips/{id}/review")).await;
    assert_eq!(review["findings"][0]["rule"], "administrative_days");
    assert_eq!(review["findings"][0]["limit"], 5);
    assert_eq!(review["findings"][0]["actual"], 6);
    let (status, refused) = send(
        &a.teacher,
        &app,
        &format!("/api/v1/trips/{id}/submit"),
        &json!({"version": filed["version"]}),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("at most 5 days"), "{refused}");
    let (_, unchanged) = get(&a.teacher, &app, &format!("/api/v1/trips/{id}")).await;
    assert_eq!(unchanged["status"], "draft");
}

async fn the_trip_routes_are_in_the_openapi_document(app: TestApp) {
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/trips",
        "/api/v1/trips/{id}",
        "/api/v1/trips/{id}/{action}",
        "/api/v1/approval-chains/{kind}",
        "/api/v1/trip-policy",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} is missing from {:?}",
            paths.keys()
        );
    }
}

/// The number a page redirected to, as in `/trips/12`.
fn number_in(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn a_trip_is_filed_submitted_and_approved_through_the_pages(app: TestApp) {
    let a = school(&app).await;
    let teacher = app
        .sign_in("wang.fang", UserRole::Liaison, Some(a.unit), "en")
        .await;
    let dean = app
        .sign_in("dean.pages", UserRole::Leader, None, "zh-CN")
        .await;
    let dean_id = user_id(&app, "dean.pages").await;
    let (_, unit) = app.get(&format!("/api/v1/units/{}", a.unit)).await;
    let dean_person = unit["foreign_affairs_leader"]["id"].as_i64().unwrap();
    let (status, _) = app
        .put(
            &format!("/api/v1/accounts/{dean_id}/person"),
            &json!({"person": dean_person}),
        )
        .await;
    assert_eq!(status, 204);

    let (status, form) = teacher.get("/trips/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("destinations-0-country"), "{form}");
    let (status, refused, _) = teacher.post("/trips", &[("title_en", "No type")]).await;
    assert_eq!(status, 422);
    assert!(refused.contains("choose the trip type"), "{refused}");

    let leave = (today() + Duration::days(40)).to_string();
    let back = (today() + Duration::days(46)).to_string();
    let teacher_person = format!("#{}", a.teacher_person);
    let colleague = format!("#{}", a.colleague_person);
    let unit_id = a.unit.to_string();
    let (status, page, location) = teacher
        .post(
            "/trips",
            &[
                ("title_en", "Joint marine research in Laos"),
                ("trip_type", "research"),
                ("funding", "research_grant"),
                ("unit", &unit_id),
                ("destinations-0-country", "LA"),
                ("destinations-0-city", "Vientiane"),
                ("destinations-0-arrive", &leave),
                ("destinations-0-leave", &back),
                ("members-0-person", &teacher_person),
                ("members-0-head", "yes"),
                ("members-0-position", "Professor"),
                ("members-1-person", &colleague),
                ("budget-0-item", "Air fares"),
                ("budget-0-amount", "12000"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let id = number_in(&location);
    let (status, shown) = teacher.get(&location).await;
    assert_eq!(status, 200);
    for expected in [
        "Unit review",
        "Office review",
        "Leader approval",
        "Li Na",
        "¥12,000",
        "value=\"submit\"",
    ] {
        assert!(
            shown.contains(expected),
            "{expected} missing from the trip page"
        );
    }
    let (status, _, _) = teacher
        .post(
            &format!("/trips/{id}/act"),
            &[("transition", "submit"), ("version", "1")],
        )
        .await;
    assert_eq!(status, 303);

    let (status, inbox) = dean.get("/trips").await;
    assert_eq!(status, 200);
    assert!(inbox.contains("待我审批 (1)"), "{inbox}");
    assert!(inbox.contains("Joint marine research in Laos"), "{inbox}");
    let (status, refused, _) = dean
        .post(
            &format!("/trips/{id}/act"),
            &[("transition", "refuse"), ("version", "2")],
        )
        .await;
    assert_eq!(status, 422, "a refusal without a comment");
    assert!(refused.contains("say why"), "{refused}");
    let (status, _, _) = dean
        .post(
            &format!("/trips/{id}/act"),
            &[("transition", "approve"), ("version", "2")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, shown) = teacher.get(&format!("/trips/{id}")).await;
    assert!(
        shown.contains("dean.pages"),
        "the decision is in the history"
    );
    let (_, inbox) = dean.get("/trips?view=waiting").await;
    assert!(inbox.contains("没有待您审批的申请"), "{inbox}");

    // The approval form, as the office prints and files it, names each decision.
    let (status, form) = teacher.get(&format!("/trips/{id}/approval-form")).await;
    assert_eq!(status, 200);
    for expected in [
        "Trip approval form",
        "Unit review",
        "dean.pages",
        "Li Na",
        "Professor",
    ] {
        assert!(
            form.contains(expected),
            "{expected} missing from the approval form"
        );
    }
    let (status, kind, bytes) = teacher
        .download(&format!("/trips/{id}/approval-form.docx"))
        .await;
    assert_eq!(status, 200);
    assert!(kind.contains("wordprocessingml"), "{kind}");
    let (text, _) = crate::common::read_docx(&bytes);
    assert!(text.contains("dean.pages"), "{text}");
    assert!(text.contains("Joint marine research in Laos"), "{text}");
    assert_eq!(
        teacher.get(&format!("/trips/{id}/notice.docx")).await.0,
        404,
        "no notice yet"
    );

    // The office and the leader in charge approve; the office posts the notice and prints it.
    let officer = app
        .sign_in("officer.pages", UserRole::Officer, None, "en")
        .await;
    let version = |trip: &Value| trip["version"].as_i64().unwrap().to_string();
    // The office's approver was named when the application was submitted, as the plan keeps.
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    let (status, body) = send(
        &a.officer,
        &app,
        &format!("/api/v1/trips/{id}/approve"),
        &json!({"version": trip["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    let (status, body) = send(
        &a.vice_president,
        &app,
        &format!("/api/v1/trips/{id}/approve"),
        &json!({"version": trip["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = officer
        .post(
            &format!("/trips/{id}/act"),
            &[("transition", "post_notice"), ("version", &version(&body))],
        )
        .await;
    assert_eq!(status, 303);
    let (status, notice) = teacher.get(&format!("/trips/{id}/notice")).await;
    assert_eq!(status, 200);
    assert!(
        notice.contains("Li Na") && notice.contains("Vientiane"),
        "{notice}"
    );
    let (status, _, bytes) = teacher.download(&format!("/trips/{id}/notice.docx")).await;
    assert_eq!(status, 200);
    let (text, _) = crate::common::read_docx(&bytes);
    for expected in [
        "Public notice of an official trip abroad",
        "Li Na",
        "Professor",
        "Notice period",
    ] {
        assert!(
            text.contains(expected),
            "{expected} missing from the notice: {text}"
        );
    }
    assert!(
        !text.contains("dean.pages"),
        "the approvals stay in the office's files"
    );

    // The office records the briefing: one member attended.
    let (status, form) = officer.get("/briefings/new").await;
    assert_eq!(status, 200);
    let teacher_box = format!("attended-{id}-{}", a.teacher_person);
    assert!(form.contains(&teacher_box), "{form}");
    let (status, refused, _) = officer
        .post(
            "/briefings",
            &[("held_on", "2026-04-20"), (&teacher_box, "on")],
        )
        .await;
    assert_eq!(
        status, 422,
        "a briefing needs its place and topics: {refused}"
    );
    let (status, _, _) = officer
        .post(
            "/briefings",
            &[
                ("held_on", "2026-04-20"),
                ("place", "Room 301, International Office"),
                ("topics", "Safety abroad; foreign-affairs discipline"),
                (&teacher_box, "on"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, trip) = app.get(&format!("/api/v1/trips/{id}")).await;
    assert_eq!(trip["briefed"], json!([a.teacher_person]));
}

async fn admins_set_the_approval_chain_and_the_trip_policy_in_the_browser(app: TestApp) {
    let admin = app.sign_in("chief", UserRole::Admin, None, "en").await;
    let (status, page) = admin.get("/admin/approval-chain").await;
    assert_eq!(status, 200);
    assert!(page.contains("Unit review"), "the default chain is shown");
    // The office's own chain: the unit's leader, then both officers (会签) only for trips of
    // more than ten days, then the leader in charge.
    let (status, refused, _) = admin
        .post(
            "/admin/approval-chain",
            &[
                ("steps-0-name", "Unit"),
                ("steps-0-rule", "unit_leader"),
                ("steps-0-quorum", "any"),
                ("steps-0-due_working_days", "3"),
                ("steps-0-on_refusal", "back_to_previous"),
            ],
        )
        .await;
    assert_eq!(status, 422, "the first step has no step before it");
    assert!(refused.contains("no step before it"), "{refused}");
    let (status, _, location) = admin
        .post(
            "/admin/approval-chain",
            &[
                ("steps-0-name", "Unit"),
                ("steps-0-rule", "unit_leader"),
                ("steps-0-quorum", "any"),
                ("steps-0-due_working_days", "3"),
                ("steps-0-on_refusal", "back_to_applicant"),
                ("steps-1-name", "Office"),
                ("steps-1-rule", "role"),
                ("steps-1-role", "officer"),
                ("steps-1-quorum", "all"),
                ("steps-1-when", "days_abroad"),
                ("steps-1-operator", "greater_than"),
                ("steps-1-value", "10"),
                ("steps-1-due_working_days", "5"),
                ("steps-1-on_refusal", "back_to_previous"),
                ("steps-2-name", "Leader"),
                ("steps-2-rule", "leader_in_charge"),
                ("steps-2-quorum", "any"),
                ("steps-2-due_working_days", "3"),
                ("steps-2-on_refusal", "end"),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/admin/approval-chain"));
    let (_, chain) = app.get("/api/v1/approval-chains/trip").await;
    assert_eq!(chain["version"], 1);
    assert_eq!(chain["steps"][1]["quorum"], json!({"mode": "all"}));
    assert_eq!(
        chain["steps"][1]["condition"],
        json!({"field": "days_abroad", "operator": "greater_than", "value": 10})
    );

    let (status, refused, _) = admin
        .post(
            "/admin/trip-policy",
            &[
                ("administrative_days_by_countries", "5, 4"),
                ("report_due", "1"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let (status, _, _) = admin
        .post(
            "/admin/trip-policy",
            &[
                ("administrative_days_by_countries", "5, 8, 10"),
                ("administrative_members", "6"),
                ("hong_kong_days", "5"),
                ("macao_days", "4"),
                ("hong_kong_macao_days", "8"),
                ("lead_days_foreign", "30"),
                ("lead_days_hong_kong_macao", "20"),
                ("lead_days_taiwan", "60"),
                ("notice_working_days", "7"),
                ("report_due", "15"),
                ("report_due_unit", "working_days"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, policy) = app.get("/api/v1/trip-policy").await;
    assert_eq!(policy["version"], 1);
    assert_eq!(policy["policy"]["notice_working_days"], 7);
    assert_eq!(policy["policy"]["report_due"], json!({"working_days": 15}));

    let reader = app.sign_in("reader", UserRole::Officer, None, "en").await;
    assert_eq!(reader.get("/admin/trip-policy").await.0, 403);
    assert_eq!(reader.get("/admin/approval-chain").await.0, 403);
}

async fn a_staff_member_files_their_own_trip_and_changes_nothing_else(app: TestApp) {
    let a = school(&app).await;
    let staff = app
        .client_for("teacher.zhao", UserRole::Staff, Some(a.unit))
        .await;
    let (status, filed) = send(
        &staff,
        &app,
        "/api/v1/trips",
        &trip(&a, "conference", 40, 4),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let (status, submitted) = send(
        &staff,
        &app,
        &format!("/api/v1/trips/{id}/submit"),
        &json!({"version": filed["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    // Another member of staff neither changes nor withdraws it.
    let other = app
        .client_for("teacher.qian", UserRole::Staff, Some(a.unit))
        .await;
    let (status, _) = send(
        &other,
        &app,
        &format!("/api/v1/trips/{id}/withdraw"),
        &json!({"version": submitted["version"]}),
    )
    .await;
    assert_eq!(status, 403);
    // Staff read, but create no other record.
    let (status, _) = get(&staff, &app, "/api/v1/activities").await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &staff,
        &app,
        "/api/v1/organizations",
        &json!({"kind": "university", "country": "LA", "name_en": "Somewhere"}),
    )
    .await;
    assert_eq!(status, 403);
}

async fn setting_up_approvals_with_accounts_or_people_that_do_not_exist_is_a_422(app: TestApp) {
    let a = school(&app).await;
    let missing = 9_000_000_000_i64;
    let vp = user_id(&app, "vp").await;
    let (status, body) = app
        .post(
            "/api/v1/delegations",
            &json!({"user_id": vp, "deputy_id": missing, "from": "2026-03-01", "to": "2026-03-05"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "deputy", "{body}");
    let (status, body) = app
        .put(
            &format!("/api/v1/accounts/{vp}/person"),
            &json!({"person": missing}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .put(
            &format!("/api/v1/units/{}/leaders-in-charge", a.unit),
            &json!({"users": [vp, missing]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "users[1]", "{body}");
    let (status, _) = app
        .put(
            &format!("/api/v1/units/{missing}/leaders-in-charge"),
            &json!({"users": [vp]}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get("/api/v1/search?q=union&year=1899").await;
    assert_eq!(status, 422, "a search year before 1900");
}

/// An approved trip to Laos, changed to go to Hanoi by way of Hong Kong: the approvers read the
/// difference with the countries named, in the API and on the page, in Chinese and English.
async fn a_changed_trip_names_its_countries_in_the_reader_s_language(app: TestApp) {
    let a = school(&app).await;
    let form = trip(&a, "research", 40, 7);
    let (status, filed) = send(&a.teacher, &app, "/api/v1/trips", &form).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let act = async |who: &reqwest::Client, action: &str| {
        let (_, now) = get(who, &app, &format!("/api/v1/trips/{id}")).await;
        let (status, after) = send(
            who,
            &app,
            &format!("/api/v1/trips/{id}/{action}"),
            &json!({"version": now["version"]}),
        )
        .await;
        assert_eq!(status, 200, "{action}: {after}");
        after
    };
    act(&a.teacher, "submit").await;
    for approver in [&a.leader, &a.officer, &a.vice_president] {
        act(approver, "approve").await;
    }
    act(&a.officer, "post_notice").await;
    let changing = act(&a.teacher, "change").await;
    let mut changed = form.clone();
    let (arrive, leave) = (
        form["destinations"][0]["arrive"].clone(),
        form["destinations"][0]["leave"].clone(),
    );
    changed["destinations"] = json!([
        {"country": "HK", "city": "Hong Kong", "arrive": arrive, "leave": arrive},
        {"country": "VN", "city": "Hanoi", "arrive": arrive, "leave": leave}
    ]);
    changed["version"] = changing["version"].clone();
    let response = a
        .teacher
        .put(app.url(&format!("/api/v1/trips/{id}")))
        .header("Accept-Language", "en")
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    let shown = |trip: &Value| {
        let change = &trip["changes_since_approval"][0];
        assert_eq!(change["field"], "destinations", "{trip}");
        format!("{} → {}", change["approved"], change["now"])
    };
    let (arrive, leave) = (arrive.as_str().unwrap(), leave.as_str().unwrap());
    let english = format!(
        "\"Laos Vientiane {arrive}–{leave}\" → \"Hong Kong, China Hong Kong {arrive}–{arrive}; \
         Vietnam Hanoi {arrive}–{leave}\""
    );
    let chinese = format!(
        "\"老挝 Vientiane {arrive}–{leave}\" → \"中国香港 Hong Kong {arrive}–{arrive}; \
         越南 Hanoi {arrive}–{leave}\""
    );
    assert_eq!(shown(&updated), english);

    // The API answers in the account's language, else the request's, else Chinese.
    let read = async |language: Option<&str>| {
        let mut request = a.leader.get(app.url(&format!("/api/v1/trips/{id}")));
        if let Some(language) = language {
            request = request.header("Accept-Language", language);
        }
        request.send().await.unwrap().json::<Value>().await.unwrap()
    };
    assert_eq!(shown(&read(None).await), chinese);
    assert_eq!(shown(&read(Some("en-GB,en;q=0.9")).await), english);
    let listed = |language: &str| {
        let request = a
            .leader
            .get(app.url("/api/v1/trips"))
            .header("Accept-Language", language);
        async move {
            let page: Value = request.send().await.unwrap().json().await.unwrap();
            shown(&page["items"][0])
        }
    };
    assert_eq!(listed("zh-CN").await, chinese);
    let leader = user_id(&app, "zhou.hai").await;
    app.db.store.set_user_language(leader, "en").await.unwrap();
    assert_eq!(shown(&read(Some("zh-CN")).await), english);

    // The page shows the same to the office, in each reader's language.
    for (language, countries) in [
        ("zh", ["老挝 Vientiane", "中国香港 Hong Kong", "越南 Hanoi"]),
        (
            "en",
            [
                "Laos Vientiane",
                "Hong Kong, China Hong Kong",
                "Vietnam Hanoi",
            ],
        ),
    ] {
        let officer = app
            .sign_in(
                &format!("office-{language}"),
                UserRole::Officer,
                None,
                language,
            )
            .await;
        let (status, page) = officer.get(&format!("/trips/{id}")).await;
        assert_eq!(status, 200);
        for country in countries {
            assert!(
                page.contains(country),
                "{language}: {country} missing:\n{page}"
            );
        }
        assert!(!page.contains("VN Hanoi") && !page.contains("LA Vientiane"));
    }

    // Submitted again, the change waits for the unit's leader: a row of their list, marked as a
    // change and carrying what changed, and a row of the office's board marked the same.
    act(&a.teacher, "submit").await;
    let (status, waiting) = get(
        &a.leader,
        &app,
        &format!("/api/v1/trips?waiting_for={leader}"),
    )
    .await;
    assert_eq!(status, 200, "{waiting}");
    assert_eq!(waiting["total"], 1, "{waiting}");
    let row = &waiting["items"][0];
    assert_eq!(row["id"], id, "{row}");
    assert_eq!(row["status"], "in_approval", "{row}");
    assert_eq!(row["changing"], true, "{row}");
    assert_eq!(shown(row), english);
    assert!(
        row.get("members").is_none(),
        "a row, not the whole application: {row}"
    );
    let (_, others) = get(&a.teacher, &app, "/api/v1/trips?status=draft").await;
    assert_eq!(others["total"], 0, "{others}");
    let officer = app
        .sign_in("office-board", UserRole::Officer, None, "en")
        .await;
    let (status, board) = officer.get("/trips?view=all").await;
    assert_eq!(status, 200);
    assert!(board.contains("In approval (a change)"), "{board}");
}
