//! Trip applications and their approval chains, on both databases.

use super::*;
use chrono::NaiveDate;
use liaison_core::approvals::{
    ApplicationKind, ChainInput, Decision, Delegation, Progress, Verdict,
};
use liaison_core::trips::{
    Attendance, BriefingInput, Deadline, Trip, TripActionInput, TripFilter, TripInput, TripPolicy,
    TripReport, TripState,
};
use liaison_core::{FileLimits, FileName, NewFile, StoredFile, Unit, UserInput, UserRole};

contract!(
    a_trip_goes_through_its_chain_step_by_step_to_approved,
    a_submission_that_breaks_a_rule_is_refused_with_each_finding_and_changes_nothing,
    of_two_approvers_deciding_at_once_one_is_saved_and_the_other_told,
    a_chain_edited_while_applications_are_under_way_changes_nothing_for_them,
    a_deputy_decides_for_an_approver_within_the_delegation,
    a_refusal_sends_the_application_back_with_its_comment_and_nobody_waits,
    an_approved_trip_is_noticed_briefed_departs_returns_reports_and_closes_into_an_activity,
    a_change_after_approval_goes_through_approval_again_with_the_difference_shown,
    the_trip_policy_is_saved_as_versions_and_checked,
    every_change_of_state_is_made_only_by_whom_its_rule_allows,
    a_report_is_filed_only_with_the_photos_the_policy_asks_for,
    files_of_a_trip_are_kept_by_whoever_acts_for_it,
    a_trip_keeps_its_members_and_unit_and_is_named_when_they_cannot_be_deleted,
);

/// The day applications are submitted in these tests: well ahead of the trips below.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

/// The accounts and people of one school: its leader, a teacher who applies, two officers and
/// the vice president in charge.
struct School {
    unit: i64,
    teacher: Actor,
    leader: Actor,
    officer_a: Actor,
    officer_b: Actor,
    vice_president: Actor,
    teacher_person: i64,
    colleague_person: i64,
    dean_person: i64,
}

async fn account(store: &Store, username: &str, role: UserRole, unit: Option<i64>) -> Actor {
    let user = store
        .create_user(
            &admin(),
            UserInput {
                version: None,
                username: username.to_owned(),
                display_name: username.to_owned(),
                role,
                unit,
                active: true,
            },
            "not a real hash",
        )
        .await
        .unwrap();
    Actor {
        user_id: Some(user.id),
        username: username.to_owned(),
        role,
        unit_id: unit,
        address: None,
    }
}

