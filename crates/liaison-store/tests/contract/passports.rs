//! Official passports and permits in the office's custody, and the trip checks on them, on both
//! databases.

use super::*;
use chrono::NaiveDate;
use liaison_core::approvals::{ChainInput, Decision, Verdict};
use liaison_core::passports::{
    CustodyAction, CustodyInput, Escalation, OwnDocumentInput, Passport, PassportFilter,
    PassportInput, PassportPolicy, PassportStatus,
};
use liaison_core::reminders::{ReminderPolicy, Rule};
use liaison_core::trips::{
    Attendance, BriefingInput, Deadline, Trip, TripActionInput, TripInput, TripPolicy, TripState,
};
use liaison_core::{UserInput, UserRole};

contract!(
    custody_from_hand_out_to_return_counts_working_days_across_national_day,
    an_overdue_holder_cannot_submit_or_be_approved_until_the_document_is_returned,
    a_unit_past_its_limit_of_overdue_documents_has_its_new_applications_held,
    the_validity_check_holds_at_its_boundary,
    a_trip_departs_only_once_every_member_has_a_document_handed_out_or_their_own,
    the_custody_log_is_only_added_to,
    every_role_may_do_only_what_the_passport_rules_allow,
    an_overdue_document_reminds_its_holder_then_the_unit_then_the_office,
);

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The School of Marine Science with two teachers who travel, a liaison officer, the office,
/// and a School of Law with its own teacher and liaison officer.
struct Office {
    marine: i64,
    law: i64,
    li_na: i64,
    chen_bo: i64,
    wang_fang: i64,
    applicant: Actor,
    officer: Actor,
    liaison: Actor,
    law_liaison: Actor,
}

async fn account(store: &Store, username: &str, role: UserRole, unit: Option<i64>) -> Actor {
    let input = UserInput {
        version: None,
        username: username.to_owned(),
        display_name: username.to_owned(),
        role,
        unit,
        active: true,
    };
    store
        .create_user(&admin(), input, "not a real hash")
        .await
        .unwrap()
        .actor(None)
}

async fn teacher(store: &Store, key: &str, name_zh: &str, name_en: &str, unit: i64) -> i64 {
    let input: Person = store
        .create::<Person>(
            &admin(),
            serde_json::from_value(json!({"key": key, "name_zh": name_zh, "name_en": name_en,
                "category": "internal", "unit": unit}))
            .unwrap(),
        )
        .await
        .unwrap();
    input.meta.id
}

async fn office(store: &Store) -> Office {
    let unit = |key: &str, name: &str| {
        serde_json::from_value::<liaison_core::UnitInput>(json!({"key": key, "name_en": name}))
            .unwrap()
    };
    let marine = store
        .create::<Unit>(&admin(), unit("marine", "School of Marine Science"))
        .await
        .unwrap()
        .meta
        .id;
    let law = store
        .create::<Unit>(&admin(), unit("law", "School of Law"))
        .await
        .unwrap()
        .meta
        .id;
    let li_na = teacher(store, "li-na", "李娜", "Li Na", marine).await;
    let chen_bo = teacher(store, "chen-bo", "陈博", "Chen Bo", marine).await;
    let wang_fang = teacher(store, "wang-fang", "王芳", "Wang Fang", law).await;
    let applicant = account(store, "li.na", UserRole::Staff, Some(marine)).await;
    store
        .link_account_person(&admin(), applicant.user_id.unwrap(), Some(li_na))
        .await
        .unwrap();
    let officer = account(store, "officer", UserRole::Officer, None).await;
    let liaison = account(store, "marine.liaison", UserRole::Liaison, Some(marine)).await;
    let law_liaison = account(store, "law.liaison", UserRole::Liaison, Some(law)).await;
    // One step: the office approves.
    let chain: ChainInput = serde_json::from_value(json!({"kind": "trip", "steps": [
        {"name": "Office", "approver": {"rule": "role", "role": "officer"},
         "quorum": {"mode": "any"}, "due_working_days": 3, "on_refusal": "back_to_applicant"}
    ]}))
    .unwrap();
    store.save_approval_chain(&admin(), chain).await.unwrap();
    Office {
        marine,
        law,
        li_na,
        chen_bo,
        wang_fang,
        applicant,
        officer,
        liaison,
        law_liaison,
    }
}

