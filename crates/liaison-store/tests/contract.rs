//! The storage contract: every test here runs against SQLite and against PostgreSQL, and both
//! must behave the same.

use liaison_core::demo::seed_document;
use liaison_core::{
    ActivityFilter, ActivityInput, AgreementInput, Error as DomainError, GiftFilter, GiftInput,
    OrganizationFilter, OrganizationInput, PageRequest, PersonInput, TimelineKind, UnitInput,
};
use liaison_store::testing::TestDatabase;
use liaison_store::{Backend, Error, Store};
use serde_json::json;

/// Runs each listed test once on a fresh SQLite database and once on a fresh PostgreSQL one.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = liaison_store::testing::TestDatabase::new(liaison_store::Backend::Sqlite).await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = liaison_store::testing::TestDatabase::new(liaison_store::Backend::Postgres).await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
    };
}

contract!(
    an_organization_is_saved_with_its_identifiers_and_affiliations,
    a_stale_update_is_refused_and_changes_nothing,
    an_update_with_the_current_version_is_saved_and_counted,
    an_activity_is_saved_with_its_participants_agenda_and_gifts_as_one,
    a_failing_part_of_an_activity_leaves_nothing_half_saved,
    an_updated_activity_replaces_its_participants_agenda_and_tags,
    a_key_already_in_use_is_refused,
    a_record_still_referred_to_cannot_be_deleted,
    lists_are_filtered_sorted_and_paged_with_totals,
    activities_are_found_by_kind_year_country_tag_and_organization,
    chinese_titles_are_found_by_a_part_of_them,
    the_timeline_shows_every_activity_agreement_and_gift_newest_first,
    an_unknown_role_is_refused_until_the_office_adds_it,
    received_gifts_worth_200_yuan_or_more_are_marked_for_declaration,
    importing_the_demo_twice_creates_nothing_new,
    an_export_imports_into_an_empty_database_unchanged,
    a_bad_record_in_an_import_saves_nothing_and_says_where,
    missing_records_are_reported_as_not_found,
);

fn page(sort: Option<&str>, allowed: &[&str], per_page: i64, n: i64) -> PageRequest {
    PageRequest::parse(Some(n), Some(per_page), sort, allowed, false).unwrap()
}

fn org(value: serde_json::Value) -> OrganizationInput {
    serde_json::from_value(value).unwrap()
}

fn activity(value: serde_json::Value) -> ActivityInput {
    serde_json::from_value(value).unwrap()
}