async fn internal(store: &Store, key: &str, name: &str) -> i64 {
    store
        .create::<Person>(
            &admin(),
            serde_json::from_value(
                json!({"key": key, "name_en": name, "category": "internal", "unit": "marine"}),
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .meta
        .id
}

async fn school(store: &Store) -> School {
    let unit = store
        .create::<Unit>(
            &admin(),
            serde_json::from_value(json!({"key": "marine", "name_en": "School of Marine Science"}))
                .unwrap(),
        )
        .await
        .unwrap();
    let dean = internal(store, "dean", "Zhou Hai").await;
    let teacher_person = internal(store, "teacher", "Li Na").await;
    let colleague_person = internal(store, "colleague", "Chen Bo").await;
    store
        .update::<Unit>(
            &admin(),
            unit.meta.id,
            serde_json::from_value(
                json!({"key": "marine", "name_en": "School of Marine Science",
                "foreign_affairs_leader": "dean", "version": unit.meta.version}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let unit = unit.meta.id;
    // The teacher applies as the school's liaison officer here; every role but viewers may
    // file their own applications.
    let teacher = account(store, "li.na", UserRole::Liaison, Some(unit)).await;
    let leader = account(store, "zhou.hai", UserRole::Leader, None).await;
    store
        .link_account_person(&admin(), leader.user_id.unwrap(), Some(dean))
        .await
        .unwrap();
    let officer_a = account(store, "officer.a", UserRole::Officer, None).await;
    let officer_b = account(store, "officer.b", UserRole::Officer, None).await;
    let vice_president = account(store, "vp", UserRole::Leader, None).await;
    store
        .set_leaders_in_charge(&admin(), unit, &[vice_president.user_id.unwrap()])
        .await
        .unwrap();
    School {
        unit,
        teacher,
        leader,
        officer_a,
        officer_b,
        vice_president,
        teacher_person,
        colleague_person,
        dean_person: dean,
    }
}

/// A research trip to Laos and Vietnam for the teacher and a colleague.
fn trip_input(school: &School) -> TripInput {
    serde_json::from_value(json!({
        "unit": school.unit,
        "title_zh": "赴老挝、越南开展海洋科学合作研究",
        "trip_type": "research",
        "destinations": [
            {"country": "LA", "city": "Vientiane", "arrive": "2026-05-10", "leave": "2026-05-13"},
            {"country": "VN", "city": "Hanoi", "arrive": "2026-05-13", "leave": "2026-05-16"}
        ],
        "members": [
            {"person_id": school.teacher_person, "leader": true, "position": "Professor"},
            {"person_id": school.colleague_person, "position": "Lecturer"}
        ],
        "funding": "research_grant",
        "budget": [{"item": "Air fares", "amount": 1200000}, {"item": "Lodging", "amount": 480000}]
    }))
    .unwrap()
}

/// The office's chain for these tests: the unit's leader, then both officers (会签), then the
/// leader in charge.
fn chain() -> ChainInput {
    serde_json::from_value(json!({"kind": "trip", "steps": [
        {"name": "Unit", "approver": {"rule": "unit_leader"}, "quorum": {"mode": "any"},
         "due_working_days": 3, "on_refusal": "back_to_applicant"},
        {"name": "Office", "approver": {"rule": "role", "role": "officer"},
         "quorum": {"mode": "all"}, "due_working_days": 3, "on_refusal": "back_to_previous"},
        {"name": "Leader in charge", "approver": {"rule": "leader_in_charge"},
         "quorum": {"mode": "any"}, "due_working_days": 5, "on_refusal": "end"}
    ]}))
    .unwrap()
}

fn approve() -> Decision {
    Decision {
        verdict: Verdict::Approve,
        comment: None,
    }
}

async fn waiting_for(store: &Store, who: &Actor) -> Vec<i64> {
    let filter = TripFilter {
        waiting_for: who.user_id,
        ..TripFilter::default()
    };
    store
        .list_trips(&filter, &page(None, &["created"], 50, 1), today())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.meta.id)
        .collect()
}

async fn submitted(store: &Store, school: &School) -> Trip {
    let trip = store
        .create_trip(&school.teacher, trip_input(school))
        .await
        .unwrap();
    store
        .submit_trip(
            &school.teacher,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            today(),
        )
        .await
        .unwrap()
}

async fn a_trip_goes_through_its_chain_step_by_step_to_approved(store: Store) {
    let s = school(&store).await;
    store.save_approval_chain(&admin(), chain()).await.unwrap();
    let trip = store.create_trip(&s.teacher, trip_input(&s)).await.unwrap();
    assert_eq!(trip.status, TripState::Draft);
    assert_eq!(trip.days_abroad, 7);
    assert_eq!(trip.members[0].person.name, "Li Na");
    let planned = store.planned_approvals(&trip).await.unwrap();
    assert_eq!(planned.steps.len(), 3);

    let trip = store
        .submit_trip(
            &s.teacher,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::InApproval);
    // Three working days after Monday 2 March 2026.
    assert_eq!(trip.step_due, NaiveDate::from_ymd_opt(2026, 3, 5));
    let id = trip.meta.id;
    assert_eq!(waiting_for(&store, &s.leader).await, [id]);
    assert!(waiting_for(&store, &s.officer_a).await.is_empty());

    let trip = store
        .decide_trip(&s.leader, id, trip.meta.version, approve(), today())
        .await
        .unwrap();
    assert_eq!(waiting_for(&store, &s.officer_a).await, [id]);
    assert_eq!(waiting_for(&store, &s.officer_b).await, [id]);
    let trip = store
        .decide_trip(&s.officer_b, id, trip.meta.version, approve(), today())
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::InApproval);
    assert!(waiting_for(&store, &s.officer_b).await.is_empty());
    assert_eq!(waiting_for(&store, &s.officer_a).await, [id]);
    let trip = store
        .decide_trip(&s.officer_a, id, trip.meta.version, approve(), today())
        .await
        .unwrap();
    let refused = store
        .decide_trip(&s.teacher, id, trip.meta.version, approve(), today())
        .await;
    assert!(forbidden(refused));
    let trip = store
        .decide_trip(&s.vice_president, id, trip.meta.version, approve(), today())
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Approved);
    assert_eq!(trip.progress, Some(Progress::Approved));
    assert!(waiting_for(&store, &s.vice_president).await.is_empty());

    let decisions = store.trip_decisions(id).await.unwrap();
    let who: Vec<(&str, &str)> = decisions
        .iter()
        .map(|d| (d.step_name.as_str(), d.username.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("Unit", "zhou.hai"),
            ("Office", "officer.b"),
            ("Office", "officer.a"),
            ("Leader in charge", "vp")
        ]
    );
    let counts = store.trip_counts().await.unwrap();
    assert_eq!(counts.get(&TripState::Approved), Some(&1));
    // Its history holds each change of state; an application not on record has none.
    let history = store.trip_history(trip.meta.id).await.unwrap();
    assert_eq!(history.last().unwrap().to, "approved");
    let missing = store.trip_history(trip.meta.id + 1_000).await;
    assert!(
        matches!(
            missing,
            Err(Error::Domain(DomainError::NotFound { entity: "trip", .. }))
        ),
        "{missing:?}"
    );
}

async fn a_submission_that_breaks_a_rule_is_refused_with_each_finding_and_changes_nothing(
    store: Store,
) {
    let s = school(&store).await;
    let mut input = trip_input(&s);
    // Official talks in three countries over eleven days: one day too many.
    input.trip_type = serde_json::from_value(json!("talks")).unwrap();
    input.destinations = serde_json::from_value(json!([
        {"country": "LA", "city": "Vientiane", "arrive": "2026-05-10", "leave": "2026-05-13"},
        {"country": "VN", "city": "Hanoi", "arrive": "2026-05-14", "leave": "2026-05-17"},
        {"country": "KH", "city": "Phnom Penh", "arrive": "2026-05-18", "leave": "2026-05-20"}
    ]))
    .unwrap();
    let trip = store.create_trip(&s.teacher, input).await.unwrap();
    let refused = store
        .submit_trip(
            &s.teacher,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            today(),
        )
        .await;
    let Err(Error::Domain(DomainError::Invalid(errors))) = refused else {
        panic!("a trip past its day limit was submitted: {refused:?}")
    };
    assert_eq!(errors.0[0].code, "administrative_days");
    assert!(
        errors.0[0].message.contains("at most 10 days"),
        "{}",
        errors.0[0].message
    );
    assert!(
        errors.0[0].message.contains("lasts 11"),
        "{}",
        errors.0[0].message
    );
    let unchanged: Trip = store.get(trip.meta.id).await.unwrap();
    assert_eq!(unchanged, trip);
    assert!(waiting_for(&store, &s.leader).await.is_empty());
}

async fn of_two_approvers_deciding_at_once_one_is_saved_and_the_other_told(store: Store) {
    let s = school(&store).await;
    store.save_approval_chain(&admin(), chain()).await.unwrap();
    let trip = submitted(&store, &s).await;
    let trip = store
        .decide_trip(
            &s.leader,
            trip.meta.id,
            trip.meta.version,
            approve(),
            today(),
        )
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        store.decide_trip(
            &s.officer_a,
            trip.meta.id,
            trip.meta.version,
            approve(),
            today()
        ),
        store.decide_trip(
            &s.officer_b,
            trip.meta.id,
            trip.meta.version,
            approve(),
            today()
        ),
    );
    let conflicts = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(Error::Domain(DomainError::Conflict { .. }))))
        .count();
    assert_eq!((a.is_ok() as usize + b.is_ok() as usize, conflicts), (1, 1));
    assert_eq!(store.trip_decisions(trip.meta.id).await.unwrap().len(), 2);
}