/// A research trip of the marine school to Laos and Vietnam for `members`, from `leave` to `back`.
fn trip_input(o: &Office, members: &[i64], leave: &str, back: &str) -> TripInput {
    let members: Vec<serde_json::Value> = members
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"person_id": id, "leader": i == 0, "position": "Professor"}))
        .collect();
    serde_json::from_value(json!({
        "unit": o.marine,
        "title_zh": "赴老挝、越南开展海洋科学合作研究",
        "title_en": "Marine research in Laos and Vietnam",
        "trip_type": "research",
        "destinations": [
            {"country": "LA", "city": "Vientiane", "arrive": leave, "leave": leave},
            {"country": "VN", "city": "Hanoi", "arrive": leave, "leave": back}
        ],
        "members": members,
        "funding": "research_grant",
        "budget": [{"item": "Air fares", "amount": 1200000}]
    }))
    .unwrap()
}

async fn submit(store: &Store, o: &Office, trip: &Trip, on: &str) -> Result<Trip, Error> {
    store
        .submit_trip(
            &o.officer,
            trip.meta.id,
            trip.meta.version,
            &TripPolicy::default(),
            day(on),
        )
        .await
}

async fn approve(store: &Store, o: &Office, trip: &Trip, on: &str) -> Result<Trip, Error> {
    let decision = Decision {
        verdict: Verdict::Approve,
        comment: None,
    };
    store
        .decide_trip(
            &o.officer,
            trip.meta.id,
            trip.meta.version,
            decision,
            day(on),
        )
        .await
}

async fn act(
    store: &Store,
    o: &Office,
    trip: &Trip,
    name: &str,
    on: &str,
    date: Option<&str>,
) -> Result<Trip, Error> {
    let input = TripActionInput {
        version: trip.meta.version,
        date: date.map(day),
        ..TripActionInput::default()
    };
    store
        .trip_action(
            &o.officer,
            trip.meta.id,
            name,
            input,
            &TripPolicy::default(),
            day(on),
        )
        .await
}

/// A trip filed on `filed`, approved, its notice posted and everyone briefed.
async fn briefed_trip(
    store: &Store,
    o: &Office,
    members: &[i64],
    leave: &str,
    back: &str,
    filed: &str,
) -> Trip {
    let trip = store
        .create_trip(&o.applicant, trip_input(o, members, leave, back))
        .await
        .unwrap();
    let trip = submit(store, o, &trip, filed).await.unwrap();
    let trip = approve(store, o, &trip, filed).await.unwrap();
    let trip = act(store, o, &trip, "post_notice", filed, None)
        .await
        .unwrap();
    let attended = members
        .iter()
        .map(|id| Attendance {
            trip_id: trip.meta.id,
            person_id: *id,
        })
        .collect();
    store
        .record_briefing(
            &o.officer,
            BriefingInput {
                held_on: day(filed),
                place: "Room 301".to_owned(),
                topics: "Safety abroad and discipline".to_owned(),
                attended,
            },
        )
        .await
        .unwrap();
    let trip: Trip = store.get(trip.meta.id).await.unwrap();
    act(store, o, &trip, "brief", filed, None).await.unwrap()
}

async fn passport(store: &Store, holder: i64, kind: &str, number: &str, expires: &str) -> Passport {
    let input: PassportInput = serde_json::from_value(json!({
        "kind": kind, "holder": holder, "number": number, "issued_on": "2023-04-01",
        "issue_place": "Beijing", "expires_on": expires, "location": "Cabinet A, slot 12"
    }))
    .unwrap();
    store.create::<Passport>(&admin(), input).await.unwrap()
}

