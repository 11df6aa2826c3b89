//! Personal data at rest and in the audit log, on SQLite and on PostgreSQL: sealed in the
//! database, never in the audit log or the search index, shown only to the roles that may see it
//! and only when asked, each view audited.

use liaison_core::{
    ActivityInput, Actor, AuditFilter, Error as DomainError, PERSON, PageRequest, Person,
    PersonInput, Unit, UnitInput, UserRole,
};
use liaison_store::testing::TestDatabase;
use liaison_store::{Backend, DatabaseUrl, Error, Store};
use serde_json::json;

const PHONE: &str = "13812345678";
const NEW_PHONE: &str = "13987654321";
const EMAIL: &str = "zhang.caiming@example.org";
const NOTES: &str = "Prefers tea to coffee, allergic to peanuts";
const GUEST_PHONE: &str = "+85620555123456";
const UPLOADED_PHONE: &str = "13700001111";

/// Runs each listed test on a fresh SQLite database and on a fresh PostgreSQL one.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(TestDatabase::new(liaison_store::Backend::Sqlite).await).await;
                }
            )*
            use liaison_store::testing::TestDatabase;
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(TestDatabase::new(liaison_store::Backend::Postgres).await).await;
                }
            )*
            use liaison_store::testing::TestDatabase;
        }
    };
}

on_both!(
    phone_numbers_e_mails_and_notes_are_nowhere_in_the_database_in_clear,
    the_audit_log_says_a_personal_field_changed_never_its_value,
    search_never_finds_a_person_by_phone_e_mail_or_notes,
    a_masked_value_sent_back_keeps_the_value_on_record,
    only_the_office_and_a_liaison_officer_of_the_unit_see_personal_data_and_each_view_is_audited,
    rotating_the_key_seals_every_value_anew_and_every_value_still_opens,
    a_liaison_officer_creates_internal_people_only_in_their_own_unit,
    a_passport_number_is_nowhere_in_the_database_and_each_view_of_it_is_audited,
);

fn admin() -> Actor {
    Actor::command_line("personal data test")
}

fn user(role: UserRole, unit: Option<i64>) -> Actor {
    Actor {
        user_id: None,
        username: format!("{}-{unit:?}", role.as_str()),
        role,
        unit_id: unit,
        address: None,
    }
}

async fn unit(store: &Store, key: &str, name: &str) -> i64 {
    let input: UnitInput =
        serde_json::from_value(json!({"key": key, "name_zh": name, "kind": "school"})).unwrap();
    store.create::<Unit>(&admin(), input).await.unwrap().meta.id
}

/// Zhang Caiming of the unit `unit`, with a phone, an e-mail and notes.
async fn zhang(store: &Store, unit: i64) -> Person {
    let input: PersonInput = serde_json::from_value(json!({
        "key": "person-zhang", "category": "internal", "name_zh": "张才明",
        "name_en": "Zhang Caiming", "unit": unit, "phone": PHONE, "email": EMAIL, "notes": NOTES
    }))
    .unwrap();
    store.create::<Person>(&admin(), input).await.unwrap()
}

/// Every byte Liaison keeps of the database: on SQLite every file of its folder (the database,
/// its WAL and shared memory, the file an import writes its progress to), on PostgreSQL a
/// `pg_dump` of the database, every table and the schema.
fn everything_kept(url: &DatabaseUrl) -> Vec<u8> {
    match url {
        DatabaseUrl::Sqlite { path } => {
            let folder = path.parent().unwrap();
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(folder).unwrap() {
                let file = entry.unwrap().path();
                if file.is_file() {
                    bytes.extend(std::fs::read(&file).unwrap());
                }
            }
            assert!(
                bytes.len() > 10_000,
                "the database files were read: {folder:?}"
            );
            bytes
        }
        DatabaseUrl::Postgres { url } => {
            let dump = std::process::Command::new(pg_dump())
                .arg(format!("--dbname={url}"))
                .output()
                .expect("pg_dump runs");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            assert!(String::from_utf8_lossy(&dump.stdout).contains("CREATE TABLE public.people"));
            dump.stdout
        }
    }
}

/// PostgreSQL's `pg_dump`: on the PATH, or Debian's newest.
fn pg_dump() -> std::path::PathBuf {
    let on_path = std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return "pg_dump".into();
    }
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's programs are installed (Debian's postgresql package)")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/pg_dump"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop().expect("pg_dump is installed")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

