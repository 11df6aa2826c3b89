//! Reminders end to end: notices worked out from the records, shown in Liaison and mailed
//! through a real SMTP server (`LIAISON_TEST_SMTP_URL`, whose messages `scripts/test.sh` has
//! aiosmtpd write to the Maildir `LIAISON_TEST_SMTP_MAILDIR`), each exactly once: across three
//! server processes, after a worker dies between claiming and delivering, and after the SMTP
//! server first refuses.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use chrono::{DateTime, Duration, Utc};
use liaison_core::secrets::{new_token, token_hash};
use liaison_core::{Actor, UserInput, UserRole};
use liaison_store::Backend;
use liaison_store::testing::TestDatabase;
use serde_json::{Value, json};

use crate::common::{TestApp, bearer_client};

on_both_databases!(
    a_reminder_reaches_its_recipients_once_in_their_language_with_a_link,
    a_refusing_smtp_server_is_tried_again_later_and_the_message_delivered_once,
    the_day_s_sweep_reminds_of_follow_ups_and_gifts_once_and_digests_optional_ones,
    the_pages_show_unread_notifications_and_the_admins_see_the_outbox_and_retry_jobs,
);

/// The SMTP server of the test run and the Maildir it writes to.
fn smtp() -> (String, PathBuf) {
    let url = std::env::var("LIAISON_TEST_SMTP_URL").unwrap_or_else(|_| {
        panic!(
            "LIAISON_TEST_SMTP_URL is not set: run scripts/test.sh, which starts an SMTP server \
             (aiosmtpd), or set it with LIAISON_TEST_SMTP_MAILDIR, the Maildir it writes to"
        )
    });
    let maildir = std::env::var("LIAISON_TEST_SMTP_MAILDIR")
        .expect("LIAISON_TEST_SMTP_MAILDIR names the SMTP server's Maildir");
    (url, PathBuf::from(maildir))
}

/// A delivered message: its recipient, subject and text.
#[derive(Debug)]
struct Delivered {
    to: String,
    subject: String,
    body: String,
}

/// The messages the SMTP server delivered to addresses ending with `@{domain}`.
fn delivered(domain: &str) -> Vec<Delivered> {
    let (_, maildir) = smtp();
    let mut found = Vec::new();
    for folder in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(folder)) else {
            continue;
        };
        for entry in entries {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
            let to = message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned();
            if to.ends_with(&format!("@{domain}")) {
                found.push(Delivered {
                    to,
                    subject: message.subject().unwrap_or_default().to_owned(),
                    body: message.body_text(0).unwrap_or_default().into_owned(),
                });
            }
        }
    }
    found
}

/// A domain no other test writes to.
fn fresh_domain() -> String {
    format!("t{}.example.edu", &new_token()[..12].to_ascii_lowercase())
}

/// The office's date today.
fn today() -> chrono::NaiveDate {
    liaison_web::clock::china_today()
}

/// The server's state as the worker sees it, with mail through `smtp_url`.
async fn worker_state(app: &TestApp, smtp_url: &str) -> liaison_web::AppState {
    let (_, files) = crate::common::test_files(None).await;
    liaison_web::AppState {
        store: app.db.store.clone(),
        settings: liaison_web::WebSettings {
            mail: liaison_web::notices::MailSettings {
                smtp_url: Some(smtp_url.to_owned()),
                from: "Liaison <liaison@example.edu>".to_owned(),
                public_url: "https://liaison.example.edu".to_owned(),
                poll: None,
            },
            ..Default::default()
        },
        files,
    }
}

