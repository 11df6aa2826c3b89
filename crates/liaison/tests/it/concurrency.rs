//! Writes under concurrency, through real `liaison` processes: several processes sharing one
//! SQLite file, a database another process keeps busy, and a server killed while it writes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use liaison_core::secrets::{new_token, token_hash};
use liaison_core::{Actor, UserInput, UserRole};
use liaison_store::Backend;
use liaison_store::testing::TestDatabase;
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// A fresh database with an admin's API token, and a working folder for the command line.
struct Setup {
    /// Keeps the database (and a SQLite file's folder) for the length of the test.
    _db: Option<TestDatabase>,
    /// The database's URL, as `LIAISON_DATABASE` takes it.
    database: String,
    token: String,
    folder: tempfile::TempDir,
}

impl Setup {
    async fn new(backend: Backend) -> Setup {
        Setup::with_accounts(backend, &[]).await.0
    }

    /// As [`Setup::new`], with more accounts, each with an API token, given in their order.
    async fn with_accounts(
        backend: Backend,
        accounts: &[(&str, UserRole)],
    ) -> (Setup, Vec<String>) {
        let db = TestDatabase::new(backend).await;
        let actor = Actor::command_line("test setup");
        let mut tokens = Vec::new();
        for (username, role) in accounts {
            let input = UserInput {
                version: None,
                username: (*username).to_owned(),
                display_name: (*username).to_owned(),
                role: *role,
                unit: None,
                active: true,
            };
            db.store
                .create_user(&actor, input, "no password")
                .await
                .unwrap();
            let token = new_token();
            db.store
                .create_api_token(&actor, username, "tests", &token_hash(&token))
                .await
                .unwrap();
            tokens.push(token);
        }
        let admin = UserInput {
            version: None,
            username: "loader".to_owned(),
            display_name: "Load".to_owned(),
            role: UserRole::Admin,
            unit: None,
            active: true,
        };
        db.store
            .create_user(&actor, admin, "no password")
            .await
            .unwrap();
        let token = new_token();
        db.store
            .create_api_token(&actor, "loader", "tests", &token_hash(&token))
            .await
            .unwrap();
        // The test's own connections are closed: from here on only `liaison` processes use it.
        db.store.close().await;
        let setup = Setup {
            database: db.url.to_string(),
            _db: Some(db),
            token,
            folder: tempfile::tempdir().unwrap(),
        };
        (setup, tokens)
    }

    /// A SQLite file not made yet, in the working folder: no tables, no accounts.
    fn new_sqlite_file() -> Setup {
        let folder = tempfile::tempdir().unwrap();
        Setup {
            _db: None,
            database: format!("sqlite://{}", folder.path().join("liaison.db").display()),
            token: String::new(),
            folder,
        }
    }

    /// `liaison` on this database, run in the working folder.
    fn command(&self, settings: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
        command
            .current_dir(self.folder.path())
            .env("LIAISON_DATABASE", &self.database)
            .env_remove("LIAISON_CONFIG")
            .env_remove("LIAISON_WRITE_WAIT_MS")
            .env("LIAISON_LOG", "warn")
            .envs(settings.iter().copied());
        command
    }

    /// Starts a command of the command line; the handle gives what it answered when it ends.
    fn start(&self, args: &[&str], settings: &[(&str, &str)]) -> JoinHandle<Ran> {
        let mut command = self.command(settings);
        command.args(args);
        let args = args.join(" ");
        tokio::task::spawn_blocking(move || {
            let output = command.output().expect("the liaison binary runs");
            Ran { args, output }
        })
    }

    /// Runs a command of the command line to its end.
    async fn run(&self, args: &[&str], settings: &[(&str, &str)]) -> Ran {
        self.start(args, settings).await.unwrap()
    }

    /// Starts `liaison serve` on a free port and waits until it listens.
    async fn serve(&self, settings: &[(&str, &str)]) -> Server {
        let mut command = self.command(settings);
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped());
        let token = self.token.clone();
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().expect("the liaison binary starts");
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let mut printed = Vec::new();
            let listening = loop {
                match lines.next() {
                    Some(Ok(line)) if line.starts_with("Liaison is listening on") => break line,
                    Some(Ok(line)) => printed.push(line),
                    _ => {
                        let status = child.wait();
                        panic!("liaison serve ended before it listened: {status:?}");
                    }
                }
            };
            // Keep reading what the server prints, so it never writes into a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            let address = listening.trim().rsplit(' ').next().unwrap().to_owned();
            Server {
                child,
                address,
                printed,
                client: crate::common::bearer_client(&token),
            }
        })
        .await
        .unwrap()
    }
}

