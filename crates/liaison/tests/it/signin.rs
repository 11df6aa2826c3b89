//! Signing in when attacked and behind a reverse proxy, one-time passwords, API tokens on the
//! account page, and the headers every answer carries.

use std::sync::Arc;

use liaison_core::secrets::hash_password;
use liaison_core::{Actor, UserInput, UserRole};
use liaison_store::testing::TestDatabase;
use liaison_store::{Backend, Store};

use crate::common::{TestApp, answer, bearer_client, csrf_of};

on_both_databases!(
    every_answer_forbids_scripts_and_signed_in_answers_are_kept_nowhere,
    api_tokens_are_made_listed_and_revoked_on_the_account_page,
    a_printed_password_signs_in_once_and_asks_for_a_new_one,
);

/// Runs each listed test, which takes the kind of database, once on each.
macro_rules! with_each_backend {
    ($($name:ident),* $(,)?) => {
        mod each_backend {
            $(
                mod $name {
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn sqlite() {
                        super::super::$name(liaison_store::Backend::Sqlite).await;
                    }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn postgres() {
                        super::super::$name(liaison_store::Backend::Postgres).await;
                    }
                }
            )*
        }
    };
}

with_each_backend!(
    thirty_wrong_passwords_at_once_on_two_servers_get_no_more_than_five_tries,
    failures_from_one_address_leave_the_account_open_from_every_other,
);

const PASSWORD: &str = "correct horse battery";

/// Serves `store` on a free port with `settings`; answers its address.
async fn serve(store: Store, settings: liaison_web::WebSettings) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (files_dir, files) = crate::common::test_files(None).await;
    let app = liaison_web::app(liaison_web::AppState {
        store,
        settings,
        files,
    });
    tokio::spawn(async move {
        // The files' folder lives as long as the server.
        let _files_dir = files_dir;
        axum::serve(listener, app).await
    });
    address
}

/// A second server on the same database, as another process would be: its own pools.
async fn another_server(db: &TestDatabase, settings: liaison_web::WebSettings) -> String {
    let store = Store::open(&db.url).await.unwrap();
    serve(store, settings).await
}

/// Behind a reverse proxy on this machine, which names the client in `X-Forwarded-For`.
fn behind_a_proxy() -> liaison_web::WebSettings {
    liaison_web::WebSettings {
        proxies: liaison_web::TrustedProxies::parse(&["127.0.0.1"], None).unwrap(),
        ..Default::default()
    }
}

async fn account(db: &TestDatabase, username: &str, role: UserRole) {
    let input = UserInput {
        version: None,
        username: username.to_owned(),
        display_name: username.to_owned(),
        role,
        unit: None,
        active: true,
    };
    let hash = hash_password(PASSWORD).unwrap();
    db.store
        .create_user(&Actor::command_line("test setup"), input, &hash)
        .await
        .unwrap();
}

/// A browser on the sign-in page of `base`, with its form's token, seen as coming from
/// `forwarded_for` when a proxy says so.
struct SignInForm {
    client: reqwest::Client,
    base: String,
    csrf: String,
    forwarded_for: Option<String>,
}

impl SignInForm {
    async fn open(base: &str, forwarded_for: Option<&str>) -> SignInForm {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(
                [(reqwest::header::ACCEPT_LANGUAGE, "en".parse().unwrap())]
                    .into_iter()
                    .collect(),
            )
            .build()
            .unwrap();
        let page = client
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        SignInForm {
            client,
            base: base.to_owned(),
            csrf: csrf_of(&page),
            forwarded_for: forwarded_for.map(str::to_owned),
        }
    }

