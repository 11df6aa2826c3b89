//! Releases of the office and its peers turned into records (`fixtures/*.json`): an event run
//! by the national federation, an online seminar, delegations received and sent, an
//! ambassador's gifts, a signing, texts in one language only. Every draft (Chinese and English),
//! briefing book and review figure is checked against them fact by fact.

use std::collections::BTreeMap;

use crate::common::{TestApp, spawn_app_with_policy};
use liaison_core::{Actor, ExchangeDocument, NewsLanguage, Policy, University};
use liaison_store::Backend;
use serde_json::Value;

/// The fixtures by file name, in order; `00_common.json` holds the records they share.
fn fixtures() -> BTreeMap<String, Value> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures");
    std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                value,
            )
        })
        .collect()
}

fn university() -> University {
    University {
        name_zh: Some("中国劳动关系学院".into()),
        name_en: Some("China University of Labor Relations".into()),
        abbreviation: Some("CULR".into()),
    }
}

/// A server whose university is the fixtures' own, with every fixture loaded.
async fn loaded(backend: Backend) -> TestApp {
    let policy = Policy {
        university: university(),
        ..Policy::default()
    };
    let app = spawn_app_with_policy(backend, policy).await;
    let actor = Actor::command_line("test setup");
    for (name, fixture) in fixtures() {
        let document: ExchangeDocument = serde_json::from_value(fixture["document"].clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        app.db
            .store
            .import(&actor, &document)
            .await
            .unwrap_or_else(|e| panic!("{name} was not imported: {e:?}"));
    }
    app
}

fn texts(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// What a text misses of the facts it must state, and states of what it must not.
fn check(name: &str, what: &str, text: &str, must: &Value, must_not: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for fact in texts(must) {
        if !text.contains(&fact) {
            problems.push(format!("{name}: the {what} misses «{fact}»"));
        }
    }
    for wrong in texts(must_not) {
        if text.contains(&wrong) {
            problems.push(format!("{name}: the {what} states «{wrong}»"));
        }
    }
    if !problems.is_empty() {
        problems.push(format!("--- {name}, the {what}:\n{text}\n---"));
    }
    problems
}

macro_rules! on_both_databases_with_fixtures {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::loaded(liaison_store::Backend::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::loaded(liaison_store::Backend::Postgres).await).await;
                }
            )*
        }
    };
}

on_both_databases_with_fixtures!(
    every_fixture_s_drafts_state_its_facts_in_each_language,
    every_briefing_book_places_people_by_their_organization,
    the_review_counts_delegations_courses_inviting_bodies_and_agreements,
    an_agreement_signed_at_a_visit_is_shown_on_both_records,
    the_forms_and_refusals_read_right_in_each_language,
);