async fn custody(
    store: &Store,
    who: &Actor,
    p: &Passport,
    name: &str,
    on: &str,
    input: CustodyInput,
) -> Result<Passport, Error> {
    let input = CustodyInput {
        version: p.meta.version,
        ..input
    };
    store
        .passport_action(who, p.meta.id, name, input, day(on))
        .await
}

async fn hand_out_for(store: &Store, o: &Office, p: &Passport, trip: &Trip, on: &str) -> Passport {
    let input = CustodyInput {
        trip: Some(trip.meta.id),
        ..CustodyInput::default()
    };
    custody(store, &o.officer, p, "hand_out", on, input)
        .await
        .unwrap()
}

fn codes<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<(String, String)> {
    match result {
        Err(Error::Domain(DomainError::Invalid(errors))) => {
            errors.0.into_iter().map(|e| (e.code, e.message)).collect()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A trip that left on `leave` and came back on `back`, its member's document handed out
/// before and not yet returned.
async fn back_from_a_trip(
    store: &Store,
    o: &Office,
    member: i64,
    p: &Passport,
    leave: &str,
    back: &str,
    filed: &str,
) -> Passport {
    let trip = briefed_trip(store, o, &[member], leave, back, filed).await;
    let p = hand_out_for(store, o, p, &trip, filed).await;
    let trip = act(store, o, &trip, "depart", leave, None).await.unwrap();
    act(store, o, &trip, "return", back, Some(back))
        .await
        .unwrap();
    store.get(p.meta.id).await.unwrap()
}

async fn custody_from_hand_out_to_return_counts_working_days_across_national_day(store: Store) {
    let o = office(&store).await;
    let policy = PassportPolicy {
        return_due: Deadline::WorkingDays(5),
        ..PassportPolicy::default()
    };
    store.save_passport_policy(&admin(), policy).await.unwrap();
    let p = passport(
        &store,
        o.li_na,
        "official_passport",
        "SE1234578",
        "2030-06-30",
    )
    .await;
    let trip = briefed_trip(
        &store,
        &o,
        &[o.li_na],
        "2026-09-21",
        "2026-09-29",
        "2026-08-03",
    )
    .await;
    let out = hand_out_for(&store, &o, &p, &trip, "2026-09-15").await;
    assert_eq!(out.status, PassportStatus::HandedOut);
    let handout = out.out.clone().unwrap();
    assert_eq!(handout.to.name, "李娜 (Li Na)");
    assert_eq!(handout.trip.as_ref().map(|t| t.id), Some(trip.meta.id));
    assert_eq!(out.number.as_deref(), Some("S******78"), "masked");
    let cabinet = store
        .passport_cabinet(&o.officer, &PassportFilter::default(), day("2026-09-15"))
        .await
        .unwrap();
    assert_eq!(cabinet.out.len(), 1);
    assert_eq!(
        cabinet.out[0].due_on, None,
        "not due before the trip is back"
    );

    let trip = act(&store, &o, &trip, "depart", "2026-09-21", None)
        .await
        .unwrap();
    act(
        &store,
        &o,
        &trip,
        "return",
        "2026-09-29",
        Some("2026-09-29"),
    )
    .await
    .unwrap();
    // Back on Tuesday 29 September: five working days are 30 September, then 8, 9 and 10 October
    // (a Saturday worked for National Day) and Monday 12 October.
    let cabinet = store
        .passport_cabinet(&o.officer, &PassportFilter::default(), day("2026-10-08"))
        .await
        .unwrap();
    assert_eq!(cabinet.out[0].due_on, Some(day("2026-10-12")));
    assert_eq!(cabinet.due_this_week.len(), 1);
    assert!(cabinet.overdue.is_empty());
    let due = store.passports_due(day("2026-10-12")).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].days_late, due[0].escalation), (0, None));
    let due = store.passports_due(day("2026-10-13")).await.unwrap();
    assert_eq!(due[0].holder.name, "李娜 (Li Na)");
    assert_eq!(due[0].unit.as_ref().map(|u| u.id), Some(o.marine));
    assert_eq!(due[0].trip.as_ref().map(|t| t.id), Some(trip.meta.id));
    assert_eq!(
        (due[0].days_late, due[0].escalation),
        (1, Some(Escalation::Holder))
    );
    let cabinet = store
        .passport_cabinet(&o.officer, &PassportFilter::default(), day("2026-10-19"))
        .await
        .unwrap();
    assert_eq!(cabinet.overdue[0].days_late, 7);
    assert_eq!(cabinet.overdue[0].escalation, Some(Escalation::Unit));

    let back = custody(
        &store,
        &o.officer,
        &out,
        "return",
        "2026-10-19",
        CustodyInput {
            condition: Some("intact, Lao and Vietnamese visas added".to_owned()),
            ..CustodyInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(back.status, PassportStatus::InCustody);
    assert_eq!(back.out, None);
    let log = store.passport_custody(p.meta.id).await.unwrap();
    let lines: Vec<(CustodyAction, NaiveDate, &str)> = log
        .iter()
        .map(|l| (l.action, l.on, l.by.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (CustodyAction::HandOut, day("2026-09-15"), "officer"),
            (CustodyAction::Return, day("2026-10-19"), "officer")
        ]
    );
    assert_eq!(log[0].trip.as_ref().map(|t| t.id), Some(trip.meta.id));
    assert_eq!(
        log[1].condition.as_deref(),
        Some("intact, Lao and Vietnamese visas added")
    );
    assert!(
        store
            .passports_due(day("2026-10-20"))
            .await
            .unwrap()
            .is_empty()
    );
    let history: Vec<String> = store
        .passport_history(p.meta.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.transition)
        .collect();
    assert_eq!(history, ["created", "hand_out", "return"]);
}

async fn an_overdue_holder_cannot_submit_or_be_approved_until_the_document_is_returned(
    store: Store,
) {
    let o = office(&store).await;
    let p = passport(
        &store,
        o.li_na,
        "official_passport",
        "SE7654321",
        "2031-01-31",
    )
    .await;
    // Back on 29 September: seven calendar days make it due on 6 October.
    let p = back_from_a_trip(
        &store,
        &o,
        o.li_na,
        &p,
        "2026-09-21",
        "2026-09-29",
        "2026-08-03",
    )
    .await;

    // Filed the day before it is due, the next trip goes in.
    let next = store
        .create_trip(
            &o.applicant,
            trip_input(&o, &[o.li_na, o.chen_bo], "2026-12-01", "2026-12-06"),
        )
        .await
        .unwrap();
    let next = submit(&store, &o, &next, "2026-10-05").await.unwrap();
    assert_eq!(next.status, TripState::InApproval);
    // Three days late, it cannot be approved, and another application cannot be submitted.
    let refused = codes(approve(&store, &o, &next, "2026-10-09").await);
    assert_eq!(refused[0].0, "passport_overdue");
    assert!(refused[0].1.contains("李娜"), "{}", refused[0].1);
    assert!(refused[0].1.contains("3 days ago"), "{}", refused[0].1);
    let third = store
        .create_trip(
            &o.applicant,
            trip_input(&o, &[o.li_na], "2026-12-10", "2026-12-12"),
        )
        .await
        .unwrap();
    let refused = codes(submit(&store, &o, &third, "2026-10-09").await);
    assert_eq!(refused[0].0, "passport_overdue");
    let unchanged: Trip = store.get(third.meta.id).await.unwrap();
    assert_eq!(unchanged.status, TripState::Draft);

    // Returned, the block lifts.
    custody(
        &store,
        &o.officer,
        &p,
        "return",
        "2026-10-09",
        CustodyInput::default(),
    )
    .await
    .unwrap();
    let next: Trip = store.get(next.meta.id).await.unwrap();
    let approved = approve(&store, &o, &next, "2026-10-09").await.unwrap();
    assert_eq!(approved.status, TripState::Approved);
    let third = submit(&store, &o, &third, "2026-10-09").await.unwrap();
    assert_eq!(third.status, TripState::InApproval);
}

async fn a_unit_past_its_limit_of_overdue_documents_has_its_new_applications_held(store: Store) {
    let o = office(&store).await;
    let policy = PassportPolicy {
        unit_overdue_limit: 1,
        ..PassportPolicy::default()
    };
    store.save_passport_policy(&admin(), policy).await.unwrap();
    // Two teachers of the school keep documents handed out for a conference past the day agreed.
    let other = teacher(&store, "zhao-lei", "赵磊", "Zhao Lei", o.marine).await;
    let mut out = Vec::new();
    for (holder, number) in [(o.chen_bo, "PE1111111"), (other, "PE2222222")] {
        let p = passport(
            &store,
            holder,
            "official_ordinary_passport",
            number,
            "2031-01-31",
        )
        .await;
        let input = CustodyInput {
            due_on: Some(day("2026-09-10")),
            note: Some("for the visa of a conference in Hanoi".to_owned()),
            ..CustodyInput::default()
        };
        out.push(
            custody(&store, &o.officer, &p, "hand_out", "2026-09-01", input)
                .await
                .unwrap(),
        );
    }
    let trip = store
        .create_trip(
            &o.applicant,
            trip_input(&o, &[o.li_na], "2026-12-01", "2026-12-06"),
        )
        .await
        .unwrap();
    let refused = codes(submit(&store, &o, &trip, "2026-09-14").await);
    assert_eq!(refused.len(), 1, "Li Na herself is not late: {refused:?}");
    assert_eq!(refused[0].0, "unit_passports_overdue");
    assert!(
        refused[0].1.contains("2 overdue") && refused[0].1.contains("the 1 allowed"),
        "{}",
        refused[0].1
    );
    // Another unit's applications are not held.
    let findings = store
        .passport_findings(
            &Trip {
                unit: Some(liaison_core::Named {
                    id: o.law,
                    key: None,
                    name: "School of Law".to_owned(),
                }),
                ..trip.clone()
            },
            liaison_core::passports::TripStage::Submit,
            day("2026-09-14"),
        )
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:?}");

    custody(
        &store,
        &o.officer,
        &out[0],
        "return",
        "2026-09-14",
        CustodyInput::default(),
    )
    .await
    .unwrap();
    let trip = submit(&store, &o, &trip, "2026-09-14").await.unwrap();
    assert_eq!(trip.status, TripState::InApproval);

    // 0 turns the hold off.
    store
        .save_passport_policy(&admin(), PassportPolicy::default())
        .await
        .unwrap();
    let custody_of_other = store.get::<Passport>(out[1].meta.id).await.unwrap();
    assert_eq!(custody_of_other.status, PassportStatus::HandedOut);
    let another = store
        .create_trip(
            &o.applicant,
            trip_input(&o, &[o.li_na], "2026-12-10", "2026-12-12"),
        )
        .await
        .unwrap();
    assert!(submit(&store, &o, &another, "2026-09-14").await.is_ok());
}

async fn the_validity_check_holds_at_its_boundary(store: Store) {
    let o = office(&store).await;
    // Back on 16 May: six months later is 16 November.
    let p = passport(
        &store,
        o.li_na,
        "official_passport",
        "SE3141592",
        "2026-11-15",
    )
    .await;
    let trip = store
        .create_trip(
            &o.applicant,
            trip_input(&o, &[o.li_na], "2026-05-10", "2026-05-16"),
        )
        .await
        .unwrap();
    let refused = codes(submit(&store, &o, &trip, "2026-03-02").await);
    assert_eq!(refused[0].0, "passport_validity");
    assert!(
        refused[0].1.contains("6 months")
            && refused[0].1.contains("2026-11-16")
            && refused[0].1.contains("2026-11-15"),
        "{}",
        refused[0].1
    );
    // A document of another track does not count: a Taiwan permit says nothing here.
    passport(&store, o.li_na, "taiwan_permit", "T0000001", "2026-06-01").await;
    let mut change = p.to_input();
    change.expires_on = day("2026-11-16");
    // Sent back as the office was shown it, masked.
    change.number = Some("S******92".to_owned());
    store
        .update::<Passport>(&o.officer, p.meta.id, change)
        .await
        .unwrap();
    let trip = submit(&store, &o, &trip, "2026-03-02").await.unwrap();
    assert_eq!(trip.status, TripState::InApproval);
    let stored = store.get::<Passport>(p.meta.id).await.unwrap();
    assert_eq!(
        stored.number.as_deref(),
        Some("SE3141592"),
        "the masked number sent back kept the number"
    );
}

async fn a_trip_departs_only_once_every_member_has_a_document_handed_out_or_their_own(
    store: Store,
) {
    let o = office(&store).await;
    let p = passport(
        &store,
        o.li_na,
        "official_passport",
        "SE2718281",
        "2030-01-31",
    )
    .await;
    let trip = briefed_trip(
        &store,
        &o,
        &[o.li_na, o.chen_bo],
        "2026-09-21",
        "2026-09-29",
        "2026-08-03",
    )
    .await;
    let refused = codes(act(&store, &o, &trip, "depart", "2026-09-21", None).await);
    let names: Vec<&str> = refused.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(
        names,
        ["passport_not_handed_out", "passport_not_handed_out"]
    );
    hand_out_for(&store, &o, &p, &trip, "2026-09-18").await;
    let refused = codes(act(&store, &o, &trip, "depart", "2026-09-21", None).await);
    assert_eq!(refused.len(), 1);
    assert!(refused[0].1.contains("陈博"), "{}", refused[0].1);
    // Chen Bo travels on a document of his own, too short-lived at first.
    let own = |expires: &str| OwnDocumentInput {
        person: o.chen_bo,
        reason: "holds a service passport issued by the provincial office for a secondment"
            .to_owned(),
        expires_on: day(expires),
    };
    let refused = store
        .record_own_document(&o.liaison, trip.meta.id, own("2030-01-01"))
        .await;
    assert!(forbidden(refused), "only the office records it");
    store
        .record_own_document(&o.officer, trip.meta.id, own("2027-01-31"))
        .await
        .unwrap();
    let refused = codes(act(&store, &o, &trip, "depart", "2026-09-21", None).await);
    assert_eq!(refused[0].0, "passport_validity");
    store
        .record_own_document(&o.officer, trip.meta.id, own("2029-01-31"))
        .await
        .unwrap();
    let departed = act(&store, &o, &trip, "depart", "2026-09-21", None)
        .await
        .unwrap();
    assert_eq!(departed.status, TripState::Departed);
    let recorded = store.own_documents(trip.meta.id).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].recorded_by, "officer");
    // A document is handed out only to a member, for a trip of its track, valid long enough.
    let other = passport(
        &store,
        o.wang_fang,
        "official_passport",
        "SE0000007",
        "2030-01-31",
    )
    .await;
    let refused = codes(
        custody(
            &store,
            &o.officer,
            &other,
            "hand_out",
            "2026-09-18",
            CustodyInput {
                trip: Some(trip.meta.id),
                ..CustodyInput::default()
            },
        )
        .await,
    );
    assert_eq!(refused[0].0, "not_a_member");
}