    /// Sends the form; answers the status, the page and where a redirect points.
    async fn send(&self, username: &str, password: &str) -> (u16, String, String) {
        let mut request = self.client.post(format!("{}/login", self.base)).form(&[
            ("csrf", self.csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", "/"),
        ]);
        if let Some(address) = &self.forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        answer(request.send().await.unwrap()).await
    }
}

async fn sign_in(base: &str, forwarded_for: Option<&str>, username: &str, password: &str) -> u16 {
    let form = SignInForm::open(base, forwarded_for).await;
    form.send(username, password).await.0
}

async fn thirty_wrong_passwords_at_once_on_two_servers_get_no_more_than_five_tries(
    backend: Backend,
) {
    let app = crate::common::spawn_app(backend).await;
    account(&app.db, "wu", UserRole::Leader).await;
    let other = another_server(&app.db, Default::default()).await;
    let at_once = 30;
    let barrier = Arc::new(tokio::sync::Barrier::new(at_once));
    let mut tries = Vec::new();
    for n in 0..at_once {
        let base = if n % 2 == 0 {
            app.address.clone()
        } else {
            other.clone()
        };
        let barrier = barrier.clone();
        tries.push(tokio::spawn(async move {
            let form = SignInForm::open(&base, None).await;
            barrier.wait().await;
            form.send("wu", "a wrong guess").await.0
        }));
    }
    let mut statuses = Vec::new();
    for attempt in tries {
        statuses.push(attempt.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, refused),
        (5, 25),
        "five passwords checked, the rest refused: {statuses:?}"
    );
}

async fn failures_from_one_address_leave_the_account_open_from_every_other(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    account(&db, "wu", UserRole::Admin).await;
    let proxied = serve(db.store.clone(), behind_a_proxy()).await;
    let guesser = Some("198.51.100.1");
    for _ in 0..5 {
        assert_eq!(sign_in(&proxied, guesser, "wu", "a wrong guess").await, 401);
    }
    assert_eq!(
        sign_in(&proxied, guesser, "wu", PASSWORD).await,
        429,
        "the address that failed five times waits, even with the right password"
    );
    assert_eq!(
        sign_in(&proxied, Some("198.51.100.2"), "wu", PASSWORD).await,
        303,
        "the right password from another address gets in"
    );

    // Twenty failures from one address, each for another account, do not lock that address
    // out of an account it has not failed for.
    let shared = Some("198.51.100.3");
    for n in 0..20 {
        let status = sign_in(&proxied, shared, &format!("nobody-{n}"), "guess").await;
        assert_eq!(status, 401);
    }
    assert_eq!(sign_in(&proxied, shared, "wu", PASSWORD).await, 303);

    // Without a trusted proxy the header is nobody's word: every attempt below comes from the
    // connection's own address, whatever it claims.
    account(&db, "lin", UserRole::Viewer).await;
    let direct = another_server(&db, Default::default()).await;
    for n in 0..5 {
        let claimed = format!("203.0.113.{n}");
        let status = sign_in(&direct, Some(&claimed), "lin", "a wrong guess").await;
        assert_eq!(status, 401);
    }
    assert_eq!(
        sign_in(&direct, Some("203.0.113.99"), "lin", PASSWORD).await,
        429
    );
    let audit = db
        .store
        .list_audit(
            &Actor::command_line("test"),
            &Default::default(),
            &liaison_core::PageRequest::parse(Some(1), Some(200), None, &["at"], true).unwrap(),
        )
        .await
        .unwrap();
    let addresses: Vec<(String, String)> = audit
        .items
        .iter()
        .filter(|e| e.action == "login")
        .map(|e| (e.username.clone(), e.address.clone().unwrap_or_default()))
        .collect();
    assert!(
        addresses.contains(&("wu".to_owned(), "198.51.100.2".to_owned())),
        "the audit log names the address the proxy gave: {addresses:?}"
    );
}

async fn every_answer_forbids_scripts_and_signed_in_answers_are_kept_nowhere(app: TestApp) {
    let page = app.sign_in("zhou", UserRole::Officer, None, "en").await;
    let anonymous = reqwest::Client::new();
    let login = anonymous.get(app.url("/login")).send().await.unwrap();
    let api = app
        .client
        .get(app.url("/api/v1/activities"))
        .send()
        .await
        .unwrap();
    let signed_in = page.client.get(app.url("/")).send().await.unwrap();
    for response in [&login, &api, &signed_in] {
        let headers = response.headers();
        let policy = headers["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'none'",
            "script-src 'self';",
            "connect-src 'self';",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(part), "{policy}");
        }
        // Scripts come from Liaison's own files only: none written into a page runs.
        for loophole in [
            "unsafe-inline",
            "unsafe-eval",
            "data:",
            "*",
            "nonce-",
            "sha256-",
        ] {
            assert!(!policy.contains(loophole), "{policy} allows {loophole}");
        }
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    for response in [&api, &signed_in] {
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "{}",
            response.url()
        );
    }

