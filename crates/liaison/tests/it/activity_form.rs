//! The activity form without its script, as a browser without JavaScript sends it: rows added
//! and removed one section at a time, names typed and resolved on saving, people on record
//! offered instead of a second one, new guests and staff, agenda items over days with unnamed
//! lecturers, and the look-up of names the pickers ask.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common::{PageClient, TestApp};
use liaison_core::UserRole;

on_both_databases!(
    add_and_remove_change_one_section_and_a_round_trip_keeps_the_rows,
    names_typed_in_either_language_are_resolved_and_several_matches_offered,
    a_new_guest_named_like_a_person_on_record_is_offered_them_first,
    a_multi_day_course_with_unnamed_lecturers_is_saved_and_every_bad_row_reported,
    names_are_found_by_any_part_in_either_language_without_accents,
);

/// The records of a course the office did not run alone: a federation organizes it, two
/// foreign partners send people, staff of a school teach it.
struct Course {
    acftu: i64,
    vn_university: i64,
    lao_federation: i64,
    minh_university: i64,
    minh_lfu: i64,
    zhang: i64,
    school: i64,
}

async fn course_records(app: &TestApp) -> Course {
    let school = app.created("/api/v1/units",
        json!({"name_zh": "劳动关系与人力资源学院", "name_en": "School of Labor Relations and Human Resources"}),
    )
    .await;
    let acftu = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "federation", "country": "CN", "name_zh": "中华全国总工会",
               "name_en": "All-China Federation of Trade Unions", "abbreviation": "ACFTU"}),
        )
        .await;
    let vn_university = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "university", "country": "VN", "name_zh": "越南工会大学",
               "name_en": "Vietnam Trade Union University",
               "name_original": "Trường Đại học Công đoàn"}),
        )
        .await;
    let lao_federation = app
        .created(
            "/api/v1/organizations",
            json!({"kind": "trade_union", "country": "LA", "name_zh": "老挝工会联合会",
               "name_en": "Lao Federation of Trade Unions", "abbreviation": "LFTU"}),
        )
        .await;
    let minh_university = app
        .created(
            "/api/v1/people",
            json!({"name_en": "Nguyễn Văn Minh", "organization": vn_university,
               "position": "Vice Rector"}),
        )
        .await;
    let minh_lfu = app
        .created(
            "/api/v1/people",
            json!({"name_en": "Nguyễn Văn Minh", "organization": lao_federation,
               "position": "Interpreter"}),
        )
        .await;
    let zhang = app
        .created(
            "/api/v1/people",
            json!({"category": "internal", "name_zh": "张才明", "name_en": "Zhang Caiming",
               "unit": school, "position": "副院长"}),
        )
        .await;
    Course {
        acftu,
        vn_university,
        lao_federation,
        minh_university,
        minh_lfu,
        zhang,
        school,
    }
}

/// The row numbers of a group the page shows, leaving out its template's blank row.
fn rows(html: &str, group: &str, field: &str) -> Vec<usize> {
    let mut found: Vec<usize> = html
        .match_indices(&format!("name=\"{group}-"))
        .filter_map(|(at, name)| {
            let rest = &html[at + name.len()..];
            let (index, after) = rest.split_once('-')?;
            after
                .starts_with(&format!("{field}\""))
                .then(|| index.parse().ok())
                .flatten()
        })
        .filter(|i| *i < 999_999)
        .collect();
    found.dedup();
    found
}

/// The value an input of the page shows.
fn value_of(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" type=\"text\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .replace("&#x23;", "#")
        .replace("&#35;", "#")
}

/// The options offered beside a field: (value, label).
fn offers(html: &str, field: &str) -> Vec<(String, String)> {
    let Some(select) = html
        .split(&format!("name=\"{field}_pick\""))
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
    else {
        return Vec::new();
    };
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| {
            let (value, rest) = o.split_once('"')?;
            let label = rest.split_once('>')?.1.split("</option>").next()?;
            Some((
                value.replace("&#x23;", "#").replace("&#35;", "#"),
                label.to_owned(),
            ))
        })
        .filter(|(v, _)| !v.is_empty())
        .collect()
}

async fn activity(app: &TestApp, location: &str) -> Value {
    let id = location.trim_start_matches("/activities/");
    let (status, record) = app.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(status, 200, "{record}");
    record
}

