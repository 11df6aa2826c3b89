//! How records refer to one another, on both databases: the body that ran an activity on its
//! timeline, and every reference of a form to a missing record reported at once.

use super::*;

contract!(
    the_body_that_ran_an_activity_has_it_on_its_timeline_as_it_changes,
    every_missing_record_a_form_refers_to_is_reported_at_once,
    a_change_naming_missing_records_reports_each_and_changes_nothing,
);

/// The national federation, a provincial federation, and the Vietnamese confederation whose
/// cadres come to a course, with an official of the national federation.
async fn federations(store: &Store) -> [i64; 3] {
    let mut ids = [0; 3];
    for (i, body) in [
        json!({"key": "org-acftu", "kind": "federation", "country": "CN",
               "name_zh": "中华全国总工会", "name_en": "All-China Federation of Trade Unions"}),
        json!({"key": "org-gdftu", "kind": "federation", "country": "CN",
               "name_zh": "广东省总工会", "name_en": "Guangdong Federation of Trade Unions"}),
        json!({"key": "org-vgcl", "kind": "trade_union", "country": "VN",
               "name_zh": "越南劳动总联合会", "name_en": "Vietnam General Confederation of Labour"}),
    ]
    .into_iter()
    .enumerate()
    {
        ids[i] = store
            .create::<Organization>(&admin(), org(body))
            .await
            .unwrap()
            .meta
            .id;
    }
    store
        .create::<Person>(
            &admin(),
            serde_json::from_value(json!({"key": "p-wang-lei", "category": "external",
                "name_zh": "王磊", "name_en": "Wang Lei", "organization": "org-acftu",
                "position": "国际联络部副部长", "nationality": "CN"}))
            .unwrap(),
        )
        .await
        .unwrap();
    ids
}

/// A course for Vietnamese union cadres run by `organizer`, the university hosting it, with the
/// national federation's official accompanying the delegation.
fn course(organizer: Option<&str>, version: Option<i64>) -> ActivityInput {
    activity(json!({
        "kind": "training_course", "title_zh": "2024年越南工会干部研修班",
        "title_en": "2024 Seminar for Vietnamese Trade Union Cadres",
        "start_date": "2024-05-13", "end_date": "2024-05-19",
        "organizer": organizer, "university_role": "host", "partners": ["org-vgcl"],
        "delegation_size": 25,
        "participants": [{"person": "p-wang-lei", "role": "accompanying"}],
        "version": version
    }))
}

async fn the_body_that_ran_an_activity_has_it_on_its_timeline_as_it_changes(store: Store) {
    let [acftu, gdftu, vgcl] = federations(&store).await;
    let run = store
        .create::<Activity>(&admin(), course(Some("org-acftu"), None))
        .await
        .unwrap();
    // The federation ran it: an organizer, not also a body that only sent its official.
    assert_eq!(
        timeline_lines(&store, acftu).await,
        ["2024-05-13 activity organizer"]
    );
    assert_eq!(
        timeline_lines(&store, vgcl).await,
        ["2024-05-13 activity partner"]
    );
    assert!(timeline_lines(&store, gdftu).await.is_empty());

    // Found to have been run by the provincial federation: the national one only took part.
    let run = store
        .update::<Activity>(
            &admin(),
            run.meta.id,
            course(Some("org-gdftu"), Some(run.meta.version)),
        )
        .await
        .unwrap();
    assert_eq!(
        timeline_lines(&store, gdftu).await,
        ["2024-05-13 activity organizer"]
    );
    assert_eq!(
        timeline_lines(&store, acftu).await,
        ["2024-05-13 activity participant"]
    );

    // An online meeting the national federation organized, a year later.
    store
        .create::<Activity>(
            &admin(),
            activity(
                json!({"kind": "online_meeting", "title_en": "Online seminar on labour law",
                "start_date": "2025-03-04", "organizer": acftu, "university_role": "participant"}),
            ),
        )
        .await
        .unwrap();
    let acftu_now = timeline_lines(&store, acftu).await;
    assert_eq!(
        acftu_now,
        [
            "2025-03-04 activity organizer",
            "2024-05-13 activity participant"
        ]
    );

    // Worked out afresh from the records, the timelines are the ones kept along the way.
    store.reindex().await.unwrap();
    assert_eq!(timeline_lines(&store, acftu).await, acftu_now);
    assert_eq!(
        timeline_lines(&store, gdftu).await,
        ["2024-05-13 activity organizer"]
    );

    // No longer said to be run by another body, then deleted.
    let run = store
        .update::<Activity>(&admin(), run.meta.id, course(None, Some(run.meta.version)))
        .await
        .unwrap();
    assert!(timeline_lines(&store, gdftu).await.is_empty());
    store
        .delete::<Activity>(&admin(), run.meta.id)
        .await
        .unwrap();
    assert_eq!(
        timeline_lines(&store, acftu).await,
        ["2025-03-04 activity organizer"]
    );
    assert!(timeline_lines(&store, vgcl).await.is_empty());
}