    // The policy lets no inline style or script through, so the pages hold none: the one
    // script is Liaison's own file, named with its version, and its text is in no page.
    for path in [
        "/",
        "/activities",
        "/activities/new",
        "/working-days",
        "/review",
        "/account",
        "/calendars",
    ] {
        let (status, html) = page.get(path).await;
        assert_eq!(status, 200, "{path}");
        for inline in ["<style", " style=", "javascript:"] {
            assert!(!html.contains(inline), "{path} holds {inline}");
        }
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains("src=\"/static/form.js?v=")
                    && script.starts_with(&format!("{tag}></script>")),
                "{path} holds an inline script: <script{tag}>"
            );
        }
    }
    let (status, html) = page.get("/activities/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("src=\"/static/form.js?v="),
        "the form loads its script"
    );
    let script = page
        .client
        .get(app.url("/static/form.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );

    // A change through the API with the session cookie needs the session's token; a bearer
    // token needs none.
    let refused = page
        .client
        .post(app.url("/api/v1/units"))
        .json(&serde_json::json!({"name_en": "School of Law"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let with_token = page
        .client
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &page.csrf)
        .json(&serde_json::json!({"name_en": "School of Law"}))
        .send()
        .await
        .unwrap();
    assert_ne!(with_token.status(), 403);
}

/// The number in the first `/account/tokens/N/revoke` of a page.
fn first_revoke_number(html: &str) -> String {
    html.split("/account/tokens/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

async fn api_tokens_are_made_listed_and_revoked_on_the_account_page(app: TestApp) {
    let page = app.sign_in("qiao", UserRole::Officer, None, "en").await;
    let (status, html) = page.get("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("You have no API tokens yet."));
    assert!(html.contains("<option value=\"90\" selected>90 days</option>"));

    let (status, html, _) = page
        .post(
            "/account/tokens",
            &[("name", "nightly export"), ("days", "7")],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    let token = html
        .split("id=\"new-token\"")
        .next()
        .and_then(|before| before.rsplit("value=\"").next())
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64, "{token}");
    let script = bearer_client(&token);
    let used = script
        .get(app.url("/api/v1/activities"))
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 200);

    // The use is written in the background: the page shows it once it is.
    let html = loop {
        let (_, html) = page.get("/account").await;
        if !html.contains("Never") {
            break html;
        }
        tokio::task::yield_now().await;
    };
    assert!(html.contains("nightly export"));
    assert!(html.contains("Active"));
    assert!(!html.contains(&token), "a token is shown only once");

    let (status, html, _) = page
        .post("/account/tokens", &[("name", "forever"), ("days", "3650")])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("A token lasts from 1 to 366 days."));

    let number = first_revoke_number(&html);
    let revoke = format!("/account/tokens/{number}/revoke");
    let stranger = app.sign_in("lin", UserRole::Officer, None, "en").await;
    let (status, _, _) = stranger.post(&revoke, &[]).await;
    assert_eq!(status, 403, "only the owner or an admin revokes a token");
    let (status, _, location) = page.post(&revoke, &[]).await;
    assert_eq!((status, location.as_str()), (303, "/account"));
    let refused = script
        .get(app.url("/api/v1/activities"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let (_, html) = page.get("/account").await;
    assert!(html.contains("Revoked"));
}

async fn a_printed_password_signs_in_once_and_asks_for_a_new_one(app: TestApp) {
    let input = UserInput {
        version: None,
        username: "admin".to_owned(),
        display_name: "Administrator".to_owned(),
        role: UserRole::Admin,
        unit: None,
        active: true,
    };
    let printed = "printed-one-time-password";
    app.db
        .store
        .create_user_with_one_time_password(
            &Actor::command_line("first start"),
            input,
            &hash_password(printed).unwrap(),
        )
        .await
        .unwrap();
    let browser = SignInForm::open(&app.address, None).await;
    let (status, _, location) = browser.send("admin", printed).await;
    assert_eq!((status, location.as_str()), (303, "/account/password"));
    let get = |path: &str| browser.client.get(format!("{}{path}", app.address)).send();
    let home = get("/").await.unwrap();
    assert_eq!(
        (
            home.status().as_u16(),
            home.headers()["location"].to_str().unwrap()
        ),
        (303, "/account/password"),
        "every page waits for the new password"
    );
    assert_eq!(get("/api/v1/activities").await.unwrap().status(), 403);
    let form = get("/account/password")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("good for this one sign-in"), "{form}");
    assert!(!form.contains("name=\"current\""));

    assert_eq!(
        sign_in(&app.address, None, "admin", printed).await,
        401,
        "the printed password is used up"
    );

    let csrf = csrf_of(&form);
    let mismatch = browser
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("new", "the office's own password"),
            ("repeat", "another password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(mismatch.status(), 422);
    let short = browser
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("new", "short"),
            ("repeat", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("Use at least 10 characters.")
    );
    let (status, _, location) = answer(
        browser
            .client
            .post(app.url("/account/password"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("new", "the office's own password"),
                ("repeat", "the office's own password"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, location.as_str()), (303, "/account"));
    assert_eq!(get("/").await.unwrap().status(), 200);
    assert_eq!(
        sign_in(&app.address, None, "admin", "the office's own password").await,
        303
    );

    // Changing it again asks for the current password.
    let form = get("/account/password")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("name=\"current\""));
    let wrong = browser
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", "not it"),
            ("new", "a third password"),
            ("repeat", "a third password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The current password is wrong.")
    );
}