async fn a_chain_edited_while_applications_are_under_way_changes_nothing_for_them(store: Store) {
    let s = school(&store).await;
    let first = store.save_approval_chain(&admin(), chain()).await.unwrap();
    let trip = submitted(&store, &s).await;
    // The office drops the unit's step: new applications start with the officers.
    let mut shorter = chain();
    shorter.steps.remove(0);
    shorter.steps[0].on_refusal = liaison_core::approvals::OnRefusal::BackToApplicant;
    let second = store.save_approval_chain(&admin(), shorter).await.unwrap();
    assert_eq!((first.version, second.version), (1, 2));
    let later = submitted(&store, &s).await;
    assert_eq!(trip.plan.as_ref().unwrap().chain_version, 1);
    assert_eq!(later.plan.as_ref().unwrap().chain_version, 2);
    assert_eq!(waiting_for(&store, &s.leader).await, [trip.meta.id]);
    assert_eq!(waiting_for(&store, &s.officer_a).await, [later.meta.id]);
    let refused = store
        .save_approval_chain(
            &s.officer_a,
            ChainInput {
                kind: ApplicationKind::Trip,
                steps: chain().steps,
            },
        )
        .await;
    assert!(forbidden(refused));
}

async fn a_deputy_decides_for_an_approver_within_the_delegation(store: Store) {
    let s = school(&store).await;
    store.save_approval_chain(&admin(), chain()).await.unwrap();
    let trip = submitted(&store, &s).await;
    let deputy = account(&store, "deputy.dean", UserRole::Leader, None).await;
    let refused = store
        .decide_trip(&deputy, trip.meta.id, trip.meta.version, approve(), today())
        .await;
    assert!(forbidden(refused));
    store
        .add_delegation(
            &s.leader,
            Delegation {
                user_id: s.leader.user_id.unwrap(),
                deputy_id: deputy.user_id.unwrap(),
                from: today(),
                to: NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(),
            },
        )
        .await
        .unwrap();
    assert_eq!(waiting_for(&store, &deputy).await, [trip.meta.id]);
    let trip = store
        .decide_trip(&deputy, trip.meta.id, trip.meta.version, approve(), today())
        .await
        .unwrap();
    let decisions = store.trip_decisions(trip.meta.id).await.unwrap();
    assert_eq!(decisions[0].approver_id, s.leader.user_id.unwrap());
    assert_eq!(decisions[0].deputy_id, deputy.user_id);
    assert_eq!(waiting_for(&store, &s.officer_a).await, [trip.meta.id]);

    // The office's step waits for both officers. The deputy now stands in for both, and
    // officer B for officer A as well as for themselves: each finds the application once, in
    // the list and in the count.
    for (officer, stand_in) in [
        (&s.officer_a, &deputy),
        (&s.officer_b, &deputy),
        (&s.officer_a, &s.officer_b),
    ] {
        store
            .add_delegation(
                officer,
                Delegation {
                    user_id: officer.user_id.unwrap(),
                    deputy_id: stand_in.user_id.unwrap(),
                    from: today(),
                    to: NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(),
                },
            )
            .await
            .unwrap();
    }
    for who in [&deputy, &s.officer_b, &s.officer_a] {
        assert_eq!(waiting_for(&store, who).await, [trip.meta.id]);
        assert_eq!(store.trip_inbox(who, today()).await.unwrap().waiting, 1);
    }
}