async fn phone_numbers_e_mails_and_notes_are_nowhere_in_the_database_in_clear(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let person = zhang(store, law).await;
    // Changed once, so the audit log holds an update, and a guest added inline with an activity.
    let mut change = PersonInput::from(person.clone());
    change.version = Some(person.meta.version);
    change.phone = Some(NEW_PHONE.to_owned());
    store
        .update::<Person>(&admin(), person.meta.id, change)
        .await
        .unwrap();
    let visit: ActivityInput = serde_json::from_value(json!({
        "kind": "inbound_visit", "title_zh": "来访", "start_date": "2024-05-01",
        "host_unit": law,
        "participants": [{"person": {"name_en": "Phonesane", "phone": GUEST_PHONE}, "role": "leader"}]
    }))
    .unwrap();
    store
        .create::<liaison_core::Activity>(&admin(), visit)
        .await
        .unwrap();
    // A spreadsheet of people uploaded and not saved yet keeps its rows sealed too.
    let uploader: liaison_core::UserInput = serde_json::from_value(
        json!({"username": "uploader", "display_name": "Uploader", "role": "officer"}),
    )
    .unwrap();
    let uploader = store
        .create_user(&admin(), uploader, "not a real hash")
        .await
        .unwrap()
        .actor(None);
    let upload = store
        .create_import(
            &uploader,
            PERSON,
            "people.xlsx",
            &["name_zh".to_owned(), "phone".to_owned()],
            &[liaison_core::ImportRow {
                line: 2,
                cells: vec!["王芳".to_owned(), UPLOADED_PHONE.to_owned()],
            }],
            &[Some("name_zh".to_owned()), Some("phone".to_owned())],
        )
        .await
        .unwrap();
    let rows = store.import_rows(&uploader, upload).await.unwrap();
    assert_eq!(rows[0].cells[1], UPLOADED_PHONE, "the rows still read");
    // What a user reads is the value itself.
    let read = store.get::<Person>(person.meta.id).await.unwrap();
    assert_eq!(read.phone.as_deref(), Some(NEW_PHONE));
    assert_eq!(read.email.as_deref(), Some(EMAIL));
    assert_eq!(read.notes.as_deref(), Some(NOTES));

    let kept = everything_kept(&db.url);
    assert!(contains(&kept, "张才明"), "the dump holds the records");
    for secret in [
        PHONE,
        NEW_PHONE,
        EMAIL,
        NOTES,
        GUEST_PHONE,
        UPLOADED_PHONE,
        "zhang.caiming",
        "peanuts",
    ] {
        assert!(!contains(&kept, secret), "{secret} is kept in clear");
    }
}

async fn the_audit_log_says_a_personal_field_changed_never_its_value(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let person = zhang(store, law).await;
    let mut change = PersonInput::from(person.clone());
    change.version = Some(person.meta.version);
    change.phone = Some(NEW_PHONE.to_owned());
    change.position = Some("Dean".to_owned());
    store
        .update::<Person>(&admin(), person.meta.id, change)
        .await
        .unwrap();
    store
        .delete::<Person>(&admin(), person.meta.id)
        .await
        .unwrap();
    let filter = AuditFilter {
        entity: Some("person".to_owned()),
        ..AuditFilter::default()
    };
    let page = PageRequest::parse(None, Some(200), None, &["at"], true).unwrap();
    let entries = store.list_audit(&admin(), &filter, &page).await.unwrap();
    let by_action = |action: &str| {
        entries
            .items
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action} entry"))
            .changes
            .clone()
    };
    let created = by_action("create");
    assert_eq!(created["phone"], json!({"changed": true}));
    assert_eq!(created["email"], json!({"changed": true}));
    assert_eq!(created["notes"], json!({"changed": true}));
    assert_eq!(created["name_zh"], json!({"after": "张才明"}));
    let updated = by_action("update");
    assert_eq!(updated["phone"], json!({"changed": true}));
    assert_eq!(updated["position"], json!({"after": "Dean"}));
    assert!(
        updated.get("email").is_none(),
        "an unchanged e-mail is not named"
    );
    let deleted = by_action("delete");
    assert_eq!(deleted["email"], json!({"changed": true}));
    let all = serde_json::to_string(&entries.items).unwrap();
    for secret in [PHONE, NEW_PHONE, EMAIL, NOTES] {
        assert!(!all.contains(secret), "{secret} is in the audit log");
    }
}