fn field_errors(err: Error) -> Vec<String> {
    match err {
        Error::Domain(DomainError::Invalid(errors)) => {
            errors.0.into_iter().map(|e| e.field).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn lftu(store: &Store) -> i64 {
    store
        .create_organization(org(json!({
            "key": "org-lftu", "kind": "trade_union", "country": "LA",
            "name_zh": "老挝工会联合会", "name_en": "Lao Federation of Trade Unions",
            "abbreviation": "LFTU", "founded_year": 1956, "membership": 220000,
            "identifiers": [{"scheme": "local", "value": "LFTU"}],
            "affiliations": [{"relation": "member_of", "organization": {
                "key": "org-wftu", "kind": "federation", "country": "GR",
                "name_en": "World Federation of Trade Unions"}}]
        })))
        .await
        .unwrap()
        .meta
        .id
}

async fn an_organization_is_saved_with_its_identifiers_and_affiliations(store: Store) {
    let id = lftu(&store).await;
    let saved = store.get_organization(id).await.unwrap();
    assert_eq!(saved.meta.version, 1);
    assert_eq!(saved.country.as_str(), "LA");
    assert_eq!(saved.region, liaison_core::RegionClass::Foreign);
    assert_eq!(saved.founded_year, Some(1956));
    assert_eq!(saved.membership, Some(220_000));
    assert_eq!(saved.identifiers[0].value, "LFTU");
    assert_eq!(saved.affiliations.len(), 1);
    assert_eq!(
        saved.affiliations[0].organization.name,
        "World Federation of Trade Unions"
    );
    assert_eq!(
        saved.affiliations[0].organization.key.as_deref(),
        Some("org-wftu")
    );
}

async fn a_stale_update_is_refused_and_changes_nothing(store: Store) {
    let id = lftu(&store).await;
    let mut first = org(
        json!({"kind": "trade_union", "country": "LA", "name_en": "LFTU (first)", "version": 1}),
    );
    store.update_organization(id, first.clone()).await.unwrap();
    first.name_en = Some("LFTU (second, from a stale form)".into());
    let err = store.update_organization(id, first).await.unwrap_err();
    let Error::Domain(DomainError::Conflict { message, current }) = err else {
        panic!("expected a conflict")
    };
    assert!(message.contains("version 1"), "{message}");
    assert_eq!(current.unwrap()["name_en"], "LFTU (first)");
    let now = store.get_organization(id).await.unwrap();
    assert_eq!(now.name_en.as_deref(), Some("LFTU (first)"));
    assert_eq!(now.meta.version, 2);

    let mut no_version = org(json!({"kind": "trade_union", "country": "LA", "name_en": "x"}));
    no_version.version = None;
    assert_eq!(
        field_errors(store.update_organization(id, no_version).await.unwrap_err()),
        ["version"]
    );
}

async fn an_update_with_the_current_version_is_saved_and_counted(store: Store) {
    let unit = store
        .create_unit(serde_json::from_value(json!({"name_en": "School of Law"})).unwrap())
        .await
        .unwrap();
    let mut change: UnitInput =
        serde_json::from_value(json!({"name_en": "School of Law", "name_zh": "法学院"})).unwrap();
    change.version = Some(unit.meta.version);
    let saved = store.update_unit(unit.meta.id, change).await.unwrap();
    assert_eq!(saved.meta.version, 2);
    assert_eq!(saved.name_zh.as_deref(), Some("法学院"));
    assert!(saved.meta.updated_at >= unit.meta.updated_at);
}

fn lftu_visit() -> ActivityInput {
    activity(json!({
        "key": "visit-lftu", "kind": "inbound_visit",
        "title_zh": "老挝工会联合会副主席率团访问我校",
        "title_en": "LFTU delegation visits the university",
        "start_date": "2023-11-17", "start_part": "morning",
        "delegation_size": 30,
        "inviting_organization": {"key": "org-acftu", "kind": "federation", "country": "CN", "name_zh": "中华全国总工会"},
        "partners": ["org-lftu"],
        "participants": [
            {"person": {"key": "p-phonesane", "name_en": "Phonesane Vilaymeng", "organization": "org-lftu", "nationality": "LA"}, "role": "leader"},
            {"person": {"key": "p-wu", "category": "internal", "name_en": "Wu Wanxiong", "name_zh": "吴万雄"}, "role": "host"}
        ],
        "agenda": [{"kind": "lecture", "speaker": {"key": "p-zhang", "category": "internal", "name_en": "Zhang Caiming"},
                    "title_en": "Smart Trade Unions in the Digital Society",
                    "points": ["collecting information of trade union members", "the 12351 worker service hotline"]}],
        "tags": ["Belt and Road"],
        "gifts": [{"direction": "given", "item": "Commemorative gift", "exchanged_on": "2023-11-17",
                   "giver": {"description": "the university"}, "receiver": {"organization": "org-lftu"}}]
    }))
}

async fn an_activity_is_saved_with_its_participants_agenda_and_gifts_as_one(store: Store) {
    lftu(&store).await;
    let saved = store.create_activity(lftu_visit()).await.unwrap();
    assert_eq!(saved.end_date, saved.start_date);
    assert_eq!(saved.delegation_size, Some(30));
    assert_eq!(
        saved.inviting_organization.as_ref().unwrap().name,
        "中华全国总工会"
    );
    assert_eq!(saved.partners[0].key.as_deref(), Some("org-lftu"));
    let roles: Vec<_> = saved
        .participants
        .iter()
        .map(|p| (p.person.name.as_str(), p.role.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Phonesane Vilaymeng", "leader"),
            ("吴万雄 (Wu Wanxiong)", "host")
        ]
    );
    assert_eq!(
        saved.agenda[0].speaker.as_ref().unwrap().name,
        "Zhang Caiming"
    );
    assert_eq!(saved.agenda[0].points.len(), 2);
    assert_eq!(saved.tags, ["Belt and Road"]);
    assert_eq!(saved.gifts.len(), 1);
    assert_eq!(
        saved.gifts[0]
            .receiver
            .organization
            .as_ref()
            .unwrap()
            .key
            .as_deref(),
        Some("org-lftu")
    );
    let person = store
        .list_people(
            &Default::default(),
            &page(None, liaison_core::PERSON_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(
        person.total, 3,
        "the three new people were created with the activity"
    );
}

async fn a_failing_part_of_an_activity_leaves_nothing_half_saved(store: Store) {
    lftu(&store).await;
    let mut visit = lftu_visit();
    // Everything before the last participant is valid and would be written first.
    visit.participants.push(
        serde_json::from_value(json!({"person": "no-such-person", "role": "attendee"})).unwrap(),
    );
    let err = store.create_activity(visit).await.unwrap_err();
    assert_eq!(field_errors(err), ["participants[2].person"]);
    let activities = store
        .list_activities(
            &Default::default(),
            &page(None, liaison_core::ACTIVITY_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(activities.total, 0);
    let people = store
        .list_people(
            &Default::default(),
            &page(None, liaison_core::PERSON_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(
        people.total, 0,
        "people created on the way were rolled back"
    );
    let orgs = store
        .list_organizations(
            &Default::default(),
            &page(None, liaison_core::ORGANIZATION_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(
        orgs.total, 2,
        "only the LFTU and the WFTU, not the ACFTU created on the way"
    );
    let gifts = store
        .list_gifts(
            &Default::default(),
            &page(None, liaison_core::GIFT_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(gifts.total, 0);
}

async fn an_updated_activity_replaces_its_participants_agenda_and_tags(store: Store) {
    lftu(&store).await;
    let saved = store.create_activity(lftu_visit()).await.unwrap();
    let mut change = lftu_visit();
    change.version = Some(saved.meta.version);
    change.gifts.clear();
    change.participants.truncate(1);
    change.agenda.clear();
    change.tags = vec!["key project".into(), "trade union cadre training".into()];
    change.end_date = Some("2023-11-18".parse().unwrap());
    change.end_part = Some(liaison_core::DayPart::Afternoon);
    let updated = store
        .update_activity(saved.meta.id, change.clone())
        .await
        .unwrap();
    assert_eq!(updated.meta.version, 2);
    assert_eq!(updated.participants.len(), 1);
    assert!(updated.agenda.is_empty());
    assert_eq!(updated.tags, ["key project", "trade union cadre training"]);
    assert_eq!(updated.end_date.to_string(), "2023-11-18");
    assert_eq!(
        updated.gifts.len(),
        1,
        "gifts stay, they are records of their own"
    );

    change.gifts = lftu_visit().gifts;
    change.version = Some(2);
    assert_eq!(
        field_errors(
            store
                .update_activity(saved.meta.id, change)
                .await
                .unwrap_err()
        ),
        ["gifts"]
    );
}

async fn a_key_already_in_use_is_refused(store: Store) {
    lftu(&store).await;
    let err = store
        .create_organization(org(
            json!({"key": "org-lftu", "kind": "trade_union", "country": "LA", "name_en": "Copy"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field_errors(err), ["key"]);
    let err = store
        .create_organization(org(
            json!({"kind": "trade_union", "country": "LA", "name_en": "Copy",
            "identifiers": [{"scheme": "local", "value": "LFTU"}]}),
        ))
        .await
        .unwrap_err();
    assert_eq!(field_errors(err), ["identifiers[0]"]);
}

async fn a_record_still_referred_to_cannot_be_deleted(store: Store) {
    let lftu_id = lftu(&store).await;
    let visit = store.create_activity(lftu_visit()).await.unwrap();
    let err = store.delete_organization(lftu_id).await.unwrap_err();
    assert!(
        matches!(err, Error::Domain(DomainError::Conflict { .. })),
        "{err:?}"
    );
    assert!(store.get_organization(lftu_id).await.is_ok());
    // The activity has a gift on record, and the gift register keeps it.
    let err = store.delete_activity(visit.meta.id).await.unwrap_err();
    assert!(
        matches!(err, Error::Domain(DomainError::Conflict { .. })),
        "{err:?}"
    );
    store.delete_gift(visit.gifts[0].meta.id).await.unwrap();
    store.delete_activity(visit.meta.id).await.unwrap();
    assert!(matches!(
        store.get_activity(visit.meta.id).await.unwrap_err(),
        Error::Domain(DomainError::NotFound { .. })
    ));
}

async fn lists_are_filtered_sorted_and_paged_with_totals(store: Store) {
    for (name, country) in [
        ("Alpha", "GB"),
        ("Bravo", "LA"),
        ("Charlie", "LA"),
        ("Delta", "HK"),
        ("Echo", "LA"),
    ] {
        store
            .create_organization(org(json!({"kind": "university", "country": country, "name_en": format!("{name} University")})))
            .await
            .unwrap();
    }
    let sorts = liaison_core::ORGANIZATION_SORTS;
    let first = store
        .list_organizations(&Default::default(), &page(Some("name"), sorts, 2, 1))
        .await
        .unwrap();
    assert_eq!(first.total, 5);
    let names: Vec<_> = first
        .items
        .iter()
        .map(|o| o.name_en.clone().unwrap())
        .collect();
    assert_eq!(names, ["Alpha University", "Bravo University"]);
    let last = store
        .list_organizations(&Default::default(), &page(Some("-name"), sorts, 2, 3))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 1);
    assert_eq!(last.items[0].name_en.as_deref(), Some("Alpha University"));

    let laos = OrganizationFilter {
        country: Some("la".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizations(&laos, &page(None, sorts, 50, 1))
            .await
            .unwrap()
            .total,
        3
    );
    let hong_kong = OrganizationFilter {
        region: Some(liaison_core::RegionClass::HongKong),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizations(&hong_kong, &page(None, sorts, 50, 1))
            .await
            .unwrap()
            .total,
        1
    );
    let words = OrganizationFilter {
        q: Some("CHARLIE".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizations(&words, &page(None, sorts, 50, 1))
            .await
            .unwrap()
            .total,
        1
    );
    let wildcard = OrganizationFilter {
        q: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizations(&wildcard, &page(None, sorts, 50, 1))
            .await
            .unwrap()
            .total,
        0
    );
}

async fn activities_are_found_by_kind_year_country_tag_and_organization(store: Store) {
    let lftu_id = lftu(&store).await;
    store.create_activity(lftu_visit()).await.unwrap();
    store
        .create_activity(activity(
            json!({"kind": "conference", "title_en": "International Exchange Conference",
            "start_date": "2020-01-09", "start_part": "morning", "tags": ["annual review"]}),
        ))
        .await
        .unwrap();
    let sorts = liaison_core::ACTIVITY_SORTS;
    let count = |filter: ActivityFilter| {
        let store = store.clone();
        async move {
            store
                .list_activities(&filter, &page(None, sorts, 50, 1))
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(count(Default::default()).await, 2);
    assert_eq!(
        count(ActivityFilter {
            kind: Some(liaison_core::ActivityKind::Conference),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityFilter {
            year: Some(2023),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityFilter {
            year: Some(2021),
            ..Default::default()
        })
        .await,
        0
    );
    assert_eq!(
        count(ActivityFilter {
            country: Some("LA".into()),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityFilter {
            country: Some("CN".into()),
            ..Default::default()
        })
        .await,
        1,
        "the inviting ACFTU"
    );
    assert_eq!(
        count(ActivityFilter {
            tag: Some("Belt and Road".into()),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityFilter {
            organization: Some(lftu_id),
            ..Default::default()
        })
        .await,
        1
    );
    let newest = store
        .list_activities(
            &Default::default(),
            &PageRequest::parse(None, None, None, sorts, true).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(newest.items[0].start_date.to_string(), "2023-11-17");
}

async fn chinese_titles_are_found_by_a_part_of_them(store: Store) {
    lftu(&store).await;
    store.create_activity(lftu_visit()).await.unwrap();
    for words in ["老挝", "工会", "访问我校"] {
        let filter = ActivityFilter {
            q: Some(words.into()),
            ..Default::default()
        };
        let found = store
            .list_activities(&filter, &page(None, liaison_core::ACTIVITY_SORTS, 50, 1))
            .await
            .unwrap();
        assert_eq!(found.total, 1, "{words}");
    }
}

async fn the_timeline_shows_every_activity_agreement_and_gift_newest_first(store: Store) {
    let lftu_id = lftu(&store).await;
    store.create_activity(lftu_visit()).await.unwrap();
    let agreement: AgreementInput = serde_json::from_value(json!({
        "kind": "mou", "title_en": "Memorandum on cadre training", "partners": ["org-lftu"],
        "status": "in_force", "signed_on": "2024-05-01", "valid_from": "2024-05-01", "valid_to": "2029-04-30",
        "signatories": [{"name": "Phonesane Vilaymeng", "organization": "org-lftu", "capacity": "Vice President"}]
    })).unwrap();
    let agreement = store.create_agreement(agreement).await.unwrap();
    assert_eq!(
        agreement.signatories[0]
            .organization
            .as_ref()
            .unwrap()
            .key
            .as_deref(),
        Some("org-lftu")
    );
    // A meeting the LFTU took part in only through one of its people.
    store
        .create_activity(activity(json!({"kind": "online_meeting", "title_en": "Follow-up call",
            "start_date": "2022-03-01", "participants": [{"person": "p-phonesane", "role": "attendee"}]})))
        .await
        .unwrap();
    let timeline = store.organization_timeline(lftu_id).await.unwrap();
    let entries: Vec<_> = timeline
        .iter()
        .map(|e| (e.kind, e.involvement.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            (TimelineKind::Agreement, "agreement_partner"),
            (TimelineKind::Activity, "partner"),
            (TimelineKind::Gift, "gift_receiver"),
            (TimelineKind::Activity, "participant"),
        ]
    );
}

async fn an_unknown_role_is_refused_until_the_office_adds_it(store: Store) {
    let mut input = activity(
        json!({"kind": "lecture", "title_en": "Guest lecture", "start_date": "2024-04-01",
        "participants": [{"person": {"name_en": "A Guest"}, "role": "moderator"}]}),
    );
    assert_eq!(
        field_errors(store.create_activity(input.clone()).await.unwrap_err()),
        ["participants[0].role"]
    );
    store
        .create_role(
            serde_json::from_value(
                json!({"code": "moderator", "name_zh": "主持", "name_en": "Moderator"}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    input.key = Some("lecture-1".into());
    let saved = store.create_activity(input).await.unwrap();
    assert_eq!(saved.participants[0].role, "moderator");
    let roles = store.list_roles().await.unwrap();
    assert_eq!(roles[0].code, "leader", "built-in roles come first");
    assert_eq!(roles.last().unwrap().code, "moderator");
}

async fn received_gifts_worth_200_yuan_or_more_are_marked_for_declaration(store: Store) {
    let gift = |value: i64| -> GiftInput {
        serde_json::from_value(json!({"direction": "received", "item": "Silk scroll", "estimated_value_fen": value,
            "giver": {"description": "a visiting delegation"}, "receiver": {"description": "the office"},
            "exchanged_on": "2024-06-01"}))
        .unwrap()
    };
    assert!(
        store
            .create_gift(gift(20_000))
            .await
            .unwrap()
            .declaration_required
    );
    assert!(
        !store
            .create_gift(gift(19_999))
            .await
            .unwrap()
            .declaration_required
    );
    let filter = GiftFilter {
        year: Some(2024),
        ..Default::default()
    };
    let by_value = store
        .list_gifts(
            &filter,
            &page(Some("-value"), liaison_core::GIFT_SORTS, 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(by_value.total, 2);
    assert_eq!(by_value.items[0].estimated_value_fen.unwrap().fen(), 20_000);
}

async fn importing_the_demo_twice_creates_nothing_new(store: Store) {
    let demo = seed_document().unwrap();
    let first = store.import(&demo).await.unwrap();
    assert!(first.created > 20, "{first:?}");
    assert_eq!(first.unchanged, 0);
    let before = store.export().await.unwrap();
    let second = store.import(&demo).await.unwrap();
    assert_eq!(second.created, 0, "{second:?}");
    assert_eq!(store.export().await.unwrap(), before);
}

async fn an_export_imports_into_an_empty_database_unchanged(store: Store) {
    store.import(&seed_document().unwrap()).await.unwrap();
    // A record without a key still moves, under a key made from its number.
    store
        .create_person(
            serde_json::from_value::<PersonInput>(
                json!({"name_en": "Unkeyed Guest", "organization": "org-lftu"}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let exported = store.export().await.unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = TestDatabase::new(backend).await;
        target.store.import(&exported).await.unwrap();
        assert_eq!(
            target.store.export().await.unwrap(),
            exported,
            "into {backend:?}"
        );
    }
}

async fn a_bad_record_in_an_import_saves_nothing_and_says_where(store: Store) {
    let mut demo = seed_document().unwrap();
    demo.people[3].email = Some("not an address".into());
    let err = store.import(&demo).await.unwrap_err();
    assert_eq!(field_errors(err), ["people[3].email"]);
    let exported = store.export().await.unwrap();
    assert!(exported.organizations.is_empty() && exported.units.is_empty());
}

async fn missing_records_are_reported_as_not_found(store: Store) {
    let not_found =
        |r: Result<(), Error>| matches!(r, Err(Error::Domain(DomainError::NotFound { .. })));
    assert!(not_found(store.get_activity(999).await.map(|_| ())));
    assert!(not_found(store.get_person(999).await.map(|_| ())));
    assert!(not_found(store.get_unit(999).await.map(|_| ())));
    assert!(not_found(store.get_gift(999).await.map(|_| ())));
    assert!(not_found(store.get_agreement(999).await.map(|_| ())));
    assert!(not_found(
        store.organization_timeline(999).await.map(|_| ())
    ));
    assert!(not_found(store.delete_person(999).await));
    let change =
        org(json!({"kind": "university", "country": "GB", "name_en": "Gone", "version": 1}));
    assert!(not_found(
        store.update_organization(999, change).await.map(|_| ())
    ));
}

#[tokio::test]
async fn a_backup_of_a_live_sqlite_database_restores_every_record() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    db.store.import(&seed_document().unwrap()).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("backup.db");
    db.store.backup(&copy).await.unwrap();
    assert!(
        db.store.backup(&copy).await.is_err(),
        "an existing file is never overwritten"
    );
    let restored = Store::open(&liaison_store::DatabaseUrl::Sqlite { path: copy })
        .await
        .unwrap();
    restored.migrate().await.unwrap();
    assert_eq!(
        restored.export().await.unwrap(),
        db.store.export().await.unwrap()
    );
}

#[tokio::test]
async fn backup_on_postgres_points_to_the_right_tool() {
    let db = TestDatabase::new(Backend::Postgres).await;
    let err = db
        .store
        .backup(std::path::Path::new("/tmp/never.db"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("pg_dump"), "{err}");
}