async fn a_refusal_sends_the_application_back_with_its_comment_and_nobody_waits(store: Store) {
    let s = school(&store).await;
    store.save_approval_chain(&admin(), chain()).await.unwrap();
    let trip = submitted(&store, &s).await;
    let without_comment = store
        .decide_trip(
            &s.leader,
            trip.meta.id,
            trip.meta.version,
            Decision {
                verdict: Verdict::Refuse,
                comment: None,
            },
            today(),
        )
        .await;
    assert!(matches!(
        without_comment,
        Err(Error::Domain(DomainError::Invalid(_)))
    ));
    let trip = store
        .decide_trip(
            &s.leader,
            trip.meta.id,
            trip.meta.version,
            Decision {
                verdict: Verdict::Refuse,
                comment: Some("Attach the invitation letter.".to_owned()),
            },
            today(),
        )
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Draft);
    assert!(waiting_for(&store, &s.leader).await.is_empty());
    let decisions = store.trip_decisions(trip.meta.id).await.unwrap();
    assert_eq!(
        decisions[0].comment.as_deref(),
        Some("Attach the invitation letter.")
    );
    // Back with the applicant, it can be changed and submitted again.
    let mut input = trip.to_input();
    input.invitation = Some("Letter of the Lao National University, 12 February 2026".to_owned());
    let trip = store
        .update_trip(&s.teacher, trip.meta.id, input)
        .await
        .unwrap();
    let trip = store
        .submit_trip(
            &s.teacher,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::InApproval);
    assert_eq!(waiting_for(&store, &s.leader).await, [trip.meta.id]);
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Makes a change of state on `date`, from the version the trip is at.
async fn act(
    store: &Store,
    who: &Actor,
    trip: &Trip,
    name: &str,
    date: &str,
) -> Result<Trip, Error> {
    act_with(store, who, trip, name, date, TripActionInput::default()).await
}

async fn act_with(
    store: &Store,
    who: &Actor,
    trip: &Trip,
    name: &str,
    date: &str,
    input: TripActionInput,
) -> Result<Trip, Error> {
    let input = TripActionInput {
        version: trip.meta.version,
        ..input
    };
    store
        .trip_action(
            who,
            trip.meta.id,
            name,
            input,
            &TripPolicy::default(),
            day(date),
        )
        .await
}

/// A trip approved by the default chain's three steps.
async fn approved(store: &Store, s: &School) -> Trip {
    let mut trip = submitted(store, s).await;
    for approver in [&s.leader, &s.officer_a, &s.vice_president] {
        trip = store
            .decide_trip(
                approver,
                trip.meta.id,
                trip.meta.version,
                approve(),
                today(),
            )
            .await
            .unwrap();
    }
    assert_eq!(trip.status, TripState::Approved);
    trip
}