async fn search_never_finds_a_person_by_phone_e_mail_or_notes(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    zhang(store, law).await;
    let search = |q: &str| liaison_search::SearchRequest {
        q: Some(q.to_owned()),
        ..Default::default()
    };
    let found = store.search(&search("Caiming")).await.unwrap();
    assert_eq!(found.total, 1, "found by name");
    for q in [PHONE, "5678", EMAIL, "example.org", "peanuts", "tea coffee"] {
        let found = store.search(&search(q)).await.unwrap();
        assert_eq!(found.total, 0, "{q} found a record");
    }
}

async fn a_masked_value_sent_back_keeps_the_value_on_record(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let person = zhang(store, law).await;
    // A client that read the person masked changes the position and sends the rest back.
    let shown = liaison_core::personal::masked(person.clone());
    assert_eq!(shown.phone.as_deref(), Some("138****5678"));
    assert_eq!(shown.email.as_deref(), Some("z***@example.org"));
    let mut change = PersonInput::from(shown);
    change.version = Some(person.meta.version);
    change.position = Some("Dean".to_owned());
    store
        .update::<Person>(&admin(), person.meta.id, change)
        .await
        .unwrap();
    let read = store.get::<Person>(person.meta.id).await.unwrap();
    assert_eq!(read.position.as_deref(), Some("Dean"));
    assert_eq!(read.phone.as_deref(), Some(PHONE));
    assert_eq!(read.email.as_deref(), Some(EMAIL));
    assert_eq!(read.notes.as_deref(), Some(NOTES));
    // A value typed anew replaces it, and an emptied one is removed.
    let mut change = PersonInput::from(liaison_core::personal::masked(read.clone()));
    change.version = Some(read.meta.version);
    change.phone = Some(NEW_PHONE.to_owned());
    change.notes = None;
    store
        .update::<Person>(&admin(), person.meta.id, change)
        .await
        .unwrap();
    let read = store.get::<Person>(person.meta.id).await.unwrap();
    assert_eq!(read.phone.as_deref(), Some(NEW_PHONE));
    assert_eq!(read.email.as_deref(), Some(EMAIL));
    assert_eq!(read.notes, None);
}

async fn only_the_office_and_a_liaison_officer_of_the_unit_see_personal_data_and_each_view_is_audited(
    db: TestDatabase,
) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let labour = unit(store, "unit-labour", "劳动关系学院").await;
    let id = zhang(store, law).await.meta.id;
    let phone = ["phone".to_owned()];
    for refused in [
        user(UserRole::Viewer, None),
        user(UserRole::Leader, None),
        user(UserRole::Liaison, Some(labour)),
    ] {
        let result = store.reveal_personal::<Person>(&refused, id, &[]).await;
        assert!(
            matches!(result, Err(Error::Domain(DomainError::Forbidden(_)))),
            "{:?} saw personal data: {result:?}",
            refused.role
        );
    }
    for allowed in [
        admin(),
        user(UserRole::Officer, None),
        user(UserRole::Liaison, Some(law)),
    ] {
        let shown = store
            .reveal_personal::<Person>(&allowed, id, &phone)
            .await
            .unwrap();
        assert_eq!(shown.phone.as_deref(), Some(PHONE), "{:?}", allowed.role);
        assert_eq!(shown.email.as_deref(), Some("z***@example.org"));
        assert_eq!(shown.notes.as_deref(), Some("***"));
    }
    let all = store
        .reveal_personal::<Person>(&admin(), id, &[])
        .await
        .unwrap();
    assert_eq!(all.email.as_deref(), Some(EMAIL));
    assert_eq!(all.notes.as_deref(), Some(NOTES));
    let not_personal = store
        .reveal_personal::<Person>(&admin(), id, &["position".to_owned()])
        .await;
    assert!(matches!(
        not_personal,
        Err(Error::Domain(DomainError::Invalid(_)))
    ));

    let filter = AuditFilter {
        action: Some("view_personal".to_owned()),
        ..AuditFilter::default()
    };
    let page = PageRequest::parse(None, Some(200), None, &["at"], true).unwrap();
    let views = store.list_audit(&admin(), &filter, &page).await.unwrap();
    let seen: Vec<(String, Option<i64>, serde_json::Value)> = views
        .items
        .iter()
        .rev()
        .map(|e| (e.username.clone(), e.record_id, e.changes.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (admin().username, Some(id), json!({"fields": ["phone"]})),
            (
                "officer-None".to_owned(),
                Some(id),
                json!({"fields": ["phone"]})
            ),
            (
                format!("liaison-Some({law})"),
                Some(id),
                json!({"fields": ["phone"]})
            ),
            (
                admin().username,
                Some(id),
                json!({"fields": ["phone", "email", "notes"]})
            ),
        ],
        "one entry for each view, naming whose and which fields; none for a refusal"
    );
    assert_eq!(views.items[0].entity, PERSON.as_str());
}

