//! Pages of the working-day calendar: its days (list, record, form), a year at a glance with
//! the "working days after" question, and the admins' form that adds a year.

use askama::Template;
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc, Weekday};
use liaison_core::accounts::{authorize_role, may};
use liaison_core::{
    Action, CALENDAR_DAY, CalendarDay, CalendarDayFilter, CalendarDayInput, CalendarYearInput,
    DayKind, FieldErrors, PageRequest, RecordKind,
};
use liaison_store::Store;

use super::{choices, code, codes, search, select};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::fields::{Declared, Input, Value, key, number};
use crate::pages::forms::{Reader, Values, attach_errors};
use crate::pages::records::{RecordPages, message_page};
use crate::pages::{DetailView, Field, FormTemplate, FormView, PageResult, Section, Ui, render};
use crate::routes::Routes;

pub struct CalendarDays;

const PATH: &str = CALENDAR_DAY.declaration().path;

/// The label of a message key of this module's catalog.
fn label(ui: &Ui, name: &str) -> String {
    ui.t.value("workdays-field", name)
}

/// An input of the day's form, labelled from this module's catalog.
fn day_input(ui: &Ui, values: &Values, kind: &'static str, name: &str) -> Field {
    Field::new(kind, name, label(ui, name), values.get(name))
}

fn weekday(ui: &Ui, date: NaiveDate) -> String {
    ui.t.get(&format!(
        "workdays-weekday-{}",
        date.weekday().num_days_from_monday()
    ))
}

fn kind_label(ui: &Ui, kind: DayKind) -> String {
    ui.t.value("workdays-kind", &code(&kind))
}

fn holiday(ui: &Ui, d: &CalendarDay) -> String {
    ui.t.pick(&d.name_zh, &d.name_en)
}

/// The held years as choices, newest first.
async fn year_choices(ui: &Ui, store: &Store) -> liaison_store::Result<Vec<(String, String)>> {
    let mut options = vec![(String::new(), ui.t.get("choice-all"))];
    options.extend(
        store
            .list_calendar_years()
            .await?
            .into_iter()
            .map(|y| (y.year.to_string(), y.year.to_string())),
    );
    Ok(options)
}

/// A day's fields: the list's columns, the spreadsheet's and the form's.
const FIELDS: &[Declared<CalendarDay>] = &[
    number(),
    Declared::new("date", "workdays-field-date", |d: &CalendarDay| {
        Value::Record(Box::new(Value::Date(Some(d.date))), d.meta.id)
    })
    .listed(Some("date"))
    .in_sheet()
    .asked(Input::Date)
    .required(),
    Declared::new("weekday", "workdays-field-weekday", |d: &CalendarDay| {
        Value::Choice(
            "workdays-weekday",
            d.date.weekday().num_days_from_monday().to_string(),
        )
    })
    .listed(None),
    Declared::new("kind", "workdays-field-kind", |d: &CalendarDay| {
        Value::Choice("workdays-kind", code(&d.kind))
    })
    .listed(None)
    .in_sheet()
    .asked(Input::Choice("workdays-kind", || codes(&DayKind::ALL)))
    .required(),
    Declared::new("holiday", "workdays-field-holiday", |d: &CalendarDay| {
        Value::Names(d.name_zh.clone(), d.name_en.clone())
    })
    .listed(None),
    Declared::new("name_zh", "workdays-field-name-zh", |d: &CalendarDay| {
        Value::Text(d.name_zh.clone())
    })
    .in_sheet()
    .asked(Input::Text)
    .required()
    .hinted("workdays-hint-name_zh"),
    Declared::new("name_en", "workdays-field-name-en", |d: &CalendarDay| {
        Value::Text(d.name_en.clone())
    })
    .in_sheet()
    .asked(Input::Text)
    .hinted("workdays-hint-name_en"),
    Declared::new("source", "workdays-field-source", |d: &CalendarDay| {
        Value::Choice("workdays-source", code(&d.source))
    })
    .listed(None)
    .in_sheet(),
    key(),
];

// Its pages and API, mounted and documented with every kind's.
inventory::submit! { crate::pages::records::KindPages::of::<CalendarDays>() }

impl RecordPages for CalendarDays {
    const KIND: RecordKind = CALENDAR_DAY;
    const TITLE: &'static str = "workdays-days-title";
    const NEW: &'static str = "workdays-new-day";
    const EDIT: &'static str = "workdays-edit-day";
    type Record = CalendarDay;
    type Row = CalendarDay;
    type Input = CalendarDayInput;
    type Filter = CalendarDayFilter;
    const FIELDS: &'static [Declared<CalendarDay>] = FIELDS;
    const ROW_FIELDS: &'static [Declared<CalendarDay>] = FIELDS;

    async fn filters(ui: &Ui, store: &Store, query: &Values) -> liaison_store::Result<Vec<Field>> {
        Ok(vec![
            Field::select(
                "year",
                label(ui, "year"),
                query.get("year"),
                year_choices(ui, store).await?,
            ),
            select(
                ui,
                query,
                "kind",
                choices(ui, "workdays-kind", &DayKind::ALL, Some("choice-all")),
            ),
            search(ui, query),
        ])
    }

