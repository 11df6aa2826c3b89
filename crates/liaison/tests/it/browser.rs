//! The pages in a real headless Chromium, driven through ChromeDriver: what a user of the office
//! does with the keyboard and mouse.
//!
//! Needs Debian's `chromium` and `chromium-driver` (and `fonts-noto-cjk`, so Chinese is not
//! boxes); `scripts/test.sh` installs them. With `LIAISON_SCREENSHOTS=FOLDER` the main pages are
//! also saved there as PNG files.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::TestApp;
use fantoccini::{Client, ClientBuilder, Locator};
use liaison_core::UserRole;
use liaison_store::Backend;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A ChromeDriver of the test's own, stopped when the test ends.
struct Driver {
    process: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.process.kill().ok();
        self.process.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser() -> (Driver, Client) {
    for program in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            std::path::Path::new(program).exists(),
            "{program} is missing: install Debian's chromium and chromium-driver \
             (apt-get install chromium chromium-driver fonts-noto-cjk), or run scripts/test.sh, \
             which installs them"
        );
    }
    let port = free_port();
    let process = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut driver = Driver {
        process,
        port,
        _profile: tempfile::tempdir().unwrap(),
    };
    // ChromeDriver says when it listens; the test waits for that line, not for a while. The rest
    // of its output is read to the end so that it never writes into a closed pipe.
    let stdout = driver.process.stdout.take().expect("ChromeDriver's output");
    let started = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut said = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap_or_default();
            if line.contains("started successfully") {
                std::thread::spawn(move || lines.for_each(drop));
                return Ok(());
            }
            said.push(line);
        }
        Err(said.join("\n"))
    })
    .await
    .unwrap();
    if let Err(said) = started {
        panic!("ChromeDriver stopped before it listened on port {port}:\n{said}");
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--lang=en-US", "--window-size=1280,1000",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ],
            "prefs": {"intl.accept_languages": "en-US,en"}
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    // Both of rustls's cryptography providers are built into the tests (the file store's S3
    // client brings ring, the browser's client aws-lc-rs), so rustls cannot choose one itself.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(capabilities)
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("ChromeDriver did not start a browser on {url}: {e}"));
    (driver, client)
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.ok();
    field.send_keys(text).await.unwrap();
}

