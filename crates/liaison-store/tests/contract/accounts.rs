//! Accounts on both databases: sign-in attempts counted one after the other however many come
//! at once, sessions ended by idleness and nothing else, API tokens that expire and end, and
//! one-time passwords.

use std::sync::Arc;

use chrono::{Duration, Utc};
use liaison_core::{Actor, Error as DomainError, User, UserInput};
use liaison_store::{Error, LoginAttempt, SESSION_LAST_USE_MARGIN, Store};
use serde_json::json;

contract!(
    sign_in_attempts_sent_at_once_get_no_more_than_the_limit,
    a_session_in_use_is_not_ended_before_its_idle_limit,
    api_tokens_expire_record_their_last_use_and_are_revoked_by_their_owner,
    a_password_reset_or_a_disabled_account_ends_every_session_token_and_feed,
    a_one_time_password_opens_one_session_only,
);

fn admin() -> Actor {
    Actor::command_line("accounts test")
}

async fn user(store: &Store, username: &str, role: &str) -> User {
    let input: UserInput = serde_json::from_value(
        json!({"username": username, "display_name": username, "role": role}),
    )
    .unwrap();
    store
        .create_user(&admin(), input, "$argon2id$stored-hash")
        .await
        .unwrap()
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::Domain(DomainError::Forbidden(_))))
}