fn invalid_code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Domain(DomainError::Invalid(errors))) => errors.0[0].code.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn an_approved_trip_is_noticed_briefed_departs_returns_reports_and_closes_into_an_activity(
    store: Store,
) {
    let s = school(&store).await;
    let trip = approved(&store, &s).await;
    let officer = &s.officer_a;
    assert!(forbidden(
        act(&store, &s.teacher, &trip, "post_notice", "2026-03-02").await
    ));
    let trip = act(&store, officer, &trip, "post_notice", "2026-03-02")
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::InNotice);
    // Five working days after Monday 2 March: the notice runs until Monday 9 March.
    assert_eq!(trip.notice_ends, Some(day("2026-03-09")));
    assert_eq!(
        invalid_code(act(&store, officer, &trip, "brief", "2026-03-10").await),
        "not_briefed"
    );
    store
        .record_briefing(
            officer,
            BriefingInput {
                held_on: day("2026-04-20"),
                place: "Room 301, International Office".to_owned(),
                topics: "Safety abroad, foreign-affairs discipline, confidentiality".to_owned(),
                attended: vec![Attendance {
                    trip_id: trip.meta.id,
                    person_id: s.teacher_person,
                }],
            },
        )
        .await
        .unwrap();
    let trip: Trip = store.get(trip.meta.id).await.unwrap();
    assert_eq!(trip.briefed, [s.teacher_person]);
    assert_eq!(
        invalid_code(act(&store, officer, &trip, "brief", "2026-04-20").await),
        "not_briefed"
    );
    store
        .record_briefing(
            officer,
            BriefingInput {
                held_on: day("2026-04-27"),
                place: "Room 301".to_owned(),
                topics: "Safety abroad".to_owned(),
                attended: vec![Attendance {
                    trip_id: trip.meta.id,
                    person_id: s.colleague_person,
                }],
            },
        )
        .await
        .unwrap();
    let trip: Trip = store.get(trip.meta.id).await.unwrap();
    let trip = act(&store, officer, &trip, "brief", "2026-04-27")
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Briefed);
    own_documents(&store, &trip).await;
    let trip = act(&store, officer, &trip, "depart", "2026-05-10")
        .await
        .unwrap();
    let early = act_with(
        &store,
        &s.teacher,
        &trip,
        "return",
        "2026-05-17",
        TripActionInput {
            date: Some(day("2026-05-09")),
            ..TripActionInput::default()
        },
    )
    .await;
    assert_eq!(invalid_code(early), "out_of_range");
    let trip = act_with(
        &store,
        &s.teacher,
        &trip,
        "return",
        "2026-05-17",
        TripActionInput {
            date: Some(day("2026-05-16")),
            ..TripActionInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(trip.report_due, Some(day("2026-06-16")));
    assert_eq!(
        invalid_code(act(&store, &s.teacher, &trip, "report", "2026-05-20").await),
        "required"
    );
    keep_photos(&store, &s.teacher, &trip, 3).await;
    let report = TripReport {
        tasks_done: "Joint sampling in the Mekong delta; two seminars given.".to_owned(),
        outcomes: "A joint research agreement drafted with the Lao National University.".to_owned(),
        spending: serde_json::from_value(json!([{"item": "Air fares", "amount": 1150000}]))
            .unwrap(),
        follow_up: Some("Sign the agreement in the autumn.".to_owned()),
    };
    let trip = act_with(
        &store,
        &s.teacher,
        &trip,
        "report",
        "2026-05-20",
        TripActionInput {
            report: Some(report),
            ..TripActionInput::default()
        },
    )
    .await
    .unwrap();
    assert!(forbidden(
        act(&store, &s.teacher, &trip, "close", "2026-05-21").await
    ));
    let trip = act(&store, officer, &trip, "close", "2026-05-21")
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Closed);
    let activity: Activity = store.get(trip.activity.as_ref().unwrap().id).await.unwrap();
    assert_eq!(
        serde_json::to_value(activity.kind).unwrap(),
        json!("outbound_trip")
    );
    assert_eq!(activity.start_date, day("2026-05-10"));
    assert_eq!(activity.participants.len(), 2);
    assert_eq!(activity.outcomes.len(), 1);
    let found = store
        .list::<Activity>(
            &serde_json::from_value(json!({"kind": "outbound_trip"})).unwrap(),
            &page(None, &["start"], 50, 1),
        )
        .await
        .unwrap();
    assert_eq!(
        found.total, 1,
        "the closed trip is listed among outbound trips"
    );
}

async fn a_change_after_approval_goes_through_approval_again_with_the_difference_shown(
    store: Store,
) {
    let s = school(&store).await;
    let trip = approved(&store, &s).await;
    let trip = act(&store, officer_of(&s), &trip, "post_notice", "2026-03-02")
        .await
        .unwrap();
    assert!(
        store
            .update_trip(&s.teacher, trip.meta.id, trip.to_input())
            .await
            .is_err()
    );
    let trip = act(&store, &s.teacher, &trip, "change", "2026-03-03")
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Changing);
    assert_eq!(trip.notice_ends, None);
    let mut input = trip.to_input();
    input.destinations[1].leave = day("2026-05-17");
    let trip = store
        .update_trip(&s.teacher, trip.meta.id, input)
        .await
        .unwrap();
    assert_eq!(trip.changes_since_approval.len(), 1);
    assert_eq!(trip.changes_since_approval[0].field, "destinations");
    assert!(trip.changes_since_approval[0].now.contains("2026-05-17"));
    // The lists show the destinations as changed, kept apart from the form by the database.
    let rows = store
        .list_trip_rows(
            &TripFilter::default(),
            &page(None, &["created"], 50, 1),
            today(),
            None,
        )
        .await
        .unwrap();
    let row = rows.items.iter().find(|r| r.id == trip.meta.id).unwrap();
    assert_eq!(row.destinations, trip.destinations);
    assert_eq!(row.destinations[1].leave, day("2026-05-17"));
    let trip = store
        .submit_trip(
            &s.teacher,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::InApproval);
    assert_eq!(trip.changes_since_approval.len(), 1);
    assert_eq!(waiting_for(&store, &s.leader).await, [trip.meta.id]);
    // Withdrawn, it waits for nobody.
    let trip = act(&store, &s.teacher, &trip, "withdraw", "2026-03-04")
        .await
        .unwrap();
    assert_eq!(trip.status, TripState::Withdrawn);
    assert!(waiting_for(&store, &s.leader).await.is_empty());
    assert_eq!(
        invalid_code(act(&store, &s.teacher, &trip, "submit", "2026-03-04").await),
        "not_allowed_from_state"
    );
}