    fn name(ui: &Ui, d: &CalendarDay) -> String {
        format!("{} {}", ui.t.date(d.date), holiday(ui, d))
    }

    async fn detail(ui: &Ui, _: &Store, d: &CalendarDay) -> liaison_store::Result<DetailView> {
        let mut s = Section::new(ui.t.get("section-overview"), "");
        s.row(
            label(ui, "date"),
            format!("{} {}", ui.t.date(d.date), weekday(ui, d.date)),
        );
        s.row(label(ui, "kind"), kind_label(ui, d.kind));
        s.row(label(ui, "name_zh"), d.name_zh.clone().unwrap_or_default());
        s.row(label(ui, "name_en"), d.name_en.clone().unwrap_or_default());
        s.row(
            label(ui, "source"),
            ui.t.value("workdays-source", &code(&d.source)),
        );
        s.link_row(
            ui.t.get("workdays-year-title"),
            d.date.year().to_string(),
            format!("/working-days?year={}", d.date.year()),
        );
        Ok(DetailView {
            title: Self::name(ui, d),
            subtitle: Some(kind_label(ui, d.kind)),
            actions: Vec::new(),
            sections: vec![s],
        })
    }
}

/// One day of a month's grid.
struct GridDay {
    day: u32,
    /// `off`, `work` (a weekend day worked), `weekend` or empty for an ordinary working day.
    class: &'static str,
    /// The holiday's name, for a listed day.
    title: String,
}

struct Month {
    name: String,
    /// Weeks from Monday; `None` pads the first and last.
    weeks: Vec<Vec<Option<GridDay>>>,
    /// "22 working days".
    total_text: String,
}

/// The answer to "N working days after a date", or why there is none.
struct Answer {
    text: String,
    problem: bool,
}

#[derive(Template)]
#[template(path = "workdays.html")]
struct YearTemplate<'a> {
    ui: &'a Ui,
    year: i32,
    heading: String,
    held: bool,
    months: Vec<Month>,
    weekdays: Vec<String>,
    total_text: String,
    missing_text: String,
    may_add: bool,
    date: String,
    days: String,
    answer: Option<Answer>,
}