async fn every_fixture_s_drafts_state_its_facts_in_each_language(app: TestApp) {
    let mut problems = Vec::new();
    for (name, fixture) in fixtures() {
        let Some(key) = fixture["activity"].as_str() else {
            continue;
        };
        let id = app.id_of("activities", key).await;
        let dossier = app.db.store.activity_dossier(id).await.unwrap();
        for (language, facts, wrong, what) in [
            (NewsLanguage::Zh, "zh", "not_zh", "Chinese draft"),
            (NewsLanguage::En, "en", "not_en", "English draft"),
        ] {
            let draft = liaison_core::news::draft(&dossier, language);
            let text = format!("{}\n\n{}", draft.title, draft.body);
            problems.extend(check(&name, what, &text, &fixture[facts], &fixture[wrong]));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The names listed in the section of a page whose heading starts with `heading`.
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    page.split("<section")
        .find(|s| {
            s.split_once("<h2")
                .and_then(|(_, rest)| rest.split_once('>'))
                .is_some_and(|(_, title)| title.starts_with(heading))
        })
        .unwrap_or_else(|| panic!("no section headed {heading}"))
}

async fn every_briefing_book_places_people_by_their_organization(app: TestApp) {
    let reader = app
        .sign_in("leader", liaison_core::UserRole::Leader, None, "en")
        .await;
    let mut problems = Vec::new();
    for (name, fixture) in fixtures() {
        let Some(key) = fixture["activity"].as_str() else {
            continue;
        };
        if fixture["ours"].is_null() && fixture["guests"].is_null() {
            continue;
        }
        let id = app.id_of("activities", key).await;
        let (status, page) = reader.get(&format!("/activities/{id}/briefing")).await;
        assert_eq!(status, 200, "{name}");
        let ours = section(&page, "Our side: China University of Labor Relations");
        let guests = section(&page, "Guests");
        for person in texts(&fixture["ours"]) {
            if !ours.contains(&person) || guests.contains(&person) {
                problems.push(format!("{name}: {person} is not on our side"));
            }
        }
        for person in texts(&fixture["guests"]) {
            if !guests.contains(&person) || ours.contains(&person) {
                problems.push(format!("{name}: {person} is not among the guests"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn figure(review: &Value, table: &str, key: &str) -> (i64, i64) {
    let row = review[table]
        .as_array()
        .unwrap_or_else(|| panic!("no table {table}"))
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {table}: {}", review[table]));
    (
        row["this_year"].as_i64().unwrap(),
        row["last_year"].as_i64().unwrap(),
    )
}

async fn the_review_counts_delegations_courses_inviting_bodies_and_agreements(app: TestApp) {
    let (status, review) = app.get("/api/v1/review?year=2024").await;
    assert_eq!(status, 200, "{review}");
    // Counted by hand from the fixtures: one trip abroad of 3 people (a delegation of 3, its
    // leader and two members named; the foreign host not counted); visits received of 6, 1, 1,
    // 30 (three of the thirty named) and 1 (2023's trip of the VTUU is a visit of last year),
    // and the course given to a delegation of 25.
    assert_eq!(figure(&review, "directions", "going_global"), (1, 0));
    assert_eq!(figure(&review, "directions", "going_global_people"), (3, 0));
    assert_eq!(figure(&review, "directions", "bringing_in"), (5, 1));
    assert_eq!(figure(&review, "directions", "bringing_in_courses"), (1, 0));
    assert_eq!(figure(&review, "directions", "bringing_in_people"), (63, 4));
    // Agreements: the one signed at the Belarus visit (2024), and the VTUU one signed in 2019
    // that runs to June 2024.
    assert_eq!(figure(&review, "agreements", "signed"), (1, 0));
    assert_eq!(figure(&review, "agreements", "in_force"), (2, 1));
    assert_eq!(figure(&review, "agreements", "expiring"), (1, 0));
    let listed: Vec<String> = review["agreement_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} / {}",
                a["title_en"].as_str().unwrap_or_default(),
                a["partners"][0][1].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            "Agreement on Exchanges between CULR and the VTUU / Vietnam Trade Union University",
            "Memorandum of Understanding between CULR and the FPB / Federation of Trade Unions of Belarus",
        ]
    );
    // The national federation invited or ran three activities: counted apart, not a partner.
    let acftu = app.id_of("organizations", "fx-org-acftu").await.to_string();
    assert_eq!(figure(&review, "inviting", &acftu), (3, 0));
    assert!(
        review["partners"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["key"] != acftu.as_str()),
        "an inviting body is not a partner: {}",
        review["partners"]
    );

    // The page says so in both languages.
    for (language, facts) in [
        (
            "en",
            [
                "Agreements: 1 signed (Memorandum of Understanding between CULR and the FPB \
                 (Federation of Trade Unions of Belarus))",
                "counted apart and not as partners",
                "Our people going abroad",
            ],
        ),
        (
            "zh",
            [
                "协议：本年签署1项（中国劳动关系学院与白俄罗斯工会联合会合作备忘录（白俄罗斯工会联合会））",
                "另行统计，不计入合作伙伴",
                "我方出访人数",
            ],
        ),
    ] {
        let reader = app
            .sign_in(
                &format!("reader-{language}"),
                liaison_core::UserRole::Leader,
                None,
                language,
            )
            .await;
        let (status, page) = reader.get("/review?year=2024").await;
        assert_eq!(status, 200);
        for fact in facts {
            assert!(page.contains(fact), "the {language} review misses {fact}");
        }
    }
}

async fn an_agreement_signed_at_a_visit_is_shown_on_both_records(app: TestApp) {
    let visit = app.id_of("activities", "fx-act-belarus").await;
    let agreement = app.id_of("agreements", "fx-agr-fpb").await;
    let (_, activity) = app.get(&format!("/api/v1/activities/{visit}")).await;
    assert_eq!(activity["agreements"][0]["id"], agreement);
    let (_, record) = app.get(&format!("/api/v1/agreements/{agreement}")).await;
    assert_eq!(record["activity"]["id"], visit);
    let reader = app
        .sign_in("leader", liaison_core::UserRole::Leader, None, "en")
        .await;
    let (_, page) = reader.get(&format!("/activities/{visit}")).await;
    assert!(
        section(&page, "Agreements signed at this activity")
            .contains(&format!("href=\"/agreements/{agreement}\""))
    );
    let (_, page) = reader.get(&format!("/agreements/{agreement}")).await;
    assert!(page.contains(&format!("href=\"/activities/{visit}\"")));
}

async fn the_forms_and_refusals_read_right_in_each_language(app: TestApp) {
    let zh = app
        .sign_in("officer-zh", liaison_core::UserRole::Officer, None, "zh")
        .await;
    let en = app
        .sign_in("officer-en", liaison_core::UserRole::Officer, None, "en")
        .await;

    // The university's name is a setting, shown beside the office's.
    let (_, page) = zh.get("/activities/new").await;
    assert!(page.contains("中国劳动关系学院 · 国际交流与合作处"));
    // "讲话" names one kind of agenda item, not two.
    let agenda_kind = page.split("name=\"agenda-0-kind\"").nth(1).unwrap();
    let agenda_kind = agenda_kind.split("</select>").next().unwrap();
    assert_eq!(agenda_kind.matches(">讲话<").count(), 1, "{agenda_kind}");
    assert!(agenda_kind.contains(">致辞<"));
    // No message key shows in place of its text.
    for (language, client) in [("zh", &zh), ("en", &en)] {
        for path in [
            "/activities/new",
            "/people/new",
            "/agreements/new",
            "/gifts/new",
        ] {
            let (_, page) = client.get(path).await;
            for prefix in ["field-", "problem-", "university-role-", "hint-"] {
                assert!(
                    !page.contains(&format!(">{prefix}")),
                    "{language} {path} shows a key {prefix}…"
                );
            }
        }
    }
    // A person's title is labelled as an academic title.
    let (_, page) = zh.get("/people/new").await;
    assert!(
        page.contains(">职称<") && !page.contains(">标题<"),
        "{page}"
    );
    let sun = app.id_of("people", "fx-sun-hao").await;
    let (_, page) = zh.get(&format!("/people/{sun}")).await;
    assert!(page.contains("<dt>职称</dt>"));

    // Every missing record a form names is reported, each in the reader's language alone.
    let fields = [
        ("kind", "inbound_visit"),
        ("title_zh", "测试来访"),
        ("start_date", "2024-02-01"),
        ("partners-0-organization", "#99998"),
        ("organizer", "#99997"),
        ("participants-0-person", "#99999"),
        ("participants-0-role", "leader"),
    ];
    let (status, page, _) = zh.post("/activities", &fields).await;
    assert_eq!(status, 422, "{page}");
    for missing in ["未找到（#99998）", "未找到（#99997）", "未找到（#99999）"] {
        assert!(page.contains(missing), "{missing} not reported:\n{page}");
    }
    assert!(
        !page.contains("there is no"),
        "an English sentence in a Chinese page"
    );
    let (_, page, _) = en.post("/activities", &fields).await;
    for missing in [
        "there is no organization 99998",
        "there is no organization 99997",
        "there is no person 99999",
    ] {
        assert!(page.contains(missing), "{missing} not reported");
    }

    // A gift recorded with its activity names the people who gave and received it.
    let liu = app.id_of("people", "fx-liu-xia").await;
    let khamphao = app.id_of("people", "fx-khamphao").await;
    let (status, _, location) = en
        .post(
            "/activities",
            &[
                ("kind", "inbound_visit"),
                ("title_en", "A second call of the ambassador"),
                ("start_date", "2024-12-20"),
                ("gifts-0-direction", "given"),
                ("gifts-0-item", "tea set"),
                ("gifts-0-giver_person", &format!("#{liu}")),
                ("gifts-0-receiver_person", &format!("#{khamphao}")),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (_, activity) = app.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(activity["gifts"][0]["giver"]["person"]["id"], liu);
    assert_eq!(activity["gifts"][0]["receiver"]["person"]["id"], khamphao);
    let dossier = app.db.store.activity_dossier(id).await.unwrap();
    let draft = liaison_core::news::draft(&dossier, NewsLanguage::En);
    assert!(
        draft.body.contains("presented Khamphao Ernthavanh"),
        "{}",
        draft.body
    );

    // A person others refer to is not deleted, and the page says which records refer to them,
    // in the reader's language.
    let chen = app.id_of("people", "fx-chen-qingguo").await;
    let trip = app.id_of("activities", "fx-act-trip").await;
    let (status, page, _) = zh.post(&format!("/people/{chen}/delete"), &[]).await;
    assert_eq!(status, 409);
    assert!(page.contains("仍有其他记录引用此记录。"));
    assert!(page.contains("活动：") && page.contains(&format!("#{trip}")));
    assert!(!page.contains("cannot be deleted"), "{page}");
    let (status, page, _) = en.post(&format!("/people/{chen}/delete"), &[]).await;
    assert_eq!(status, 409);
    assert!(page.contains("Activities: #") && page.contains(&format!("#{trip}")));
}
