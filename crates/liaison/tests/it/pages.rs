//! The pages end to end: signing in, every form's success, problems, conflicts and permissions,
//! both languages.

use crate::common::TestApp;
use liaison_core::UserRole;

on_both_databases!(
    pages_ask_anonymous_visitors_to_sign_in_and_bring_them_back,
    a_wrong_password_is_refused_and_repeated_failures_are_slowed_down,
    an_activity_is_created_with_participants_agenda_and_gifts_from_one_form,
    a_form_with_problems_comes_back_with_the_messages_and_what_was_typed,
    every_record_form_saves_and_shows_the_record,
    a_second_editor_sees_both_versions_instead_of_overwriting,
    deleting_asks_first_and_refuses_while_others_refer_to_it,
    roles_see_only_what_they_may_and_get_a_refusal_page_otherwise,
    the_language_follows_the_browser_then_the_user_s_choice,
    forms_without_the_session_token_are_refused,
    what_users_type_is_shown_as_text_never_as_markup,
    the_admin_manages_accounts_and_reads_the_audit_log,
    every_page_answers_every_role_as_the_rules_say,
    the_search_box_finds_every_kind_of_record_and_marks_the_words,
    an_organization_shows_its_newest_exchanges_and_links_to_the_whole_timeline,
    a_country_is_typed_by_its_name_and_shown_by_name_in_either_language,
    an_activity_s_page_shows_what_its_declared_fields_hold,
);

async fn pages_ask_anonymous_visitors_to_sign_in_and_bring_them_back(app: TestApp) {
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/",
        "/activities",
        "/activities/1",
        "/organizations/new",
        "/admin/audit",
    ] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        let to = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.starts_with("/login?next="), "{path} → {to}");
    }
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = page.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("This week at the office"));
    assert!(html.contains("officer display"));
    let (status, _, to) = page.post("/logout", &[]).await;
    assert_eq!((status, to.as_str()), (303, "/login"));
    let (status, _) = page.get("/").await;
    assert_eq!(status, 303, "signed out");
}

