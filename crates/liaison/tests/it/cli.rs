//! The `liaison` command itself: settings, migrate, demo, import, export and backup.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use liaison_store::Backend;
use liaison_store::testing::TestDatabase;

fn liaison(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liaison"))
        .args(args)
        .current_dir(dir)
        .env_remove("LIAISON_DATABASE")
        .env_remove("LIAISON_CONFIG")
        .env("LIAISON_LOG", "warn")
        .output()
        .expect("the liaison binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "liaison failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_malformed_or_unknown_database_url_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    for (url, said) in [
        (
            "mysql://localhost/liaison",
            "is not a database Liaison supports",
        ),
        ("liaison.db", "is not a database Liaison supports"),
        ("sqlite://", "names no database file"),
        ("sqlite://no-such-folder/liaison.db", "does not exist"),
        (
            "postgres://u:secret@host:port/db",
            "not a valid PostgreSQL URL",
        ),
    ] {
        let output = liaison(dir.path(), &["--database", url, "migrate"]);
        assert!(!output.status.success(), "{url}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains(said), "{url}: {err}");
        assert!(!err.contains("secret"), "{err}");
    }
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn settings_come_from_the_file_then_the_environment_then_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("liaison.toml"),
        "database = \"sqlite://from-file.db\"\n",
    )
    .unwrap();
    stdout(&liaison(dir.path(), &["migrate"]));
    assert!(dir.path().join("from-file.db").exists());
    let output = Command::new(env!("CARGO_BIN_EXE_liaison"))
        .arg("migrate")
        .current_dir(dir.path())
        .env("LIAISON_DATABASE", "sqlite://from-env.db")
        .output()
        .unwrap();
    stdout(&output);
    assert!(dir.path().join("from-env.db").exists());
    let output = Command::new(env!("CARGO_BIN_EXE_liaison"))
        .args(["--database", "sqlite://from-flag.db", "migrate"])
        .current_dir(dir.path())
        .env("LIAISON_DATABASE", "sqlite://from-env-2.db")
        .output()
        .unwrap();
    stdout(&output);
    assert!(dir.path().join("from-flag.db").exists());
    assert!(!dir.path().join("from-env-2.db").exists());

    std::fs::write(dir.path().join("liaison.toml"), "databse = \"typo\"\n").unwrap();
    let output = liaison(dir.path(), &["migrate"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("liaison.toml is not valid"));
}

#[test]
fn the_demo_and_an_import_can_be_repeated_without_creating_anything_twice() {
    let dir = tempfile::tempdir().unwrap();
    let first = stdout(&liaison(dir.path(), &["demo"]));
    assert!(first.contains("0 already present"), "{first}");
    let again = stdout(&liaison(dir.path(), &["demo"]));
    assert!(again.contains("Demo records: 0 created"), "{again}");

    stdout(&liaison(dir.path(), &["export", "--output", "all.json"]));
    let output = liaison(dir.path(), &["export", "--output", "all.json"]);
    assert!(
        !output.status.success(),
        "an export never overwrites a file"
    );

    let copy = ["--database", "sqlite://copy.db"];
    let imported = stdout(&liaison(
        dir.path(),
        &[&copy[..], &["import", "all.json"]].concat(),
    ));
    assert!(!imported.contains(": 0 created"), "{imported}");
    let twice = stdout(&liaison(
        dir.path(),
        &[&copy[..], &["import", "all.json"]].concat(),
    ));
    assert!(twice.contains(": 0 created"), "{twice}");
    let original = stdout(&liaison(dir.path(), &["export"]));
    let copied = stdout(&liaison(dir.path(), &[&copy[..], &["export"]].concat()));
    assert_eq!(original, copied);
}

#[test]
fn a_bad_import_file_saves_nothing_and_says_which_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"organizations": [{"kind": "university", "country": "GB", "name_en": "Good"},
                              {"kind": "university", "country": "GB", "founded_year": 3000, "name_en": "Bad"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.json"), "{").unwrap();
    let output = liaison(dir.path(), &["import", "bad.json"]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("organizations[1].founded_year"), "{err}");
    let output = liaison(dir.path(), &["import", "broken.json"]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("broken.json is not a Liaison document")
    );
    let exported: serde_json::Value =
        serde_json::from_str(&stdout(&liaison(dir.path(), &["export"]))).unwrap();
    assert_eq!(exported["organizations"], serde_json::json!([]));
}

#[test]
fn a_document_of_the_first_format_imports_and_one_of_a_later_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("first.json"),
        r#"{"liaison_format": 1, "roles": [], "units": [], "people": [], "activities": [],
            "gifts": [], "agreements": [],
            "organizations": [{"key": "org-tsu", "kind": "university", "country": "TH",
                               "name_en": "Thammasat University"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("later.json"), r#"{"liaison_format": 99}"#).unwrap();
    let imported = stdout(&liaison(dir.path(), &["import", "first.json"]));
    assert!(imported.contains("first.json: 1 created"), "{imported}");
    let output = liaison(dir.path(), &["import", "later.json"]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("later.json is in format 99"), "{err}");
    let exported: serde_json::Value =
        serde_json::from_str(&stdout(&liaison(dir.path(), &["export"]))).unwrap();
    assert_eq!(exported["liaison_format"], liaison_core::EXCHANGE_FORMAT);
}

#[test]
fn a_backup_of_the_live_database_holds_every_record() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    stdout(&liaison(dir.path(), &["backup", "copy.db"]));
    let output = liaison(dir.path(), &["backup", "copy.db"]);
    assert!(!output.status.success(), "a backup never overwrites a file");
    let original = stdout(&liaison(dir.path(), &["export"]));
    let restored = stdout(&liaison(
        dir.path(),
        &["--database", "sqlite://copy.db", "export"],
    ));
    assert_eq!(original, restored);
}

#[tokio::test]
async fn an_installation_moves_from_sqlite_to_postgresql_through_export() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    stdout(&liaison(dir.path(), &["export", "--output", "all.json"]));
    let target = TestDatabase::new(Backend::Postgres).await;
    let url = target.url.to_string();
    target.store.close().await;
    stdout(&liaison(
        dir.path(),
        &["--database", &url, "import", "all.json"],
    ));
    let from_sqlite = stdout(&liaison(dir.path(), &["export"]));
    let from_postgres = stdout(&liaison(dir.path(), &["--database", &url, "export"]));
    assert_eq!(from_sqlite, from_postgres);
}

#[test]
fn serve_with_demo_answers_on_the_address_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_liaison"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("LIAISON_DATABASE")
        .env("LIAISON_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("created the account 'admin' with the one-time password"),
        "{first}"
    );
    let printed = first.trim().rsplit(' ').next().unwrap().to_owned();
    let line = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.starts_with("Liaison is listening on"))
        .unwrap();
    // Keep reading what the server prints, so it never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let address = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(address.starts_with("http://127.0.0.1:"), "{line}");
    let token = stdout(&liaison(
        dir.path(),
        &["token", "create", "--user", "admin"],
    ));
    let (anonymous, body, signed_in) = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let url = format!("{address}/api/v1/activities");
            let anonymous = reqwest::get(&url).await.unwrap().status().as_u16();
            let body = reqwest::Client::new()
                .get(&url)
                .bearer_auth(token.trim())
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap();
            let mut signed_in = Vec::new();
            for _ in 0..2 {
                let browser = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                let login = browser
                    .get(format!("{address}/login"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let response = browser
                    .post(format!("{address}/login"))
                    .form(&[
                        ("csrf", crate::common::csrf_of(&login).as_str()),
                        ("username", "admin"),
                        ("password", printed.as_str()),
                        ("next", "/"),
                    ])
                    .send()
                    .await
                    .unwrap();
                signed_in.push(response.status().as_u16());
            }
            (anonymous, body, signed_in)
        })
    })
    .join()
    .unwrap();
    child.kill().ok();
    child.wait().ok();
    assert_eq!(anonymous, 401);
    assert_eq!(body["total"], 2);
    assert_eq!(
        signed_in,
        [303, 401],
        "the printed password signs in once, never again"
    );
}

