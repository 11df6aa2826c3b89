//! What the office produces from its records: news release drafts (the seeds fact by fact),
//! their publication on the public news pages, briefing books and calendar feeds, each file
//! read back the way the programs people use would read it.

use crate::common::{TestApp, read_docx};
use liaison_core::{NewsLanguage, UserRole};
use serde_json::{Value, json};

on_both_databases!(
    the_seed_news_drafts_state_every_fact_of_the_seeds,
    a_release_is_edited_saved_and_published_for_the_public,
    a_stale_release_edit_is_refused_and_a_reader_cannot_edit,
    the_briefing_book_holds_the_partner_history_agreements_gifts_people_and_agenda,
    a_calendar_feed_is_made_read_by_a_calendar_program_and_revoked,
);

async fn drafts(app: &TestApp, key: &str) -> (String, String) {
    let id = app.id_of("activities", key).await;
    let dossier = app.db.store.activity_dossier(id).await.unwrap();
    let draft = |language| {
        let d = liaison_core::news::draft(&dossier, language);
        format!("{}\n\n{}", d.title, d.body)
    };
    (draft(NewsLanguage::Zh), draft(NewsLanguage::En))
}

fn assert_states(draft: &str, facts: &[&str]) {
    let missing: Vec<_> = facts.iter().filter(|f| !draft.contains(*f)).collect();
    assert!(missing.is_empty(), "the draft misses {missing:?}:\n{draft}");
}

async fn the_seed_news_drafts_state_every_fact_of_the_seeds(app: TestApp) {
    app.load_demo().await;

    let (zh, en) = drafts(&app, "activity-2023-lftu-visit").await;
    assert_states(
        &en,
        &[
            "On the morning of November 17, 2023",
            "at the invitation of the All-China Federation of Trade Unions",
            // The leader's position names the partner: it is not named a second time.
            "Phonesane Vilaymeng, Vice President of the Lao Federation of Trade Unions, led \
             a delegation of 30 people to visit our university",
            "Wu Wanxiong, Vice President, received the delegation",
            "Officials of the International Office of Cooperation and Exchange and Officials \
             of the School of Trade Union Cadres Training attending the meeting",
            "Professor Zhang Caiming, Vice Dean of the School of Labor Relations and Human \
             Resources, gave a lecture to the delegation on the topic of \"Smart Trade Unions \
             in the Digital Society\"",
            "collecting information of trade union members",
            "the 12351 worker service hotline",
            "the construction and maintenance of trade union websites",
            "The two sides exchanged gifts",
            "The delegation visited the university history museum.",
            "The New Era is Achieved through Hard Work",
            "established in 1956",
            "the only national trade union organization in Laos",
            "220,000",
            "a member of the World Federation of Trade Unions",
            "politically affiliated with the Lao People's Revolutionary Party",
            "International Office of Cooperation and Exchange",
        ],
    );
    assert_states(
        &zh,
        &[
            "老挝工会联合会副主席率团访问我校",
            "2023年11月17日上午，应中华全国总工会邀请，老挝工会联合会副主席Phonesane Vilaymeng\
             率30人代表团访问我校。",
            "副校长吴万雄会见了代表团",
            // Groups on record in English only are used marked for the editor.
            "〔待译：Officials of the International Office of Cooperation and Exchange〕",
            "参加会见",
            "《数字社会中的智慧工会》",
            "12351",
            "双方互赠纪念品",
            "参观校史馆",
            "成立于1956年",
            "唯一的全国性工会组织",
            "22万",
            "世界工会联合会成员",
            "老挝人民革命党",
        ],
    );

    let (zh, en) = drafts(&app, "activity-2020-exchange-conference").await;
    let (_, activity) = app
        .get(&format!(
            "/api/v1/activities/{}",
            app.id_of("activities", "activity-2020-exchange-conference")
                .await
        ))
        .await;
    let mut facts: Vec<String> = vec![
        "On the morning of January 9, 2020".into(),
        "Zhiyuan Building".into(),
        "It was chaired by Wu Wanxiong, Vice President".into(),
        "An Jianhua, Head (Minister) of the International Liaison Department of the \
         All-China Federation of Trade Unions"
            .into(),
        "Liu Xiangbing, Secretary of the Party Committee of the University".into(),
        "Qiao Jian, Director of the International Exchange and Cooperation Office".into(),
        "Guo Yuqiang, Deputy Director of the Personnel Office".into(),
        "Meng Yanhua, Dean of the School of Safety Engineering".into(),
        "Shen Jianfeng, Dean of the School of Law".into(),
        "Ji Wenwen of the School of Labor Relations and Human Resources".into(),
        "gave a keynote report titled \"Current International Situation and Status Quo of \
         Labor Movement\""
            .into(),
        "International Exchange and Cooperation Office (Hong Kong, Macao and Taiwan Office)".into(),
    ];
    // Every attending group, and every agenda item with each point it made (the four
    // balances, the four "increasing" points, the concluding remarks…).
    for group in activity["attending_groups"].as_array().unwrap() {
        facts.push(group.as_str().unwrap().to_owned());
    }
    for item in activity["agenda"].as_array().unwrap() {
        // A speech is named by its topic, after "Remarks: ", and a title may open a sentence
        // in lower case ("In the discussion session, …").
        let title = item["title_en"].as_str().unwrap();
        let topic = ["Concluding remarks: ", "Remarks: "]
            .iter()
            .find_map(|prefix| title.strip_prefix(prefix))
            .unwrap_or(title);
        assert!(
            en.to_lowercase().contains(&topic.to_lowercase()),
            "the draft misses the item {title}:\n{en}"
        );
        for point in item["points"].as_array().unwrap() {
            facts.push(point.as_str().unwrap().trim_end_matches('.').to_owned());
        }
    }
    assert!(facts.len() > 40, "the conference has its agenda on record");
    let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
    assert_states(&en, &facts);
    assert_states(
        &zh,
        &[
            "2020年1月9日上午，我校2019—2020年度国际交流工作会议在Zhiyuan Building (致远楼)召开",
            "会议由副校长吴万雄主持",
            "校党委书记刘向兵",
            "An Jianhua作题为《当前国际形势与工运现状》的主旨报告",
            // Points on record in English only are used marked for the editor.
            "four balances need to be handled.〕",
            "〔待译：First, handle the balance",
            "International Exchange and Cooperation Office (Hong Kong, Macao and Taiwan Office)",
        ],
    );
}