fn officer_of(s: &School) -> &Actor {
    &s.officer_a
}

async fn the_trip_policy_is_saved_as_versions_and_checked(store: Store) {
    let s = school(&store).await;
    let defaults = TripPolicy::default();
    assert_eq!(
        store.trip_policy(&defaults).await.unwrap(),
        (0, defaults.clone())
    );
    let fifteen_working_days = TripPolicy {
        report_due: Deadline::WorkingDays(15),
        ..defaults.clone()
    };
    assert!(forbidden(
        store
            .save_trip_policy(&s.officer_a, fifteen_working_days.clone())
            .await
    ));
    assert_eq!(
        store
            .save_trip_policy(&admin(), fifteen_working_days.clone())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.trip_policy(&defaults).await.unwrap(),
        (1, fifteen_working_days)
    );
    let shrinking = TripPolicy {
        administrative_days_by_countries: vec![5, 4],
        ..defaults.clone()
    };
    assert!(store.save_trip_policy(&admin(), shrinking).await.is_err());
    assert_eq!(store.trip_policy(&defaults).await.unwrap().0, 1);
}

/// A new trip of the school brought to `state` through the changes of state that lead there,
/// with the dates each one needs.
async fn in_state(store: &Store, s: &School, state: TripState) -> Trip {
    let mut trip = match state {
        TripState::Draft => {
            return store.create_trip(&s.teacher, trip_input(s)).await.unwrap();
        }
        TripState::InApproval => return submitted(store, s).await,
        _ => approved(store, s).await,
    };
    let steps: &[(TripState, &str, &str)] = &[
        (TripState::InNotice, "post_notice", "2026-03-02"),
        (TripState::Briefed, "brief", "2026-04-27"),
        (TripState::Departed, "depart", "2026-05-10"),
        (TripState::Returned, "return", "2026-05-17"),
        (TripState::Reported, "report", "2026-05-20"),
    ];
    for (reached, name, date) in steps {
        if trip.status == state {
            break;
        }
        if *name == "brief" {
            trip = in_state_briefed(store, s, trip).await;
        }
        if *name == "report" {
            keep_photos(store, &s.teacher, &trip, 3).await;
        }
        trip = act_with(store, &s.officer_a, &trip, name, date, input_for(name))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(trip.status, *reached);
    }
    assert_eq!(trip.status, state);
    trip
}

/// What a change of state carries besides the version: the day of return, the report.
fn input_for(name: &str) -> TripActionInput {
    match name {
        "return" => TripActionInput {
            date: Some(day("2026-05-16")),
            ..TripActionInput::default()
        },
        "report" => TripActionInput {
            report: Some(TripReport {
                tasks_done: "Sampling done".to_owned(),
                outcomes: "A joint paper".to_owned(),
                spending: Vec::new(),
                follow_up: None,
            }),
            ..TripActionInput::default()
        },
        _ => TripActionInput::default(),
    }
}

