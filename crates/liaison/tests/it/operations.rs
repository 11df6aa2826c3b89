//! Running several processes: `/healthz` for load balancers, `/metrics` for Prometheus, and the
//! setting that says who may read the metrics.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::TestApp;
use liaison_core::UserRole;
use liaison_store::Backend;
use liaison_store::testing::TestDatabase;
use serde_json::json;

/// Starts the application on 127.0.0.1:0 over a new database, showing `/metrics` to `allow`.
async fn spawn_app_with_metrics(backend: Backend, allow: &[&str]) -> TestApp {
    let db = TestDatabase::new(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let settings = liaison_web::WebSettings {
        metrics: liaison_web::MetricsAccess::parse(allow).unwrap(),
        ..Default::default()
    };
    let (files_dir, files) = crate::common::test_files(None).await;
    let app = liaison_web::app(liaison_web::AppState {
        store: db.store.clone(),
        settings,
        files,
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        files_dir,
    }
}

/// An answer's status and text.
async fn fetch(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of one series in a Prometheus exposition, such as
/// `liaison_db_pool_max_connections{pool="write"}`; a series not shown yet is zero.
fn series(exposition: &str, name: &str) -> f64 {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

async fn scrape(app: &TestApp) -> String {
    let (status, text) = fetch(&app.client, &app.url("/metrics")).await;
    assert_eq!(status, 200, "{text}");
    text
}

async fn the_health_check_answers_while_the_database_does(backend: Backend) {
    let app = crate::common::spawn_app(backend).await;
    let anonymous = reqwest::Client::new();
    let (status, body) = fetch(&anonymous, &app.url("/healthz")).await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    app.db.store.close().await;
    let (status, body) = fetch(&anonymous, &app.url("/healthz")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, "the database does not answer\n");
}

async fn metrics_are_not_served_unless_allowed(backend: Backend) {
    let app = crate::common::spawn_app(backend).await;
    let (status, body) = fetch(&app.client, &app.url("/metrics")).await;
    assert_eq!(status, 404);
    assert!(!body.contains("liaison_http_requests"), "{body}");
}

async fn metrics_are_refused_to_an_address_not_allowed(backend: Backend) {
    let app = spawn_app_with_metrics(backend, &["10.0.0.0/8", "::1"]).await;
    let (status, body) = fetch(&app.client, &app.url("/metrics")).await;
    assert_eq!(status, 403);
    assert!(!body.contains("liaison_"), "{body}");
}

async fn metrics_count_requests_by_route_and_never_by_address(backend: Backend) {
    let app = spawn_app_with_metrics(backend, &["127.0.0.1"]).await;
    let one_unit =
        "liaison_http_requests_total{route=\"/api/v1/units/{id}\",method=\"GET\",status=\"4xx\"}";
    let healthy = "liaison_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"2xx\"}";
    let before = scrape(&app).await;
    for id in [7, 8, 9] {
        // Without a token: each is refused, and counted under its route as a 4xx.
        let (status, _) = fetch(&app.client, &app.url(&format!("/api/v1/units/{id}"))).await;
        assert_eq!(status, 401);
    }
    fetch(&app.client, &app.url("/healthz")).await;
    fetch(&app.client, &app.url("/healthz")).await;
    let after = scrape(&app).await;
    assert_eq!(series(&after, one_unit) - series(&before, one_unit), 3.0);
    assert_eq!(series(&after, healthy) - series(&before, healthy), 2.0);
    let latency = "liaison_http_request_duration_seconds_count{route=\"/api/v1/units/{id}\",method=\"GET\",status=\"4xx\"}";
    assert_eq!(series(&after, latency) - series(&before, latency), 3.0);
    assert!(!after.contains("/api/v1/units/7"), "{after}");
    let scrapes = "liaison_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"2xx\"}";
    assert_eq!(series(&after, scrapes), 1.0, "the first scrape is counted");
}

async fn metrics_show_the_pools_and_the_write_transactions(backend: Backend) {
    let app = spawn_app_with_metrics(backend, &["127.0.0.1"]).await;
    let officer = app.client_for("officer", UserRole::Officer, None).await;
    let before = scrape(&app).await;
    let begun = "liaison_db_write_transactions_total";
    let waited = "liaison_db_write_transaction_wait_seconds_total";
    let refused = "liaison_db_write_transactions_refused_total";
    let created = officer
        .post(app.url("/api/v1/units"))
        .json(&json!({"key": "law", "name_en": "School of Law"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let after = scrape(&app).await;
    assert!(series(&after, begun) > series(&before, begun), "{after}");
    assert!(series(&after, waited) > series(&before, waited), "{after}");
    assert_eq!(series(&after, refused), 0.0, "{after}");

    // An organization's words are indexed by the task that follows its change.
    let indexed = "liaison_search_documents_indexed_total";
    let created = officer
        .post(app.url("/api/v1/organizations"))
        .json(&json!({"kind": "trade_union", "country": "LA", "name_en": "Lao Federation of Trade Unions"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    app.db.store.index_settled().await;
    let settled = scrape(&app).await;
    assert_eq!(
        series(&settled, indexed) - series(&after, indexed),
        1.0,
        "{settled}"
    );

    let pools: &[(&str, f64)] = match backend {
        Backend::Sqlite => &[("read", 2.0), ("write", 1.0)],
        Backend::Postgres => &[("shared", 16.0)],
    };
    for (pool, most) in pools {
        let open = series(
            &after,
            &format!("liaison_db_pool_open_connections{{pool=\"{pool}\"}}"),
        );
        let idle = series(
            &after,
            &format!("liaison_db_pool_idle_connections{{pool=\"{pool}\"}}"),
        );
        let max = series(
            &after,
            &format!("liaison_db_pool_max_connections{{pool=\"{pool}\"}}"),
        );
        assert!(open >= 1.0 && idle <= open, "{pool}: {after}");
        if *pool == "read" {
            // Two readers for each processor, at least two.
            assert!(max >= *most, "{after}");
        } else {
            assert_eq!(max, *most, "{after}");
        }
    }
}

/// Runs each listed test once against SQLite and once against PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(liaison_store::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(liaison_store::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_backends!(
    the_health_check_answers_while_the_database_does,
    metrics_are_not_served_unless_allowed,
    metrics_are_refused_to_an_address_not_allowed,
    metrics_count_requests_by_route_and_never_by_address,
    metrics_show_the_pools_and_the_write_transactions,
);

/// `liaison serve` on a free port in `dir`, with `env` set and `args` added; killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Server {
        let mut child = serve_command(dir, env, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = lines
            .by_ref()
            .map(Result::unwrap)
            .find(|l| l.starts_with("Liaison is listening on"))
            .expect("the server says where it listens");
        // Keep reading what the server prints, so it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let address = line.trim().rsplit(' ').next().unwrap().to_owned();
        Server { child, address }
    }

    async fn metrics_status(&self) -> u16 {
        let url = format!("{}/metrics", self.address);
        reqwest::get(&url).await.unwrap().status().as_u16()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn serve_command(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .current_dir(dir)
        .env_remove("LIAISON_DATABASE")
        .env_remove("LIAISON_CONFIG")
        .env_remove("LIAISON_BIND")
        .env_remove("LIAISON_METRICS_ALLOW")
        .env("LIAISON_LOG", "warn")
        .envs(env.iter().copied());
    command
}

#[tokio::test]
async fn who_may_read_metrics_comes_from_the_file_then_the_environment_then_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        Server::start(dir.path(), &[], &[]).metrics_status().await,
        404
    );

    std::fs::write(
        dir.path().join("liaison.toml"),
        "[metrics]\nallow = [\"10.0.0.0/8\"]\n",
    )
    .unwrap();
    assert_eq!(
        Server::start(dir.path(), &[], &[]).metrics_status().await,
        403
    );

    let from_env = [("LIAISON_METRICS_ALLOW", "::1,127.0.0.1")];
    let server = Server::start(dir.path(), &from_env, &[]);
    assert_eq!(server.metrics_status().await, 200);
    drop(server);

    let elsewhere = [("LIAISON_METRICS_ALLOW", "127.0.0.1")];
    let flag = ["--metrics-allow", "192.0.2.0/24"];
    let server = Server::start(dir.path(), &elsewhere, &flag);
    assert_eq!(server.metrics_status().await, 403);
}

#[test]
fn a_malformed_address_to_allow_stops_liaison_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |env: &[(&str, &str)], args: &[&str]| {
        let output = serve_command(dir.path(), env, args).output().unwrap();
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let err = refused(&[("LIAISON_METRICS_ALLOW", "127.0.0.1,localhost")], &[]);
    assert!(
        err.contains("LIAISON_METRICS_ALLOW: 'localhost' is neither an IP address"),
        "{err}"
    );
    let err = refused(&[], &["--metrics-allow", "10.0.0.0/33"]);
    assert!(err.contains("'10.0.0.0/33' is neither"), "{err}");
    std::fs::write(
        dir.path().join("liaison.toml"),
        "[metrics]\nallow = [\"300.0.0.1\"]\n",
    )
    .unwrap();
    let err = refused(&[], &[]);
    assert!(err.contains("[metrics] allow: '300.0.0.1'"), "{err}");
    assert!(
        !dir.path().join("liaison.db").exists(),
        "nothing is created before the settings are read"
    );
}