/// A problem of the store in the reader's language, as the forms write it.
fn problem_text(ui: &Ui, errors: &FieldErrors) -> String {
    let mut fields: Vec<&mut Field> = Vec::new();
    attach_errors(ui, &mut fields, errors)
        .into_iter()
        .map(|line| {
            // Without fields to attach to, each line starts with its field's name.
            line.split_once(": ")
                .map_or(line.clone(), |(_, message)| message.to_owned())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A year at a glance, printable, with the "working days after" question.
async fn year_page(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> PageResult {
    let ui = &ui;
    let query = Values::from_query(raw.as_deref());
    let mut answer = None;
    let asked = (query.text("date"), query.text("days"));
    let asked_year = match &asked {
        (Some(date), Some(days)) => {
            let date: Option<NaiveDate> = date.parse().ok();
            let days: Option<i64> = days.parse().ok();
            answer = Some(match (date, days) {
                (Some(date), Some(days)) => {
                    match state.store.working_days_after(date, days).await {
                        Ok(found) => Answer {
                            text: ui.t.args(
                                "workdays-answer",
                                &[
                                    ("days", ui.t.number(found.days)),
                                    ("from", ui.t.date(found.from)),
                                    ("date", ui.t.date(found.date)),
                                    ("weekday", weekday(ui, found.date)),
                                ],
                            ),
                            problem: false,
                        },
                        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
                            Answer {
                                text: problem_text(ui, &errors),
                                problem: true,
                            }
                        }
                        Err(other) => return Err(other.into()),
                    }
                }
                _ => Answer {
                    text: ui.t.get("workdays-answer-unread"),
                    problem: true,
                },
            });
            date.map(|d| d.year())
        }
        _ => None,
    };
    let year = query
        .text("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| {
            (liaison_core::workdays::FIRST_YEAR..=liaison_core::workdays::LAST_YEAR).contains(y)
        })
        .or(asked_year)
        .unwrap_or_else(|| Utc::now().year());
    let held = state
        .store
        .list_calendar_years()
        .await?
        .iter()
        .any(|y| y.year == year);
    let filter = CalendarDayFilter {
        year: Some(year),
        ..CalendarDayFilter::default()
    };
    let page = PageRequest::parse(
        None,
        Some(liaison_core::MAX_PER_PAGE),
        None,
        liaison_core::CALENDAR_DAY_SORTS,
        false,
    )?;
    let listed = state.store.list::<CalendarDay>(&filter, &page).await?;
    let (months, working_days) = if held {
        months(ui, year, &listed.items)
    } else {
        (Vec::new(), 0)
    };
    let actor = ui.actor()?;
    let view = YearTemplate {
        ui,
        year,
        heading: ui
            .t
            .args("workdays-year-heading", &[("year", year.to_string())]),
        held,
        months,
        weekdays: (0..7)
            .map(|i| ui.t.get(&format!("workdays-weekday-short-{i}")))
            .collect(),
        total_text: ui.t.args(
            "workdays-year-total",
            &[("count", ui.t.number(working_days))],
        ),
        missing_text: ui
            .t
            .args("workdays-year-missing", &[("year", year.to_string())]),
        may_add: may(&actor, Action::Create, CALENDAR_DAY, None),
        date: query.get("date").to_owned(),
        days: query.get("days").to_owned(),
        answer,
    };
    Ok(render(&view))
}

/// The twelve months of a held year, with the listed days marked, and its working days.
fn months(ui: &Ui, year: i32, listed: &[CalendarDay]) -> (Vec<Month>, i64) {
    let mut total = 0;
    let mut months = Vec::with_capacity(12);
    for month in 1..=12 {
        let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
            continue;
        };
        let mut weeks = Vec::new();
        let mut week: Vec<Option<GridDay>> = (0..first.weekday().num_days_from_monday())
            .map(|_| None)
            .collect();
        let mut working_days = 0;
        for date in first.iter_days().take_while(|d| d.month() == month) {
            let found = listed.iter().find(|d| d.date == date);
            let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            let (class, working) = match found.map(|d| d.kind) {
                Some(DayKind::Off) => ("off", false),
                Some(DayKind::Working) => ("work", true),
                None if weekend => ("weekend", false),
                None => ("", true),
            };
            working_days += i64::from(working);
            week.push(Some(GridDay {
                day: date.day(),
                class,
                title: found.map(|d| holiday(ui, d)).unwrap_or_default(),
            }));
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
        }
        if !week.is_empty() {
            week.resize_with(7, || None);
            weeks.push(week);
        }
        total += working_days;
        months.push(Month {
            name: match ui.t.lang {
                Lang::Zh => format!("{month}月"),
                Lang::En => first.format("%B").to_string(),
            },
            weeks,
            total_text: ui.t.args(
                "workdays-month-total",
                &[("count", ui.t.number(working_days))],
            ),
        });
    }
    (months, total)
}

/// The form that adds a year, with what was typed and the problems found.
fn add_year_form(ui: &Ui, values: &Values, errors: &FieldErrors, status: StatusCode) -> Response {
    let mut view = FormView {
        title: ui.t.get("workdays-add-year"),
        action: format!("/{PATH}/add-year"),
        fields: vec![
            day_input(ui, values, "number", "year")
                .required()
                .hint(ui.t.get("workdays-hint-year")),
            day_input(ui, values, "textarea", "lines").hint(ui.t.get("workdays-hint-lines")),
        ],
        cancel: "/working-days".to_owned(),
        ..FormView::default()
    };
    let mut fields: Vec<&mut Field> = view.fields.iter_mut().collect();
    view.errors = attach_errors(ui, &mut fields, errors);
    let mut response = render(&FormTemplate { ui, view: &view });
    *response.status_mut() = status;
    response
}

async fn new_year(ui: Ui) -> PageResult {
    authorize_role(&ui.actor()?, Action::Create, CALENDAR_DAY)?;
    let mut values = Values::default();
    values.set("year", (Utc::now().year() + 1).to_string());
    Ok(add_year_form(
        &ui,
        &values,
        &FieldErrors::new(),
        StatusCode::OK,
    ))
}

async fn add_year(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    {
        {
            let values = Values::from_pairs(pairs);
            let actor = ui.actor()?;
            let mut reader = Reader::default();
            let Some(year) = reader.parse(&values, "year", "a year such as 2028") else {
                if values.text("year").is_none() {
                    reader.errors.add("year", "required", "is required");
                }
                return Ok(add_year_form(
                    &ui,
                    &values,
                    &reader.errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ));
            };
            let input = CalendarYearInput {
                year,
                lines: values.text("lines"),
                days: None,
            };
            match state.store.add_calendar_year(&actor, input).await {
                Ok(added) => {
                    Ok(Redirect::to(&format!("/working-days?year={}", added.year)).into_response())
                }
                Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => Ok(
                    add_year_form(&ui, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY),
                ),
                Err(liaison_store::Error::Domain(liaison_core::Error::Conflict {
                    message,
                    ..
                })) => Ok(message_page(
                    &ui,
                    StatusCode::CONFLICT,
                    ui.t.get("workdays-year-held-title"),
                    vec![message],
                    Some(format!("/working-days?year={year}")),
                )),
                Err(other) => Err(other.into()),
            }
        }
    }
}

/// The calendar's pages besides those every kind of record has.
pub fn routes() -> Routes {
    Routes::new()
        .get("/working-days", year_page)
        .get(&format!("/{PATH}/add-year"), new_year)
        .post(&format!("/{PATH}/add-year"), add_year)
}