async fn every_change_of_state_is_made_only_by_whom_its_rule_allows(store: Store) {
    let s = school(&store).await;
    let other_unit = store
        .create::<Unit>(
            &admin(),
            serde_json::from_value(json!({"key": "law", "name_en": "Law School"})).unwrap(),
        )
        .await
        .unwrap()
        .meta
        .id;
    let actors = [
        ("applicant", s.teacher.clone()),
        ("officer", s.officer_b.clone()),
        (
            "admin",
            account(&store, "root", UserRole::Admin, None).await,
        ),
        ("leader", s.vice_president.clone()),
        (
            "viewer",
            account(&store, "reader", UserRole::Viewer, None).await,
        ),
        (
            "colleague",
            account(&store, "staff.other", UserRole::Staff, Some(s.unit)).await,
        ),
        (
            "other unit",
            account(&store, "liaison.law", UserRole::Liaison, Some(other_unit)).await,
        ),
    ];
    let applicant_or_office: &[&str] = &["applicant", "officer", "admin"];
    let office: &[&str] = &["officer", "admin"];
    // (change, the state it is made from, the day it is made, who may make it)
    let table: &[(&str, TripState, &str, &[&str])] = &[
        (
            "submit",
            TripState::Draft,
            "2026-03-02",
            applicant_or_office,
        ),
        (
            "withdraw",
            TripState::InApproval,
            "2026-03-02",
            applicant_or_office,
        ),
        (
            "change",
            TripState::Approved,
            "2026-03-02",
            applicant_or_office,
        ),
        ("post_notice", TripState::Approved, "2026-03-02", office),
        ("brief", TripState::InNotice, "2026-04-27", office),
        ("depart", TripState::Briefed, "2026-05-10", office),
        (
            "return",
            TripState::Departed,
            "2026-05-17",
            applicant_or_office,
        ),
        (
            "report",
            TripState::Returned,
            "2026-05-20",
            applicant_or_office,
        ),
        ("close", TripState::Reported, "2026-05-21", office),
        // Only the current step's approvers decide: the unit's leader, none of these.
        ("approve", TripState::InApproval, "2026-03-02", &[]),
        ("refuse", TripState::InApproval, "2026-03-02", &[]),
        ("send_back", TripState::InApproval, "2026-03-02", &[]),
    ];
    for (name, from, date, allowed) in table {
        for (label, actor) in &actors {
            let mut trip = in_state(&store, &s, *from).await;
            if *name == "brief" {
                // Everyone is briefed, so only who acts decides.
                trip = in_state_briefed(&store, &s, trip).await;
            }
            if *name == "report" {
                // The photos are there, so only who acts decides.
                keep_photos(&store, &s.teacher, &trip, 3).await;
            }
            let mut input = input_for(name);
            input.comment = Some("Checked.".to_owned());
            let result = act_with(&store, actor, &trip, name, date, input).await;
            if allowed.contains(label) {
                assert!(result.is_ok(), "{label} may {name}: {result:?}");
            } else {
                assert!(
                    forbidden(result),
                    "{label} may not {name} a trip that is {from:?}"
                );
            }
        }
    }
    // The unit's leader, the step's approver, does decide.
    let trip = in_state(&store, &s, TripState::InApproval).await;
    assert!(
        act(&store, &s.leader, &trip, "approve", "2026-03-02")
            .await
            .is_ok()
    );
}

/// Records that every member of `trip` attended a briefing.
async fn in_state_briefed(store: &Store, s: &School, trip: Trip) -> Trip {
    let attended = trip
        .members
        .iter()
        .map(|m| Attendance {
            trip_id: trip.meta.id,
            person_id: m.person.id,
        })
        .collect();
    store
        .record_briefing(
            &s.officer_a,
            BriefingInput {
                held_on: day("2026-04-20"),
                place: "Room 301".to_owned(),
                topics: "Safety abroad".to_owned(),
                attended,
            },
        )
        .await
        .unwrap();
    own_documents(store, &trip).await;
    store.get(trip.meta.id).await.unwrap()
}

/// Keeps `count` photos with `trip`, as `who` uploads them: rows whose bytes the file store
/// would hold.
async fn keep_photos(store: &Store, who: &Actor, trip: &Trip, count: usize) -> Vec<StoredFile> {
    let mut kept = Vec::new();
    for n in 0..count {
        kept.push(
            store
                .add_file::<Trip>(
                    who,
                    trip.meta.id,
                    photo(trip.meta.id, n),
                    &FileLimits::default(),
                )
                .await
                .unwrap(),
        );
    }
    kept
}

/// A photo of the trip: the bytes of each are different.
fn photo(trip: i64, n: usize) -> NewFile {
    NewFile {
        content_hash: format!("{:064x}", trip * 1_000 + n as i64),
        name: FileName::clean(&format!("mekong-{n}.jpg"), "jpg"),
        media_type: "image/jpeg".to_owned(),
        size: 200_000,
        caption: format!("Sampling in the Mekong, day {n}"),
    }
}

/// A report, as the applicant files it.
fn report_input() -> TripActionInput {
    input_for("report")
}

/// Photos asked for, photos kept, whether a PDF letter is kept too, and the numbers the refusal
/// names (none when the report is filed).
type PhotoCase = (i64, usize, bool, Option<(i64, i64)>);

async fn a_report_is_filed_only_with_the_photos_the_policy_asks_for(store: Store) {
    let s = school(&store).await;
    let table: &[PhotoCase] = &[
        (3, 0, false, Some((3, 0))),
        (3, 2, false, Some((3, 2))),
        // A scanned letter in PDF is not a photo.
        (3, 2, true, Some((3, 2))),
        (3, 3, false, None),
        (3, 4, false, None),
        (1, 0, false, Some((1, 0))),
        (0, 0, false, None),
    ];
    for &(asked, photos, letter, refused) in table {
        let policy = TripPolicy {
            report_photos: asked,
            ..TripPolicy::default()
        };
        let trip = in_state(&store, &s, TripState::Returned).await;
        keep_photos(&store, &s.teacher, &trip, photos).await;
        if letter {
            let mut pdf = photo(trip.meta.id, 99);
            pdf.media_type = "application/pdf".to_owned();
            pdf.name = FileName::clean("invitation.pdf", "pdf");
            store
                .add_file::<Trip>(&s.teacher, trip.meta.id, pdf, &FileLimits::default())
                .await
                .unwrap();
        }
        let input = TripActionInput {
            version: trip.meta.version,
            ..report_input()
        };
        let result = store
            .trip_action(
                &s.teacher,
                trip.meta.id,
                "report",
                input,
                &policy,
                day("2026-05-20"),
            )
            .await;
        let case = format!("{asked} asked, {photos} kept");
        match refused {
            None => assert_eq!(result.unwrap().status, TripState::Reported, "{case}"),
            Some((limit, actual)) => {
                let Err(Error::Domain(DomainError::Invalid(errors))) = result else {
                    panic!("{case}: expected a refusal, got {result:?}");
                };
                assert_eq!(errors.0[0].field, "photos", "{case}");
                assert_eq!(errors.0[0].code, "report_photos", "{case}");
                assert_eq!(
                    errors.0[0].message,
                    format!("the report needs {limit} photos; the trip has {actual}"),
                    "{case}"
                );
                let unchanged: Trip = store.get(trip.meta.id).await.unwrap();
                assert_eq!(unchanged.status, TripState::Returned, "{case}");
                assert_eq!(unchanged.report, None, "{case}");
            }
        }
    }
}