async fn the_custody_log_is_only_added_to(store: Store) {
    let o = office(&store).await;
    let p = passport(
        &store,
        o.wang_fang,
        "hong_kong_macao_permit",
        "C12345678",
        "2030-01-31",
    )
    .await;
    let input = CustodyInput {
        due_on: Some(day("2026-09-10")),
        ..CustodyInput::default()
    };
    custody(&store, &o.officer, &p, "hand_out", "2026-09-01", input)
        .await
        .unwrap();
    let stale = custody(
        &store,
        &o.officer,
        &p,
        "return",
        "2026-09-02",
        CustodyInput::default(),
    )
    .await;
    assert!(
        matches!(stale, Err(Error::Domain(DomainError::Conflict { .. }))),
        "{stale:?}"
    );
    let refused = store.delete::<Passport>(&admin(), p.meta.id).await;
    assert!(refused.is_err(), "a document with a custody log stays");
    assert_eq!(store.passport_custody(p.meta.id).await.unwrap().len(), 1);
}

async fn every_role_may_do_only_what_the_passport_rules_allow(store: Store) {
    let o = office(&store).await;
    let admin_account = account(&store, "root", UserRole::Admin, None).await;
    let leader = account(&store, "vp", UserRole::Leader, None).await;
    let viewer = account(&store, "reader", UserRole::Viewer, None).await;
    let stranger = account(&store, "chen.staff", UserRole::Staff, Some(o.marine)).await;
    let actors: [(&str, &Actor); 8] = [
        ("admin", &admin_account),
        ("officer", &o.officer),
        ("leader", &leader),
        ("viewer", &viewer),
        ("holder", &o.applicant),
        ("staff", &stranger),
        ("liaison", &o.liaison),
        ("other liaison", &o.law_liaison),
    ];
    let office: &[&str] = &["admin", "officer"];
    let sees: &[&str] = &["admin", "officer", "holder", "liaison"];
    let reveals: &[&str] = &["admin", "officer"];
    for (label, actor) in actors {
        let p = passport(
            &store,
            o.li_na,
            "official_passport",
            "SE5550001",
            "2030-01-31",
        )
        .await;
        let may = |allowed: &[&str]| allowed.contains(&label);

        let created = store
            .create::<Passport>(
                actor,
                serde_json::from_value(json!({"kind": "official_passport", "holder": o.chen_bo,
                    "number": "SE5550002", "expires_on": "2030-01-31"}))
                .unwrap(),
            )
            .await;
        assert_eq!(created.is_ok(), may(office), "{label} creates");
        let read = store.passport_for(actor, p.meta.id).await;
        assert_eq!(read.is_ok(), may(sees), "{label} reads");
        if let Ok(read) = read {
            assert_eq!(
                read.number.as_deref(),
                Some("S******01"),
                "{label} sees it masked"
            );
        }
        let listed = store
            .passports_for(
                actor,
                &PassportFilter::default(),
                &page(None, &["expires"], 50, 1),
            )
            .await
            .unwrap();
        assert_eq!(
            listed.items.iter().any(|x| x.meta.id == p.meta.id),
            may(sees),
            "{label} lists"
        );
        let shown = store
            .reveal_personal::<Passport>(actor, p.meta.id, &["number".to_owned()])
            .await;
        assert_eq!(shown.is_ok(), may(reveals), "{label} reveals");
        let mut change = p.to_input();
        change.location = Some("Cabinet B".to_owned());
        let changed = store.update::<Passport>(actor, p.meta.id, change).await;
        assert_eq!(changed.is_ok(), may(office), "{label} changes");
        let p = store.get::<Passport>(p.meta.id).await.unwrap();
        let input = CustodyInput {
            due_on: Some(day("2026-09-10")),
            ..CustodyInput::default()
        };
        let out = custody(&store, actor, &p, "hand_out", "2026-09-01", input).await;
        assert_eq!(out.is_ok(), may(office), "{label} hands out");
        if let Ok(out) = out {
            let back = custody(
                &store,
                actor,
                &out,
                "return",
                "2026-09-02",
                CustodyInput::default(),
            )
            .await;
            assert!(back.is_ok(), "{label} takes back");
        }
        let p = store.get::<Passport>(p.meta.id).await.unwrap();
        let lost = custody(
            &store,
            actor,
            &p,
            "report_lost",
            "2026-09-03",
            CustodyInput::default(),
        )
        .await;
        assert_eq!(lost.is_ok(), may(office), "{label} reports lost");
        let kind: liaison_core::passports::DocumentKind = serde_json::from_value(json!({
            "code": format!("service_passport_{}", label.replace(' ', "_")),
            "name_zh": "公务护照（外派）", "name_en": "Service passport (secondment)", "track": "foreign"}))
        .unwrap();
        let added = store.save_passport_kind(actor, kind).await;
        assert_eq!(added.is_ok(), may(office), "{label} adds a kind");
        let policy = store
            .save_passport_policy(actor, PassportPolicy::default())
            .await;
        assert_eq!(policy.is_ok(), label == "admin", "{label} sets the policy");
        let cabinet = store
            .passport_cabinet(actor, &PassportFilter::default(), day("2026-09-01"))
            .await
            .unwrap();
        let sees_expiring = cabinet
            .expiring
            .iter()
            .any(|r| r.passport.meta.id == p.meta.id);
        assert!(!sees_expiring, "not expiring within six months");
    }
    // The holder's page: the office and the holder see it, another unit's liaison officer does not.
    let (holder, documents, log) = store
        .holder_passports(&o.applicant, o.li_na, day("2026-09-05"))
        .await
        .unwrap();
    assert_eq!(holder.name, "李娜 (Li Na)");
    assert_eq!(documents.len(), 8);
    assert_eq!(log.len(), 4, "two hand-outs and two returns");
    assert!(
        store
            .holder_passports(&o.law_liaison, o.li_na, day("2026-09-05"))
            .await
            .is_err()
    );
}