async fn choose(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// An account that signs in with the tests' password.
async fn account(
    app: &TestApp,
    username: &str,
    role: UserRole,
    unit: Option<i64>,
) -> liaison_core::User {
    let hash = liaison_core::secrets::hash_password("correct horse battery").unwrap();
    let input = liaison_core::UserInput {
        version: None,
        username: username.to_owned(),
        display_name: username.to_owned(),
        role,
        unit,
        active: true,
    };
    app.db
        .store
        .create_user(&liaison_core::Actor::command_line("test"), input, &hash)
        .await
        .unwrap()
}

async fn sign_in(app: &TestApp, client: &Client, username: &str, role: UserRole) {
    account(app, username, role, None).await;
    sign_in_as(app, client, username).await;
}

async fn screenshot(client: &Client, name: &str) {
    if let Ok(folder) = std::env::var("LIAISON_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(format!("{folder}/{name}.png"), png).unwrap();
    }
}

#[tokio::test]
async fn an_officer_signs_in_and_records_a_visit_with_two_participants_and_an_agenda_item() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    app.load_demo().await;
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "officer", UserRole::Officer).await;
    assert!(
        text_of(&client, "h1")
            .await
            .contains("This week at the office")
    );

    client.goto(&app.url("/activities/new")).await.unwrap();
    choose(&client, "#f-kind", "inbound_visit").await;
    fill(
        &client,
        "#f-title_en",
        "Delegation of the Vietnam General Confederation of Labour",
    )
    .await;
    fill(&client, "#f-title_zh", "越南劳动总联合会代表团来访").await;
    // A date input takes the digits in the browser's own order; typing them is what users do.
    client
        .execute(
            "document.getElementById('f-start_date').value = '2024-05-20';",
            vec![],
        )
        .await
        .unwrap();
    choose(&client, "#f-start_part", "morning").await;
    fill(&client, "#f-participants-0-person", "Nguyen Van A").await;
    choose(&client, "#f-participants-0-role", "leader").await;
    click(&client, "button[name=add][value=participants]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("#f-participants-1-person"))
        .await
        .unwrap();
    fill(&client, "#f-participants-1-person", "@person-wu-wanxiong").await;
    choose(&client, "#f-participants-1-role", "host").await;
    fill(
        &client,
        "#f-agenda-0-title_en",
        "Talks on trade union cadre training",
    )
    .await;
    choose(&client, "#f-agenda-0-kind", "meeting").await;
    fill(
        &client,
        "#f-agenda-0-points",
        "cadre training\nyouth exchanges",
    )
    .await;
    screenshot(&client, "activity-form").await;
    click(&client, "button[name=save]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("section.detail"))
        .await
        .unwrap();
    let page = client.source().await.unwrap();
    for text in [
        "Delegation of the Vietnam General Confederation of Labour",
        "Nguyen Van A",
        "吴万雄",
        "Talks on trade union cadre training",
        "youth exchanges",
    ] {
        assert!(page.contains(text), "the saved visit lacks {text}");
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_form_with_a_mistake_shows_the_message_beside_the_field() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "officer", UserRole::Officer).await;
    client.goto(&app.url("/organizations/new")).await.unwrap();
    choose(&client, "#f-kind", "trade_union").await;
    fill(&client, "#f-country", "ZZ").await;
    fill(&client, "#f-name_en", "Lao Federation of Trade Unions").await;
    click(&client, "button[name=save]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css(".error-summary"))
        .await
        .unwrap();
    assert!(
        text_of(&client, "#e-country")
            .await
            .contains("names no country or region")
    );
    let typed = client
        .find(Locator::Css("#f-name_en"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        typed.as_deref(),
        Some("Lao Federation of Trade Unions"),
        "what was typed is kept"
    );
    screenshot(&client, "form-with-a-problem").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn the_interface_switches_to_chinese_and_back() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    app.load_demo().await;
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "reader", UserRole::Viewer).await;
    client.goto(&app.url("/activities")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Activities");
    click(&client, "button[name=lang]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("html[lang='zh-Hans']"))
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "活动");
    assert!(
        client
            .source()
            .await
            .unwrap()
            .contains("2023年11月17日上午")
    );
    screenshot(&client, "activities-zh").await;
    click(&client, "button[name=lang]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Activities");
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_reader_is_refused_a_page_their_role_does_not_allow() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "reader", UserRole::Viewer).await;
    client.goto(&app.url("/activities/new")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Not allowed");
    client.goto(&app.url("/admin/audit")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Not allowed");
    client.close().await.unwrap();
}

/// The main pages as pictures, for the README; the pages are also checked to render.
#[tokio::test]
async fn the_main_pages_render_for_the_screenshots() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    app.load_demo().await;
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "chief", UserRole::Admin).await;
    let visit = app.id_of("activities", "activity-2023-lftu-visit").await;
    let conference = app
        .id_of("activities", "activity-2020-exchange-conference")
        .await;
    let lftu = app.id_of("organizations", "org-lftu").await;
    for (path, name, heading) in [
        ("/".to_owned(), "dashboard", "This week at the office"),
        ("/activities".to_owned(), "activities", "Activities"),
        (
            format!("/activities/{visit}"),
            "activity-lftu-visit",
            "Vice President of the Lao Federation",
        ),
        (
            format!("/activities/{conference}"),
            "activity-conference",
            "International Exchange Conference",
        ),
        (
            format!("/organizations/{lftu}"),
            "organization-lftu",
            "Lao Federation of Trade Unions",
        ),
        ("/admin/audit".to_owned(), "audit-log", "Audit log"),
        (
            format!("/activities/{visit}/briefing"),
            "briefing-lftu-visit",
            "Vice President of the Lao Federation",
        ),
        (
            format!("/activities/{visit}/news/en"),
            "news-draft-en",
            "News release",
        ),
        (
            format!("/activities/{visit}/news/zh"),
            "news-draft-zh",
            "News release",
        ),
        ("/calendars".to_owned(), "calendars", "Calendar feeds"),
        (
            "/review?year=2023".to_owned(),
            "annual-review",
            "Annual review",
        ),
        ("/import".to_owned(), "import", "Import"),
    ] {
        client.goto(&app.url(&path)).await.unwrap();
        let h1 = text_of(&client, "h1").await;
        assert!(h1.contains(heading), "{path}: {h1}");
        screenshot(&client, name).await;
    }
    client.set_window_size(390, 844).await.unwrap();
    client
        .goto(&app.url(&format!("/activities/{visit}")))
        .await
        .unwrap();
    screenshot(&client, "activity-narrow").await;
    client.close().await.unwrap();
}

/// Signs in an account that exists, with the tests' password, after whoever was signed in.
async fn sign_in_as(app: &TestApp, client: &Client, username: &str) {
    client.delete_all_cookies().await.unwrap();
    client.goto(&app.url("/login")).await.unwrap();
    fill(client, "#username", username).await;
    fill(client, "#password", "correct horse battery").await;
    click(client, "form button[type=submit]").await;
    // Until the signed-in page is there, however long that takes: the harness, not a guess,
    // limits a sign-in that never lands.
    client
        .wait()
        .forever()
        .for_element(Locator::Css("nav a[href='/activities']"))
        .await
        .unwrap();
}

/// Presses the button of a change of state on the trip's page and waits for the page that
/// follows to show `then` (a state under the title, or a line of the history).
async fn press(client: &Client, transition: &str, then: &str) {
    click(
        client,
        &format!("button[name=transition][value={transition}]"),
    )
    .await;
    shows(client, then).await;
}

/// Waits until the page shows `text` as a state under its title or as a line of its history.
async fn shows(client: &Client, text: &str) {
    let xpath = format!(
        "//p[@class='subtitle' and normalize-space()='{text}'] | //p[@class='item-title' and contains(normalize-space(), '{text}')]"
    );
    client
        .wait()
        .forever()
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_trip_goes_from_application_to_closed_in_the_browser() {
    use chrono::NaiveDate;
    use serde_json::json;
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    // The office's date is set by the test, so the notice period and the return fall on the
    // days the story needs, whatever day the test runs.
    let clock = liaison_web::clock::OfficeClock::fixed(day("2026-03-02"));
    let app = crate::common::spawn_app_with(
        Backend::Sqlite,
        None,
        liaison_web::WebSettings {
            clock: clock.clone(),
            ..Default::default()
        },
    )
    .await;
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "marine", "name_en": "School of Marine Science"}),
        )
        .await;
    assert_eq!(status, 201);
    let unit = unit["id"].as_i64().unwrap();
    let mut people = Vec::new();
    for (key, name) in [
        ("dean", "Zhou Hai"),
        ("teacher", "Li Na"),
        ("colleague", "Chen Bo"),
    ] {
        let (_, person) = app
            .post(
                "/api/v1/people",
                &json!({"key": key, "name_en": name, "category": "internal", "unit": "marine",
                        "position": if key == "teacher" { "Professor" } else { "Lecturer" }}),
            )
            .await;
        people.push(person["id"].as_i64().unwrap());
    }
    let (_, shown) = app.get(&format!("/api/v1/units/{unit}")).await;
    // The dean leads the unit's foreign affairs, and is the account zhou.hai: the unit's step
    // waits for them.
    let (status, body) = app
        .put(
            &format!("/api/v1/units/{unit}"),
            &json!({"key": "marine", "name_en": "School of Marine Science",
                    "foreign_affairs_leader": "dean", "version": shown["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (username, role, unit) in [
        ("li.na", UserRole::Liaison, Some(unit)),
        ("zhou.hai", UserRole::Leader, None),
        ("officer", UserRole::Officer, None),
    ] {
        let user = account(&app, username, role, unit).await;
        if username == "zhou.hai" {
            let (status, body) = app
                .put(
                    &format!("/api/v1/accounts/{}/person", user.id),
                    &json!({"person": people[0]}),
                )
                .await;
            assert!((200..300).contains(&status), "{status} {body}");
        }
    }
    // Two steps: the unit's leader, then the office.
    let (status, body) = app
        .put(
            "/api/v1/approval-chains/trip",
            &json!({"kind": "trip", "steps": [
                {"name": "Unit review", "approver": {"rule": "unit_leader"},
                 "quorum": {"mode": "any"}, "due_working_days": 3, "on_refusal": "back_to_applicant"},
                {"name": "Office review", "approver": {"rule": "role", "role": "officer"},
                 "quorum": {"mode": "any"}, "due_working_days": 3, "on_refusal": "back_to_previous"}
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (_driver, client) = browser().await;
    // The teacher applies.
    sign_in_as(&app, &client, "li.na").await;
    client.goto(&app.url("/trips/new")).await.unwrap();
    fill(&client, "#f-title_en", "Joint marine research in Laos").await;
    fill(&client, "#f-title_zh", "赴老挝开展海洋科学合作研究").await;
    choose(&client, "#f-trip_type", "research").await;
    choose(&client, "#f-funding", "research_grant").await;
    fill(
        &client,
        "#f-tasks",
        "Joint sampling; two seminars at the National University of Laos.",
    )
    .await;
    choose(&client, "#f-destinations-0-country", "LA").await;
    fill(&client, "#f-destinations-0-city", "Vientiane").await;
    client
        .execute(
            "document.getElementById('f-destinations-0-arrive').value = '2026-05-10';
             document.getElementById('f-destinations-0-leave').value = '2026-05-16';",
            vec![],
        )
        .await
        .unwrap();
    fill(&client, "#f-members-0-person", &format!("#{}", people[1])).await;
    choose(&client, "#f-members-0-head", "yes").await;
    fill(&client, "#f-members-0-position", "Professor").await;
    click(&client, "button[name=add][value=members]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("#f-members-1-person"))
        .await
        .unwrap();
    fill(&client, "#f-members-1-person", &format!("#{}", people[2])).await;
    fill(&client, "#f-budget-0-item", "Air fares").await;
    fill(&client, "#f-budget-0-amount", "12000").await;
    screenshot(&client, "trip-form").await;
    click(&client, "button[name=save]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("section.detail"))
        .await
        .unwrap();
    let trip_page = client.current_url().await.unwrap().to_string();
    let page = client.source().await.unwrap();
    assert!(
        page.contains("Unit review") && page.contains("Office review"),
        "the plan is shown"
    );
    press(&client, "submit", "In approval").await;

    // The unit's leader, then the office, approve.
    sign_in_as(&app, &client, "zhou.hai").await;
    client.goto(&app.url("/trips")).await.unwrap();
    let page = client.source().await.unwrap();
    assert!(
        page.contains("Joint marine research in Laos"),
        "the unit's leader finds the trip among the trips: {}",
        client.current_url().await.unwrap()
    );
    client.goto(&trip_page).await.unwrap();
    screenshot(&client, "trip-in-approval").await;
    press(&client, "approve", "Unit review · approved").await;
    sign_in_as(&app, &client, "officer").await;
    client.goto(&trip_page).await.unwrap();
    press(&client, "approve", "Approved").await;
    press(&client, "post_notice", "Public notice").await;

    // Both members attend the briefing; the office marks the trip briefed.
    let trip_id: i64 = trip_page.rsplit('/').next().unwrap().parse().unwrap();
    crate::trips::ready_for_departure(&app, &app.client, trip_id, "2026-04-20").await;
    clock.set(day("2026-04-27"));
    client.goto(&trip_page).await.unwrap();
    press(&client, "brief", "Briefed").await;
    clock.set(day("2026-05-10"));
    client.goto(&trip_page).await.unwrap();
    press(&client, "depart", "Abroad").await;

    // Back, the teacher records the return and reports.
    clock.set(day("2026-05-18"));
    sign_in_as(&app, &client, "li.na").await;
    client.goto(&trip_page).await.unwrap();
    client
        .execute(
            "document.getElementById('return-date').value = '2026-05-16';",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "#trip-return button[type=submit]").await;
    shows(&client, "Returned").await;
    // The report needs three photos, kept with the trip; the page shows them beside the form.
    for (name, seed) in [
        ("sampling.jpg", 1),
        ("seminar.jpg", 2),
        ("laboratory.jpg", 3),
    ] {
        let form = reqwest::multipart::Form::new()
            .text("caption", "Joint sampling in the Mekong")
            .part(
                "file",
                reqwest::multipart::Part::bytes(crate::files::photo(320, 240, seed))
                    .file_name(name),
            );
        let response = app
            .client
            .post(app.url(&format!("/api/v1/trips/{trip_id}/files")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    client.goto(&trip_page).await.unwrap();
    fill(
        &client,
        "#report-tasks",
        "Joint sampling in the Mekong; two seminars given.",
    )
    .await;
    fill(
        &client,
        "#report-outcomes",
        "A joint research agreement drafted.",
    )
    .await;
    fill(&client, "#report-spent", "11500").await;
    click(&client, "#trip-report button[type=submit]").await;
    shows(&client, "Reported").await;

    // The office closes it, which records the outbound trip as an activity.
    sign_in_as(&app, &client, "officer").await;
    client.goto(&trip_page).await.unwrap();
    press(&client, "close", "Closed").await;
    let page = client.source().await.unwrap();
    assert!(
        page.contains("/activities/"),
        "closing links the trip's activity"
    );
    screenshot(&client, "trip-closed").await;
    let (_, trip) = app.get(&format!("/api/v1/trips/{trip_id}")).await;
    assert_eq!(trip["status"], "closed");
    assert_eq!(trip["report_due"], "2026-06-16");
    client.close().await.unwrap();
}

/// Types a name into a picker as one edit, the way a paste is, so that exactly one look-up
/// answers it, and picks the match that holds `pick` from the list the form's script shows.
async fn pick_by_name(client: &Client, field: &str, typed: &str, pick: &str) {
    client
        .execute(
            "const input = document.getElementById(arguments[0]); input.focus(); \
             input.value = arguments[1]; \
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![field.into(), typed.into()],
        )
        .await
        .unwrap();
    let choice = format!(
        "//input[@id='{field}']/following-sibling::ul[@class='matches']\
         //button[contains(., '{pick}')]"
    );
    client
        .wait()
        .forever()
        .for_element(Locator::XPath(&choice))
        .await
        .unwrap_or_else(|e| panic!("{field}: no match holding {pick}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Sets a date input, whose digits each browser takes in its own order.
async fn set_date(client: &Client, field: &str, date: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![field.into(), date.into()],
        )
        .await
        .unwrap();
}

async fn value_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Clicks a row button and waits for the row it adds to be in the page.
async fn add_row(client: &Client, group: &str, new_field: &str) {
    click(client, &format!("button[name=add][value={group}]")).await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css(new_field))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_officer_records_a_three_day_course_picking_people_and_organizations_by_name() {
    let app = crate::common::spawn_app(Backend::Sqlite).await;
    let id_of = |record: serde_json::Value| record["id"].as_i64().unwrap();
    let school = id_of(
        app.post(
            "/api/v1/units",
            &serde_json::json!({"name_zh": "劳动关系与人力资源学院",
                                "name_en": "School of Labor Relations and Human Resources"}),
        )
        .await
        .1,
    );
    let acftu = id_of(
        app.post(
            "/api/v1/organizations",
            &serde_json::json!({"kind": "federation", "country": "CN", "name_zh": "中华全国总工会",
                                "name_en": "All-China Federation of Trade Unions"}),
        )
        .await
        .1,
    );
    let vietnam = id_of(
        app.post(
            "/api/v1/organizations",
            &serde_json::json!({"kind": "university", "country": "VN", "name_zh": "越南工会大学",
                                "name_en": "Vietnam Trade Union University",
                                "name_original": "Trường Đại học Công đoàn"}),
        )
        .await
        .1,
    );
    let laos = id_of(
        app.post(
            "/api/v1/organizations",
            &serde_json::json!({"kind": "trade_union", "country": "LA", "name_zh": "老挝工会联合会",
                                "name_en": "Lao Federation of Trade Unions"}),
        )
        .await
        .1,
    );
    let zhang = id_of(
        app.post(
            "/api/v1/people",
            &serde_json::json!({"category": "internal", "name_zh": "张才明",
                                "name_en": "Zhang Caiming", "unit": school, "position": "副院长"}),
        )
        .await
        .1,
    );
    let (_driver, client) = browser().await;
    sign_in(&app, &client, "officer", UserRole::Officer).await;
    client.goto(&app.url("/activities/new")).await.unwrap();

    choose(&client, "#f-kind", "training_course").await;
    fill(&client, "#f-title_zh", "越南、老挝工会干部培训班").await;
    fill(
        &client,
        "#f-title_en",
        "Training course for Vietnamese and Lao trade union cadres",
    )
    .await;
    set_date(&client, "f-start_date", "2024-10-14").await;
    set_date(&client, "f-end_date", "2024-10-16").await;
    fill(&client, "#f-venue", "国际交流中心").await;
    pick_by_name(&client, "f-organizer", "全国总工会", "中华全国总工会").await;
    choose(&client, "#f-university_role", "host").await;

    // Two partners, one found by a part of its Chinese name, one by a part of its English
    // name; the second row is added in place.
    pick_by_name(
        &client,
        "f-partners-0-organization",
        "工会大学",
        "越南工会大学",
    )
    .await;
    add_row(&client, "partners", "#f-partners-1-organization").await;
    pick_by_name(
        &client,
        "f-partners-1-organization",
        "lao feder",
        "Lao Federation",
    )
    .await;
    assert!(
        value_of(&client, "#f-partners-0-organization")
            .await
            .starts_with(&format!("#{vietnam} "))
    );

    // A member of staff picked by name; a new guest with organization and position; a row
    // added by mistake and taken away.
    pick_by_name(&client, "f-participants-0-person", "才明", "张才明").await;
    choose(&client, "#f-participants-0-role", "host").await;
    add_row(&client, "participants", "#f-participants-1-person").await;
    fill(&client, "#f-participants-1-person", "Bounmy Phommachanh").await;
    choose(&client, "#f-participants-1-role", "delegation_member").await;
    pick_by_name(
        &client,
        "f-participants-1-guest_organization",
        "老挝工会",
        "老挝工会联合会",
    )
    .await;
    fill(&client, "#f-participants-1-position", "Deputy Director").await;
    add_row(&client, "participants", "#f-participants-2-person").await;
    fill(&client, "#f-participants-2-person", "Written by mistake").await;
    click(&client, "button[name=remove][value=participants-2]").await;
    assert!(
        client
            .find_all(Locator::Css("#f-participants-2-person"))
            .await
            .unwrap()
            .is_empty(),
        "the row is taken away in place"
    );

    // Three days of agenda: lectures by nine unnamed teachers on two mornings, a visit on the
    // third afternoon.
    choose(&client, "#f-agenda-0-kind", "lecture").await;
    set_date(&client, "f-agenda-0-on", "2024-10-14").await;
    set_date(&client, "f-agenda-0-ends_on", "2024-10-15").await;
    choose(&client, "#f-agenda-0-part", "morning").await;
    fill(&client, "#f-agenda-0-venue", "教学楼 201").await;
    fill(&client, "#f-agenda-0-lecturer_count", "9").await;
    fill(
        &client,
        "#f-agenda-0-lecturers_zh",
        "我校劳动关系与人力资源学院教师",
    )
    .await;
    fill(
        &client,
        "#f-agenda-0-lecturers_en",
        "teachers of the School of Labor Relations",
    )
    .await;
    fill(&client, "#f-agenda-0-title_zh", "中国工会理论与实践").await;
    add_row(&client, "agenda", "#f-agenda-1-kind").await;
    choose(&client, "#f-agenda-1-kind", "lecture").await;
    set_date(&client, "f-agenda-1-on", "2024-10-15").await;
    choose(&client, "#f-agenda-1-part", "afternoon").await;
    fill(&client, "#f-agenda-1-venue", "教学楼 305").await;
    pick_by_name(&client, "f-agenda-1-speaker", "zhang cai", "张才明").await;
    fill(&client, "#f-agenda-1-title_en", "Labour relations in China").await;
    add_row(&client, "agenda", "#f-agenda-2-kind").await;
    choose(&client, "#f-agenda-2-kind", "visit").await;
    set_date(&client, "f-agenda-2-on", "2024-10-16").await;
    choose(&client, "#f-agenda-2-part", "afternoon").await;
    fill(&client, "#f-agenda-2-venue", "校史馆").await;
    fill(&client, "#f-agenda-2-title_en", "University history museum").await;
    // The picture shows the partners and participants picked by name.
    client
        .execute(
            "document.getElementById('group-partners').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&client, "activity-form-course").await;

    click(&client, "form.record .actions button[name=save]").await;
    client
        .wait()
        .forever()
        .for_element(Locator::Css("section.detail"))
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    let id = url.path().trim_start_matches("/activities/").to_owned();
    let (status, saved) = app.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(status, 200, "{saved}");
    let ids = |list: &serde_json::Value, at: &str| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| x.pointer(at).unwrap().as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&saved["partners"], "/id"), [vietnam, laos]);
    assert_eq!(saved["organizer"]["id"], acftu);
    assert_eq!(saved["university_role"], "host");
    assert_eq!(saved["end_date"], "2024-10-16");
    let people = ids(&saved["participants"], "/person/id");
    assert_eq!(people.len(), 2, "the row taken away is not saved: {saved}");
    assert_eq!(people[0], zhang);
    let (_, guest) = app.get(&format!("/api/v1/people/{}", people[1])).await;
    assert_eq!(guest["name_en"], "Bounmy Phommachanh");
    assert_eq!(guest["category"], "external");
    assert_eq!(guest["organization"]["id"], laos);
    assert_eq!(guest["position"], "Deputy Director");
    let agenda = saved["agenda"].as_array().unwrap();
    assert_eq!(agenda.len(), 3);
    assert_eq!(agenda[0]["ends_on"], "2024-10-15");
    assert_eq!(agenda[0]["part"], "morning");
    assert_eq!(agenda[0]["venue"], "教学楼 201");
    assert_eq!(agenda[0]["lecturers"]["count"], 9);
    assert_eq!(agenda[1]["speaker"]["id"], zhang);
    assert_eq!(agenda[1]["part"], "afternoon");
    assert_eq!(agenda[2]["kind"], "visit");
    assert_eq!(agenda[2]["on"], "2024-10-16");
    client.close().await.unwrap();
}