async fn files_of_a_trip_are_kept_by_whoever_acts_for_it(store: Store) {
    let s = school(&store).await;
    let trip = store.create_trip(&s.teacher, trip_input(&s)).await.unwrap();
    let id = trip.meta.id;
    let limits = FileLimits::default();
    let mut letter = photo(id, 1);
    letter.media_type = "application/pdf".to_owned();
    letter.name = FileName::clean("邀请函.pdf", "pdf");
    // The applicant and the office keep files with it; the leader in charge reads it only, and
    // another unit's liaison officer and a viewer neither.
    let kept = store
        .add_file::<Trip>(&s.teacher, id, letter, &limits)
        .await
        .unwrap();
    assert_eq!(kept.record_kind, "trip");
    store
        .add_file::<Trip>(&s.officer_a, id, photo(id, 2), &limits)
        .await
        .unwrap();
    let other_unit = store
        .create::<Unit>(
            &admin(),
            serde_json::from_value(json!({"key": "law", "name_en": "Law School"})).unwrap(),
        )
        .await
        .unwrap()
        .meta
        .id;
    for outsider in [
        s.vice_president.clone(),
        account(&store, "reader", UserRole::Viewer, None).await,
        account(&store, "liaison.law", UserRole::Liaison, Some(other_unit)).await,
        account(&store, "staff.other", UserRole::Staff, Some(s.unit)).await,
    ] {
        assert!(
            forbidden(
                store
                    .add_file::<Trip>(&outsider, id, photo(id, 3), &limits)
                    .await
            ),
            "{} keeps a file with another's trip",
            outsider.username
        );
        assert!(forbidden(
            store
                .caption_file::<Trip>(&outsider, id, kept.id, "Changed")
                .await
        ));
        assert!(forbidden(
            store.delete_file::<Trip>(&outsider, id, kept.id).await
        ));
    }
    let files = store.files::<Trip>(id).await.unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].name, "邀请函.pdf");
    let captioned = store
        .caption_file::<Trip>(&s.teacher, id, kept.id, "The invitation, signed")
        .await
        .unwrap();
    assert_eq!(captioned.caption, "The invitation, signed");
    store
        .delete_file::<Trip>(&s.teacher, id, kept.id)
        .await
        .unwrap();
    assert_eq!(store.files::<Trip>(id).await.unwrap().len(), 1);
}

/// Records every member as travelling on a valid document of their own, which departure needs
/// when the office has not handed one out.
async fn own_documents(store: &Store, trip: &Trip) {
    for member in &trip.members {
        let own = liaison_core::passports::OwnDocumentInput {
            person: member.person.id,
            reason: "holds a valid official passport issued for a secondment".to_owned(),
            expires_on: day("2030-12-31"),
        };
        store
            .record_own_document(&admin(), trip.meta.id, own)
            .await
            .unwrap();
    }
}

async fn a_trip_keeps_its_members_and_unit_and_is_named_when_they_cannot_be_deleted(store: Store) {
    let s = school(&store).await;
    let trip = store.create_trip(&s.teacher, trip_input(&s)).await.unwrap();
    let err = store
        .delete::<Person>(&admin(), s.colleague_person)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Domain(DomainError::Conflict { .. })),
        "{err:?}"
    );
    let trip_kind = liaison_core::trips::TRIP;
    assert_eq!(
        store
            .referring(liaison_core::PERSON, s.colleague_person)
            .await
            .unwrap(),
        [(trip_kind, trip.meta.id)]
    );
    let unit = store.referring(liaison_core::UNIT, s.unit).await.unwrap();
    assert!(unit.contains(&(trip_kind, trip.meta.id)), "{unit:?}");
    // The dean is the school's leader and has an account: both keep the person.
    let dean = store
        .referring(liaison_core::PERSON, s.dean_person)
        .await
        .unwrap();
    let kinds: Vec<&str> = dean.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["unit", "user"], "{dean:?}");
}