#[test]
fn accounts_and_tokens_are_made_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    let created = stdout(&liaison(
        dir.path(),
        &[
            "user",
            "add",
            "--name",
            "ji.wenwen",
            "--role",
            "liaison",
            "--unit",
            "unit-labor-relations-hr",
        ],
    ));
    assert!(
        created.starts_with("Created ji.wenwen (liaison) with the one-time password: "),
        "{created}"
    );
    let output = liaison(
        dir.path(),
        &["user", "add", "--name", "x", "--role", "liaison"],
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("a liaison officer belongs to a unit")
    );
    let output = liaison(
        dir.path(),
        &["user", "add", "--name", "x", "--role", "king"],
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("'king' is not a role"));
    let reset = stdout(&liaison(
        dir.path(),
        &["user", "reset-password", "--name", "ji.wenwen"],
    ));
    assert!(
        reset.starts_with("New one-time password for ji.wenwen: "),
        "{reset}"
    );
    let token = stdout(&liaison(
        dir.path(),
        &["token", "create", "--user", "ji.wenwen"],
    ));
    assert_eq!(token.trim().len(), 64);
    let output = liaison(dir.path(), &["token", "create", "--user", "nobody"]);
    assert!(!output.status.success());

    let weekly = liaison(
        dir.path(),
        &[
            "token",
            "create",
            "--user",
            "ji.wenwen",
            "--label",
            "weekly",
            "--days",
            "7",
        ],
    );
    let said = String::from_utf8_lossy(&weekly.stderr).into_owned();
    assert!(said.contains("It is number 2 and expires on "), "{said}");
    let output = liaison(
        dir.path(),
        &["token", "create", "--user", "ji.wenwen", "--days", "0"],
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("a token lasts from 1 to 366 days"));
    let listed = stdout(&liaison(
        dir.path(),
        &["token", "list", "--user", "ji.wenwen"],
    ));
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(
        (rows[0][0], rows[0][2], rows[0][6]),
        ("2", "weekly", "active")
    );
    assert_eq!(
        (rows[1][0], rows[1][2], rows[1][5]),
        ("1", "script", "never")
    );
    let revoked = stdout(&liaison(dir.path(), &["token", "revoke", "2"]));
    assert_eq!(revoked.trim(), "Token 2 is revoked.");
    let listed = stdout(&liaison(dir.path(), &["token", "list"]));
    assert!(listed.contains("\tweekly\t"), "{listed}");
    assert!(
        listed.lines().nth(1).unwrap().ends_with("\trevoked"),
        "{listed}"
    );

    // A password reset ends every token of the account.
    stdout(&liaison(
        dir.path(),
        &["user", "reset-password", "--name", "ji.wenwen"],
    ));
    let listed = stdout(&liaison(
        dir.path(),
        &["token", "list", "--user", "ji.wenwen"],
    ));
    assert!(
        listed.lines().skip(1).all(|l| l.ends_with("\trevoked")),
        "{listed}"
    );
}

