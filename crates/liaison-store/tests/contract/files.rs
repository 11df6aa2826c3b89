//! The rows of files kept with records, on both databases: an upload racing the deletion of its
//! record is either deleted with it (and handed back, so its bytes can be removed) or refused as
//! of a record that is gone, never kept for a record that no longer exists.

use liaison_core::{Activity, ActivityInput, Actor, Error as DomainError, FileLimits, FileName};
use liaison_core::{NewFile, StoredFile};
use liaison_store::testing::TestDatabase;
use liaison_store::{Backend, DatabaseUrl, Error, Store};
use serde_json::json;
use sqlx::Connection;

fn admin() -> Actor {
    Actor::command_line("files test")
}

async fn activity(store: &Store, title: &str) -> i64 {
    let input: ActivityInput = serde_json::from_value(json!({
        "kind": "signing_ceremony", "title_en": title, "start_date": "2025-05-12"
    }))
    .unwrap();
    store
        .create::<Activity>(&admin(), input)
        .await
        .unwrap()
        .meta
        .id
}

/// A file's row; its bytes would be in the file store under `hash`.
fn photo(hash: char, caption: &str) -> NewFile {
    NewFile {
        content_hash: hash.to_string().repeat(64),
        name: FileName::clean("signing.jpg", "jpg"),
        media_type: "image/jpeg".into(),
        size: 1_000,
        caption: caption.into(),
    }
}

async fn upload(store: &Store, id: i64, hash: char) -> liaison_store::Result<StoredFile> {
    store
        .add_file::<Activity>(
            &admin(),
            id,
            photo(hash, "On its way"),
            &FileLimits::default(),
        )
        .await
}

/// Whether the upload ended as it may: deleted with the record and handed back, or refused as
/// of a record that is gone.
fn deleted_with_it_or_refused(uploaded: liaison_store::Result<StoredFile>, deleted: &[StoredFile]) {
    match uploaded {
        Ok(file) => assert!(
            deleted.iter().any(|f| f.id == file.id),
            "a file kept before the deletion is deleted with the record: {deleted:?}"
        ),
        Err(Error::Domain(DomainError::NotFound { entity, .. })) => {
            assert_eq!(entity, "activity")
        }
        Err(other) => panic!("neither kept nor refused as of a record gone: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_an_upload_before_the_deletion_goes_with_it_and_one_after_is_refused() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let store = &db.store;
    let id = activity(store, "Signing with the Mekong Institute").await;
    let before = upload(store, id, 'a').await;
    let deleted = store
        .delete_returning_files::<Activity>(&admin(), id)
        .await
        .unwrap();
    deleted_with_it_or_refused(before, &deleted);
    let after = upload(store, id, 'b').await;
    assert!(after.is_err());
    deleted_with_it_or_refused(after, &deleted);
    assert_eq!(store.all_files().await.unwrap(), []);
}

/// How many connections to this database wait for a lock.
async fn waiting(watcher: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .fetch_one(&mut *watcher)
    .await
    .unwrap()
}

/// On PostgreSQL, the deletion is held at the record's row by a transaction of the test's own
/// until the upload has either finished or is waiting too: before the record's row was held by
/// both, the upload saved its row while the deletion, having deleted the record's files, waited
/// to delete the record, and the file stayed kept for a record that was gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_an_upload_meeting_the_deletion_of_its_record_is_deleted_with_it_or_refused() {
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.store.clone();
    let id = activity(&store, "Signing with the Mekong Institute").await;
    upload(&store, id, 'a').await.unwrap();
    let DatabaseUrl::Postgres { url } = &db.url else {
        unreachable!("a PostgreSQL database")
    };
    let mut holder = sqlx::PgConnection::connect(url).await.unwrap();
    let mut watcher = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("SELECT id FROM activities WHERE id = $1 FOR SHARE")
        .bind(id)
        .fetch_one(&mut holder)
        .await
        .unwrap();

    let deleting = store.clone();
    let deletion = tokio::spawn(async move {
        deleting
            .delete_returning_files::<Activity>(&admin(), id)
            .await
    });
    // The event awaited: the deletion waits for the row the test holds.
    while waiting(&mut watcher).await < 1 {
        tokio::task::yield_now().await;
    }
    let uploading = store.clone();
    let uploaded = tokio::spawn(async move { upload(&uploading, id, 'b').await });
    // The upload either finishes or waits for the record's row as well.
    while !uploaded.is_finished() && waiting(&mut watcher).await < 2 {
        tokio::task::yield_now().await;
    }
    sqlx::query("COMMIT").execute(&mut holder).await.unwrap();

    let deleted = deletion.await.unwrap().unwrap();
    let uploaded = uploaded.await.unwrap();
    deleted_with_it_or_refused(uploaded, &deleted);
    assert_eq!(store.all_files().await.unwrap(), []);
}