/// Each problem of a refused form as "path value".
fn problems(err: Error) -> Vec<String> {
    match err {
        Error::Domain(DomainError::Invalid(errors)) => errors
            .0
            .into_iter()
            .map(|e| {
                assert_eq!(e.code, "not_found", "{e:?}");
                format!("{} {}", e.field, e.value.unwrap_or_default())
            })
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// How many records of kind `K` there are.
async fn total<K: liaison_store::Records>(store: &Store) -> i64
where
    K::Filter: Default,
{
    let first = PageRequest::parse(Some(1), Some(1), None, K::KIND.sorts, false).unwrap();
    store
        .list::<K>(&K::Filter::default(), &first)
        .await
        .unwrap()
        .total
}

async fn counts(store: &Store) -> [i64; 6] {
    [
        total::<Activity>(store).await,
        total::<Organization>(store).await,
        total::<Person>(store).await,
        total::<Agreement>(store).await,
        total::<Gift>(store).await,
        total::<Unit>(store).await,
    ]
}

async fn every_missing_record_a_form_refers_to_is_reported_at_once(store: Store) {
    federations(&store).await;
    let before = counts(&store).await;

    // A visit received: its host unit typed by a key no unit has, an organizer by a number no
    // organization has, a second partner and a new guest's organization by keys nobody has, and
    // a gift from a person not on record. The new guest is then named by key as a speaker, and
    // a guest already on record comes with an organization that is not: both are fine.
    let visit = activity(json!({
        "kind": "inbound_visit", "title_en": "Visit of the VGCL delegation",
        "start_date": "2024-09-10", "host_unit": "unit-nowhere", "organizer": 99997,
        "partners": ["org-vgcl", "org-nowhere"],
        "participants": [
            {"person": {"key": "p-tran", "name_en": "Tran Thi Mai", "category": "external",
                        "organization": "org-vgcl-hanoi"}, "role": "leader"},
            {"person": {"key": "p-wang-lei", "name_en": "Wang Lei", "organization": 99999},
             "role": "attendee"}
        ],
        "agenda": [{"kind": "speech", "title_en": "Welcome address", "speaker": "p-tran"}],
        "gifts": [{"direction": "received", "item": "Lacquer painting",
                   "giver": {"person": 99998}, "receiver": {"organization": "org-acftu"}}]
    }));
    let refused = store.create::<Activity>(&admin(), visit).await.unwrap_err();
    assert_eq!(
        problems(refused),
        [
            "host_unit unit-nowhere",
            "organizer #99997",
            "partners[1] org-nowhere",
            "participants[0].person.organization org-vgcl-hanoi",
            "gifts[0].giver.person #99998",
        ]
    );

    // An agreement whose partners, unit, activity, earlier agreement and signatory are not on
    // record.
    let agreement: AgreementInput = serde_json::from_value(json!({
        "kind": "mou", "title_en": "Memorandum on cadre training",
        "partners": [99991, "org-vgcl", "org-nowhere"], "unit": "unit-nowhere",
        "activity": 99992, "renews": "agr-nowhere",
        "signatories": [{"person": 99993, "capacity": "President"},
                        {"name": "Nguyen Dinh Khang", "organization": "org-vgcl"}]
    }))
    .unwrap();
    let refused = store
        .create::<Agreement>(&admin(), agreement)
        .await
        .unwrap_err();
    assert_eq!(
        problems(refused),
        [
            "partners[0] #99991",
            "partners[2] org-nowhere",
            "signatories[0].person #99993",
            "unit unit-nowhere",
            "activity #99992",
            "renews agr-nowhere",
        ]
    );

    // A person with a new organization, a unit and a gift, each with two or three references
    // to nothing.
    let person: PersonInput = serde_json::from_value(json!({"name_en": "Le Van Hung",
        "category": "external", "organization": {"kind": "trade_union", "country": "VN",
            "name_en": "Hanoi Federation of Labour", "affiliations": [
                {"organization": "org-nowhere", "relation": "part_of"},
                {"organization": 99994, "relation": "member_of"}]}}))
    .unwrap();
    assert_eq!(
        problems(store.create::<Person>(&admin(), person).await.unwrap_err()),
        [
            "organization.affiliations[0].organization org-nowhere",
            "organization.affiliations[1].organization #99994"
        ]
    );
    let unit: UnitInput = serde_json::from_value(json!({"name_en": "School of Labour Law",
        "foreign_affairs_leader": "p-nobody", "liaison_officer": 99995}))
    .unwrap();
    assert_eq!(
        problems(store.create::<Unit>(&admin(), unit).await.unwrap_err()),
        ["foreign_affairs_leader p-nobody", "liaison_officer #99995"]
    );
    let gift: GiftInput = serde_json::from_value(json!({"direction": "given",
        "item": "Porcelain vase", "activity": 99996, "giver": {"organization": "org-nowhere"},
        "receiver": {"person": 99997, "organization": "org-vgcl"}}))
    .unwrap();
    assert_eq!(
        problems(store.create::<Gift>(&admin(), gift).await.unwrap_err()),
        [
            "activity #99996",
            "giver.organization org-nowhere",
            "receiver.person #99997"
        ]
    );
    assert_eq!(counts(&store).await, before, "nothing was saved");
}

async fn a_change_naming_missing_records_reports_each_and_changes_nothing(store: Store) {
    federations(&store).await;
    let seminar = store
        .create::<Activity>(
            &admin(),
            activity(
                json!({"kind": "online_meeting", "title_en": "Online seminar",
                "start_date": "2024-06-04", "partners": ["org-vgcl"]}),
            ),
        )
        .await
        .unwrap();
    let change = activity(
        json!({"kind": "online_meeting", "title_en": "Online seminar",
        "start_date": "2024-06-04", "inviting_organization": "org-nowhere",
        "partners": ["org-vgcl", 99990],
        "participants": [{"person": "p-nobody", "role": "attendee"}],
        "version": seminar.meta.version}),
    );
    let refused = store
        .update::<Activity>(&admin(), seminar.meta.id, change)
        .await
        .unwrap_err();
    assert_eq!(
        problems(refused),
        [
            "inviting_organization org-nowhere",
            "partners[1] #99990",
            "participants[0].person p-nobody",
        ]
    );
    assert_eq!(
        store.get::<Activity>(seminar.meta.id).await.unwrap(),
        seminar
    );
}