async fn a_wrong_password_is_refused_and_repeated_failures_are_slowed_down(app: TestApp) {
    app.sign_in("wu", UserRole::Leader, None, "en").await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(
            [(reqwest::header::ACCEPT_LANGUAGE, "en".parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    let mut last = 0;
    for attempt in 0..6 {
        let login = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let form = [
            ("csrf", crate::common::csrf_of(&login)),
            ("username", "wu".into()),
            ("password", "wrong password".into()),
            ("next", "/".into()),
        ];
        let response = client
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        last = response.status().as_u16();
        let html = response.text().await.unwrap();
        if attempt < 5 {
            assert_eq!(last, 401);
            assert!(html.contains("The username or password is wrong."));
        }
    }
    assert_eq!(last, 429, "the sixth try within the window is refused");
    // Even the right password waits for the window to pass.
    let login = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = [
        ("csrf", crate::common::csrf_of(&login)),
        ("username", "wu".into()),
        ("password", "correct horse battery".into()),
        ("next", "/".into()),
    ];
    assert_eq!(
        client
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap()
            .status(),
        429
    );
    // A form from another page's session is refused.
    let stale = [
        ("csrf", "forged".to_owned()),
        ("username", "wu".into()),
        ("password", "x".into()),
        ("next", "/".into()),
    ];
    assert_eq!(
        client
            .post(app.url("/login"))
            .form(&stale)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn an_activity_is_created_with_participants_agenda_and_gifts_from_one_form(app: TestApp) {
    app.load_demo().await;
    // A record is linked by its number (`#6`) or by its key (`@org-lftu`); both are typed here.
    let lftu = format!("#{}", app.id_of("organizations", "org-lftu").await);
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = page.get("/activities/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Add a participant")
            && html.contains("Add an agenda item")
            && html.contains("Add a gift")
    );
    // Adding a row redraws the form with one more row and saves nothing.
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "Kept"),
                ("participants-0-person", "Somebody"),
                ("add", "participants"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("participants-1-person") && html.contains("value=\"Kept\""));
    assert!(
        !html.contains("participants-2-person"),
        "one row added to the one sent"
    );
    let (status, _, location) = page
        .post(
            "/activities",
            &[
                ("kind", "inbound_visit"),
                ("title_zh", "越南劳动总联合会代表团来访"),
                ("title_en", "VGCL delegation visits"),
                ("start_date", "2024-05-20"),
                ("start_part", "morning"),
                ("end_date", ""),
                ("end_part", ""),
                ("host_unit", ""),
                ("inviting_organization", "@org-acftu"),
                ("partners-0-organization", &lftu),
                ("delegation_size", "12"),
                ("tags", "Belt and Road"),
                ("participants-0-person", "Nguyen Van A"),
                ("participants-0-role", "leader"),
                ("participants-1-person", "@person-wu-wanxiong"),
                ("participants-1-role", "host"),
                ("participants-2-person", ""),
                ("participants-2-role", ""),
                ("agenda-0-kind", "lecture"),
                ("agenda-0-speaker", "@person-zhang-caiming"),
                ("agenda-0-title_en", "Smart trade unions"),
                ("agenda-0-points", "the 12351 hotline\nunion websites"),
                ("gifts-0-direction", "received"),
                ("gifts-0-item", "Lacquer painting"),
                ("gifts-0-value", "500"),
                ("gifts-0-giver", &lftu),
                ("gifts-0-receiver", "the university"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (status, html) = page.get(&location).await;
    assert_eq!(status, 200);
    for text in [
        "VGCL delegation visits",
        "Nguyen Van A",
        "Smart trade unions",
        "the 12351 hotline",
        "Lacquer painting",
        "¥500.00",
        "Leader",
        "Host",
        "Belt and Road",
    ] {
        assert!(html.contains(text), "the new activity's page lacks {text}");
    }
}

async fn a_form_with_problems_comes_back_with_the_messages_and_what_was_typed(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "conference"),
                ("title_en", ""),
                ("venue", "Zhiyuan Building"),
                ("start_date", "2020-01-10"),
                ("end_date", "2020-01-09"),
                ("participants-0-person", "Somebody"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Nothing was saved"));
    assert!(
        html.contains("value=\"Zhiyuan Building\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("id=\"e-end_date\""),
        "the message stands beside the end date"
    );
    assert!(
        html.contains("id=\"e-participants-0-role\""),
        "and beside the missing role"
    );
    let (status, html, _) = page
        .post(
            "/organizations",
            &[
                ("kind", "university"),
                ("country", "XX"),
                ("name_en", "Nowhere"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-country\"") && html.contains("names no country or region"));
    let (status, html, _) = page
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "t"),
                ("start_date", "2024-01-01"),
                ("participants-0-person", "#999"),
                ("participants-0-role", "lecturer"),
            ],
        )
        .await;
    assert_eq!(
        status, 422,
        "a link to a missing person is found while saving"
    );
    assert!(html.contains("id=\"e-participants-0-person\""), "{html}");
    let (_, list) = page.get("/activities").await;
    assert!(
        list.contains("Nothing is recorded yet."),
        "nothing was saved"
    );
}

async fn every_record_form_saves_and_shows_the_record(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    // Each form: its path, the fields filled in, and a text the saved record's page shows.
    type Filled<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let forms: [Filled; 6] = [
        (
            "units",
            vec![
                ("kind", "school"),
                ("name_en", "School of Law"),
                ("name_zh", "法学院"),
            ],
            "法学院",
        ),
        (
            "organizations",
            vec![
                ("kind", "trade_union"),
                ("country", "LA"),
                ("name_en", "Lao Federation of Trade Unions"),
                ("founded_year", "1956"),
                ("membership", "220000"),
                ("identifiers", "local: LFTU"),
            ],
            "220,000",
        ),
        (
            "people",
            vec![
                ("category", "external"),
                ("name_en", "Phonesane Vilaymeng"),
                ("nationality", "la"),
                ("email", "p@example.org"),
            ],
            "Phonesane Vilaymeng",
        ),
        (
            "activities",
            vec![
                ("kind", "conference"),
                ("title_en", "Exchange conference"),
                ("start_date", "2020-01-09"),
                ("start_part", "morning"),
            ],
            "9 January 2020, morning",
        ),
        (
            "gifts",
            vec![
                ("direction", "given"),
                ("item", "Tea set"),
                ("value", "300"),
                ("giver_description", "the office"),
                ("receiver_description", "the guest"),
            ],
            "¥300.00",
        ),
        (
            "agreements",
            vec![
                ("kind", "mou"),
                ("title_en", "Memorandum"),
                ("partners", "#1"),
                ("status", "draft"),
            ],
            "Memorandum",
        ),
    ];
    for (path, fields, shown) in forms {
        let (status, _) = page.get(&format!("/{path}/new")).await;
        assert_eq!(status, 200, "{path}");
        let (status, html, location) = page.post(&format!("/{path}"), &fields).await;
        assert_eq!(status, 303, "{path}: {html}");
        let (status, html) = page.get(&location).await;
        assert_eq!(status, 200);
        assert!(html.contains(shown), "{path} page lacks {shown}");
        let (status, edit) = page.get(&format!("{location}/edit")).await;
        assert_eq!(status, 200);
        assert!(
            edit.contains("name=\"version\" value=\"1\""),
            "{path} edit form carries the version"
        );
        let (_, list) = page.get(&format!("/{path}")).await;
        assert!(list.contains("1 in all"), "{path} list: {list}");
    }
}

async fn a_second_editor_sees_both_versions_instead_of_overwriting(app: TestApp) {
    let first = app.sign_in("first", UserRole::Officer, None, "en").await;
    let second = app.sign_in("second", UserRole::Officer, None, "en").await;
    let (_, _, location) = first
        .post(
            "/organizations",
            &[("kind", "ngo"), ("country", "DE"), ("name_en", "Original")],
        )
        .await;
    let edit = format!("{location}/edit");
    let (status, _, _) = first
        .post(
            &edit,
            &[
                ("version", "1"),
                ("kind", "ngo"),
                ("country", "DE"),
                ("name_en", "First editor"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (status, html, _) = second
        .post(
            &edit,
            &[
                ("version", "1"),
                ("kind", "ngo"),
                ("country", "DE"),
                ("name_en", "Second editor"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(html.contains("Someone else saved this record first"));
    assert!(
        html.contains("Second editor") && html.contains("First editor"),
        "both versions are shown"
    );
    assert!(
        html.contains("Save my version over it") && html.contains("Keep the version on record")
    );
    let (_, record) = first.get(&location).await;
    assert!(
        record.contains("First editor") && !record.contains("Second editor"),
        "nothing was overwritten"
    );
    // Choosing to save over it sends the current version along and is saved.
    let (status, _, _) = second
        .post(
            &edit,
            &[
                ("version", "2"),
                ("kind", "ngo"),
                ("country", "DE"),
                ("name_en", "Second editor"),
            ],
        )
        .await;
    assert_eq!(status, 303);
}

async fn deleting_asks_first_and_refuses_while_others_refer_to_it(app: TestApp) {
    app.load_demo().await;
    let lftu = app.id_of("organizations", "org-lftu").await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, html) = page.get(&format!("/organizations/{lftu}/delete")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Delete “") && html.contains("cannot be undone"));
    let (status, html, _) = page
        .post(&format!("/organizations/{lftu}/delete"), &[])
        .await;
    assert_eq!(status, 409);
    assert!(html.contains("Other records still refer to this one."));
    let (_, _, location) = page
        .post("/units", &[("kind", "school"), ("name_en", "Short-lived")])
        .await;
    let (status, _, to) = page.post(&format!("{location}/delete"), &[]).await;
    assert_eq!((status, to.as_str()), (303, "/units"));
    assert_eq!(page.get(&location).await.0, 404);
}

async fn roles_see_only_what_they_may_and_get_a_refusal_page_otherwise(app: TestApp) {
    app.load_demo().await;
    let visit = format!(
        "/activities/{}",
        app.id_of("activities", "activity-2023-lftu-visit").await
    );
    let lftu = format!(
        "/organizations/{}",
        app.id_of("organizations", "org-lftu").await
    );
    let viewer = app.sign_in("viewer", UserRole::Viewer, None, "en").await;
    for path in [
        "/",
        "/activities",
        &visit,
        &lftu,
        "/people",
        "/units",
        "/gifts",
        "/agreements",
    ] {
        let (status, html) = viewer.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains(">Edit<") && !html.contains("New activity"),
            "{path} offers no changes to a viewer"
        );
    }
    for path in [
        "/activities/new".to_owned(),
        format!("{visit}/edit"),
        format!("{lftu}/delete"),
        "/admin/users".to_owned(),
        "/admin/audit".to_owned(),
    ] {
        let (status, html) = viewer.get(&path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("Not allowed"), "{path}");
    }
    let (status, _, _) = viewer
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "x"),
                ("start_date", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, _) = viewer.post(&format!("{lftu}/delete"), &[]).await;
    assert_eq!(status, 403);

    // A liaison officer changes their own unit's activities and no others.
    let own = app.id_of("units", "unit-labor-relations-hr").await;
    let other = app.id_of("units", "unit-law").await;
    let liaison = app
        .sign_in("liaison", UserRole::Liaison, Some(own), "en")
        .await;
    let (status, _, own) = liaison
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "Our lecture"),
                ("start_date", "2024-03-01"),
                ("host_unit", &own.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(liaison.get(&format!("{own}/edit")).await.0, 200);
    let (status, _, _) = liaison
        .post(
            "/activities",
            &[
                ("kind", "lecture"),
                ("title_en", "Theirs"),
                ("start_date", "2024-03-01"),
                ("host_unit", &other.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        liaison.get(&format!("{visit}/edit")).await.0,
        403,
        "the visit is hosted by another unit"
    );
    assert_eq!(liaison.get(&format!("{lftu}/edit")).await.0, 403);
}

async fn the_language_follows_the_browser_then_the_user_s_choice(app: TestApp) {
    app.load_demo().await;
    let page = app
        .sign_in("reader", UserRole::Viewer, None, "zh-CN,zh;q=0.9,en;q=0.5")
        .await;
    let (_, html) = page.get("/activities").await;
    assert!(
        html.contains("lang=\"zh-Hans\"") && html.contains("活动") && html.contains("来访接待")
    );
    assert!(html.contains("2023年11月17日上午"));
    let (status, _, to) = page
        .post("/language", &[("lang", "en"), ("back", "/activities")])
        .await;
    assert_eq!((status, to.as_str()), (303, "/activities"));
    let (_, html) = page.get("/activities").await;
    assert!(
        html.contains("lang=\"en\"")
            && html.contains("Inbound visit")
            && html.contains("17 November 2023, morning")
    );
    // The choice is the user's, whatever the browser says next time.
    let user = app
        .db
        .store
        .user_for_login("reader")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(user.language.as_deref(), Some("en"));
    let (status, _, to) = page
        .post(
            "/language",
            &[("lang", "zh"), ("back", "https://elsewhere.example/")],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/"),
        "only pages of this site are gone back to"
    );
}

async fn forms_without_the_session_token_are_refused(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let response = page
        .client
        .post(app.url("/units"))
        .form(&[
            ("csrf", "not-the-token"),
            ("kind", "school"),
            ("name_en", "Forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The form had expired")
    );
    let (_, list) = page.get("/units").await;
    assert!(!list.contains("Forged"));
}

async fn what_users_type_is_shown_as_text_never_as_markup(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (_, _, location) = page
        .post(
            "/units",
            &[
                ("kind", "school"),
                ("name_en", "<script>alert('x')</script> & Co"),
            ],
        )
        .await;
    let (_, html) = page.get(&location).await;
    assert!(!html.contains("<script>alert"));
    let escaped = ["&#60;script&#62;", "&lt;script&gt;"];
    assert!(escaped.iter().any(|e| html.contains(e)), "{html}");
}

async fn the_admin_manages_accounts_and_reads_the_audit_log(app: TestApp) {
    app.load_demo().await;
    let admin = app.sign_in("chief", UserRole::Admin, None, "en").await;
    let (status, html, _) = admin
        .post(
            "/admin/users",
            &[
                ("username", "ji.wenwen"),
                ("display_name", "Ji Wenwen"),
                ("user_role", "liaison"),
                ("unit", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("id=\"e-unit\"") || html.contains("id=\"e-password\""),
        "{html}"
    );
    let unit = app
        .id_of("units", "unit-labor-relations-hr")
        .await
        .to_string();
    let (status, _, _) = admin
        .post(
            "/admin/users",
            &[
                ("username", "ji.wenwen"),
                ("display_name", "Ji Wenwen"),
                ("user_role", "liaison"),
                ("unit", &unit),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, users) = admin.get("/admin/users").await;
    assert!(users.contains("ji.wenwen") && users.contains("Liaison officer"));
    let (status, audit) = admin.get("/admin/audit?entity=user").await;
    assert_eq!(status, 200);
    assert!(
        audit.contains("created") && audit.contains("chief"),
        "{audit}"
    );
    let (_, signins) = admin.get("/admin/audit?action=login").await;
    assert!(signins.contains("signed in"));
}

async fn every_page_answers_every_role_as_the_rules_say(app: TestApp) {
    app.load_demo().await;
    // The exchange office hosts the visit and both its gifts; it is the liaison's unit.
    let own_unit = app
        .id_of("units", "unit-international-exchange-office")
        .await;
    let lftu = app.id_of("organizations", "org-lftu").await;
    let visit = app.id_of("activities", "activity-2023-lftu-visit").await;
    let person = app.id_of("people", "person-qiao-jian").await;
    let gift = app.id_of("gifts", "gift-2023-lftu-visit-given").await;
    let office = app.sign_in("office", UserRole::Officer, None, "en").await;
    let (_, _, agreement) = office
        .post(
            "/agreements",
            &[
                ("kind", "mou"),
                ("title_en", "MoU"),
                ("partners", &format!("#{lftu}")),
                ("unit", &own_unit.to_string()),
            ],
        )
        .await;
    for role in UserRole::ALL {
        let page = app
            .sign_in(
                &format!("walker-{}", role.as_str()),
                role,
                Some(own_unit),
                "en",
            )
            .await;
        let office_staff = matches!(role, UserRole::Admin | UserRole::Officer);
        let liaison = role == UserRole::Liaison;
        let mut routes: Vec<(String, bool)> = vec![
            ("/".into(), true),
            ("/admin/users".into(), role == UserRole::Admin),
            ("/admin/audit".into(), role == UserRole::Admin),
            (format!("/organizations/{lftu}/timeline"), true),
        ];
        for (list, record, liaison_may_change, liaison_may_create) in [
            ("activities", format!("/activities/{visit}"), true, true),
            (
                "organizations",
                format!("/organizations/{lftu}"),
                false,
                true,
            ),
            ("people", format!("/people/{person}"), true, true),
            ("units", format!("/units/{own_unit}"), true, false),
            ("gifts", format!("/gifts/{gift}"), true, true),
            ("agreements", agreement.clone(), true, true),
        ] {
            routes.push((format!("/{list}"), true));
            routes.push((format!("/{list}?q=a&sort=-created&page=1"), true));
            routes.push((record.clone(), true));
            routes.push((
                format!("/{list}/new"),
                office_staff || (liaison && liaison_may_create),
            ));
            routes.push((
                format!("{record}/edit"),
                office_staff || (liaison && liaison_may_change),
            ));
            routes.push((
                format!("{record}/delete"),
                office_staff || (liaison && liaison_may_change),
            ));
        }
        for (path, allowed) in routes {
            let (status, html) = page.get(&path).await;
            let label = format!("{} GET {path}", role.as_str());
            if allowed {
                assert_eq!(status, 200, "{label}");
            } else {
                assert_eq!(status, 403, "{label}");
                assert!(html.contains("Not allowed"), "{label}");
            }
        }
    }
}

async fn the_search_box_finds_every_kind_of_record_and_marks_the_words(app: TestApp) {
    app.load_demo().await;
    let visit = format!(
        "href=\"/activities/{}\"",
        app.id_of("activities", "activity-2023-lftu-visit").await
    );
    let lftu = format!(
        "href=\"/organizations/{}\"",
        app.id_of("organizations", "org-lftu").await
    );
    let page = app.sign_in("reader", UserRole::Viewer, None, "zh-CN").await;
    let (status, html) = page.get("/search?q=%E8%80%81%E6%8C%9D").await;
    assert_eq!(status, 200);
    assert!(html.contains("<mark>老挝</mark>"), "{html}");
    assert!(html.contains(&visit) && html.contains(&lftu));
    assert!(html.contains("aria-current=\"page\">全部"));
    let (_, html) = page
        .get("/search?q=%E8%80%81%E6%8C%9D&type=organization")
        .await;
    assert!(html.contains(&lftu) && !html.contains(&visit));
    let (status, html) = page.get("/search?q=%21%21%21").await;
    assert_eq!(status, 200);
    assert!(html.contains("没有可搜索的词语"));
    let (_, html) = page.get("/search?q=zzzqqq").await;
    assert!(html.contains("未找到"));
    let (_, html) = page.get("/search").await;
    assert!(html.contains("可用中文或英文"));
}

async fn an_organization_shows_its_newest_exchanges_and_links_to_the_whole_timeline(app: TestApp) {
    let (status, partner) = app
        .post(
            "/api/v1/organizations",
            &serde_json::json!({"kind": "university", "country": "VN", "name_en": "Hanoi Law University"}),
        )
        .await;
    assert_eq!(status, 201, "{partner}");
    for day in 1..=51 {
        let visit = serde_json::json!({
            "kind": "inbound_visit",
            "title_en": format!("Visit number {day}"),
            "start_date": "2020-01-01".parse::<chrono::NaiveDate>().unwrap()
                + chrono::Duration::days(day),
            "partners": [partner["id"]],
        });
        let (status, body) = app.post("/api/v1/activities", &visit).await;
        assert_eq!(status, 201, "{body}");
    }
    let page = app.sign_in("reader", UserRole::Viewer, None, "en").await;
    let id = partner["id"].as_i64().unwrap();
    let (status, html) = page.get(&format!("/organizations/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Visit number 51") && html.contains("Visit number 2<"));
    assert!(
        !html.contains("Visit number 1<"),
        "the oldest is on the whole timeline only"
    );
    assert!(html.contains(&format!("href=\"/organizations/{id}/timeline\"")));
    assert!(html.contains("All 51 entries of the timeline"));

    let (status, html) = page.get(&format!("/organizations/{id}/timeline")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Hanoi Law University: relationship timeline"));
    assert!(html.contains("51 entries, newest first"));
    assert!(html.contains("Visit number 51") && html.contains("Visit number 1<"));
    assert!(html.find("Visit number 51").unwrap() < html.find("Visit number 1<").unwrap());

    let zh = app.sign_in("duzhe", UserRole::Viewer, None, "zh").await;
    let (_, html) = zh.get(&format!("/organizations/{id}/timeline")).await;
    assert!(html.contains("共 51 条，最新的在前"), "{html}");
    assert_eq!(page.get("/organizations/999/timeline").await.0, 404);
    assert_eq!(page.get("/organizations/x/timeline").await.0, 404);
}

async fn a_country_is_typed_by_its_name_and_shown_by_name_in_either_language(app: TestApp) {
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;
    let (status, form) = page.get("/organizations/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("list=\"l-country\"") && form.contains("<datalist id=\"l-country\">"),
        "the browser suggests every name, without a script"
    );
    assert!(form.contains("<option value=\"Belarus\">白俄罗斯 · BY</option>"));
    assert!(form.contains("<option value=\"Hong Kong, China\">中国香港 · HK</option>"));
    // The browser suggests the names from the datalist: no script of its own does it.
    assert!(
        form.split("<script")
            .skip(1)
            .all(|s| s.starts_with(" src=\"/static/form.js?v=")),
        "only the form's own script, for its rows"
    );

    let (status, html, _) = page
        .post(
            "/organizations",
            &[
                ("kind", "trade_union"),
                ("country", "Atlantis"),
                ("name_en", "Nowhere"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-country\""), "{html}");
    assert!(html.contains("value=\"Atlantis\""), "what was typed stays");

    let (status, html, belarus) = page
        .post(
            "/organizations",
            &[
                ("kind", "trade_union"),
                ("country", "白俄罗斯"),
                ("name_en", "Federation of Trade Unions of Belarus"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page.get(&belarus).await;
    assert!(html.contains("Belarus"), "{html}");
    let (_, edit) = page.get(&format!("{belarus}/edit")).await;
    assert!(
        edit.contains("value=\"Belarus\""),
        "the form shows the name, not BY"
    );
    let (status, html, person) = page
        .post(
            "/people",
            &[
                ("category", "external"),
                ("name_en", "Chan Tai Man"),
                ("nationality", "hong kong"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page.get(&person).await;
    assert!(html.contains("Hong Kong, China"), "{html}");
    for filter in ["BY", "Belarus", "%E7%99%BD%E4%BF%84%E7%BD%97%E6%96%AF"] {
        let (_, list) = page.get(&format!("/organizations?country={filter}")).await;
        assert!(list.contains("1 in all"), "{filter}: {list}");
        assert!(list.contains("<td>Belarus</td>"), "{filter}: {list}");
    }
    let (_, list) = page.get("/organizations?country=France").await;
    assert!(!list.contains("1 in all"));

    let chinese = app.sign_in("viewer", UserRole::Viewer, None, "zh-CN").await;
    let (_, html) = chinese.get(&belarus).await;
    assert!(html.contains("白俄罗斯"), "{html}");
    let (_, html) = chinese.get(&person).await;
    assert!(html.contains("中国香港"), "{html}");
    let (_, html) = chinese
        .get("/search?q=%E7%99%BD%E4%BF%84%E7%BD%97%E6%96%AF")
        .await;
    assert!(
        html.contains("Federation of Trade Unions of Belarus"),
        "{html}"
    );
    // The API keeps codes.
    let (_, body) = app.get("/api/v1/organizations?country=Belarus").await;
    assert_eq!(body["items"][0]["country"], "BY");
}

/// An activity's overview and summary are drawn from its declared fields: a meeting another
/// organization ran shows the organizer and the university's part in it, a count with its
/// thousands and the tags; a trip of the university's own shows neither part nor organizer, and
/// its summary where the meeting says it has none.
async fn an_activity_s_page_shows_what_its_declared_fields_hold(app: TestApp) {
    let acftu = app
        .created(
            "/api/v1/organizations",
            serde_json::json!({"key": "org-acftu", "kind": "federation", "country": "CN",
                "name_zh": "中华全国总工会", "name_en": "All-China Federation of Trade Unions"}),
        )
        .await;
    let meeting = app
        .created(
            "/api/v1/activities",
            serde_json::json!({"kind": "online_meeting", "title_en": "Online forum on labour law",
                "start_date": "2024-09-04", "end_date": "2024-09-05", "end_part": "morning",
                "organizer": "org-acftu", "university_role": "participant",
                "delegation_size": 1200, "tags": ["labour law", "online"]}),
        )
        .await;
    let trip = app
        .created(
            "/api/v1/activities",
            serde_json::json!({"kind": "outbound_trip", "title_en": "Visit to Vientiane",
                "start_date": "2024-10-21", "venue": "Vientiane",
                "summary_en": "Three days of talks on a joint course.",
                "signed_by": "外事处"}),
        )
        .await;
    let page = app.sign_in("officer", UserRole::Officer, None, "en").await;

    let (status, html) = page.get(&format!("/activities/{meeting}")).await;
    assert_eq!(status, 200);
    let shown = |text: &str| {
        html.find(text)
            .unwrap_or_else(|| panic!("{text} in {html}"))
    };
    // The overview's rows in the order they are declared.
    let rows = [
        "Online meeting",
        "Organized by",
        &format!("/organizations/{acftu}"),
        "The university&#39;s part",
        "Took part",
        "1,200",
        "labour law · online",
        "No summary yet.",
    ]
    .map(shown);
    assert!(rows.is_sorted(), "{rows:?} in {html}");
    assert!(!html.contains("Release signed by"), "{html}");

    let (status, html) = page.get(&format!("/activities/{trip}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Vientiane"), "{html}");
    assert!(
        html.contains("Three days of talks on a joint course."),
        "{html}"
    );
    assert!(html.contains("Release signed by"), "{html}");
    assert!(html.contains("外事处"), "{html}");
    for absent in [
        "Organized by",
        "The university&#39;s part",
        "No summary yet.",
        "Delegation size",
    ] {
        assert!(!html.contains(absent), "{absent} in {html}");
    }
}
