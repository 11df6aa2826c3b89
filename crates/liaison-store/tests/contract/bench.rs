//! The benchmark's generated trip applications, loaded in bulk on both databases, read and
//! decided on by the store's own code as applications filed one by one are.

use super::*;
use chrono::NaiveDate;
use liaison_core::approvals::{Decision, Verdict};
use liaison_core::bench_data::{Dataset, TripDataset};
use liaison_core::trips::{Trip, TripFilter, TripState};
use liaison_core::{UserInput, UserRole};

contract!(the_generated_trips_load_and_every_inbox_counts_them_as_the_store_would);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

/// The first page of a trip list, newest first, as the pages ask for it.
fn newest() -> PageRequest {
    PageRequest::parse(
        None,
        None,
        Some("-created"),
        liaison_core::trips::TRIP_SORTS,
        true,
    )
    .unwrap()
}

/// The account a generated account signs in as.
fn actor_of(data: &TripDataset, account: usize) -> Actor {
    let a = &data.accounts[account];
    Actor {
        user_id: Some(account as i64 + 1),
        username: a.username.clone(),
        role: a.role,
        unit_id: a.unit.map(|u| u as i64 + 1),
        address: None,
    }
}

async fn the_generated_trips_load_and_every_inbox_counts_them_as_the_store_would(store: Store) {
    let records = Dataset::generate(300, 5);
    store.load_dataset(&records).await.unwrap();
    let data = TripDataset::generate(&records, 600, today(), 5);
    let report = store.load_trips(&data).await.unwrap();
    assert_eq!(report.trips, 600);

    // The board's counts are the generated states, and every state is there.
    let counts = store.trip_counts().await.unwrap();
    for state in TripState::ALL {
        let generated = data.trips.iter().filter(|t| t.state == state).count() as i64;
        assert!(generated > 0, "no application is {state:?}");
        assert_eq!(
            counts.get(&state).copied().unwrap_or(0),
            generated,
            "{state:?}"
        );
    }

    // officer-2 stands in for officer-1 today: its inbox holds what waits for either.
    let officer = actor_of(&data, 1);
    let waiting = data
        .trips
        .iter()
        .filter(|t| t.waiting.contains(&0) || t.waiting.contains(&1))
        .count() as i64;
    assert!(waiting > 0);
    let inbox = store.trip_inbox(&officer, today()).await.unwrap();
    assert_eq!(inbox.waiting, waiting);
    let overdue = data
        .trips
        .iter()
        .filter(|t| t.state == TripState::InApproval && t.step_due.unwrap() < today())
        .count() as i64;
    assert_eq!(inbox.overdue, overdue);
    let page = store
        .list_trips(
            &TripFilter {
                waiting_for: Some(2),
                ..TripFilter::default()
            },
            &newest(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, waiting);
    assert!(page.items.iter().all(|t| t.status == TripState::InApproval));

    // An applicant's applications, and a unit's, are theirs.
    let applicant = data.trips[0].applicant;
    let mine = store
        .list_trips(
            &TripFilter {
                applicant: Some(applicant as i64 + 1),
                ..TripFilter::default()
            },
            &newest(),
            today(),
        )
        .await
        .unwrap();
    let filed = data
        .trips
        .iter()
        .filter(|t| t.applicant == applicant)
        .count() as i64;
    assert_eq!(mine.total, filed);
    assert_eq!(
        store
            .trip_inbox(&actor_of(&data, applicant), today())
            .await
            .unwrap()
            .mine,
        filed
    );

    // A closed application reads whole: its members named, all briefed, its decisions and its
    // history from draft to closed.
    let (index, closed) = data
        .trips
        .iter()
        .enumerate()
        .find(|(_, t)| t.state == TripState::Closed && t.briefing.is_some())
        .unwrap();
    let id = index as i64 + 1;
    let trip = store.get::<Trip>(id).await.unwrap();
    assert_eq!(trip.status, TripState::Closed);
    assert_eq!(trip.members.len(), closed.form.members.len());
    assert_eq!(trip.briefed.len(), closed.form.members.len());
    assert!(trip.report.is_some());
    assert_eq!(
        store.trip_decisions(id).await.unwrap().len(),
        closed.decisions.len()
    );
    let history: Vec<String> = store
        .trip_history(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.to)
        .collect();
    assert_eq!(history.first().map(String::as_str), Some("draft"));
    assert_eq!(history.last().map(String::as_str), Some("closed"));

    // An application waiting for the office is decided on by the store's own path, and no
    // longer waits for it.
    let (index, at_office) = data
        .trips
        .iter()
        .enumerate()
        .find(|(_, t)| t.state == TripState::InApproval && t.waiting.contains(&1))
        .unwrap();
    let id = index as i64 + 1;
    let before = store.get::<Trip>(id).await.unwrap();
    assert_eq!(before.plan, at_office.plan);
    store
        .decide_trip(
            &officer,
            id,
            before.meta.version,
            Decision {
                verdict: Verdict::Approve,
                comment: None,
            },
            today(),
        )
        .await
        .unwrap();
    assert!(!store.trip_waits_for(id, 2, today()).await.unwrap());

    // The board's counts, of each state and of every application, follow a change of state.
    let (index, draft) = data
        .trips
        .iter()
        .enumerate()
        .find(|(_, t)| t.state == TripState::Draft)
        .unwrap();
    let id = index as i64 + 1;
    let before = store.get::<Trip>(id).await.unwrap();
    store
        .trip_action(
            &actor_of(&data, draft.applicant),
            id,
            "withdraw",
            liaison_core::trips::TripActionInput {
                version: before.meta.version,
                comment: None,
                date: None,
                report: None,
            },
            &liaison_core::trips::TripPolicy::default(),
            today(),
        )
        .await
        .unwrap();
    let after = store.trip_counts().await.unwrap();
    assert_eq!(after[&TripState::Draft], counts[&TripState::Draft] - 1);
    assert_eq!(
        after[&TripState::Withdrawn],
        counts[&TripState::Withdrawn] + 1
    );
    let withdrawn = store
        .list_trips(
            &TripFilter {
                status: Some(TripState::Withdrawn),
                ..TripFilter::default()
            },
            &newest(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(withdrawn.total, after[&TripState::Withdrawn]);
    assert!(withdrawn.items.iter().any(|t| t.meta.id == id));
    let all = store
        .list_trips(&TripFilter::default(), &newest(), today())
        .await
        .unwrap();
    assert_eq!(all.total, 600);

    // Accounts made after the load take the next numbers.
    let made = store
        .create_user(
            &admin(),
            UserInput {
                version: None,
                username: "after-the-load".to_owned(),
                display_name: "After the load".to_owned(),
                role: UserRole::Viewer,
                unit: None,
                active: true,
            },
            "not a real hash",
        )
        .await
        .unwrap();
    assert_eq!(made.id, data.accounts.len() as i64 + 1);
}
