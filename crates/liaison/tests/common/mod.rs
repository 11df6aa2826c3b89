//! A real Liaison server on a free port with a fresh database, for each test.

#![allow(dead_code)] // Each test file uses its own part of these helpers.

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
}

/// Starts the application on 127.0.0.1:0 over a new, migrated database of the given kind.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let db = TestDatabase::new(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let app = liaison_web::app(liaison_web::AppState {
        store: db.store.clone(),
        settings: liaison_web::WebSettings::default(),
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut app = TestApp {
        address,
        client: reqwest::Client::new(),
        db,
    };
    app.client = app.client_for("test-admin", UserRole::Admin, None).await;
    app
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
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::common::spawn_app(liaison_store::Backend::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::common::spawn_app(liaison_store::Backend::Postgres).await).await;
                }
            )*
        }
    };
}