fn form<'a>(fields: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn add_and_remove_change_one_section_and_a_round_trip_keeps_the_rows(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = page.get("/activities/new").await;
    assert_eq!(status, 200);
    for group in ["partners", "participants", "agenda", "outcomes", "gifts"] {
        let field = match group {
            "partners" => "organization",
            "participants" => "person",
            "agenda" => "title_en",
            "outcomes" => "description",
            _ => "item",
        };
        assert_eq!(
            rows(&html, group, field),
            [0],
            "one row to fill in: {group}"
        );
    }
    // Each row has its own button to take it away, and each section a blank row for the
    // script to copy.
    assert!(html.contains("name=\"remove\" value=\"participants-0\""));
    assert!(html.contains("<template id=\"blank-agenda\">"));

    // What a browser sends: every row in the page, empty or not.
    fn sent(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut fields = vec![
            ("kind", "training_course"),
            ("title_en", "Cadre training course"),
            ("start_date", ""),
            ("participants-0-person", "Somebody"),
            ("participants-0-role", ""),
            ("agenda-0-title_en", "Opening"),
            ("outcomes-0-description", ""),
            ("partners-0-organization", ""),
        ];
        fields.extend_from_slice(extra);
        fields
    }
    let (status, html, _) = page.post("/activities", &sent(&[("add", "agenda")])).await;
    assert_eq!(status, 200);
    assert_eq!(
        rows(&html, "agenda", "title_en"),
        [0, 1],
        "one more agenda item"
    );
    assert_eq!(
        rows(&html, "participants", "person"),
        [0],
        "no other section grew"
    );
    assert_eq!(rows(&html, "outcomes", "description"), [0]);
    assert_eq!(rows(&html, "partners", "organization"), [0]);
    assert_eq!(value_of(&html, "title_en"), "Cadre training course");

    // A round trip through a problem (no first day) keeps exactly the rows sent, however many
    // times the form comes back.
    let mut fields = sent(&[("agenda-1-title_en", "")]);
    for _ in 0..3 {
        let (status, html, _) = page.post("/activities", &fields).await;
        assert_eq!(status, 422);
        assert!(
            html.contains("First day: is required"),
            "the summary names the field"
        );
        assert_eq!(rows(&html, "agenda", "title_en"), [0, 1]);
        assert_eq!(rows(&html, "participants", "person"), [0]);
        assert_eq!(rows(&html, "outcomes", "description"), [0]);
        fields = sent(&[("agenda-1-title_en", "")]);
    }

    // Removing the first of three participants keeps the other two, in order; rows numbered
    // with gaps (a script took one away) come back numbered from 0.
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "training_course"),
                ("participants-0-person", "First"),
                ("participants-1-person", "Second"),
                ("participants-4-person", "Third"),
                ("agenda-3-title_en", "Visit"),
                ("remove", "participants-0"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rows(&html, "participants", "person"), [0, 1]);
    assert_eq!(value_of(&html, "participants-0-person"), "Second");
    assert_eq!(value_of(&html, "participants-1-person"), "Third");
    assert_eq!(rows(&html, "agenda", "title_en"), [0]);
    assert_eq!(value_of(&html, "agenda-0-title_en"), "Visit");

    // Every row can go, the last one too: the section then shows only its "add" button.
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "training_course"),
                ("participants-0-person", "Only"),
                ("remove", "participants-0"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(rows(&html, "participants", "person").is_empty());
    assert!(html.contains("name=\"add\" value=\"participants\""));
    assert_eq!(
        app.get("/api/v1/activities").await.1["total"],
        0,
        "no button saved anything"
    );
}