/// A command that ran: what it was and what it answered.
struct Ran {
    args: String,
    output: Output,
}

impl Ran {
    fn succeeded(&self) -> bool {
        self.output.status.success()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

/// A `liaison serve` process, killed when the test lets go of it.
struct Server {
    child: Child,
    address: String,
    /// What it printed before it listened.
    printed: Vec<String>,
    client: reqwest::Client,
}

impl Server {
    /// Ends the process at once with SIGKILL, as a crash or the out-of-memory killer would: no
    /// request is finished and nothing is closed.
    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }

    /// A handle for sending requests from other tasks.
    fn api(&self) -> Api {
        Api {
            client: self.client.clone(),
            address: self.address.clone(),
        }
    }

    /// A handle sending another token.
    fn api_with(&self, token: &str) -> Api {
        Api {
            client: crate::common::bearer_client(token),
            address: self.address.clone(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A server's address with a client signed in as an admin.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    address: String,
}

/// A server's answer: its status, `Retry-After` when given, and its body.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Result<Answer> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let text = response.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None)
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// The numbers of the records of one type that a search for `word` finds.
    async fn found(&self, word: &str, entity: &str) -> Vec<i64> {
        let answer = self
            .get(&format!("/api/v1/search?q={word}&type={entity}"))
            .await;
        assert_eq!(answer.status, 200, "search {word}: {}", answer.body);
        answer.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["id"].as_i64().unwrap())
            .collect()
    }
}

/// A made-up word for the `n`th record, found by search in that record alone: consonants only,
/// so no stemming rule shortens one record's word into another's.
fn word(n: usize) -> String {
    const LETTERS: &[u8] = b"bcdfghjklmnpqrtvwxz";
    let mut rest = n;
    let mut word = String::from("qx");
    for _ in 0..4 {
        word.push(char::from(LETTERS[rest % LETTERS.len()]));
        rest /= LETTERS.len();
    }
    word
}

// ---------------------------------------------------------------------------------------------
// Several processes on one SQLite file.
// ---------------------------------------------------------------------------------------------

/// The records one round of office work created, as they should read at the end.
struct Round {
    word: String,
    /// Which server wrote them, so that the other one reads them back.
    server: usize,
    organization: i64,
    person: i64,
    activity: i64,
}

/// What the clients share: where words come from, how many writes were answered or failed,
/// when to stop, and every failure.
#[derive(Clone)]
struct Load {
    words: Arc<AtomicUsize>,
    progress: Arc<watch::Sender<Progress>>,
    stop: Arc<AtomicBool>,
    failures: Arc<Mutex<Vec<String>>>,
}

/// How many writes were answered with success, and how many failed, so far.
#[derive(Clone, Copy, Default)]
struct Progress {
    acknowledged: usize,
    failed: usize,
}

impl Load {
    fn new() -> Load {
        Load {
            words: Arc::default(),
            progress: Arc::new(watch::channel(Progress::default()).0),
            stop: Arc::default(),
            failures: Arc::default(),
        }
    }

    fn next_word(&self) -> String {
        word(self.words.fetch_add(1, Ordering::Relaxed))
    }

    fn acknowledge(&self) {
        self.progress.send_modify(|p| p.acknowledged += 1);
    }

    fn fail(&self, failure: String) {
        self.failures.lock().unwrap().push(failure);
        self.progress.send_modify(|p| p.failed += 1);
    }

    /// Waits until `writes` writes were acknowledged, or one failed.
    async fn acknowledged(&self, writes: usize) {
        self.progress
            .subscribe()
            .wait_for(|p| p.acknowledged >= writes || p.failed > 0)
            .await
            .unwrap();
    }

    /// Fails the test, naming the first few failed writes and counting them all, if any failed.
    fn assert_none_failed(&self) {
        let failures = self.failures.lock().unwrap();
        assert!(
            failures.is_empty(),
            "{} writes failed, such as:\n{}",
            failures.len(),
            failures[..failures.len().min(10)].join("\n")
        );
    }
}

/// Every round a client finishes after the command line is done, at the least.
const ROUNDS_AFTER_COMMANDS: usize = 2;

/// An office worker at one server: creates an organization, a person of it and a visit they
/// take part in, then changes all three; again and again until told to stop.
async fn office_worker(api: Api, server: usize, load: Load) -> Vec<Round> {
    let mut rounds = Vec::new();
    let mut after_stop = 0;
    while after_stop < ROUNDS_AFTER_COMMANDS {
        if load.stop.load(Ordering::Relaxed) {
            after_stop += 1;
        }
        let word = load.next_word();
        match office_round(&api, &word, &load).await {
            Ok((organization, person, activity)) => rounds.push(Round {
                word,
                server,
                organization,
                person,
                activity,
            }),
            Err(failure) => load.fail(format!("server {server}, {word}: {failure}")),
        }
    }
    rounds
}

/// Creates and changes one organization, person and activity; the first write that is not
/// answered with success ends the round with what it answered.
async fn office_round(api: &Api, word: &str, load: &Load) -> Result<(i64, i64, i64), String> {
    let write = |method: reqwest::Method, path: String, body: Value| async move {
        let answer = api
            .send(method.clone(), &path, Some(&body))
            .await
            .map_err(|e| format!("{method} {path}: no answer: {e}"))?;
        if !(200..300).contains(&answer.status) {
            return Err(format!(
                "{method} {path}: {} (Retry-After {:?}) {}",
                answer.status, answer.retry_after, answer.body
            ));
        }
        load.acknowledge();
        Ok(answer.body)
    };
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;

    let mut organization = json!({"key": format!("org-{word}"), "kind": "university",
        "country": "GB", "name_en": format!("University {word}")});
    let created = write(
        post.clone(),
        "/api/v1/organizations".into(),
        organization.clone(),
    )
    .await?;
    let organization_id = created["id"].as_i64().unwrap();

    let mut person = json!({"name_en": format!("Person {word}"), "organization": organization_id,
        "position": "Dean"});
    let created = write(post.clone(), "/api/v1/people".into(), person.clone()).await?;
    let person_id = created["id"].as_i64().unwrap();

    let mut activity = json!({
        "kind": "inbound_visit", "title_en": format!("Visit {word}"), "start_date": "2025-04-07",
        "partners": [organization_id, {"key": format!("partner-{word}"), "kind": "trade_union",
                                       "country": "LA", "name_en": format!("Partner {word}")}],
        "participants": [{"person": person_id, "role": "leader"},
                         {"person": {"name_en": format!("Interpreter {word}")}, "role": "interpreter"}],
        "agenda": [{"kind": "meeting", "title_en": "Talks", "points": ["student exchange"]}]
    });
    let created = write(post, "/api/v1/activities".into(), activity.clone()).await?;
    let activity_id = created["id"].as_i64().unwrap();

    activity["title_en"] = json!(format!("Visit {word} revised"));
    activity["version"] = created["version"].clone();
    write(
        put.clone(),
        format!("/api/v1/activities/{activity_id}"),
        activity,
    )
    .await?;
    organization["name_en"] = json!(format!("University {word} renamed"));
    organization["version"] = json!(1);
    write(
        put.clone(),
        format!("/api/v1/organizations/{organization_id}"),
        organization,
    )
    .await?;
    person["name_en"] = json!(format!("Person {word} renamed"));
    person["version"] = json!(1);
    write(put, format!("/api/v1/people/{person_id}"), person).await?;
    Ok((organization_id, person_id, activity_id))
}

/// Every command of the command line that writes or reads the whole database, all at once
/// against the same file: a round of them.
async fn command_round(setup: &Setup, round: usize) -> Vec<Ran> {
    let backup = format!("backup-{round}.db");
    let label = format!("round {round}");
    let user = format!("clerk-{round}");
    let commands: Vec<Vec<&str>> = vec![
        vec!["backup", &backup],
        vec!["token", "create", "--user", "loader", "--label", &label],
        vec!["user", "add", "--name", &user, "--role", "officer"],
        vec!["migrate"],
        vec!["reindex"],
        vec!["demo"],
    ];
    let started: Vec<_> = commands.iter().map(|args| setup.start(args, &[])).collect();
    let mut ran = Vec::new();
    for command in started {
        ran.push(command.await.unwrap());
    }
    ran
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_and_every_command_share_one_sqlite_file_without_a_failed_write() {
    let setup = Setup::new(Backend::Sqlite).await;
    let (first, second) = tokio::join!(setup.serve(&[]), setup.serve(&[]));
    let servers = [first, second];

    let load = Load::new();
    let mut workers = JoinSet::new();
    for (number, server) in servers.iter().enumerate() {
        for _ in 0..3 {
            workers.spawn(office_worker(server.api(), number, load.clone()));
        }
    }
    // The command line starts once both servers are taking writes, and the servers go on
    // taking them until every command has ended.
    load.acknowledged(12).await;
    let mut commands = Vec::new();
    for round in 0..3 {
        commands.extend(command_round(&setup, round).await);
    }
    load.stop.store(true, Ordering::Relaxed);
    let mut rounds = Vec::new();
    while let Some(done) = workers.join_next().await {
        rounds.extend(done.unwrap());
    }

    load.assert_none_failed();
    for ran in &commands {
        assert!(
            ran.succeeded(),
            "liaison {} failed: {}",
            ran.args,
            ran.stderr()
        );
    }
    let reindexed = commands.iter().filter(|r| r.args == "reindex").count();
    assert_eq!(reindexed, 3);

    // Every record reads back whole through the other server, and is found by search there.
    for round in &rounds {
        let api = servers[1 - round.server].api();
        let word = &round.word;
        let organization = api
            .get(&format!("/api/v1/organizations/{}", round.organization))
            .await;
        assert_eq!(organization.status, 200, "{word}");
        assert_eq!(
            organization.body["name_en"],
            format!("University {word} renamed")
        );
        let person = api.get(&format!("/api/v1/people/{}", round.person)).await;
        assert_eq!(person.body["name_en"], format!("Person {word} renamed"));
        let activity = api
            .get(&format!("/api/v1/activities/{}", round.activity))
            .await;
        assert_eq!(activity.status, 200, "{word}");
        let visit = &activity.body;
        assert_eq!(visit["title_en"], format!("Visit {word} revised"));
        assert_eq!(
            names(&visit["partners"], "name"),
            [
                format!("University {word} renamed"),
                format!("Partner {word}")
            ]
        );
        assert_eq!(
            participants(visit),
            [
                (format!("Person {word} renamed"), "leader".to_owned()),
                (format!("Interpreter {word}"), "interpreter".to_owned())
            ]
        );
        assert_eq!(visit["agenda"].as_array().unwrap().len(), 1);

        assert_eq!(api.found(word, "activity").await, [round.activity]);
        assert!(
            api.found(word, "organization")
                .await
                .contains(&round.organization),
            "{word}"
        );
        assert!(
            api.found(word, "person").await.contains(&round.person),
            "{word}"
        );
    }

    // What the command line made is there too: the accounts, and backups that open.
    for round in 0..3 {
        let backup = setup.folder.path().join(format!("backup-{round}.db"));
        let exported = setup.export(&backup).await;
        assert!(exported.succeeded(), "{}", exported.stderr());
    }
}

impl Setup {
    /// Exports a backup, which shows that it is a whole database Liaison can open.
    async fn export(&self, backup: &Path) -> Ran {
        let database = format!("sqlite://{}", backup.display());
        self.run(&["--database", &database, "export"], &[]).await
    }
}

/// The `field` of each element of a JSON array, in order.
fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// An activity's participants as (name, role).
fn participants(activity: &Value) -> Vec<(String, String)> {
    activity["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["person"]["name"].as_str().unwrap_or_default().to_owned(),
                p["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_started_at_once_on_a_new_sqlite_file_both_serve() {
    let setup = Setup::new_sqlite_file();
    let (first, second) = tokio::join!(setup.serve(&[]), setup.serve(&[]));
    let servers = [first, second];
    let said_admin: Vec<bool> = servers
        .iter()
        .map(|s| {
            s.printed
                .iter()
                .any(|l| l.contains("created the account 'admin'"))
        })
        .collect();
    assert_eq!(
        said_admin.iter().filter(|&&said| said).count(),
        1,
        "one of them made the first account: {said_admin:?}"
    );
    let token = setup
        .run(&["token", "create", "--user", "admin"], &[])
        .await;
    assert!(token.succeeded(), "{}", token.stderr());
    for (number, server) in servers.iter().enumerate() {
        let unit = json!({"kind": "school", "name_en": format!("School {number}")});
        let answer = server
            .api_with(token.stdout().trim())
            .send(reqwest::Method::POST, "/api/v1/units", Some(&unit))
            .await
            .unwrap();
        assert_eq!(answer.status, 201, "server {number}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_kept_waiting_by_another_process_answers_503_with_retry_after() {
    let setup = Setup::new(Backend::Sqlite).await;
    // Long enough for the server to open and migrate its database on a busy machine (at 20 ms
    // twelve servers starting at once all stopped as busy), short enough to keep the test quick.
    let wait = [("LIAISON_WRITE_WAIT_MS", "2000")];
    let server = setup.serve(&wait).await;
    let api = server.api();
    let organization = json!({"kind": "embassy", "country": "LA", "name_en": "Embassy of Laos"});

    // Another process takes the database's write lock and keeps it, as a long import would.
    let mut holder = sqlx::SqliteConnection::connect(&setup.database)
        .await
        .unwrap();
    holder.execute("BEGIN IMMEDIATE").await.unwrap();

    let busy = api
        .send(
            reqwest::Method::POST,
            "/api/v1/organizations",
            Some(&organization),
        )
        .await
        .unwrap();
    assert_eq!(busy.status, 503, "{}", busy.body);
    let retry_after = busy.retry_after.expect("a Retry-After header");
    assert!(
        retry_after.parse::<u64>().is_ok(),
        "Retry-After in seconds: {retry_after}"
    );
    assert_eq!(busy.body["error"], "busy", "{}", busy.body);
    // Reading goes on meanwhile.
    assert_eq!(api.get("/api/v1/organizations").await.status, 200);
    // The command line says what keeps it waiting instead of a bare "database is locked".
    let refused = setup
        .run(
            &["user", "add", "--name", "late", "--role", "viewer"],
            &wait,
        )
        .await;
    assert!(!refused.succeeded());
    let said = refused.stderr();
    assert!(said.contains("the database is busy"), "{said}");
    assert!(
        said.contains("Another process is writing to the same database"),
        "{said}"
    );
    assert!(!said.contains("database is locked"), "{said}");

    holder.execute("ROLLBACK").await.unwrap();
    let saved = api
        .send(
            reqwest::Method::POST,
            "/api/v1/organizations",
            Some(&organization),
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 201, "{}", saved.body);
    let added = setup
        .run(
            &["user", "add", "--name", "late", "--role", "viewer"],
            &wait,
        )
        .await;
    assert!(added.succeeded(), "{}", added.stderr());
    assert!(
        added.stdout().starts_with("Created late"),
        "{}",
        added.stdout()
    );
}

// ---------------------------------------------------------------------------------------------
// A server killed while it writes.
// ---------------------------------------------------------------------------------------------

/// An activity as it was sent, and its number once the server acknowledged it.
struct Sent {
    word: String,
    body: Value,
    id: Option<i64>,
}

/// A new activity of its own shape for the `n`th write: its kind, how many partners,
/// participants and agenda items, all new records created with it in one request.
fn visit(n: usize, word: &str) -> Value {
    let kinds = [
        "inbound_visit",
        "outbound_trip",
        "online_meeting",
        "signing_ceremony",
    ];
    let partners: Vec<Value> = (0..1 + n % 3)
        .map(|i| {
            json!({"key": format!("partner-{word}-{i}"), "kind": "university", "country": "VN",
                   "name_en": format!("Partner {i} of {word}")})
        })
        .collect();
    let roles = ["leader", "delegation_member", "interpreter"];
    let participants: Vec<Value> = (0..1 + (n + 1) % 3)
        .map(|i| json!({"person": {"name_en": format!("Member {i} of {word}")}, "role": roles[i]}))
        .collect();
    let agenda: Vec<Value> = (0..n % 4)
        .map(|i| {
            json!({"kind": "meeting", "title_en": format!("Session {i} of {word}"),
                   "points": (0..=i).map(|p| format!("point {p}")).collect::<Vec<_>>()})
        })
        .collect();
    json!({
        "kind": kinds[n % kinds.len()], "title_en": format!("Exchange {word}"),
        "start_date": "2025-09-15", "partners": partners, "participants": participants,
        "agenda": agenda
    })
}

/// Posts new activities one after the other until the server stops answering.
async fn writer(api: Api, load: Load) -> Vec<Sent> {
    let mut sent = Vec::new();
    loop {
        let n = load.words.fetch_add(1, Ordering::Relaxed);
        let word = word(n);
        let body = visit(n, &word);
        let answer = api
            .send(reqwest::Method::POST, "/api/v1/activities", Some(&body))
            .await;
        match answer {
            Ok(answer) if answer.status == 201 => {
                let id = answer.body["id"].as_i64();
                sent.push(Sent { word, body, id });
                load.acknowledge();
            }
            Ok(answer) => {
                load.fail(format!("{word}: {} {}", answer.status, answer.body));
                return sent;
            }
            // The server is gone; what was sent may or may not have been saved.
            Err(_) => {
                sent.push(Sent {
                    word,
                    body,
                    id: None,
                });
                return sent;
            }
        }
    }
}

/// Checks that an activity reads back exactly as it was sent, with everything sent along.
fn assert_whole(stored: &Value, sent: &Value, word: &str) {
    assert_eq!(stored["title_en"], sent["title_en"], "{word}");
    assert_eq!(stored["kind"], sent["kind"], "{word}");
    assert_eq!(
        names(&stored["partners"], "name"),
        names(&sent["partners"], "name_en"),
        "{word}"
    );
    let sent_participants: Vec<(String, String)> = sent["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["person"]["name_en"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(participants(stored), sent_participants, "{word}");
    let agenda = |activity: &Value| -> Vec<(Value, Value)> {
        activity["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| (item["title_en"].clone(), item["points"].clone()))
            .collect()
    };
    assert_eq!(agenda(stored), agenda(sent), "{word}");
}

async fn no_acknowledged_write_is_lost_when_the_server_is_killed(backend: Backend) {
    let setup = Setup::new(backend).await;
    let mut server = setup.serve(&[]).await;
    let load = Load::new();
    let mut writers = JoinSet::new();
    for _ in 0..4 {
        writers.spawn(writer(server.api(), load.clone()));
    }
    load.acknowledged(40).await;
    server.kill();
    let mut sent = Vec::new();
    while let Some(done) = writers.join_next().await {
        sent.extend(done.unwrap());
    }
    load.assert_none_failed();

    let server = setup.serve(&[]).await;
    let api = server.api();
    let mut stored = 0;
    for write in &sent {
        match write.id {
            Some(id) => {
                let activity = api.get(&format!("/api/v1/activities/{id}")).await;
                assert_eq!(activity.status, 200, "{}: {}", write.word, activity.body);
                assert_whole(&activity.body, &write.body, &write.word);
                assert_eq!(api.found(&write.word, "activity").await, [id]);
                stored += 1;
            }
            // A write cut short by the kill is saved whole or not at all.
            None => {
                for id in api.found(&write.word, "activity").await {
                    let activity = api.get(&format!("/api/v1/activities/{id}")).await;
                    assert_whole(&activity.body, &write.body, &write.word);
                    stored += 1;
                }
            }
        }
    }
    assert!(stored >= 40);
    let list = api.get("/api/v1/activities").await;
    assert_eq!(list.body["total"], stored, "no other activity appeared");

    // The database takes writes again at once.
    let again = api
        .send(
            reqwest::Method::POST,
            "/api/v1/activities",
            Some(&visit(1, "after")),
        )
        .await
        .unwrap();
    assert_eq!(again.status, 201, "{}", again.body);
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
        super::no_acknowledged_write_is_lost_when_the_server_is_killed(
            liaison_store::Backend::Sqlite,
        )
        .await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
        super::no_acknowledged_write_is_lost_when_the_server_is_killed(
            liaison_store::Backend::Postgres,
        )
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// Two approvers deciding the same step at once, each through their own server.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn two_approvers_deciding_at_once_on_two_servers_over_one_sqlite_file_one_wins() {
    two_approvers_at_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_approvers_deciding_at_once_on_two_servers_over_one_postgresql_database_one_wins() {
    two_approvers_at_once(Backend::Postgres).await;
}

/// A trip waits for one of the office's officers; two of them approve it at once, each through
/// another `liaison serve` process, from the version both read. One decision is saved and the
/// other is refused with a 409 saying the application changed, whichever comes first.
async fn two_approvers_at_once(backend: Backend) {
    let officers = [
        ("officer.a", UserRole::Officer),
        ("officer.b", UserRole::Officer),
    ];
    let (setup, tokens) = Setup::with_accounts(backend, &officers).await;
    let (first, second) = tokio::join!(setup.serve(&[]), setup.serve(&[]));
    let admin = first.api();
    let post = |api: &Api, path: String, body: Value| {
        let api = api.clone();
        async move {
            api.send(reqwest::Method::POST, &path, Some(&body))
                .await
                .unwrap_or_else(|e| panic!("POST {path}: {e}"))
        }
    };

    // The working-day calendar holds the years the trip's deadlines fall in.
    let today = liaison_web::clock::china_today();
    let held = admin.get("/api/v1/calendar-days/years").await.body;
    for year in [
        chrono::Datelike::year(&today),
        chrono::Datelike::year(&today) + 1,
    ] {
        if !held
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == json!(year))
        {
            let added = post(
                &admin,
                "/api/v1/calendar-days/years".to_owned(),
                json!({"year": year, "lines": format!("{year}-01-01 off 元旦")}),
            )
            .await;
            assert_eq!(added.status, 201, "{}", added.body);
        }
    }
    // One step: any one of the office's officers.
    let chain = admin
        .send(
            reqwest::Method::PUT,
            "/api/v1/approval-chains/trip",
            Some(&json!({"kind": "trip", "steps": [
                {"name": "Office review", "approver": {"rule": "role", "role": "officer"},
                 "quorum": {"mode": "any"}, "due_working_days": 3, "on_refusal": "end"}
            ]})),
        )
        .await
        .unwrap();
    assert_eq!(chain.status, 200, "{}", chain.body);
    let unit = post(
        &admin,
        "/api/v1/units".to_owned(),
        json!({"key": "marine", "name_en": "School of Marine Science"}),
    )
    .await;
    assert_eq!(unit.status, 201, "{}", unit.body);
    let mut people = Vec::new();
    for name in ["Li Na", "Chen Bo"] {
        let person = post(
            &admin,
            "/api/v1/people".to_owned(),
            json!({"name_en": name, "category": "internal", "unit": "marine"}),
        )
        .await;
        assert_eq!(person.status, 201, "{}", person.body);
        people.push(person.body["id"].clone());
    }
    let leave = today + chrono::Duration::days(40);
    let filed = post(
        &admin,
        "/api/v1/trips".to_owned(),
        json!({
            "unit": unit.body["id"],
            "title_en": "Conference on marine ecology in Vientiane",
            "trip_type": "conference",
            "destinations": [{"country": "LA", "city": "Vientiane", "arrive": leave,
                              "leave": leave + chrono::Duration::days(4)}],
            "members": [{"person_id": people[0], "leader": true, "position": "Professor"},
                        {"person_id": people[1], "position": "Lecturer"}],
            "funding": "university"
        }),
    )
    .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let id = filed.body["id"].as_i64().unwrap();
    let submitted = post(
        &admin,
        format!("/api/v1/trips/{id}/submit"),
        json!({"version": filed.body["version"]}),
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);

    // Both read the same version, and approve it at once, each on their own server.
    let read = json!({"version": submitted.body["version"]});
    let (a, b) = tokio::join!(
        post(
            &first.api_with(&tokens[0]),
            format!("/api/v1/trips/{id}/approve"),
            read.clone()
        ),
        post(
            &second.api_with(&tokens[1]),
            format!("/api/v1/trips/{id}/approve"),
            read.clone()
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let (winner, loser) = if a.status == 200 {
        ("officer.a", &b)
    } else {
        ("officer.b", &a)
    };
    assert_eq!(loser.body["error"], "conflict", "{}", loser.body);
    assert!(
        loser.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("changed by someone else"),
        "the refused approver is told why: {}",
        loser.body
    );

    // Each server reads the one decision that was saved.
    for server in [&first, &second] {
        let history = server
            .api()
            .get(&format!("/api/v1/trips/{id}/history"))
            .await;
        let decisions = history.body["decisions"].as_array().unwrap();
        assert_eq!(decisions.len(), 1, "{}", history.body);
        assert_eq!(decisions[0]["username"], winner);
        let trip = server.api().get(&format!("/api/v1/trips/{id}")).await;
        assert_eq!(trip.body["status"], "approved");
    }
}
