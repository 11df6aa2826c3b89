//! The two news releases, read back through the API fact by fact.

use crate::common::TestApp;
use serde_json::Value;

on_both_databases!(
    the_annual_conference_is_recorded_fact_by_fact,
    the_lao_delegation_visit_is_recorded_fact_by_fact,
);

async fn activity_by_key(app: &TestApp, key: &str) -> Value {
    let id = app.id_of("activities", key).await;
    app.get(&format!("/api/v1/activities/{id}")).await.1
}

fn people_in_role<'a>(activity: &'a Value, role: &str) -> Vec<&'a str> {
    activity["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["role"] == role)
        .map(|p| p["person"]["name"].as_str().unwrap())
        .collect()
}

fn agenda_item<'a>(activity: &'a Value, title_part: &str) -> &'a Value {
    activity["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| {
            item["title_en"]
                .as_str()
                .unwrap_or_default()
                .contains(title_part)
        })
        .unwrap_or_else(|| panic!("no agenda item titled like {title_part}"))
}

fn points(item: &Value) -> String {
    item["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn person(app: &TestApp, named: &Value) -> Value {
    app.get(&format!("/api/v1/people/{}", named["id"])).await.1
}

async fn the_annual_conference_is_recorded_fact_by_fact(app: TestApp) {
    app.load_demo().await;
    let c = activity_by_key(&app, "activity-2020-exchange-conference").await;
    assert_eq!(c["kind"], "conference");
    assert_eq!(c["start_date"], "2020-01-09");
    assert_eq!(c["start_part"], "morning");
    assert_eq!(c["end_part"], "morning");
    assert!(c["venue"].as_str().unwrap().contains("Zhiyuan Building"));
    assert!(
        c["title_en"]
            .as_str()
            .unwrap()
            .contains("2019-2020 International Exchange Conference")
    );
    assert_eq!(people_in_role(&c, "chair"), ["吴万雄 (Wu Wanxiong)"]);

    // Every named attendee, with organization or unit and position.
    let named: Vec<&Value> = c["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["person"])
        .collect();
    let mut seen = Vec::new();
    for p in named {
        let full = person(&app, p).await;
        seen.push((
            full["name_en"].as_str().unwrap().to_owned(),
            full["position"].as_str().unwrap_or_default().to_owned(),
            full["organization"]["name"]
                .as_str()
                .or(full["unit"]["name"].as_str())
                .unwrap_or_default()
                .to_owned(),
        ));
    }
    let has = |name: &str, position: &str, body: &str| {
        assert!(
            seen.iter()
                .any(|(n, p, b)| n == name && p.contains(position) && b.contains(body)),
            "{name} / {position} / {body} not in {seen:?}"
        );
    };
    has(
        "An Jianhua",
        "International Liaison Department",
        "International Liaison Department",
    );
    has("Liu Xiangbing", "Secretary of the Party Committee", "");
    has("Liu Yufang", "Vice President", "");
    has("Wu Wanxiong", "Vice President", "");
    has(
        "Qiao Jian",
        "Director of the International Exchange and Cooperation Office",
        "International Exchange",
    );
    has(
        "Guo Yuqiang",
        "Deputy Director of the Personnel Office",
        "Personnel Office",
    );
    has(
        "Meng Yanhua",
        "Dean of the School of Safety Engineering",
        "Safety Engineering",
    );
    has("Shen Jianfeng", "Dean of the School of Law", "Law");
    has("Ji Wenwen", "", "Labor Relations and Human Resources");
    let an = c["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "keynote_speaker")
        .unwrap();
    let an = person(&app, &an["person"]).await;
    let department = app
        .get(&format!(
            "/api/v1/organizations/{}",
            an["organization"]["id"]
        ))
        .await
        .1;
    assert_eq!(
        department["affiliations"][0]["organization"]["key"],
        "org-acftu"
    );

    let groups = c["attending_groups"].to_string();
    for group in [
        "Heads of schools",
        "Heads of international exchange",
        "Party general branch secretar",
        "Foreign affairs liaison officers",
        "Teacher representatives",
        "Staff of the International Exchange and Cooperation Office",
    ] {
        assert!(groups.contains(group), "{group} missing from {groups}");
    }

    let keynote = agenda_item(
        &c,
        "Current International Situation and Status Quo of Labor Movement",
    );
    assert_eq!(keynote["kind"], "keynote");
    assert_eq!(keynote["speaker"]["name"], "An Jianhua");
    let said = points(keynote);
    for aspect in [
        "Belt and Road",
        "community with a shared future",
        "International Labor Organization",
        "neighboring countries",
    ] {
        assert!(said.contains(aspect), "keynote lacks {aspect}");
    }

    let closing = agenda_item(&c, "Concluding remarks");
    assert_eq!(closing["kind"], "concluding_remarks");
    assert_eq!(closing["speaker"]["name"], "刘向兵 (Liu Xiangbing)");
    let said = points(closing);
    for point in ["congratulations", "awareness", "stability", "difficulties"] {
        assert!(said.contains(point), "concluding remarks lack {point}");
    }

    let balances = agenda_item(&c, "four balances");
    assert_eq!(balances["speaker"]["name"], "刘玉方 (Liu Yufang)");
    let said = points(balances);
    for balance in [
        "quantity and quality",
        "expansion",
        "short-term and long-term",
        "going global",
        "line to surface",
    ] {
        assert!(said.contains(balance), "the four balances lack {balance}");
    }

    let increasing = agenda_item(&c, "increasing");
    assert_eq!(increasing["speaker"]["name"], "吴万雄 (Wu Wanxiong)");
    assert!(points(increasing).matches("increasing").count() >= 4);

    let review = agenda_item(&c, "Review of the international exchange work in 2019");
    assert_eq!(review["speaker"]["name"], "乔健 (Qiao Jian)");
    let said = points(review).to_lowercase();
    for part in [
        "overall situation",
        "characteristics",
        "shortcomings",
        "2020",
    ] {
        assert!(said.contains(part), "the review lacks {part}");
    }
    assert_eq!(
        agenda_item(&c, "overseas teacher trainings")["speaker"]["name"],
        "Guo Yuqiang"
    );
    let talent = agenda_item(&c, "international talent training");
    assert_eq!(
        (talent["kind"].as_str(), talent["speaker"]["name"].as_str()),
        (Some("experience_sharing"), Some("Meng Yanhua"))
    );
    assert_eq!(
        agenda_item(&c, "academic research")["speaker"]["name"],
        "沈建峰 (Shen Jianfeng)"
    );
    assert_eq!(
        agenda_item(&c, "academic exchanges")["speaker"]["name"],
        "Ji Wenwen"
    );
    let discussion = agenda_item(&c, "Discussion");
    assert_eq!(discussion["kind"], "discussion");
    assert!(points(discussion).contains("constructive opinions"));

    assert_eq!(
        c["signed_by"],
        "International Exchange and Cooperation Office (Hong Kong, Macao and Taiwan Office)"
    );
}

async fn the_lao_delegation_visit_is_recorded_fact_by_fact(app: TestApp) {
    app.load_demo().await;
    let v = activity_by_key(&app, "activity-2023-lftu-visit").await;
    assert_eq!(v["kind"], "inbound_visit");
    assert_eq!(v["start_date"], "2023-11-17");
    assert_eq!(v["start_part"], "morning");
    assert_eq!(v["title_zh"], "老挝工会联合会副主席率团访问我校");
    assert_eq!(v["inviting_organization"]["key"], "org-acftu");
    assert!(
        v["inviting_organization"]["name"]
            .as_str()
            .unwrap()
            .contains("All-China Federation of Trade Unions")
    );
    assert_eq!(v["delegation_size"], 30);
    assert_eq!(v["partners"][0]["key"], "org-lftu");
    assert_eq!(people_in_role(&v, "leader"), ["Phonesane Vilaymeng"]);
    assert_eq!(people_in_role(&v, "host"), ["吴万雄 (Wu Wanxiong)"]);
    let leader = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "leader")
        .unwrap();
    let leader = person(&app, &leader["person"]).await;
    assert_eq!(
        leader["position"],
        "Vice President of the Lao Federation of Trade Unions"
    );
    assert_eq!(leader["organization"]["key"], "org-lftu");
    assert_eq!(leader["nationality"], "LA");
    let groups = v["attending_groups"].to_string();
    assert!(groups.contains("International Office of Cooperation and Exchange"));
    assert!(groups.contains("School of Trade Union Cadres Training"));

    let lecture = agenda_item(&v, "Smart Trade Unions in the Digital Society");
    assert_eq!(lecture["kind"], "lecture");
    assert_eq!(lecture["speaker"]["name"], "Zhang Caiming");
    let lecturer = person(&app, &lecture["speaker"]).await;
    assert_eq!(lecturer["title"], "Professor");
    assert_eq!(
        lecturer["position"],
        "Vice Dean of the School of Labor Relations and Human Resources"
    );
    let topics = points(lecture);
    for topic in [
        "collecting information of trade union members",
        "12351",
        "trade union websites",
    ] {
        assert!(topics.contains(topic), "the lecture lacks {topic}");
    }
    let welcome = points(agenda_item(&v, "welcome"));
    for point in ["friendly exchanges", "62 years", "Belt and Road"] {
        assert!(welcome.contains(point), "the welcome lacks {point}");
    }
    assert_eq!(agenda_item(&v, "gifts")["kind"], "gift_exchange");
    assert_eq!(
        agenda_item(&v, "university history museum")["kind"],
        "visit"
    );
    assert_eq!(
        agenda_item(&v, "The New Era is Achieved through Hard Work")["kind"],
        "visit"
    );
    assert!(points(agenda_item(&v, "The New Era")).contains("reply letter"));

    let gifts = v["gifts"].as_array().unwrap();
    let directions: Vec<_> = gifts
        .iter()
        .map(|g| g["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["given", "received"]);
    assert!(gifts.iter().all(|g| g["exchanged_on"] == "2023-11-17"));
    assert_eq!(gifts[0]["receiver"]["organization"]["key"], "org-lftu");
    assert_eq!(gifts[1]["giver"]["organization"]["key"], "org-lftu");
    assert!(v["tags"].to_string().contains("Belt and Road"));
    assert_eq!(
        v["signed_by"],
        "International Office of Cooperation and Exchange"
    );

    // The partner's profile.
    let lftu = app
        .get(&format!("/api/v1/organizations/{}", v["partners"][0]["id"]))
        .await
        .1;
    assert_eq!(lftu["country"], "LA");
    assert_eq!(lftu["region"], "foreign");
    assert_eq!(lftu["kind"], "trade_union");
    assert_eq!(lftu["founded_year"], 1956);
    assert_eq!(lftu["membership"], 220000);
    assert_eq!(lftu["abbreviation"], "LFTU");
    assert!(
        lftu["profile_en"]
            .as_str()
            .unwrap()
            .contains("only national trade union organization in Laos")
    );
    let affiliations: Vec<(String, String)> = lftu["affiliations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["relation"].as_str().unwrap().to_owned(),
                a["organization"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        affiliations
            .iter()
            .any(|(r, n)| r == "member_of" && n.contains("World Federation of Trade Unions")),
        "{affiliations:?}"
    );
    assert!(
        affiliations
            .iter()
            .any(|(r, n)| r == "affiliated_with" && n.contains("Lao People's Revolutionary Party")),
        "{affiliations:?}"
    );

    // The relationship timeline, derived from the records.
    let (status, timeline) = app
        .get(&format!("/api/v1/organizations/{}/timeline", lftu["id"]))
        .await;
    assert_eq!(status, 200);
    let kinds: Vec<_> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["involvement"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["partner", "gift_giver", "gift_receiver"]);
}