/// The text of the first textarea or input named `name` in a page, unescaped.
fn field_value(html: &str, name: &str) -> String {
    let unescape = |s: &str| {
        s.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    if let Some(start) = html.find(&format!("name=\"{name}\" rows=")) {
        let rest = &html[start..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest.find("</textarea>").unwrap();
        return unescape(&rest[open..close]);
    }
    let start = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[start..];
    let value = rest.find("value=\"").unwrap() + 7;
    let end = rest[value..].find('"').unwrap();
    unescape(&rest[value..value + end])
}

async fn a_release_is_edited_saved_and_published_for_the_public(app: TestApp) {
    app.load_demo().await;
    let id = app.id_of("activities", "activity-2023-lftu-visit").await;
    let officer = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let public = reqwest::Client::new();

    // Nothing is published yet: the public list says so.
    let news = public
        .get(app.url("/news"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(news.status(), 200);
    assert!(
        news.text()
            .await
            .unwrap()
            .contains("No news has been published yet.")
    );

    // The draft is generated from the record, and not saved until saved.
    let (status, page) = officer.get(&format!("/activities/{id}/news/en")).await;
    assert_eq!(status, 200);
    assert!(page.contains("it is not saved until you save it"));
    let body = field_value(&page, "body");
    assert!(
        body.starts_with("On the morning of November 17, 2023"),
        "{body}"
    );

    // A blank headline is refused with the typed text kept.
    let edited = format!("{body}\n\nEdited by the office.");
    let (status, page, _) = officer
        .post(
            &format!("/activities/{id}/news/en"),
            &[("title", " "), ("body", &edited)],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Edited by the office."));
    assert!(
        app.db
            .store
            .news_release(id, NewsLanguage::En)
            .await
            .unwrap()
            .is_none()
    );

    // Saved and published; the English release appears for English readers.
    let (status, _, location) = officer
        .post(
            &format!("/activities/{id}/news/en"),
            &[
                ("title", "LFTU delegation visits"),
                ("body", &edited),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/activities/{id}/news/en?saved=1"));
    let saved = app
        .db
        .store
        .news_release(id, NewsLanguage::En)
        .await
        .unwrap()
        .unwrap();
    assert!(saved.published && saved.published_at.is_some());
    assert_eq!(saved.version, 1);
    let (_, page) = officer.get(&location).await;
    assert!(page.contains("The release was saved."));
    assert_eq!(field_value(&page, "title"), "LFTU delegation visits");

    let list = public
        .get(app.url("/news"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(&format!("href=\"/news/{}\"", saved.id)));
    assert!(list.contains("LFTU delegation visits"));
    let one = public
        .get(app.url(&format!("/news/{}", saved.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    let one = one.text().await.unwrap();
    assert!(one.contains("Edited by the office."));
    assert!(
        !one.contains("name=\"csrf\""),
        "the public page has no forms"
    );

    // A Chinese reader sees the English release until a Chinese one is published, then that.
    let zh_list = |client: reqwest::Client| {
        let url = app.url("/news");
        async move {
            client
                .get(url)
                .header("accept-language", "zh-CN")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(
        zh_list(public.clone())
            .await
            .contains("LFTU delegation visits")
    );
    let (status, _, _) = officer
        .post(
            &format!("/activities/{id}/news/zh"),
            &[
                ("title", "老挝工联代表团访问我校"),
                ("body", "2023年11月17日上午……"),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let zh_page = zh_list(public.clone()).await;
    assert!(zh_page.contains("老挝工联代表团访问我校"));
    assert!(
        !zh_page.contains("LFTU delegation visits"),
        "each activity once"
    );

    // Unpublished, it is gone from the public pages, and its address answers 404.
    let (status, _, _) = officer
        .post(
            &format!("/activities/{id}/news/en"),
            &[
                ("version", "1"),
                ("title", "LFTU delegation visits"),
                ("body", &edited),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let gone = public
        .get(app.url(&format!("/news/{}", saved.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let (status, _) = app.get("/api/v1/audit?entity=news_release").await;
    assert_eq!(status, 200);
}

async fn a_stale_release_edit_is_refused_and_a_reader_cannot_edit(app: TestApp) {
    app.load_demo().await;
    let id = app.id_of("activities", "activity-2023-lftu-visit").await;
    let first = app.sign_in("first", UserRole::Officer, None, "en").await;
    let second = app.sign_in("second", UserRole::Officer, None, "en").await;
    let path = format!("/activities/{id}/news/en");
    let (status, _, _) = first
        .post(&path, &[("title", "One"), ("body", "First text")])
        .await;
    assert_eq!(status, 303);
    // Both open version 1; the first saves, the second's save is refused with both texts shown.
    let (status, _, _) = first
        .post(
            &path,
            &[
                ("version", "1"),
                ("title", "One"),
                ("body", "First's change"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (status, page, _) = second
        .post(
            &path,
            &[
                ("version", "1"),
                ("title", "One"),
                ("body", "Second's change"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(page.contains("First&#39;s change") || page.contains("First's change"));
    assert!(page.contains("Second&#39;s change") || page.contains("Second's change"));
    let kept = app
        .db
        .store
        .news_release(id, NewsLanguage::En)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.body, "First's change");
    assert_eq!(kept.version, 2);

    // A viewer reads the draft but has no form, and a forged post is refused.
    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    let (status, page) = viewer.get(&path).await;
    assert_eq!(status, 200);
    assert!(!page.contains("name=\"body\""));
    let (status, _, _) = viewer
        .post(
            &path,
            &[("version", "2"), ("title", "Mine"), ("body", "Mine")],
        )
        .await;
    assert_eq!(status, 403);
    // An unknown language or activity is a 404 page, not an error.
    assert_eq!(first.get(&format!("/activities/{id}/news/fr")).await.0, 404);
    assert_eq!(first.get("/activities/999999/news/en").await.0, 404);
}

async fn the_briefing_book_holds_the_partner_history_agreements_gifts_people_and_agenda(
    app: TestApp,
) {
    app.load_demo().await;
    let visit = app.id_of("activities", "activity-2023-lftu-visit").await;
    // An earlier visit with a gift, an agreement in force and an expired one with the LFTU.
    let (status, earlier) = app
        .post(
            "/api/v1/activities",
            &json!({
                "kind": "inbound_visit", "title_en": "LFTU study visit 2019",
                "start_date": "2019-05-06", "partners": ["org-lftu"],
                "gifts": [{"direction": "given", "item": "Porcelain vase",
                           "giver": {"organization": "org-university"},
                           "receiver": {"organization": "org-lftu"}}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{earlier}");
    for (title, status_code, to) in [
        ("Memorandum on cadre training", "in_force", "2026-12-31"),
        ("Old exchange agreement", "expired", "2019-12-31"),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/agreements",
                &json!({"kind": "mou", "title_en": title, "partners": ["org-lftu"],
                        "signed_on": "2018-01-01", "valid_from": "2018-01-01",
                        "valid_to": to, "status": status_code}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let reader = app.sign_in("leader", UserRole::Leader, None, "en").await;
    let (status, page) = reader.get(&format!("/activities/{visit}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("href=\"/activities/{visit}/briefing\"")));
    let (status, page) = reader.get(&format!("/activities/{visit}/briefing")).await;
    assert_eq!(status, 200);
    for fact in [
        "Partner: Lao Federation of Trade Unions (LFTU)",
        "1956",
        "220,000",
        "History of exchanges with Lao Federation of Trade Unions (LFTU)",
        "LFTU study visit 2019",
        "Memorandum on cadre training",
        "Porcelain vase",
        "Phonesane Vilaymeng",
        "Wu Wanxiong",
        "Smart Trade Unions in the Digital Society",
        "Download as Word (.docx)",
    ] {
        assert!(page.contains(fact), "the briefing page misses {fact}");
    }
    let in_force = page
        .split("Agreements in force")
        .nth(1)
        .and_then(|rest| rest.split("Gifts exchanged before").next())
        .unwrap();
    assert!(in_force.contains("Memorandum on cadre training"));
    assert!(
        !in_force.contains("Old exchange agreement"),
        "an expired agreement is not in force"
    );

    let (status, content_type, bytes) = reader
        .download(&format!("/activities/{visit}/briefing.docx"))
        .await;
    assert_eq!(status, 200);
    assert!(content_type.contains("wordprocessingml"));
    let (xml, text) = read_docx(&bytes);
    assert!(xml.contains("w:pgSz w:w=\"11906\""), "A4");
    for fact in [
        "Lao Federation of Trade Unions",
        "LFTU study visit 2019",
        "Memorandum on cadre training",
        "Porcelain vase",
        "Phonesane Vilaymeng",
        "Smart Trade Unions in the Digital Society",
        "Topic discussed with the delegation members: the 12351 worker service hotline.",
    ] {
        assert!(
            text.contains(fact),
            "the briefing document misses {fact}:\n{text}"
        );
    }
    let in_force = text.split("Agreements in force").nth(1).unwrap();
    let in_force = in_force.split("Gifts exchanged before").next().unwrap();
    assert!(in_force.contains("Memorandum on cadre training"));
    assert!(!in_force.contains("Old exchange agreement"));

    // An activity without a partner says so instead of failing.
    let conference = app
        .id_of("activities", "activity-2020-exchange-conference")
        .await;
    let (_, created) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "Internal lecture", "start_date": "2024-03-01"}),
        )
        .await;
    let lone = created["id"].as_i64().unwrap();
    let (status, page) = reader.get(&format!("/activities/{lone}/briefing")).await;
    assert_eq!(status, 200);
    assert!(page.contains("no partner organization on record"));
    assert_eq!(
        reader
            .get(&format!("/activities/{conference}/briefing"))
            .await
            .0,
        200
    );
    assert_eq!(reader.get("/activities/abc/briefing").await.0, 404);
}

async fn a_calendar_feed_is_made_read_by_a_calendar_program_and_revoked(app: TestApp) {
    use icalendar::parser::{read_calendar, unfold};
    app.load_demo().await;
    let (_, units) = app.get("/api/v1/units?per_page=100").await;
    let office = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["key"] == "unit-international-exchange-office")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let (status, soon) = app
        .post(
            "/api/v1/activities",
            &json!({
                "kind": "inbound_visit", "title_en": "Delegation from Hanoi",
                "title_zh": "河内代表团来访",
                "start_date": (today + chrono::Days::new(10)).to_string(),
                "start_part": "afternoon", "venue": "Zhiyuan Building",
                "host_unit": office, "partners": ["org-lftu"],
                "participants": [{"person": "person-wu-wanxiong", "role": "host"}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{soon}");
    let (status, other) = app
        .post(
            "/api/v1/activities",
            &json!({"kind": "lecture", "title_en": "A lecture of no unit",
                    "start_date": (today + chrono::Days::new(3)).to_string()}),
        )
        .await;
    assert_eq!(status, 201, "{other}");

    let user = app
        .sign_in("liaison", UserRole::Liaison, Some(office), "en")
        .await;
    let (status, page) = user.get("/calendars").await;
    assert_eq!(status, 200);
    assert!(page.contains("You have no calendar feeds yet."));
    let (status, page, _) = user
        .post("/calendars", &[("name", " "), ("unit", "")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Give the feed a name"));
    let office_text = office.to_string();
    let (status, page, _) = user
        .post(
            "/calendars",
            &[("name", "Office on my phone"), ("unit", &office_text)],
        )
        .await;
    assert_eq!(status, 200);
    let before = page
        .split("class=\"feed-address\"")
        .next()
        .expect("the new address is shown");
    let start = before.rfind("value=\"").expect("the address field") + 7;
    let url = before[start..].split('"').next().unwrap().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with(".ics"),
        "{url}"
    );
    let (_, again) = user.get("/calendars").await;
    assert!(again.contains("Office on my phone"));
    assert!(
        !again.contains(&url),
        "the secret address is shown only once"
    );

    // A calendar program, with no session, reads the feed.
    let calendar_program = reqwest::Client::new();
    let response = calendar_program.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let unfolded = unfold(&text);
    let calendar = read_calendar(&unfolded).expect("a valid iCalendar feed");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 1, "only the office's activities:\n{text}");
    let prop = |name: &str| {
        events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap_or_default()
    };
    assert_eq!(prop("SUMMARY"), "Delegation from Hanoi");
    assert_eq!(prop("LOCATION"), "Zhiyuan Building");
    let start = (today + chrono::Days::new(10)).format("%Y%m%d").to_string();
    assert_eq!(prop("DTSTART"), format!("{start}T140000"));
    assert_eq!(prop("DTEND"), format!("{start}T173000"));
    let description = prop("DESCRIPTION");
    assert!(
        description.contains("Wu Wanxiong") && description.contains("(Host"),
        "{description}"
    );
    assert!(prop("DESCRIPTION").contains("Lao Federation of Trade Unions"));
    assert_eq!(prop("UID"), format!("activity-{}@liaison", soon["id"]));

    // Revoked, the address answers nothing; a wrong address never did.
    let feeds = app
        .db
        .store
        .calendar_feeds(&liaison_core::Actor {
            user_id: Some(user_id(&app, "liaison").await),
            username: "liaison".into(),
            role: UserRole::Liaison,
            unit_id: Some(office),
            address: None,
        })
        .await
        .unwrap();
    assert_eq!(feeds.len(), 1);
    assert!(feeds[0].last_used_at.is_some());
    let other_user = app.sign_in("other", UserRole::Officer, None, "en").await;
    let (status, _, _) = other_user
        .post(&format!("/calendars/{}/revoke", feeds[0].id), &[])
        .await;
    assert_eq!(status, 403, "only the owner revokes a feed");
    let (status, _, _) = user
        .post(&format!("/calendars/{}/revoke", feeds[0].id), &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        calendar_program.get(&url).send().await.unwrap().status(),
        404
    );
    let wrong = format!("{}/feeds/{}.ics", app.address, "0".repeat(64));
    assert_eq!(
        calendar_program.get(&wrong).send().await.unwrap().status(),
        404
    );
    let (_, page) = user.get("/calendars").await;
    assert!(page.contains("Revoked"));
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    let (_, users) = app.get("/api/v1/users?per_page=100").await;
    let found: Option<&Value> = users["items"]
        .as_array()
        .and_then(|items| items.iter().find(|u| u["username"] == username));
    match found {
        Some(user) => user["id"].as_i64().unwrap(),
        None => {
            app.db
                .store
                .user_for_login(username)
                .await
                .unwrap()
                .unwrap()
                .0
                .id
        }
    }
}