async fn rotating_the_key_seals_every_value_anew_and_every_value_still_opens(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let id = zhang(store, law).await.meta.id;
    let before = everything_kept(&db.url);
    let ring = liaison_store::Keyring::generate();
    let sealed = store.rotate_personal_key(&ring).await.unwrap();
    assert!(sealed >= 3, "the three values were sealed anew: {sealed}");
    let after = everything_kept(&db.url);
    let key = format!("sealed:1:{}:", ring.current_id());
    assert!(!contains(&before, &key));
    assert!(contains(&after, &key), "the values name the new key");
    let read = store.get::<Person>(id).await.unwrap();
    assert_eq!(read.phone.as_deref(), Some(PHONE));
    assert_eq!(read.notes.as_deref(), Some(NOTES));
    // Nothing is left to seal anew under the same key.
    assert_eq!(store.rotate_personal_key(&ring).await.unwrap(), 0);
}

async fn a_liaison_officer_creates_internal_people_only_in_their_own_unit(db: TestDatabase) {
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let labour = unit(store, "unit-labour", "劳动关系学院").await;
    let liaison = user(UserRole::Liaison, Some(law));
    let person = |unit: Option<i64>, name: &str| -> PersonInput {
        let category = if unit.is_some() {
            "internal"
        } else {
            "external"
        };
        serde_json::from_value(json!({"category": category, "unit": unit, "name_en": name}))
            .unwrap()
    };
    let other = store
        .create::<Person>(&liaison, person(Some(labour), "Another unit's dean"))
        .await;
    assert!(
        matches!(other, Err(Error::Domain(DomainError::Forbidden(_)))),
        "{other:?}"
    );
    store
        .create::<Person>(&liaison, person(Some(law), "Own unit's dean"))
        .await
        .unwrap();
    store
        .create::<Person>(&liaison, person(None, "A guest"))
        .await
        .unwrap();
    // Inline, in an activity of their own unit.
    let visit = |unit: i64| -> ActivityInput {
        serde_json::from_value(json!({
            "kind": "inbound_visit", "title_zh": "来访", "start_date": "2024-05-01",
            "host_unit": law,
            "participants": [{"person": {"category": "internal", "unit": unit,
                                         "name_en": "Inline staff"}, "role": "host"}]
        }))
        .unwrap()
    };
    let inline = store
        .create::<liaison_core::Activity>(&liaison, visit(labour))
        .await;
    assert!(
        matches!(inline, Err(Error::Domain(DomainError::Forbidden(_)))),
        "{inline:?}"
    );
    store
        .create::<liaison_core::Activity>(&liaison, visit(law))
        .await
        .unwrap();
}

