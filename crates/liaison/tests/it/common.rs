//! A real Liaison server on a free port with a fresh database, for each test.

use liaison_core::secrets::{new_token, token_hash};
use liaison_core::{Actor, UserInput, UserRole};
use liaison_store::Backend;
use liaison_store::testing::TestDatabase;
use serde_json::Value;

pub struct TestApp {
    pub address: String,
    /// A client signed in as an admin, through an API token.
    pub client: reqwest::Client,
    pub db: TestDatabase,
    /// The folder the files kept with records are written to, when not an object store.
    pub files_dir: tempfile::TempDir,
}

/// Starts the application on 127.0.0.1:0 over a new, migrated database of the given kind, its
/// files kept in a fresh folder.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with_files(backend, None).await
}

/// As [`spawn_app`], with the files kept at `location` when given.
pub async fn spawn_app_with_files(
    backend: Backend,
    location: Option<liaison_files::Location>,
) -> TestApp {
    spawn_app_with(backend, location, liaison_web::WebSettings::default()).await
}

/// As [`spawn_app`], under the given policy parameters (the university's own name…).
pub async fn spawn_app_with_policy(backend: Backend, policy: liaison_core::Policy) -> TestApp {
    let mut db = TestDatabase::new(backend).await;
    db.store = db.store.clone().with_policy(policy);
    spawn_app_on(db, None, liaison_web::WebSettings::default()).await
}

/// As [`spawn_app`], with the server's own settings, such as a clock set by the test.
pub async fn spawn_app_with(
    backend: Backend,
    location: Option<liaison_files::Location>,
    settings: liaison_web::WebSettings,
) -> TestApp {
    spawn_app_on(TestDatabase::new(backend).await, location, settings).await
}

async fn spawn_app_on(
    db: TestDatabase,
    location: Option<liaison_files::Location>,
    settings: liaison_web::WebSettings,
) -> TestApp {
    spawn_app_as(db, location, settings, "test-admin").await
}

/// As [`spawn_app`], over a database the test has filled already (by `liaison import`, say),
/// its client an admin named `admin`, a name the database does not hold yet.
pub async fn spawn_app_over(
    db: TestDatabase,
    location: Option<liaison_files::Location>,
    admin: &str,
) -> TestApp {
    spawn_app_as(db, location, liaison_web::WebSettings::default(), admin).await
}

async fn spawn_app_as(
    db: TestDatabase,
    location: Option<liaison_files::Location>,
    settings: liaison_web::WebSettings,
    admin: &str,
) -> TestApp {
    let (files_dir, files) = test_files(location).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let app = liaison_web::app(liaison_web::AppState {
        store: db.store.clone(),
        settings,
        files,
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut app = TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        files_dir,
    };
    app.client = app.client_for(admin, UserRole::Admin, None).await;
    app
}

/// The files of a test server: in a fresh folder unless a location is given, with small limits
/// (2 MiB a file, 5 MiB a record) so tests can pass them.
pub async fn test_files(
    location: Option<liaison_files::Location>,
) -> (tempfile::TempDir, liaison_web::Files) {
    let files_dir = tempfile::tempdir().unwrap();
    let location =
        location.unwrap_or_else(|| liaison_files::Location::Folder(files_dir.path().join("files")));
    let files = liaison_web::Files {
        store: liaison_files::FileStore::open(&location).await.unwrap(),
        limits: liaison_core::FileLimits {
            per_file: 2 * 1024 * 1024,
            per_record: 5 * 1024 * 1024,
        },
    };
    (files_dir, files)
}

impl TestApp {
    /// Creates an account with an API token and returns a client that sends it.
    pub async fn client_for(
        &self,
        username: &str,
        role: UserRole,
        unit: Option<i64>,
    ) -> reqwest::Client {
        let admin = Actor::command_line("test setup");
        let input = UserInput {
            version: None,
            username: username.to_owned(),
            display_name: username.to_owned(),
            role,
            unit,
            active: true,
        };
        self.db
            .store
            .create_user(&admin, input, "no password")
            .await
            .unwrap();
        let token = new_token();
        self.db
            .store
            .create_api_token(&admin, username, "tests", &token_hash(&token))
            .await
            .unwrap();
        bearer_client(&token)
    }
}

/// A client that sends `token` as its API token with every request.
pub fn bearer_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        read(response).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// Creates a record through the API at `path` (`/api/v1/activities`) and answers its
    /// number; anything but 201 fails the test, naming the path and the answer.
    pub async fn created(&self, path: &str, body: Value) -> i64 {
        let (status, record) = self.post(path, &body).await;
        assert_eq!(status, 201, "{path}: {record}");
        record["id"].as_i64().unwrap()
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn delete(&self, path: &str) -> u16 {
        let response = self.client.delete(self.url(path)).send().await.unwrap();
        response.status().as_u16()
    }

    /// Sends a body exactly as given, for malformed requests.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn load_demo(&self) {
        let demo = liaison_core::demo::seed_document().unwrap();
        let actor = Actor::command_line("test setup");
        self.db.store.import(&actor, &demo).await.unwrap();
    }

    /// The number of the record with `key` in the list `/api/v1/{list}`. Tests find demo records
    /// by their key, never by the order they happened to be saved in.
    pub async fn id_of(&self, list: &str, key: &str) -> i64 {
        let (status, body) = self.get(&format!("/api/v1/{list}?per_page=200")).await;
        assert_eq!(status, 200, "{list}: {body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|record| record["key"] == key)
            .and_then(|record| record["id"].as_i64())
            .unwrap_or_else(|| panic!("no record with the key {key} in {list}"))
    }
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body)
}

