//! The home page: what happens this week and next, what changed lately, how much is on record.

use askama::Template;
use axum::extract::State;
use chrono::{Datelike, Duration, Utc};
use liaison_core::{
    Activity, ActivityFilter, ActivitySummary, Agreement, Gift, Organization, PageRequest, Person,
};

use super::{Count, DashboardView, Item, PageResult, Ui, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTemplate<'a> {
    ui: &'a Ui,
    view: &'a DashboardView,
}

fn item(ui: &Ui, a: &ActivitySummary) -> Item {
    Item {
        title: ui.t.pick(&a.title_zh, &a.title_en),
        href: Some(format!("/activities/{}", a.id)),
        meta: ui
            .t
            .span(a.start_date, a.start_part, a.end_date, a.end_part),
        lines: Vec::new(),
    }
}

pub async fn show(State(state): State<AppState>, ui: Ui) -> PageResult {
    let store = &state.store;
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let week = |from, to| ActivityFilter {
        from: Some(from),
        to: Some(to),
        ..ActivityFilter::default()
    };
    let soonest = PageRequest::parse(
        None,
        Some(50),
        Some("start"),
        liaison_core::ACTIVITY_SORTS,
        false,
    )?;
    let this_week = store
        .list::<Activity>(&week(monday, monday + Duration::days(6)), &soonest)
        .await?;
    let next_week = store
        .list::<Activity>(
            &week(monday + Duration::days(7), monday + Duration::days(13)),
            &soonest,
        )
        .await?;
    let latest = PageRequest::parse(
        None,
        Some(8),
        Some("-updated"),
        liaison_core::ACTIVITY_SORTS,
        true,
    )?;
    let recent = store
        .list::<Activity>(&ActivityFilter::default(), &latest)
        .await?;
    let one = PageRequest::parse(None, Some(1), None, &["created"], false)?;
    let this_year = ActivityFilter {
        year: Some(today.year()),
        ..ActivityFilter::default()
    };
    let counts = vec![
        (
            "dashboard-activities-this-year",
            store.list::<Activity>(&this_year, &one).await?.total,
            format!("/activities?year={}", today.year()),
        ),
        (
            "nav-activities",
            store
                .list::<Activity>(&Default::default(), &one)
                .await?
                .total,
            "/activities".to_owned(),
        ),
        (
            "nav-organizations",
            store
                .list::<Organization>(&Default::default(), &one)
                .await?
                .total,
            "/organizations".to_owned(),
        ),
        (
            "nav-people",
            store.list::<Person>(&Default::default(), &one).await?.total,
            "/people".to_owned(),
        ),
        (
            "nav-agreements",
            store
                .list::<Agreement>(&Default::default(), &one)
                .await?
                .total,
            "/agreements".to_owned(),
        ),
        (
            "nav-gifts",
            store.list::<Gift>(&Default::default(), &one).await?.total,
            "/gifts".to_owned(),
        ),
    ];
    let view = DashboardView {
        counts: counts
            .into_iter()
            .map(|(key, n, href)| Count {
                label: ui.t.get(key),
                value: ui.t.number(n),
                href,
            })
            .collect(),
        this_week: this_week.items.iter().map(|a| item(&ui, a)).collect(),
        next_week: next_week.items.iter().map(|a| item(&ui, a)).collect(),
        recent: recent
            .items
            .iter()
            .map(|a| Item {
                meta: ui.t.date(a.start_date),
                ..item(&ui, a)
            })
            .collect(),
    };
    Ok(render(&DashboardTemplate {
        ui: &ui,
        view: &view,
    }))
}