async fn names_typed_in_either_language_are_resolved_and_several_matches_offered(app: TestApp) {
    let course = course_records(&app).await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let fields: Vec<(&str, String)> = vec![
        ("kind", "training_course".into()),
        (
            "title_en",
            "International trade union cadre training course".into(),
        ),
        ("start_date", "2024-10-14".into()),
        ("end_date", "2024-10-18".into()),
        ("university_role", "host".into()),
        // Part of a name, in Chinese: one organization has it.
        ("partners-0-organization", "工会大学".into()),
        // Part of a name, in English, in lower case: one organization has it.
        ("partners-1-organization", "lao federation".into()),
        // Several have it: offered.
        ("organizer", "trade unions".into()),
        // A staff member by their Chinese name: the one person of that name.
        ("participants-0-person", "张才明".into()),
        ("participants-0-role", "host".into()),
        // Two people have this name, written without its accents: offered.
        ("participants-1-person", "Nguyen Van Minh".into()),
        ("participants-1-role", "delegation_member".into()),
        // No one of that name: a new person.
        ("participants-2-person", "Bounmy Phommachanh".into()),
        ("participants-2-role", "delegation_member".into()),
    ];
    let (status, html, _) = page.post("/activities", &form(&fields)).await;
    assert_eq!(status, 422, "several matches come back to be chosen");
    assert!(
        value_of(&html, "partners-0-organization")
            .starts_with(&format!("#{} 越南工会大学", course.vn_university)),
        "{}",
        value_of(&html, "partners-0-organization")
    );
    assert!(
        value_of(&html, "partners-1-organization")
            .starts_with(&format!("#{} ", course.lao_federation))
    );
    assert!(value_of(&html, "participants-0-person").starts_with(&format!("#{} ", course.zhang)));
    let organizers = offers(&html, "organizer");
    let offered: Vec<&str> = organizers.iter().map(|(v, _)| v.as_str()).collect();
    assert!(
        offered
            .iter()
            .any(|v| v.starts_with(&format!("#{} ", course.acftu)))
            && offered
                .iter()
                .any(|v| v.starts_with(&format!("#{} ", course.lao_federation))),
        "{organizers:?}"
    );
    let minhs = offers(&html, "participants-1-person");
    assert_eq!(minhs.len(), 3, "two people and a new one: {minhs:?}");
    assert!(
        minhs.iter().any(|(_, label)| label.contains("Vice Rector")
            && label.contains("Vietnam Trade Union University")),
        "each offered with their position and organization: {minhs:?}"
    );
    assert!(
        html.contains("several organizations are named"),
        "the problem is said beside the field"
    );

    // Chosen, the form saves.
    let mut chosen = fields.clone();
    chosen.push(("organizer_pick", format!("#{} ACFTU", course.acftu)));
    chosen.push((
        "participants-1-person_pick",
        format!("#{} Nguyễn Văn Minh", course.minh_lfu),
    ));
    let (status, html, location) = page.post("/activities", &form(&chosen)).await;
    assert_eq!(status, 303, "{html}");
    let saved = activity(&app, &location).await;
    let partners: Vec<i64> = saved["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(partners, [course.vn_university, course.lao_federation]);
    assert_eq!(saved["organizer"]["id"], course.acftu);
    let people: Vec<i64> = saved["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(people[..2], [course.zhang, course.minh_lfu]);
    let (_, found) = app.get("/api/v1/people?q=Bounmy").await;
    assert_eq!(found["total"], 1, "a name no one had is a new person");
    assert_ne!(course.minh_university, course.minh_lfu);

    // A name no organization has is a problem of its row, said in the reader's language.
    let chinese = app
        .sign_in("liaison_zh", UserRole::Officer, None, "zh")
        .await;
    let (status, html, _) = chinese
        .post(
            "/activities",
            &[
                ("kind", "conference"),
                ("title_zh", "研讨会"),
                ("start_date", "2024-11-01"),
                ("partners-0-organization", "不存在的大学"),
                ("partners-1-organization", "#999999"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("没有此名称的记录"), "{html}");
}

async fn a_new_guest_named_like_a_person_on_record_is_offered_them_first(app: TestApp) {
    let course = course_records(&app).await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let fields: Vec<(&str, String)> = vec![
        ("kind", "inbound_visit".into()),
        (
            "title_en",
            "Vietnam Trade Union University delegation visits".into(),
        ),
        ("start_date", "2024-06-03".into()),
        // A new guest, with organization and position, named like two people on record.
        ("participants-0-person", "Nguyễn Văn Minh".into()),
        ("participants-0-role", "leader".into()),
        (
            "participants-0-guest_organization",
            "Vietnam Trade Union".into(),
        ),
        ("participants-0-position", "Rector".into()),
        // A new member of staff: the organization typed is a unit of the university.
        ("participants-1-person", "李红".into()),
        ("participants-1-role", "interpreter".into()),
        ("participants-1-guest_organization", "劳动关系".into()),
        ("participants-1-position", "讲师".into()),
        // A new guest no one on record is named like.
        ("participants-2-person", "Trần Thị Hoa".into()),
        ("participants-2-role", "delegation_member".into()),
        ("participants-2-guest_organization", "越南工会".into()),
        ("participants-2-position", "Dean".into()),
    ];
    let (status, html, _) = page.post("/activities", &form(&fields)).await;
    assert_eq!(
        status, 422,
        "the people on record are offered before a second is made"
    );
    let offered = offers(&html, "participants-0-person");
    let values: Vec<&str> = offered.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(values.len(), 3, "{offered:?}");
    assert!(values.contains(&"new"));
    assert!(
        values
            .iter()
            .any(|v| v.starts_with(&format!("#{} ", course.minh_university)))
    );
    assert!(html.contains("A person of this name is on record") || html.contains("is on record"));
    let (_, before) = app.get("/api/v1/people?q=Minh").await;
    assert_eq!(before["total"], 2, "nothing saved yet");

    // Confirmed as a new person, the guest is created with their organization and position.
    let mut confirmed = fields.clone();
    confirmed.push(("participants-0-person_pick", "new".into()));
    let (status, html, location) = page.post("/activities", &form(&confirmed)).await;
    assert_eq!(status, 303, "{html}");
    let saved = activity(&app, &location).await;
    let ids: Vec<i64> = saved["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person"]["id"].as_i64().unwrap())
        .collect();
    let (_, guest) = app.get(&format!("/api/v1/people/{}", ids[0])).await;
    assert!(![course.minh_university, course.minh_lfu].contains(&ids[0]));
    assert_eq!(guest["category"], "external");
    assert_eq!(guest["organization"]["id"], course.vn_university);
    assert_eq!(guest["position"], "Rector");
    let (_, staff) = app.get(&format!("/api/v1/people/{}", ids[1])).await;
    assert_eq!(staff["category"], "internal", "{staff}");
    assert_eq!(staff["unit"]["id"], course.school);
    assert_eq!(staff["position"], "讲师");
    let (_, hoa) = app.get(&format!("/api/v1/people/{}", ids[2])).await;
    assert_eq!(hoa["organization"]["id"], course.vn_university);
    assert_eq!(hoa["name_en"], "Trần Thị Hoa");

    // Taking the person on record instead makes no one new.
    let mut taken = fields.clone();
    taken.push((
        "participants-0-person_pick",
        format!("#{} Nguyễn Văn Minh", course.minh_university),
    ));
    taken[7].1 = format!("#{}", ids[1]);
    taken[11].1 = format!("#{}", ids[2]);
    let (status, html, location) = page.post("/activities", &form(&taken)).await;
    assert_eq!(status, 303, "{html}");
    let saved = activity(&app, &location).await;
    assert_eq!(
        saved["participants"][0]["person"]["id"],
        course.minh_university
    );
    let (_, after) = app.get("/api/v1/people?q=Minh").await;
    assert_eq!(after["total"], 3, "only the one confirmed as new was added");
}

async fn a_multi_day_course_with_unnamed_lecturers_is_saved_and_every_bad_row_reported(
    app: TestApp,
) {
    course_records(&app).await;
    let page: PageClient = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let mut fields: BTreeMap<&str, String> = [
        ("kind", "training_course"),
        ("title_zh", "越南工会干部培训班"),
        (
            "title_en",
            "Training course for Vietnamese trade union cadres",
        ),
        ("start_date", "2024-10-14"),
        ("end_date", "2024-10-18"),
        ("venue", "国际交流中心"),
        ("agenda-0-kind", "lecture"),
        ("agenda-0-on", "2024-10-15"),
        ("agenda-0-ends_on", "2024-10-17"),
        ("agenda-0-part", "morning"),
        ("agenda-0-venue", "教学楼 201"),
        ("agenda-0-lecturer_count", "9"),
        ("agenda-0-lecturers_zh", "我校劳动关系与人力资源学院教师"),
        (
            "agenda-0-lecturers_en",
            "teachers of the School of Labor Relations",
        ),
        ("agenda-0-title_zh", "中国工会理论与实践"),
        ("agenda-1-kind", "visit"),
        ("agenda-1-on", "2024-10-16"),
        ("agenda-1-part", "evening"),
        ("agenda-1-venue", "校史馆"),
        ("agenda-1-title_en", "University history museum"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    // Two bad rows at once: an item that ends before it starts, and lecturers described with
    // no number.
    let mut bad = fields.clone();
    bad.insert("agenda-0-ends_on", "2024-10-14".into());
    bad.insert("agenda-1-lecturers_en", "guides".into());
    let sent: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html, _) = page.post("/activities", &sent).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-agenda-0-ends_on\""), "{html}");
    assert!(html.contains("id=\"e-agenda-1-lecturer_count\""), "{html}");
    assert_eq!(rows(&html, "agenda", "title_en"), [0, 1]);

    fields.insert("participants-0-person", "张才明".into());
    fields.insert("participants-0-role", "host".into());
    fields.insert("partners-0-organization", "工会大学".into());
    let sent: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html, location) = page.post("/activities", &sent).await;
    assert_eq!(status, 303, "{html}");
    let saved = activity(&app, &location).await;
    let lecture = &saved["agenda"][0];
    assert_eq!(lecture["on"], "2024-10-15");
    assert_eq!(lecture["ends_on"], "2024-10-17");
    assert_eq!(lecture["part"], "morning");
    assert_eq!(lecture["venue"], "教学楼 201");
    assert_eq!(lecture["lecturers"]["count"], 9);
    assert_eq!(
        lecture["lecturers"]["description_en"],
        "teachers of the School of Labor Relations"
    );
    assert_eq!(saved["agenda"][1]["part"], "evening");

    // The edit form shows what was saved, and the record page says it.
    let id = location.trim_start_matches("/activities/");
    let (status, html) = page.get(&format!("/activities/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"2024-10-17\""));
    assert!(html.contains("<option value=\"evening\" selected>"));
    assert!(html.contains("value=\"9\""));
    assert_eq!(rows(&html, "participants", "person"), [0]);
    assert_eq!(
        rows(&html, "partners", "organization"),
        [0],
        "a blank partner to fill in"
    );
    let (_, page_html) = page.get(&format!("/activities/{id}")).await;
    assert!(page_html.contains("教学楼 201"));
    assert!(page_html.contains("9 lecturers: teachers of the School of Labor Relations"));

    // The drafts and the briefing book say the unnamed lecturers in a full sentence, on the
    // days and in the room of the item.
    let (status, zh) = page.get(&format!("/activities/{id}/news/zh")).await;
    assert_eq!(status, 200);
    assert!(
        zh.contains(
            "10月15日至17日上午，在教学楼 201，9名我校劳动关系与人力资源学院教师为学员授课，\
             主题为《中国工会理论与实践》。"
        ),
        "{zh}"
    );
    assert!(zh.contains("10月16日晚上，在校史馆，"), "{zh}");
    let (status, en) = page.get(&format!("/activities/{id}/news/en")).await;
    assert_eq!(status, 200);
    assert!(
        en.contains(
            "From October 15 to 17 each morning, at 教学楼 201, nine teachers of the School of \
             Labor Relations lectured the participants on"
        ),
        "{en}"
    );
    let (status, book) = page.get(&format!("/activities/{id}/briefing")).await;
    assert_eq!(status, 200);
    assert!(
        book.contains("The lectures are given by 9 teachers of the School of Labor Relations."),
        "{book}"
    );
    let chinese = app.sign_in("reader_zh", UserRole::Viewer, None, "zh").await;
    let (_, book) = chinese.get(&format!("/activities/{id}/briefing")).await;
    assert!(
        book.contains("由我校劳动关系与人力资源学院教师9人授课。"),
        "{book}"
    );
}

async fn names_are_found_by_any_part_in_either_language_without_accents(app: TestApp) {
    let course = course_records(&app).await;
    let first = |found: &Value| found[0]["id"].as_i64().unwrap_or_default();
    for (q, kind, id) in [
        ("越南工会", "organization", course.vn_university),
        ("truong dai hoc cong", "organization", course.vn_university),
        ("TRƯỜNG Đại", "organization", course.vn_university),
        ("lftu", "organization", course.lao_federation),
        ("zhang cai", "person", course.zhang),
        ("才明", "person", course.zhang),
        ("human resources", "unit", course.school),
    ] {
        let (status, found) = app
            .get(&format!("/api/v1/names?kind={kind}&q={}", urlencoding(q)))
            .await;
        assert_eq!(status, 200, "{q}: {found}");
        assert_eq!(first(&found), id, "{q}: {found}");
        assert_eq!(found[0]["kind"], kind);
    }
    let (_, found) = app.get("/api/v1/names?kind=person&q=minh&limit=1").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "at most the limit");
    let (_, found) = app
        .get(&format!(
            "/api/v1/names?kind=person&q={}",
            urlencoding("张才明")
        ))
        .await;
    assert_eq!(found[0]["exact"], true);
    assert_eq!(found[0]["internal"], true);
    let (_, found) = app.get("/api/v1/names?q=%25").await;
    assert_eq!(found, json!([]), "a wildcard is no name");
    assert_eq!(app.get("/api/v1/names?kind=people&q=a").await.0, 422);
    assert_eq!(app.get("/api/v1/names?q=a&limit=500").await.0, 422);
    let anonymous = reqwest::get(app.url("/api/v1/names?q=minh")).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    // Every role that reads people and organizations may look them up.
    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    let (status, body) = viewer.get("/api/v1/names?q=minh").await;
    assert_eq!(status, 200);
    assert!(body.contains("Nguyễn Văn Minh"));
}

/// A query value, percent-encoded.
fn urlencoding(text: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("v", text)])
        .unwrap()
        .query()
        .unwrap_or_default()[2..]
        .to_owned()
}