/// Keeps `bytes` with the activity `key` of the SQLite database in `dir`, as an upload would, in
/// the folder the command uses by default (`liaison.db.files`).
async fn keep_file(dir: &Path, key: &str, name: &str, bytes: &[u8]) -> String {
    let url = liaison_store::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.join("liaison.db").display()
    ))
    .unwrap();
    let store = liaison_store::Store::open(&url).await.unwrap();
    let files =
        liaison_files::FileStore::open(&liaison_files::Location::beside(&dir.join("liaison.db")))
            .await
            .unwrap();
    let hash = files.put(bytes).await.unwrap();
    let actor = liaison_core::Actor::command_line("test setup");
    let activity = store
        .list::<liaison_core::Activity>(
            &Default::default(),
            &liaison_core::PageRequest::parse(
                None,
                Some(200),
                None,
                liaison_core::ACTIVITY_SORTS,
                false,
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|a| a.key.as_deref() == Some(key))
        .unwrap();
    store
        .add_file::<liaison_core::Activity>(
            &actor,
            activity.id,
            liaison_core::NewFile {
                content_hash: hash.to_string(),
                name: liaison_core::FileName::clean(name, "pdf"),
                media_type: "application/pdf".to_owned(),
                size: bytes.len() as i64,
                caption: String::new(),
            },
            &liaison_core::FileLimits::default(),
        )
        .await
        .unwrap();
    store.close().await;
    hash.to_string()
}

