//! Running several processes: `/healthz` for load balancers.

mod common;

use liaison_store::Backend;

/// An answer's status and text.
async fn fetch(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn the_health_check_answers_while_the_database_does(backend: Backend) {
    let app = common::spawn_app(backend).await;
    let anonymous = reqwest::Client::new();
    let (status, body) = fetch(&anonymous, &app.url("/healthz")).await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    app.db.store.close().await;
    let (status, body) = fetch(&anonymous, &app.url("/healthz")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, "the database does not answer\n");
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

on_both_backends!(the_health_check_answers_while_the_database_does);