async fn an_overdue_document_reminds_its_holder_then_the_unit_then_the_office(store: Store) {
    let o = office(&store).await;
    let policy = PassportPolicy {
        return_due: Deadline::WorkingDays(5),
        ..PassportPolicy::default()
    };
    store.save_passport_policy(&admin(), policy).await.unwrap();
    let p = passport(
        &store,
        o.li_na,
        "official_passport",
        "SE7654321",
        "2030-06-30",
    )
    .await;
    // Back on 29 September: due on Monday 12 October, after National Day.
    back_from_a_trip(
        &store,
        &o,
        o.li_na,
        &p,
        "2026-09-21",
        "2026-09-29",
        "2026-08-03",
    )
    .await;
    let holder = o.applicant.user_id.unwrap();
    let liaison = o.liaison.user_id.unwrap();
    let officer = o.officer.user_id.unwrap();
    let reminders = ReminderPolicy::default();
    // Working days late, and whom the day's sweep reminds: the holder on the due day and every
    // three working days, the unit from the fifth, the office from the tenth; none on a day
    // between, nor on a weekend.
    let table: &[(&str, &[i64])] = &[
        ("2026-10-11", &[]),
        ("2026-10-12", &[holder]),
        ("2026-10-13", &[]),
        ("2026-10-15", &[holder]),
        ("2026-10-17", &[]),
        ("2026-10-19", &[holder, liaison]),
        ("2026-10-20", &[holder, liaison]),
        ("2026-10-21", &[]),
        ("2026-10-26", &[holder, liaison, officer]),
    ];
    for &(on, expected) in table {
        let notices: Vec<_> = store
            .due_notices(day(on), &reminders)
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.rule == Rule::PassportDue)
            .collect();
        let mut expected = expected.to_vec();
        expected.sort();
        match notices.as_slice() {
            [] => assert!(expected.is_empty(), "{on}: nobody reminded"),
            [notice] => {
                assert_eq!(notice.to, expected, "{on}");
                assert_eq!(notice.link, format!("/passports/{}", p.meta.id));
                assert_eq!(notice.facts["due_on"], "2026-10-12");
                assert_eq!(notice.facts["holder"], "李娜 (Li Na)");
            }
            more => panic!("{on}: {more:?}"),
        }
    }
    // Returned, it reminds nobody.
    let out: Passport = store.get(p.meta.id).await.unwrap();
    custody(
        &store,
        &o.officer,
        &out,
        "return",
        "2026-10-26",
        CustodyInput::default(),
    )
    .await
    .unwrap();
    let after = store
        .due_notices(day("2026-10-27"), &reminders)
        .await
        .unwrap();
    assert!(
        after.iter().all(|n| n.rule != Rule::PassportDue),
        "{after:?}"
    );
}