fn invalid_field<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<String> {
    match result {
        Err(Error::Domain(DomainError::Invalid(errors))) => {
            errors.0.into_iter().map(|e| e.field).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn sign_in_attempts_sent_at_once_get_no_more_than_the_limit(store: Store) {
    let since = Utc::now() - Duration::minutes(15);
    let at_once = 30;
    let barrier = Arc::new(tokio::sync::Barrier::new(at_once));
    let mut attempts = Vec::new();
    for _ in 0..at_once {
        let (store, barrier) = (store.clone(), barrier.clone());
        attempts.push(tokio::spawn(async move {
            barrier.wait().await;
            store
                .begin_login_attempt("admin", "192.0.2.7", since, 5)
                .await
                .unwrap()
        }));
    }
    let mut admitted = Vec::new();
    for attempt in attempts {
        if let LoginAttempt::Admitted { for_account, .. } = attempt.await.unwrap() {
            admitted.push(for_account);
        }
    }
    admitted.sort_unstable();
    assert_eq!(
        admitted,
        [0, 1, 2, 3, 4],
        "each attempt let through counted those before it"
    );
    // The same account from another address is let through, counting the failures it follows.
    let elsewhere = store
        .begin_login_attempt("Admin", "198.51.100.1", since, 5)
        .await
        .unwrap();
    assert!(
        matches!(
            elsewhere,
            LoginAttempt::Admitted {
                for_account: 5,
                from_address: 0,
                ..
            }
        ),
        "{elsewhere:?}"
    );
}

async fn a_session_in_use_is_not_ended_before_its_idle_limit(store: Store) {
    let user = user(&store, "qiao.jian", "officer").await;
    store
        .create_session(&user.actor(None), "session-hash", "csrf")
        .await
        .unwrap();
    let opened = Utc::now();
    let idle = Duration::minutes(5);
    let used = opened + Duration::seconds(50);
    assert!(
        store
            .session_at("session-hash", idle, used)
            .await
            .unwrap()
            .is_some()
    );
    // Four minutes and fifty seconds after that use, the session has been idle for less than
    // its limit, however long ago it was opened or last written.
    let again = used + Duration::minutes(4) + Duration::seconds(50);
    assert!(
        store
            .session_at("session-hash", idle, again)
            .await
            .unwrap()
            .is_some(),
        "a session used within its idle limit goes on"
    );
    let too_late = again + idle + SESSION_LAST_USE_MARGIN + Duration::seconds(1);
    assert!(
        store
            .session_at("session-hash", idle, too_late)
            .await
            .unwrap()
            .is_none(),
        "a session idle past its limit and the margin ends"
    );
    assert!(
        store
            .session_at("session-hash", idle, again)
            .await
            .unwrap()
            .is_none(),
        "and stays ended"
    );
}

async fn api_tokens_expire_record_their_last_use_and_are_revoked_by_their_owner(store: Store) {
    let owner = user(&store, "qiao.jian", "officer").await.actor(None);
    let other = user(&store, "lin", "viewer").await.actor(None);
    let week = store
        .create_api_token_lasting(&owner, "qiao.jian", "nightly export", "hash-week", Some(7))
        .await
        .unwrap();
    assert_eq!((week.expires_at - week.created_at).num_days(), 7);
    let default = store
        .create_api_token(&admin(), "qiao.jian", "made by the admin", "hash-default")
        .await
        .unwrap();
    assert_eq!((default.expires_at - default.created_at).num_days(), 90);
    for days in [0, 367] {
        let made = store
            .create_api_token_lasting(&owner, "qiao.jian", "x", "hash-x", Some(days))
            .await;
        assert_eq!(invalid_field(made), ["days"]);
    }
    assert!(forbidden(
        store
            .create_api_token_lasting(&other, "qiao.jian", "theirs", "hash-y", None)
            .await
    ));

    let now = Utc::now();
    let found = store.api_token_user_at("hash-week", now).await.unwrap();
    assert_eq!(found.map(|u| u.username).as_deref(), Some("qiao.jian"));
    assert!(
        store
            .api_token_user_at("hash-week", week.expires_at + Duration::seconds(1))
            .await
            .unwrap()
            .is_none(),
        "an expired token opens nothing"
    );
    // The use is written in the background: wait for it.
    let listed = loop {
        let listed = store.api_tokens(&owner, Some("qiao.jian")).await.unwrap();
        if listed[1].last_used_at.is_some() {
            break listed;
        }
        tokio::task::yield_now().await;
    };
    let names: Vec<&str> = listed.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["made by the admin", "nightly export"]);
    assert!(listed[1].last_used_at.unwrap() >= now - Duration::seconds(1));
    assert!(listed[0].last_used_at.is_none());
    assert!(forbidden(store.api_tokens(&other, Some("qiao.jian")).await));
    assert_eq!(store.api_tokens(&admin(), None).await.unwrap().len(), 2);

    assert!(forbidden(store.revoke_api_token(&other, week.id).await));
    store.revoke_api_token(&owner, week.id).await.unwrap();
    assert!(store.api_token_user("hash-week").await.unwrap().is_none());
    let listed = store.api_tokens(&owner, Some("qiao.jian")).await.unwrap();
    assert_eq!(listed[1].state(), "revoked");
    assert_eq!(listed[0].state(), "active");
}

async fn a_password_reset_or_a_disabled_account_ends_every_session_token_and_feed(store: Store) {
    let user = user(&store, "qiao.jian", "officer").await;
    let actor = user.actor(None);
    let credentials = |n: u32| {
        let (store, actor) = (store.clone(), actor.clone());
        async move {
            store
                .create_session(&actor, &format!("session-{n}"), "csrf")
                .await
                .unwrap();
            store
                .create_api_token(&actor, "qiao.jian", "script", &format!("token-{n}"))
                .await
                .unwrap();
            store
                .create_calendar_feed(&actor, "phone", None, &format!("feed-{n}"))
                .await
                .unwrap();
        }
    };
    let open = |n: u32| {
        let store = store.clone();
        async move {
            let idle = Duration::minutes(30);
            (
                store
                    .session(&format!("session-{n}"), idle)
                    .await
                    .unwrap()
                    .is_some(),
                store
                    .api_token_user(&format!("token-{n}"))
                    .await
                    .unwrap()
                    .is_some(),
                store
                    .calendar_feed_for(&format!("feed-{n}"))
                    .await
                    .unwrap()
                    .is_some(),
            )
        }
    };
    credentials(1).await;
    assert_eq!(open(1).await, (true, true, true));
    store
        .set_password(&admin(), "qiao.jian", "$argon2id$new-hash")
        .await
        .unwrap();
    assert_eq!(
        open(1).await,
        (false, false, false),
        "after a password reset"
    );

    credentials(2).await;
    let version = store.get_user(user.id).await.unwrap().version;
    let mut input: UserInput = serde_json::from_value(json!({
        "username": "qiao.jian", "display_name": "qiao.jian", "role": "officer",
        "active": false, "version": version
    }))
    .unwrap();
    store
        .update_user(&admin(), user.id, input.clone())
        .await
        .unwrap();
    input.active = true;
    input.version = Some(version + 1);
    store.update_user(&admin(), user.id, input).await.unwrap();
    assert_eq!(
        open(2).await,
        (false, false, false),
        "after the account was disabled, even once it is enabled again"
    );
}

async fn a_one_time_password_opens_one_session_only(store: Store) {
    let input: UserInput = serde_json::from_value(
        json!({"username": "admin", "display_name": "Administrator", "role": "admin"}),
    )
    .unwrap();
    let user = store
        .create_user_with_one_time_password(&admin(), input, "$argon2id$one-time")
        .await
        .unwrap();
    assert!(user.must_change_password);
    let spend = || store.spend_one_time_password(user.id, "$argon2id$one-time");
    let (first, second) = tokio::join!(spend(), spend());
    let mut spent = [first.unwrap(), second.unwrap()];
    spent.sort_unstable();
    assert_eq!(spent, [false, true], "one of two sign-ins at once gets in");
    let (found, hash) = store.user_for_login("admin").await.unwrap().unwrap();
    assert_ne!(hash, "$argon2id$one-time", "the password is used up");
    assert!(found.must_change_password);

    store
        .create_session(&found.actor(None), "kept", "csrf")
        .await
        .unwrap();
    store
        .create_session(&found.actor(None), "other", "csrf")
        .await
        .unwrap();
    let changed = store
        .change_own_password(&found.actor(None), "kept", "$argon2id$own")
        .await
        .unwrap();
    assert!(!changed.must_change_password);
    let (_, hash) = store.user_for_login("admin").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$own");
    let idle = Duration::minutes(30);
    assert!(store.session("kept", idle).await.unwrap().is_some());
    assert!(store.session("other", idle).await.unwrap().is_none());

    let reset = store
        .set_one_time_password(&admin(), "admin", "$argon2id$printed")
        .await
        .unwrap();
    assert!(reset.must_change_password);
}