#[tokio::test]
async fn a_backup_holds_the_files_and_a_database_restored_from_it_finds_them() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    let letter = b"%PDF-1.4 the invitation letter".to_vec();
    let hash = keep_file(
        dir.path(),
        "activity-2023-lftu-visit",
        "invitation.pdf",
        &letter,
    )
    .await;
    let said = stdout(&liaison(dir.path(), &["backup", "copy.db"]));
    assert!(said.contains("1 files copied"), "{said}");
    let copied = dir
        .path()
        .join("copy.db.files/files")
        .join(&hash[..2])
        .join(&hash);
    assert_eq!(std::fs::read(copied).unwrap(), letter);
    // The backup is a database of its own: used in place of the original, it finds every file.
    std::fs::remove_dir_all(dir.path().join("liaison.db.files")).unwrap();
    let checked = stdout(&liaison(
        dir.path(),
        &["--database", "sqlite://copy.db", "files", "check"],
    ));
    assert!(checked.contains("0 unreferenced, 0 missing"), "{checked}");
}

#[tokio::test]
async fn files_check_lists_files_no_record_refers_to_and_files_the_store_lacks() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    let kept = keep_file(
        dir.path(),
        "activity-2023-lftu-visit",
        "kept.pdf",
        b"%PDF-1.4 kept",
    )
    .await;
    let lost = keep_file(
        dir.path(),
        "activity-2023-lftu-visit",
        "lost.pdf",
        b"%PDF-1.4 lost",
    )
    .await;
    let clean = stdout(&liaison(dir.path(), &["files", "check"]));
    assert!(
        clean.contains("2 files kept, 2 referred to; 0 unreferenced, 0 missing"),
        "{clean}"
    );
    let folder = dir.path().join("liaison.db.files/files");
    std::fs::remove_file(folder.join(&lost[..2]).join(&lost)).unwrap();
    let stray = liaison_files::ContentHash::of(b"stray bytes").to_string();
    std::fs::create_dir_all(folder.join(&stray[..2])).unwrap();
    std::fs::write(folder.join(&stray[..2]).join(&stray), b"stray bytes").unwrap();
    let output = liaison(dir.path(), &["files", "check"]);
    assert!(!output.status.success(), "a missing file is an error");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains(&format!("unreferenced {stray}")), "{said}");
    assert!(said.contains(&format!("missing {lost}")), "{said}");
    assert!(said.contains("lost.pdf"), "{said}");
    assert!(!said.contains(&format!("missing {kept}")), "{said}");
}

#[tokio::test]
async fn an_export_carries_the_files_in_a_folder_beside_it_into_another_database() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&liaison(dir.path(), &["demo"]));
    let letter = b"%PDF-1.4 the signed agreement".to_vec();
    let hash = keep_file(
        dir.path(),
        "activity-2023-lftu-visit",
        "signed.pdf",
        &letter,
    )
    .await;
    stdout(&liaison(dir.path(), &["export", "--output", "all.json"]));
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("all.json")).unwrap())
            .unwrap();
    assert_eq!(document["files"][0]["key"], "activity-2023-lftu-visit");
    assert_eq!(document["files"][0]["content_hash"], hash);
    let target = TestDatabase::new(Backend::Postgres).await;
    let url = target.url.to_string();
    target.store.close().await;
    let elsewhere = dir.path().join("elsewhere");
    let import = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_liaison"))
            .args(["--database", &url, "import", "all.json"])
            .current_dir(dir)
            .env_remove("LIAISON_CONFIG")
            .env("LIAISON_FILES", elsewhere.to_str().unwrap())
            .env("LIAISON_LOG", "warn")
            .output()
            .unwrap()
    };
    let said = stdout(&import(dir.path()));
    assert!(said.contains("1 files kept with their records"), "{said}");
    let again = stdout(&import(dir.path()));
    assert!(again.contains("0 files kept with their records"), "{again}");
    let copied = elsewhere.join("files").join(&hash[..2]).join(&hash);
    assert_eq!(std::fs::read(copied).unwrap(), letter);
}