/// A database an older Liaison wrote, with personal data in clear in its people and its audit
/// log, is sealed and its audit log cleared of the values on the first start of this version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_database_has_its_personal_data_sealed_and_taken_out_of_the_audit_log_sqlite() {
    personal_data_of_an_older_database_is_sealed(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_database_has_its_personal_data_sealed_and_taken_out_of_the_audit_log_postgres() {
    personal_data_of_an_older_database_is_sealed(Backend::Postgres).await;
}

async fn personal_data_of_an_older_database_is_sealed(backend: Backend) {
    let db = TestDatabase::migrated_until(backend, 20261121000018).await;
    let store = &db.store;
    store
        .execute_unchecked_for_tests(&format!(
            "INSERT INTO people (key, category, name_en, phone, email, notes, created_at, \
             updated_at) VALUES ('person-old', 'external', 'Old Guest', '{PHONE}', '{EMAIL}', \
             '{NOTES}', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
        ))
        .await
        .unwrap();
    let changes = json!({
        "name_en": {"after": "Old Guest"}, "phone": {"before": NEW_PHONE, "after": PHONE},
        "email": {"after": EMAIL}, "notes": {"after": NOTES}
    });
    store
        .execute_unchecked_for_tests(&format!(
            "INSERT INTO audit_log (at, username, action, entity, record_id, changes) \
             VALUES ('2024-01-01T00:00:00Z', 'old', 'create', 'person', 1, '{changes}')"
        ))
        .await
        .unwrap();
    assert!(contains(&everything_kept(&db.url), PHONE));

    store.migrate().await.unwrap();

    let kept = everything_kept(&db.url);
    for secret in [PHONE, NEW_PHONE, EMAIL, NOTES] {
        assert!(!contains(&kept, secret), "{secret} is kept in clear");
    }
    let filter = AuditFilter {
        username: Some("old".to_owned()),
        ..AuditFilter::default()
    };
    let page = PageRequest::parse(None, Some(200), None, &["at"], true).unwrap();
    let entries = store.list_audit(&admin(), &filter, &page).await.unwrap();
    assert_eq!(
        entries.items[0].changes,
        json!({
            "name_en": {"after": "Old Guest"}, "phone": {"changed": true},
            "email": {"changed": true}, "notes": {"changed": true}
        })
    );
    let people = store
        .list::<Person>(&Default::default(), &page_of_people())
        .await
        .unwrap();
    assert_eq!(people.items[0].phone.as_deref(), Some(PHONE));
    assert_eq!(people.items[0].notes.as_deref(), Some(NOTES));
}

fn page_of_people() -> PageRequest {
    PageRequest::parse(
        None,
        Some(50),
        None,
        liaison_core::people::PERSON_SORTS,
        false,
    )
    .unwrap()
}

const PASSPORT_NUMBER: &str = "SE8675309";

async fn a_passport_number_is_nowhere_in_the_database_and_each_view_of_it_is_audited(
    db: TestDatabase,
) {
    use liaison_core::passports::{CustodyInput, PASSPORT, Passport};
    let store = &db.store;
    let law = unit(store, "unit-law", "法学院").await;
    let holder = zhang(store, law).await;
    let input = serde_json::from_value(json!({"kind": "official_passport",
        "holder": holder.meta.id, "number": PASSPORT_NUMBER, "expires_on": "2031-03-31"}))
    .unwrap();
    let passport = store.create::<Passport>(&admin(), input).await.unwrap();
    // Handed out and changed, so the custody log and the audit log hold entries about it.
    let out = store
        .passport_action(
            &user(UserRole::Officer, None),
            passport.meta.id,
            "hand_out",
            CustodyInput {
                version: passport.meta.version,
                due_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()),
                ..CustodyInput::default()
            },
            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(out.number.as_deref(), Some("S******09"), "answered masked");

    let refused = store
        .reveal_personal::<Passport>(&user(UserRole::Liaison, Some(law)), passport.meta.id, &[])
        .await;
    assert!(
        matches!(refused, Err(Error::Domain(DomainError::Forbidden(_)))),
        "a liaison officer sees their unit's documents masked only: {refused:?}"
    );
    let shown = store
        .reveal_personal::<Passport>(
            &user(UserRole::Officer, None),
            passport.meta.id,
            &["number".to_owned()],
        )
        .await
        .unwrap();
    assert_eq!(shown.number.as_deref(), Some(PASSPORT_NUMBER));
    let filter = AuditFilter {
        action: Some("view_personal".to_owned()),
        entity: Some(PASSPORT.as_str().to_owned()),
        ..AuditFilter::default()
    };
    let page = PageRequest::parse(None, Some(200), None, &["at"], true).unwrap();
    let views = store.list_audit(&admin(), &filter, &page).await.unwrap();
    assert_eq!(views.items.len(), 1, "one view, none for the refusal");
    assert_eq!(views.items[0].username, "officer-None");
    assert_eq!(views.items[0].record_id, Some(passport.meta.id));
    assert_eq!(views.items[0].changes, json!({"fields": ["number"]}));

    let kept = everything_kept(&db.url);
    assert!(contains(&kept, "张才明"), "the dump holds the records");
    assert!(
        !contains(&kept, PASSPORT_NUMBER),
        "the number is kept in clear"
    );
    assert!(
        !contains(&kept, "8675309"),
        "part of the number is kept in clear"
    );
}