/// The fields named by a 422 answer.
pub fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no field errors in {body}"))
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs each listed test once against SQLite and once against PostgreSQL.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::common::spawn_app(liaison_store::Backend::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::common::spawn_app(liaison_store::Backend::Postgres).await).await;
                }
            )*
        }
    };
}

/// A browser-like client signed in to the pages, with its cookies and the CSRF token of its
/// session.
pub struct PageClient {
    pub client: reqwest::Client,
    pub csrf: String,
    base: String,
}

/// The value of `name="csrf"` in a page.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// Creates an account with `password` and signs in through the sign-in page.
    pub async fn sign_in(
        &self,
        username: &str,
        role: UserRole,
        unit: Option<i64>,
        lang: &str,
    ) -> PageClient {
        let admin = Actor::command_line("test setup");
        let input = UserInput {
            version: None,
            username: username.to_owned(),
            display_name: format!("{username} display"),
            role,
            unit,
            active: true,
        };
        let hash = liaison_core::secrets::hash_password("correct horse battery").unwrap();
        self.db
            .store
            .create_user(&admin, input, &hash)
            .await
            .unwrap();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers({
                let mut h = reqwest::header::HeaderMap::new();
                h.insert(reqwest::header::ACCEPT_LANGUAGE, lang.parse().unwrap());
                h
            })
            .build()
            .unwrap();
        let login = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let form = [
            ("csrf", csrf_of(&login)),
            ("username", username.to_owned()),
            ("password", "correct horse battery".to_owned()),
            ("next", "/".to_owned()),
        ];
        let signed = client
            .post(self.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 303, "signing in as {username}");
        let home = client
            .get(self.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        PageClient {
            client,
            csrf: csrf_of(&home),
            base: self.address.clone(),
        }
    }
}

impl PageClient {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts a form with this session's CSRF token added; answers the status, the page and where
    /// a redirect points.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        form.extend_from_slice(fields);
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        answer(response).await
    }
}

/// The status of a form's answer, the page, and where a redirect points.
pub async fn answer(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, response.text().await.unwrap(), location)
}

impl PageClient {
    /// Downloads a file: its status, content type and bytes.
    pub async fn download(&self, path: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        file_of(response).await
    }
}

/// A downloaded file: its status, content type and bytes.
async fn file_of(response: reqwest::Response) -> (u16, String, Vec<u8>) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// Every sheet of an xlsx workbook as rows of cells, read back the way Excel would.
pub fn read_workbook(bytes: &[u8]) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("an xlsx workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a readable sheet");
            let rows = range.rows().map(<[calamine::Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// The body of a docx document as its XML, and as the text of its paragraphs, one per line.
pub fn read_docx(bytes: &[u8]) -> (String, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a docx (zip) file");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml in the docx")
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    for paragraph in xml.split("</w:p>") {
        for piece in paragraph.split("<w:t").skip(1) {
            // Only text runs: `<w:t>` or `<w:t xml:space=…>`, not `<w:tbl>` or `<w:tcPr>`.
            if !piece.starts_with(['>', ' ']) {
                continue;
            }
            let Some(start) = piece.find('>') else {
                continue;
            };
            let body = &piece[start + 1..];
            let end = body.find("</w:t>").unwrap_or(body.len());
            text.push_str(
                &body[..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            );
        }
        text.push('\n');
    }
    (xml, text)
}
