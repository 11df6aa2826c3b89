//! How records refer to one another, on both databases: the body that ran an activity on its
//! timeline.

use super::*;

contract!(
    the_body_that_ran_an_activity_has_it_on_its_timeline_as_it_changes,
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