/// An account of `role` whose reminders go to `address`, in `language`.
async fn account(
    app: &TestApp,
    username: &str,
    role: UserRole,
    unit: Option<i64>,
    address: &str,
    language: &str,
) -> (reqwest::Client, i64) {
    let client = app.client_for(username, role, unit).await;
    let id = app
        .db
        .store
        .user_for_login(username)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    app.db.store.set_user_language(id, language).await.unwrap();
    let (status, body) = send(
        &client,
        &app.address,
        reqwest::Method::PUT,
        "/api/v1/notifications/settings",
        &json!({"email": address}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (client, id)
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let response = client
        .request(method, format!("{base}{path}"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An agreement in force, kept by `unit`, ending `days` from today.
async fn agreement_ending(
    client: &reqwest::Client,
    base: &str,
    title: &str,
    unit: Option<i64>,
    days: i64,
) -> i64 {
    let (status, org) = send(
        client,
        base,
        reqwest::Method::POST,
        "/api/v1/organizations",
        &json!({"kind": "university", "country": "JP", "name_en": format!("{title} partner")}),
    )
    .await;
    assert_eq!(status, 201, "{org}");
    let (status, agreement) = send(
        client,
        base,
        reqwest::Method::POST,
        "/api/v1/agreements",
        &json!({"kind": "mou", "title_zh": title, "partners": [org["id"]], "unit": unit,
                "signed_on": "2021-01-01", "valid_from": "2021-01-01",
                "valid_to": (today() + Duration::days(days)).to_string(), "status": "in_force"}),
    )
    .await;
    assert_eq!(status, 201, "{agreement}");
    agreement["id"].as_i64().unwrap()
}

async fn a_reminder_reaches_its_recipients_once_in_their_language_with_a_link(app: TestApp) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let (status, unit) = app
        .post("/api/v1/units", &json!({"name_zh": "外国语学院"}))
        .await;
    assert_eq!(status, 201, "{unit}");
    let unit = unit["id"].as_i64().unwrap();
    let (officer, _) = account(
        &app,
        "officer",
        UserRole::Officer,
        None,
        &format!("officer@{domain}"),
        "zh",
    )
    .await;
    let (liaison, _) = account(
        &app,
        "liaison",
        UserRole::Liaison,
        Some(unit),
        &format!("liaison@{domain}"),
        "en",
    )
    .await;
    // The liaison officer turns the optional agreement reminders off by e-mail.
    let (status, saved) = send(
        &liaison,
        &app.address,
        reqwest::Method::PUT,
        "/api/v1/notifications/settings",
        &json!({"email": format!("liaison@{domain}"),
                "muted": ["agreement_expiring", "gift_not_handed_in"]}),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["muted"],
        json!(["agreement_expiring"]),
        "a mandatory reminder cannot be turned off"
    );
    let id = agreement_ending(
        &app.client,
        &app.address,
        "中日青年交流协议",
        Some(unit),
        30,
    )
    .await;

    let state = worker_state(&app, &smtp_url).await;
    let now = Utc::now();
    let first = liaison_web::notices::run_due(&state, now, today())
        .await
        .unwrap();
    assert!(first.swept);
    let again = liaison_web::notices::run_due(&state, now, today())
        .await
        .unwrap();
    assert_eq!(
        (again.swept, again.done),
        (false, 0),
        "the day is swept once"
    );

    let mails = delivered(&domain);
    assert_eq!(mails.len(), 1, "only the officer is mailed: {mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.to, format!("officer@{domain}"));
    assert_eq!(mail.subject, "[Liaison] 协议 30 天后到期：中日青年交流协议");
    assert!(
        mail.body.contains("协议“中日青年交流协议”将于"),
        "{}",
        mail.body
    );
    assert!(
        mail.body
            .contains(&format!("https://liaison.example.edu/agreements/{id}")),
        "{}",
        mail.body
    );

    // Both are told inside Liaison, each in their language; opening marks it read.
    let (status, listed) = send(
        &liaison,
        &app.address,
        reqwest::Method::GET,
        "/api/v1/notifications",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["unread"], 1);
    assert_eq!(
        listed["items"][0]["title"],
        "Agreement expires in 30 days: 中日青年交流协议"
    );
    let notification = listed["items"][0]["id"].as_i64().unwrap();
    let (status, _) = send(
        &liaison,
        &app.address,
        reqwest::Method::POST,
        &format!("/api/v1/notifications/{notification}/read"),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let (_, listed) = send(
        &liaison,
        &app.address,
        reqwest::Method::GET,
        "/api/v1/notifications",
        &Value::Null,
    )
    .await;
    assert_eq!(listed["unread"], 0);
    let (_, officers) = send(
        &officer,
        &app.address,
        reqwest::Method::GET,
        "/api/v1/notifications",
        &Value::Null,
    )
    .await;
    assert_eq!(officers["unread"], 1);
    // Another user's notification is not theirs to open.
    let (status, _) = send(
        &officer,
        &app.address,
        reqwest::Method::POST,
        &format!("/api/v1/notifications/{notification}/read"),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 404);

    // The admin sees the message sent with the server's answer; others may not look.
    let (status, outbox) = app.get("/api/v1/outbox").await;
    assert_eq!(status, 200, "{outbox}");
    // The server answering the API has no SMTP setting (the worker above had one): it says so.
    assert_eq!(outbox["smtp"], false);
    assert_eq!(outbox["messages"].as_array().unwrap().len(), 1);
    assert_eq!(outbox["messages"][0]["state"], "sent");
    assert!(
        outbox["messages"][0]["reply"]
            .as_str()
            .unwrap()
            .starts_with("250"),
        "{outbox}"
    );
    let (status, _) = send(
        &officer,
        &app.address,
        reqwest::Method::GET,
        "/api/v1/outbox",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 403);
}

async fn a_refusing_smtp_server_is_tried_again_later_and_the_message_delivered_once(app: TestApp) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    account(
        &app,
        "officer",
        UserRole::Officer,
        None,
        &format!("officer@{domain}"),
        "en",
    )
    .await;
    agreement_ending(&app.client, &app.address, "Erasmus exchange", None, 90).await;
    // A port nobody listens on: the connection is refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refusing = worker_state(&app, &format!("smtp://127.0.0.1:{closed}")).await;
    let working = worker_state(&app, &smtp_url).await;
    let now = Utc::now();
    let report = liaison_web::notices::run_due(&refusing, now, today())
        .await
        .unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    let (_, outbox) = app.get("/api/v1/outbox").await;
    assert_eq!(outbox["messages"][0]["state"], "waiting", "{outbox}");
    assert!(outbox["messages"][0]["last_error"].is_string(), "{outbox}");
    let (_, jobs) = app.get("/api/v1/jobs").await;
    let mail_job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "mail")
        .unwrap()
        .clone();
    assert_eq!(mail_job["state"], "waiting");
    assert_eq!(mail_job["attempts"], 1);

    // Within the wait after a failure, nothing is tried; after it, the message goes once.
    let report = liaison_web::notices::run_due(&working, now + Duration::seconds(30), today())
        .await
        .unwrap();
    assert_eq!(report.done, 0);
    assert!(delivered(&domain).is_empty());
    let report = liaison_web::notices::run_due(&working, now + Duration::minutes(2), today())
        .await
        .unwrap();
    assert_eq!(report.done, 1);
    let report = liaison_web::notices::run_due(&working, now + Duration::hours(7), today())
        .await
        .unwrap();
    assert_eq!(report.done, 0);
    let mails = delivered(&domain);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0].subject,
        "[Liaison] Agreement expires in 90 days: Erasmus exchange"
    );
    let (_, outbox) = app.get("/api/v1/outbox").await;
    assert_eq!(outbox["messages"][0]["state"], "sent", "{outbox}");
    assert_eq!(outbox["messages"][0]["attempts"], 2, "{outbox}");
}

/// A database used only by `liaison` processes, with an admin's API token.
struct Shared {
    _db: TestDatabase,
    database: String,
    token: String,
    /// Each officer's username and API token.
    officers: Vec<(String, String)>,
    folder: tempfile::TempDir,
}

impl Shared {
    async fn new(backend: Backend, officers: &[&str]) -> Shared {
        let db = TestDatabase::new(backend).await;
        let actor = Actor::command_line("test setup");
        let mut tokens = Vec::new();
        for (name, role) in std::iter::once(("admin", UserRole::Admin))
            .chain(officers.iter().map(|o| (*o, UserRole::Officer)))
        {
            let input = UserInput {
                version: None,
                username: name.to_owned(),
                display_name: name.to_owned(),
                role,
                unit: None,
                active: true,
            };
            db.store
                .create_user(&actor, input, "no password")
                .await
                .unwrap();
            let token = new_token();
            db.store
                .create_api_token(&actor, name, "tests", &token_hash(&token))
                .await
                .unwrap();
            tokens.push((name.to_owned(), token));
        }
        db.store.close().await;
        Shared {
            database: db.url.to_string(),
            _db: db,
            token: tokens[0].1.clone(),
            officers: tokens[1..].to_vec(),
            folder: tempfile::tempdir().unwrap(),
        }
    }

    /// Sets each officer's address for reminders, through their own token.
    async fn officers_mailed_at(&self, base: &str, domain: &str) {
        for (name, token) in &self.officers {
            let (status, body) = send(
                &bearer_client(token),
                base,
                reqwest::Method::PUT,
                "/api/v1/notifications/settings",
                &json!({"email": format!("{name}@{domain}")}),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    }

    fn command(&self, smtp_url: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
        command
            .current_dir(self.folder.path())
            .env("LIAISON_DATABASE", &self.database)
            .env_remove("LIAISON_CONFIG")
            .env("LIAISON_LOG", "warn")
            .env("LIAISON_SMTP_URL", smtp_url)
            .env("LIAISON_PUBLIC_URL", "https://liaison.example.edu")
            // The test runs the jobs itself, through each server, when it needs them run.
            .env("LIAISON_JOBS_POLL_SECONDS", "0");
        command
    }

    /// Starts `liaison serve` and waits until it listens; its address.
    async fn serve(&self, smtp_url: &str) -> (Child, String) {
        let mut command = self.command(smtp_url);
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped());
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let address = loop {
                match lines.next() {
                    Some(Ok(line)) if line.starts_with("Liaison is listening on") => {
                        break line.trim().rsplit(' ').next().unwrap().to_owned();
                    }
                    Some(Ok(_)) => {}
                    _ => panic!("liaison serve ended before it listened"),
                }
            };
            std::thread::spawn(move || lines.for_each(drop));
            (child, address)
        })
        .await
        .unwrap()
    }
}

/// Three servers on one database run the due jobs at once, each as often as asked: every
/// reminder is delivered once.
async fn three_servers_deliver_every_reminder_exactly_once(backend: Backend) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let shared = Shared::new(backend, &["officer-a", "officer-b"]).await;
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(shared.serve(&smtp_url).await);
    }
    let admin = bearer_client(&shared.token);
    let base = servers[0].1.clone();
    // Two officers and five agreements: ten reminders.
    shared.officers_mailed_at(&base, &domain).await;
    for n in 0..5 {
        agreement_ending(&admin, &base, &format!("协议 {n}"), None, 30 + n).await;
    }
    // Each server runs the due jobs, twice over, all at once.
    let mut runs = tokio::task::JoinSet::new();
    for round in 0..2 {
        for (_, address) in &servers {
            let admin = admin.clone();
            let address = address.clone();
            runs.spawn(async move {
                let (status, report) = send(
                    &admin,
                    &address,
                    reqwest::Method::POST,
                    "/api/v1/jobs/run",
                    &Value::Null,
                )
                .await;
                assert_eq!(status, 200, "round {round}: {report}");
                report
            });
        }
    }
    let mut swept = 0;
    while let Some(report) = runs.join_next().await {
        if report.unwrap()["swept"] == true {
            swept += 1;
        }
    }
    assert_eq!(swept, 1, "one server sweeps the day");
    let mails = delivered(&domain);
    assert_eq!(mails.len(), 10, "{mails:?}");
    let mut subjects: Vec<(String, String)> = mails
        .iter()
        .map(|m| (m.to.clone(), m.subject.clone()))
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 10, "no reminder twice: {subjects:?}");
    let (_, outbox) = send(
        &admin,
        &base,
        reqwest::Method::GET,
        "/api/v1/outbox",
        &Value::Null,
    )
    .await;
    let states: Vec<&str> = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["sent"; 10]);
    for (mut child, _) in servers {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// A worker dies after claiming a message and before the SMTP server answers: the message is
/// not sent while the lease holds, then sent once by another worker.
async fn a_worker_killed_between_claim_and_delivery_leaves_the_message_to_another_once(
    backend: Backend,
) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let shared = Shared::new(backend, &["officer"]).await;
    let (mut server, base) = shared.serve(&smtp_url).await;
    let admin = bearer_client(&shared.token);
    shared.officers_mailed_at(&base, &domain).await;
    agreement_ending(&admin, &base, "Lease test", None, 30).await;
    let _ = server.kill();
    let _ = server.wait();

    // An SMTP server that accepts the connection and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("smtp://{}", silent.local_addr().unwrap());
    let at: DateTime<Utc> = Utc::now();
    let mut worker = shared
        .command(&silent_url)
        .args(["jobs", "run-once", "--at", &at.to_rfc3339()])
        .spawn()
        .unwrap();
    // The worker has claimed the message when it connects; it dies there.
    let (connection, _) = silent.accept().await.unwrap();
    worker.kill().unwrap();
    worker.wait().unwrap();
    drop(connection);

    let run_at = |when: DateTime<Utc>| {
        let output = shared
            .command(&smtp_url)
            .args(["jobs", "run-once", "--at", &when.to_rfc3339()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let printed = run_at(at + Duration::minutes(1));
    assert!(
        printed.contains("0 done"),
        "the lease still holds: {printed}"
    );
    assert!(delivered(&domain).is_empty());
    let printed = run_at(at + Duration::minutes(6));
    assert!(printed.contains("1 done"), "{printed}");
    let printed = run_at(at + Duration::minutes(20));
    assert!(printed.contains("0 done"), "{printed}");
    let mails = delivered(&domain);
    assert_eq!(mails.len(), 1, "{mails:?}");
}

mod processes {
    use liaison_store::Backend;

    #[tokio::test]
    async fn three_servers_deliver_every_reminder_exactly_once_sqlite() {
        super::three_servers_deliver_every_reminder_exactly_once(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn three_servers_deliver_every_reminder_exactly_once_postgres() {
        super::three_servers_deliver_every_reminder_exactly_once(Backend::Postgres).await;
    }

    #[tokio::test]
    async fn a_worker_killed_between_claim_and_delivery_sqlite() {
        super::a_worker_killed_between_claim_and_delivery_leaves_the_message_to_another_once(
            Backend::Sqlite,
        )
        .await;
    }

    #[tokio::test]
    async fn a_worker_killed_between_claim_and_delivery_postgres() {
        super::a_worker_killed_between_claim_and_delivery_leaves_the_message_to_another_once(
            Backend::Postgres,
        )
        .await;
    }
}

/// The accounts of a school whose applications go through the default chain: the unit's
/// leader, the office, the leader in charge. Each is reminded at `domain`, in Chinese.
struct School {
    teacher: reqwest::Client,
    leader: reqwest::Client,
    officer: reqwest::Client,
    vice_president: reqwest::Client,
    teacher_person: i64,
    unit: i64,
}

async fn school(app: &TestApp, domain: &str) -> School {
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "marine", "name_zh": "海洋科学学院"}),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let unit_id = unit["id"].as_i64().unwrap();
    let mut people = Vec::new();
    for (key, name) in [("dean", "周海"), ("teacher", "李娜")] {
        let (status, person) = app
            .post(
                "/api/v1/people",
                &json!({"key": key, "name_zh": name, "category": "internal", "unit": "marine"}),
            )
            .await;
        assert_eq!(status, 201, "{person}");
        people.push(person["id"].as_i64().unwrap());
    }
    let (status, body) = app
        .put(
            &format!("/api/v1/units/{unit_id}"),
            &json!({"key": "marine", "name_zh": "海洋科学学院",
                    "foreign_affairs_leader": "dean", "version": unit["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (teacher, _) = account(
        app,
        "li.na",
        UserRole::Liaison,
        Some(unit_id),
        &format!("li.na@{domain}"),
        "zh",
    )
    .await;
    let (leader, leader_id) = account(
        app,
        "zhou.hai",
        UserRole::Leader,
        None,
        &format!("zhou.hai@{domain}"),
        "zh",
    )
    .await;
    let (officer, _) = account(
        app,
        "officer",
        UserRole::Officer,
        None,
        &format!("officer@{domain}"),
        "zh",
    )
    .await;
    let (vice_president, vp_id) = account(
        app,
        "vp",
        UserRole::Leader,
        None,
        &format!("vp@{domain}"),
        "zh",
    )
    .await;
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
    School {
        teacher,
        leader,
        officer,
        vice_president,
        teacher_person: people[1],
        unit: unit_id,
    }
}

/// How many notifications of `rule` the client's user has.
async fn count_of(client: &reqwest::Client, app: &TestApp, rule: &str) -> usize {
    let (status, listed) = send(
        client,
        &app.address,
        reqwest::Method::GET,
        "/api/v1/notifications",
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["rule"] == rule)
        .count()
}

/// An application submitted on Tuesday 29 September 2026 waits for its first approver over
/// National Day (1 to 7 October off, Saturday 10 October worked): the approver is reminded at
/// once and every two working days, the office told after five, the old step's reminders end
/// with the decision, and the applicant is told of it.
async fn approvers_are_reminded_every_n_working_days_across_a_holiday(backend: Backend) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let clock = liaison_web::clock::OfficeClock::fixed(day("2026-09-29"));
    let app = crate::common::spawn_app_with(
        backend,
        None,
        liaison_web::WebSettings {
            clock: clock.clone(),
            ..Default::default()
        },
    )
    .await;
    let s = school(&app, &domain).await;
    // The office turns the optional approval reminders off by e-mail; the escalation, which is
    // mandatory, still comes.
    let (status, body) = send(
        &s.officer,
        &app.address,
        reqwest::Method::PUT,
        "/api/v1/notifications/settings",
        &json!({"email": format!("officer@{domain}"), "muted": ["approval_task"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, filed) = send(
        &s.teacher,
        &app.address,
        reqwest::Method::POST,
        "/api/v1/trips",
        &json!({
            "unit": s.unit,
            "title_zh": "赴老挝开展海洋科学合作研究",
            "trip_type": "research",
            "destinations": [{"country": "LA", "city": "Vientiane",
                              "arrive": "2026-11-20", "leave": "2026-11-26"}],
            "members": [{"person_id": s.teacher_person, "leader": true, "position": "教授"}],
            "funding": "research_grant",
            "budget": [{"item": "国际旅费", "amount": 1200000}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let (status, submitted) = send(
        &s.teacher,
        &app.address,
        reqwest::Method::POST,
        &format!("/api/v1/trips/{id}/submit"),
        &json!({"version": filed["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");

    let state = worker_state(&app, &smtp_url).await;
    let mut reminded = Vec::new();
    let mut escalated = Vec::new();
    let mut date = day("2026-09-29");
    while date <= day("2026-10-13") {
        clock.set(date);
        let before = count_of(&s.leader, &app, "approval_task").await;
        let office_before = count_of(&s.officer, &app, "approval_escalated").await;
        liaison_web::notices::run_due(&state, clock.now(), clock.today())
            .await
            .unwrap();
        if count_of(&s.leader, &app, "approval_task").await > before {
            reminded.push(date.to_string());
        }
        if count_of(&s.officer, &app, "approval_escalated").await > office_before {
            escalated.push(date.to_string());
        }
        date += Duration::days(1);
    }
    assert_eq!(
        reminded,
        ["2026-09-29", "2026-10-08", "2026-10-10", "2026-10-13"],
        "at once, then every two working days"
    );
    assert_eq!(escalated, ["2026-10-13"], "after five working days");

    // The unit's leader approves; the office's step starts and the leader hears no more. The
    // office refuses, which the default chain's office step makes a return to the applicant.
    let (status, approved) = send(
        &s.leader,
        &app.address,
        reqwest::Method::POST,
        &format!("/api/v1/trips/{id}/approve"),
        &json!({"version": submitted["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    liaison_web::notices::run_due(&state, clock.now(), clock.today())
        .await
        .unwrap();
    assert_eq!(count_of(&s.officer, &app, "approval_task").await, 1);
    let (status, refused) = send(
        &s.officer,
        &app.address,
        reqwest::Method::POST,
        &format!("/api/v1/trips/{id}/refuse"),
        &json!({"version": approved["version"], "comment": "预算说明不足"}),
    )
    .await;
    assert_eq!(status, 200, "{refused}");
    for later in ["2026-10-14", "2026-10-15", "2026-10-16", "2026-10-19"] {
        clock.set(day(later));
        liaison_web::notices::run_due(&state, clock.now(), clock.today())
            .await
            .unwrap();
    }
    assert_eq!(count_of(&s.leader, &app, "approval_task").await, 4);
    assert_eq!(count_of(&s.officer, &app, "approval_task").await, 1);
    assert_eq!(count_of(&s.teacher, &app, "application_decided").await, 1);

    let mut mails: Vec<(String, String)> = delivered(&domain)
        .into_iter()
        .map(|m| (m.to, m.subject))
        .collect();
    mails.sort();
    let leader = format!("zhou.hai@{domain}");
    let expected_leader = "[Liaison] 待您审批：赴老挝开展海洋科学合作研究".to_owned();
    assert_eq!(
        mails,
        [
            (
                format!("li.na@{domain}"),
                "[Liaison] 您的申请已退回修改".to_owned()
            ),
            (
                format!("officer@{domain}"),
                "[Liaison] 审批超时：赴老挝开展海洋科学合作研究".to_owned()
            ),
            (leader.clone(), expected_leader.clone()),
            (leader.clone(), expected_leader.clone()),
            (leader.clone(), expected_leader.clone()),
            (leader, expected_leader),
        ]
    );
}

mod approvals {
    use liaison_store::Backend;

    #[tokio::test]
    async fn approvers_are_reminded_every_n_working_days_across_a_holiday_sqlite() {
        super::approvers_are_reminded_every_n_working_days_across_a_holiday(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn approvers_are_reminded_every_n_working_days_across_a_holiday_postgres() {
        super::approvers_are_reminded_every_n_working_days_across_a_holiday(Backend::Postgres)
            .await;
    }
}

async fn the_day_s_sweep_reminds_of_follow_ups_and_gifts_once_and_digests_optional_ones(
    app: TestApp,
) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let (status, unit) = app
        .post(
            "/api/v1/units",
            &json!({"key": "sfl", "name_zh": "外国语学院"}),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let unit = unit["id"].as_i64().unwrap();
    let (liaison, _) = account(
        &app,
        "liaison",
        UserRole::Liaison,
        Some(unit),
        &format!("liaison@{domain}"),
        "zh",
    )
    .await;
    let (status, body) = send(
        &liaison,
        &app.address,
        reqwest::Method::PUT,
        "/api/v1/notifications/settings",
        &json!({"email": format!("liaison@{domain}"), "digest": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (officer, _) = account(
        &app,
        "officer",
        UserRole::Officer,
        None,
        &format!("officer@{domain}"),
        "en",
    )
    .await;
    let (status, activity) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "inbound_visit", "title_zh": "早稻田大学代表团来访",
            "start_date": "2026-05-11", "end_date": "2026-05-12", "host_unit": "sfl",
            "outcomes": [
                {"description": "商定交换生项目", "follow_up": "寄送合作备忘录草案",
                 "due_on": "2026-06-04"},
                {"description": "互赠纪念品", "follow_up": "寄送照片",
                 "due_on": "2026-06-02", "done": true}
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{activity}");
    let activity = activity["id"].as_i64().unwrap();
    for (item, fen, handed_in) in [
        ("Vase", 50_000, None),
        ("Pen", 10_000, None),
        ("Scroll", 80_000, Some("2026-05-10")),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/gifts",
                &json!({"direction": "received", "item": item, "exchanged_on": "2026-04-20",
                        "giver": {"description": "a guest"},
                        "receiver": {"description": "the office"},
                        "estimated_value_fen": fen, "handed_in_on": handed_in}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    let state = worker_state(&app, &smtp_url).await;
    let run = |today: chrono::NaiveDate, hours: i64| {
        let state = state.clone();
        async move {
            let now = liaison_store::reminders::office_start(today) + Duration::hours(hours);
            liaison_web::notices::run_due(&state, now, today)
                .await
                .unwrap()
        }
    };
    // 1 June, morning: the follow-up is due within seven days, the vase is past thirty.
    run(day("2026-06-01"), 1).await;
    assert_eq!(count_of(&liaison, &app, "follow_up_due").await, 1);
    assert_eq!(count_of(&officer, &app, "gift_not_handed_in").await, 1);
    let mails = delivered(&domain);
    assert_eq!(
        mails.len(),
        1,
        "the digest reader is not mailed each reminder: {mails:?}"
    );
    assert_eq!(mails[0].to, format!("officer@{domain}"));
    assert_eq!(mails[0].subject, "[Liaison] Gift not handed in: Vase");
    // The evening's digest carries the optional reminder.
    run(day("2026-06-01"), 19).await;
    let digest: Vec<Delivered> = delivered(&domain)
        .into_iter()
        .filter(|m| m.to.starts_with("liaison@"))
        .collect();
    assert_eq!(digest.len(), 1, "{digest:?}");
    assert_eq!(digest[0].subject, "[Liaison] 今日提醒 1 条");
    assert!(
        digest[0]
            .body
            .contains("后续事项即将到期：早稻田大学代表团来访"),
        "{}",
        digest[0].body
    );
    assert!(
        digest[0].body.contains(&format!(
            "https://liaison.example.edu/activities/{activity}"
        )),
        "{}",
        digest[0].body
    );
    // The next days give nothing new until the follow-up's day.
    run(day("2026-06-02"), 20).await;
    run(day("2026-06-03"), 20).await;
    assert_eq!(count_of(&liaison, &app, "follow_up_due").await, 1);
    assert_eq!(count_of(&officer, &app, "gift_not_handed_in").await, 1);
    assert_eq!(delivered(&domain).len(), 2);
    run(day("2026-06-04"), 20).await;
    assert_eq!(count_of(&liaison, &app, "follow_up_due").await, 2);
    let digests = delivered(&domain)
        .into_iter()
        .filter(|m| m.to.starts_with("liaison@"))
        .count();
    assert_eq!(digests, 2);
}

async fn the_pages_show_unread_notifications_and_the_admins_see_the_outbox_and_retry_jobs(
    app: TestApp,
) {
    let domain = fresh_domain();
    let officer = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let admin = app.sign_in("boss", UserRole::Admin, None, "en").await;
    let (status, page, _) = officer
        .post(
            "/notifications",
            &[
                ("email", &format!("officer@{domain}")),
                ("mail", "agreement_expiring"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, page) = officer.get("/notifications").await;
    assert!(
        page.contains(&format!("value=\"officer@{domain}\"")),
        "{page}"
    );
    assert!(
        page.contains("No mail server is set: reminders are shown here only."),
        "{page}"
    );
    // Only the rule ticked is wanted by e-mail; the others were turned off.
    let settings = app
        .db
        .store
        .notification_settings(
            app.db
                .store
                .user_for_login("officer")
                .await
                .unwrap()
                .unwrap()
                .0
                .id,
        )
        .await
        .unwrap();
    assert!(
        settings
            .muted
            .contains(&liaison_core::reminders::Rule::ApprovalTask)
    );
    assert!(
        !settings
            .muted
            .contains(&liaison_core::reminders::Rule::AgreementExpiring)
    );
    assert!(
        !settings
            .muted
            .contains(&liaison_core::reminders::Rule::GiftNotHandedIn)
    );

    let id = agreement_ending(&app.client, &app.address, "Exchange with Kyoto", None, 30).await;
    // Mail through a port nobody listens on: the message waits with its error.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let state = worker_state(&app, &format!("smtp://127.0.0.1:{closed}")).await;
    liaison_web::notices::run_due(&state, Utc::now(), today())
        .await
        .unwrap();

    let (_, page) = officer.get("/").await;
    assert!(page.contains("id=\"unread-count\">1<"), "{page}");
    let (_, page) = officer.get("/notifications").await;
    assert!(
        page.contains("Agreement expires in 30 days: Exchange with Kyoto"),
        "{page}"
    );
    let notification = page
        .split("href=\"/notifications/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let response = officer
        .client
        .get(app.url(&format!("/notifications/{notification}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("/agreements/{id}")
    );
    let (_, page) = officer.get("/").await;
    assert!(!page.contains("unread-count"), "opened, it is read: {page}");

    // The admin's page says no mail server is set, and shows the outbox and the jobs.
    let (status, page) = officer.get("/admin/reminders").await;
    assert_eq!(status, 403, "{page}");
    let (status, page) = admin.get("/admin/reminders").await;
    assert_eq!(status, 200);
    assert!(page.contains("No SMTP server is set"), "{page}");
    assert!(page.contains(&format!("officer@{domain}")), "{page}");
    assert!(
        page.contains("Connection refused") || page.contains("connection"),
        "{page}"
    );
    let (_, jobs) = app.get("/api/v1/jobs").await;
    let mail_job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "mail")
        .unwrap()
        .clone();
    assert_eq!(mail_job["attempts"], 1);
    let job = mail_job["id"].as_i64().unwrap();
    assert!(
        page.contains(&format!("action=\"/admin/jobs/{job}/retry\"")),
        "{page}"
    );
    let (status, _, location) = admin.post(&format!("/admin/jobs/{job}/retry"), &[]).await;
    assert_eq!((status, location.as_str()), (303, "/admin/reminders"));
    let (_, jobs) = app.get("/api/v1/jobs").await;
    let retried = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == job)
        .unwrap()
        .clone();
    assert_eq!(
        (&retried["state"], &retried["attempts"]),
        (&json!("waiting"), &json!(0))
    );

    // The timing is saved as a new version, and refused out of range.
    let (status, _, _) = admin
        .post(
            "/admin/reminders",
            &[
                ("approval_repeat_working_days", "3"),
                ("approval_escalate_working_days", "7"),
                ("briefing_days_before", "7"),
                ("notice_days_before", "1"),
                ("report_days_before", "7"),
                ("report_overdue_every_days", "7"),
                ("agreement_days_before", "90 60 30"),
                ("follow_up_days_before", "7"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, policy) = app.get("/api/v1/reminder-policy").await;
    assert_eq!(policy["version"], 1);
    assert_eq!(
        policy["policy"]["agreement_days_before"],
        json!([90, 60, 30])
    );
    let (status, page, _) = admin
        .post("/admin/reminders", &[("approval_repeat_working_days", "0")])
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Each number must be within its range"),
        "{page}"
    );
}

/// A trip's deadlines on a clock the test sets: its member (who is also its applicant) is told
/// the day before the public notice ends and a week before departure while not briefed; after
/// return, a week before the report is due, the day after, and a week later.
async fn a_trip_s_members_and_applicant_are_reminded_of_its_deadlines(backend: Backend) {
    let (smtp_url, _) = smtp();
    let domain = fresh_domain();
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let clock = liaison_web::clock::OfficeClock::fixed(day("2026-10-14"));
    let app = crate::common::spawn_app_with(
        backend,
        None,
        liaison_web::WebSettings {
            clock: clock.clone(),
            ..Default::default()
        },
    )
    .await;
    let s = school(&app, &domain).await;
    let teacher_id = app
        .db
        .store
        .user_for_login("li.na")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let (status, body) = app
        .put(
            &format!("/api/v1/accounts/{teacher_id}/person"),
            &json!({"person": s.teacher_person}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let act = |client: &reqwest::Client, id: i64, action: &str, body: Value| {
        let client = client.clone();
        let base = app.address.clone();
        let action = action.to_owned();
        async move {
            let (status, trip) = send(
                &client,
                &base,
                reqwest::Method::POST,
                &format!("/api/v1/trips/{id}/{action}"),
                &body,
            )
            .await;
            assert_eq!(status, 200, "{action}: {trip}");
            trip
        }
    };
    let (status, filed) = send(
        &s.teacher,
        &app.address,
        reqwest::Method::POST,
        "/api/v1/trips",
        &json!({
            "unit": s.unit,
            "title_zh": "赴日本参加海洋学会议",
            "trip_type": "conference",
            "destinations": [{"country": "JP", "city": "Tokyo",
                              "arrive": "2026-11-20", "leave": "2026-11-24"}],
            "members": [{"person_id": s.teacher_person, "leader": true, "position": "教授"}],
            "funding": "research_grant",
            "budget": [{"item": "国际旅费", "amount": 800000}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let mut trip = act(
        &s.teacher,
        id,
        "submit",
        json!({"version": filed["version"]}),
    )
    .await;
    for approver in [&s.leader, &s.officer, &s.vice_president] {
        trip = act(approver, id, "approve", json!({"version": trip["version"]})).await;
    }
    trip = act(
        &s.officer,
        id,
        "post_notice",
        json!({"version": trip["version"]}),
    )
    .await;
    let notice_ends = day(trip["notice_ends"].as_str().unwrap());

    let state = worker_state(&app, &smtp_url).await;
    let sweep = |date: chrono::NaiveDate| {
        clock.set(date);
        let state = state.clone();
        let clock = clock.clone();
        async move {
            liaison_web::notices::run_due(&state, clock.now(), clock.today())
                .await
                .unwrap();
        }
    };
    sweep(notice_ends - Duration::days(2)).await;
    assert_eq!(count_of(&s.teacher, &app, "notice_ending").await, 0);
    sweep(notice_ends - Duration::days(1)).await;
    sweep(notice_ends).await;
    assert_eq!(count_of(&s.teacher, &app, "notice_ending").await, 1);
    sweep(day("2026-11-12")).await;
    assert_eq!(count_of(&s.teacher, &app, "briefing_soon").await, 0);
    sweep(day("2026-11-13")).await;
    sweep(day("2026-11-14")).await;
    assert_eq!(count_of(&s.teacher, &app, "briefing_soon").await, 1);

    let days = crate::trips::DepartureDays {
        briefing: "2026-11-16",
        briefed: "2026-11-16",
        departs: "2026-11-20",
    };
    trip = crate::trips::take_to_departure(&app, &s.officer, &clock, id, days).await;
    clock.set(day("2026-11-24"));
    trip = act(
        &s.officer,
        id,
        "return",
        json!({"version": trip["version"], "date": "2026-11-24"}),
    )
    .await;
    let report_due = day(trip["report_due"].as_str().unwrap());
    assert_eq!(report_due, day("2026-12-24"));
    sweep(day("2026-12-16")).await;
    assert_eq!(count_of(&s.teacher, &app, "report_due").await, 0);
    sweep(day("2026-12-17")).await;
    sweep(day("2026-12-24")).await;
    assert_eq!(count_of(&s.teacher, &app, "report_due").await, 1);
    sweep(day("2026-12-25")).await;
    sweep(day("2026-12-26")).await;
    assert_eq!(count_of(&s.teacher, &app, "report_overdue").await, 1);
    sweep(day("2027-01-01")).await;
    assert_eq!(count_of(&s.teacher, &app, "report_overdue").await, 2);
    let subjects: Vec<String> = delivered(&domain)
        .into_iter()
        .filter(|m| m.to.starts_with("li.na@"))
        .map(|m| m.subject)
        .collect();
    assert!(
        subjects.contains(&"[Liaison] 出访报告已逾期：赴日本参加海洋学会议".to_owned()),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&format!(
            "[Liaison] 公示将于 {notice_ends} 结束：赴日本参加海洋学会议"
        )),
        "{subjects:?}"
    );
}

mod trip_deadlines {
    use liaison_store::Backend;

    #[tokio::test]
    async fn a_trip_s_members_and_applicant_are_reminded_of_its_deadlines_sqlite() {
        super::a_trip_s_members_and_applicant_are_reminded_of_its_deadlines(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn a_trip_s_members_and_applicant_are_reminded_of_its_deadlines_postgres() {
        super::a_trip_s_members_and_applicant_are_reminded_of_its_deadlines(Backend::Postgres)
            .await;
    }
}
