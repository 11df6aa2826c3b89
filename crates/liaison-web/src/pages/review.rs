//! The annual review page, with its bar charts and world map drawn as SVG on the server, and the
//! same tables downloaded as an Excel workbook and a Word report.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use liaison_core::review::{self, AnnualReview, ReviewRatio, ReviewRow};
use liaison_reports::{Block, Cell, Document, Table};

use super::forms::Values;
use super::world_map::world;
use super::{Link, MessageTemplate, MessageView, PageError, PageResult, Ui, render};
use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/review", show)
        .get("/review/{file}", download)
}

/// How a figure is measured, and so written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Count,
    /// An amount kept in fen, shown in yuan.
    Fen,
    /// A percentage.
    Percent,
    /// A ratio such as outcomes per exchange.
    Ratio,
}

/// One line of a review table in the reader's language: this year, last year, the change.
#[derive(Debug, Clone)]
struct Line {
    label: String,
    values: [Option<f64>; 3],
    measure: Measure,
}

impl Line {
    fn count(label: String, row: &ReviewRow) -> Line {
        Line::measured(label, row, Measure::Count)
    }

    fn measured(label: String, row: &ReviewRow, measure: Measure) -> Line {
        Line {
            label,
            values: [
                Some(row.this_year as f64),
                Some(row.last_year as f64),
                Some(row.change as f64),
            ],
            measure,
        }
    }

    fn ratio(label: String, ratio: &ReviewRatio, measure: Measure) -> Line {
        Line {
            label,
            values: [ratio.this_year, ratio.last_year, ratio.change],
            measure,
        }
    }

    /// A value as a workbook or report cell: counts as integers, the rest as numbers.
    fn cell(&self, value: Option<f64>) -> Cell {
        match (value, self.measure) {
            (None, _) => Cell::Empty,
            (Some(v), Measure::Count) => Cell::Int(v as i64),
            (Some(v), Measure::Fen) => Cell::Number(v / 100.0),
            (Some(v), _) => Cell::Number(v),
        }
    }

    /// A value as the page writes it; `signed` for a change.
    fn text(&self, t: &Tr, value: Option<f64>, signed: bool) -> String {
        let Some(v) = value else {
            return "—".to_owned();
        };
        let sign = if signed && v > 0.0 { "+" } else { "" };
        let text = match self.measure {
            Measure::Count => t.number(v as i64),
            Measure::Fen => t.money(v as i64),
            Measure::Percent => format!("{}%", decimals(v)),
            Measure::Ratio => decimals(v),
        };
        format!("{sign}{text}")
    }
}

/// A number with at most two decimals, without trailing zeros.
fn decimals(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// One table of the review: the same on the page, in the workbook and in the report.
#[derive(Debug, Clone)]
struct ReviewTable {
    /// The anchor of its section on the page.
    id: &'static str,
    title: String,
    /// What the first column holds.
    heading: String,
    lines: Vec<Line>,
    /// Whether the page draws it as a bar chart too.
    chart: bool,
}

fn row_label(t: &Tr, key: &str) -> String {
    t.value("review-row", key)
}

/// The name of a unit or partner; "none recorded" for activities without a host unit.
fn record_label(t: &Tr, row: &ReviewRow) -> String {
    if row.key.is_empty() {
        return t.get("review-no-unit");
    }
    let name = t.pick(&row.name_zh, &row.name_en);
    if name.is_empty() {
        format!("#{}", row.key)
    } else {
        name
    }
}

/// Every table of the review, in the order the page, the workbook and the report show them.
fn tables(review: &AnnualReview, t: &Tr) -> Vec<ReviewTable> {
    let table = |id: &'static str, heading: &str, lines: Vec<Line>, chart: bool| ReviewTable {
        id,
        title: t.get(&format!("review-table-{id}")),
        heading: t.get(heading),
        lines,
        chart,
    };
    let counts = |rows: &[ReviewRow], label: &dyn Fn(&ReviewRow) -> String| -> Vec<Line> {
        rows.iter().map(|r| Line::count(label(r), r)).collect()
    };
    let named = |r: &ReviewRow| row_label(t, &r.key);
    let mut overview = vec![Line::count(row_label(t, "activities"), &review.total)];
    overview.extend(counts(&review.reach, &named));
    overview.extend(counts(&review.participants[..2], &named));
    overview.push(Line::ratio(
        row_label(t, "key_project_share"),
        &review.key_project_share,
        Measure::Percent,
    ));
    overview.push(Line::ratio(
        row_label(t, "outcomes_per_exchange"),
        &review.outcomes_per_exchange,
        Measure::Ratio,
    ));
    let mut key_projects = counts(&review.key_projects, &named);
    key_projects.push(Line::ratio(
        row_label(t, "key_project_share"),
        &review.key_project_share,
        Measure::Percent,
    ));
    let mut outcomes = counts(&review.outcomes, &named);
    outcomes.push(Line::ratio(
        row_label(t, "outcomes_per_exchange"),
        &review.outcomes_per_exchange,
        Measure::Ratio,
    ));
    let gifts = review
        .gifts
        .iter()
        .map(|r| {
            let measure = if r.key.ends_with("_fen") {
                Measure::Fen
            } else {
                Measure::Count
            };
            Line::measured(row_label(t, &r.key), r, measure)
        })
        .collect();
    let long_term_days = review.long_term_days.to_string();
    let terms = review
        .terms
        .iter()
        .map(|r| {
            let label = t.args(
                &format!("review-row-{}", r.key.replace('_', "-")),
                &[("days", long_term_days.clone())],
            );
            Line::count(label, r)
        })
        .collect();
    vec![
        table("overview", "review-figure", overview, false),
        table(
            "kinds",
            "review-kind",
            counts(&review.kinds, &|r| t.value("activity-kind", &r.key)),
            true,
        ),
        table(
            "directions",
            "review-figure",
            counts(&review.directions, &named),
            true,
        ),
        table(
            "regions",
            "review-region",
            counts(&review.regions, &|r| t.value("region", &r.key)),
            true,
        ),
        table(
            "countries",
            "review-country",
            counts(&review.countries, &|r| t.country_of(&r.key)),
            false,
        ),
        table(
            "units",
            "review-unit",
            counts(&review.units, &|r| record_label(t, r)),
            true,
        ),
        table(
            "partners",
            "review-partner",
            counts(&review.partners, &|r| record_label(t, r)),
            true,
        ),
        table(
            "inviting",
            "review-inviting",
            counts(&review.inviting, &|r| record_label(t, r)),
            true,
        ),
        table(
            "agreements",
            "review-figure",
            counts(&review.agreements, &|r| {
                t.value("review-row-agreements", &r.key)
            }),
            true,
        ),
        table("terms", "review-term", terms, true),
        table(
            "durations",
            "review-duration",
            counts(&review.durations, &named),
            true,
        ),
        table("key-projects", "review-figure", key_projects, true),
        table("outcomes", "review-figure", outcomes, true),
        table(
            "participants",
            "review-figure",
            counts(&review.participants, &named),
            true,
        ),
        table("gifts", "review-figure", gifts, true),
    ]
}

/// The leaders' four balances, a sentence each, from the review's figures.
fn balances(review: &AnnualReview, t: &Tr) -> Vec<String> {
    let n = |v: i64| t.number(v);
    let find = |rows: &[ReviewRow], key: &str| -> ReviewRow {
        rows.iter()
            .find(|r| r.key == key)
            .cloned()
            .unwrap_or_else(|| ReviewRow::new(key, 0, 0))
    };
    let ratio = |r: Option<f64>| r.map(decimals).unwrap_or_else(|| "—".to_owned());
    let change = |v: i64| {
        if v > 0 { format!("+{}", n(v)) } else { n(v) }
    };
    vec![
        t.args(
            "review-balance-quality",
            &[
                ("activities", n(review.total.this_year)),
                ("change", change(review.total.change)),
                ("outcomes", n(find(&review.outcomes, "outcomes").this_year)),
                ("per", ratio(review.outcomes_per_exchange.this_year)),
            ],
        ),
        t.args(
            "review-balance-focus",
            &[
                ("countries", n(find(&review.reach, "countries").this_year)),
                ("partners", n(find(&review.reach, "partners").this_year)),
                (
                    "key",
                    n(find(&review.key_projects, "key_projects").this_year),
                ),
                ("share", ratio(review.key_project_share.this_year)),
            ],
        ),
        t.args(
            "review-balance-term",
            &[
                ("short", n(find(&review.terms, "short_term").this_year)),
                ("long", n(find(&review.terms, "long_term").this_year)),
                ("days", review.long_term_days.to_string()),
            ],
        ),
        t.args(
            "review-balance-direction",
            &[
                ("out", n(find(&review.directions, "going_global").this_year)),
                (
                    "out_people",
                    n(find(&review.directions, "going_global_people").this_year),
                ),
                ("in", n(find(&review.directions, "bringing_in").this_year)),
                (
                    "courses",
                    n(find(&review.directions, "bringing_in_courses").this_year),
                ),
                (
                    "in_people",
                    n(find(&review.directions, "bringing_in_people").this_year),
                ),
            ],
        ),
        agreements_sentence(review, t),
        t.get("review-partners-note"),
    ]
}

/// The agreements of the year in a sentence, each with its partners.
fn agreements_sentence(review: &AnnualReview, t: &Tr) -> String {
    let year = review.year;
    let listed = |keep: &dyn Fn(&liaison_core::review::ReviewAgreement) -> bool| -> String {
        let names: Vec<String> = review
            .agreement_list
            .iter()
            .filter(|a| keep(a))
            .map(|a| {
                let partners: Vec<String> =
                    a.partners.iter().map(|(zh, en)| t.pick(zh, en)).collect();
                let title = t.pick(&a.title_zh, &a.title_en);
                match (partners.is_empty(), t.lang) {
                    (true, _) => title,
                    (false, Lang::Zh) => format!("{title}（{}）", partners.join("、")),
                    (false, _) => format!("{title} ({})", partners.join(", ")),
                }
            })
            .collect();
        if names.is_empty() {
            "—".to_owned()
        } else {
            names.join("; ")
        }
    };
    let count = |key: &str| {
        t.number(
            review
                .agreements
                .iter()
                .find(|r| r.key == key)
                .map_or(0, |r| r.this_year),
        )
    };
    t.args(
        "review-agreements-sentence",
        &[
            ("signed", count("signed")),
            ("signed_list", listed(&|a| a.signed_in(year))),
            ("in_force", count("in_force")),
            ("expiring", count("expiring")),
            ("expiring_list", listed(&|a| a.expiring_in(year))),
        ],
    )
}

/// The review's tables as the reports crate writes them: numbers stay numbers.
fn report_tables(review: &AnnualReview, t: &Tr) -> Vec<Table> {
    let this_year = review.year.to_string();
    let last_year = review.previous_year.to_string();
    let change = t.get("review-change");
    tables(review, t)
        .into_iter()
        .map(|table| {
            let mut out = Table::new(
                table.title.clone(),
                &[&table.heading, &this_year, &last_year, &change],
            );
            for line in &table.lines {
                let mut row = vec![Cell::Text(line.label.clone())];
                row.extend(line.values.iter().map(|v| line.cell(*v)));
                out.push(row);
            }
            out
        })
        .collect()
}

/// The Word report: the title, the four balances, then every table.
fn report(review: &AnnualReview, t: &Tr) -> Document {
    let year = review.year.to_string();
    let previous = review.previous_year.to_string();
    let mut document = Document::new();
    document.push(Block::Title(
        t.args("review-title", &[("year", year.clone())]),
    ));
    document.push(Block::Note(t.args(
        "review-compared",
        &[
            ("year", year),
            ("previous", previous),
            ("date", t.date(Utc::now().date_naive())),
        ],
    )));
    document.push(Block::Heading(t.get("review-balances")));
    for paragraph in balances(review, t) {
        document.push(Block::Paragraph(paragraph));
    }
    document.push(Block::Heading(t.get("review-figures")));
    for table in report_tables(review, t) {
        document.push(Block::Table(table));
    }
    document
}

/// A row of a bar chart: the year's bar above, the year before's below.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub label_y: u32,
    pub this_y: u32,
    pub last_y: u32,
    pub this_width: u32,
    pub last_width: u32,
    pub this_text: String,
    pub last_text: String,
    pub this_text_x: u32,
    pub last_text_x: u32,
    pub this_text_y: u32,
    pub last_text_y: u32,
}

/// A bar chart comparing the two years, in SVG units.
#[derive(Debug, Clone)]
pub struct Chart {
    pub width: u32,
    pub height: u32,
    /// Where labels end and bars begin.
    pub label_x: u32,
    pub bar_x: u32,
    pub bars: Vec<Bar>,
}

/// The chart's width, where the bars start, how long the longest is, and the height of a row,
/// in SVG units: drawn at about its own size in the page's wider column, so 12-unit text reads
/// as 12 pixels.
const CHART_WIDTH: u32 = 560;
const BAR_X: u32 = 200;
const BAR_SPAN: u32 = 300;
const ROW_HEIGHT: u32 = 30;
/// Labels longer than this are cut in the chart; the table beside it has them whole.
const LABEL_CHARS: usize = 16;

fn chart(table: &ReviewTable, t: &Tr) -> Chart {
    let lines: Vec<&Line> = table
        .lines
        .iter()
        .filter(|l| l.measure == Measure::Count)
        .collect();
    let largest = lines
        .iter()
        .flat_map(|l| [l.values[0], l.values[1]])
        .flatten()
        .fold(0.0_f64, f64::max);
    let width = |v: Option<f64>| -> u32 {
        match v {
            Some(v) if largest > 0.0 => (v / largest * f64::from(BAR_SPAN)).round() as u32,
            _ => 0,
        }
    };
    let bars = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let top = i as u32 * ROW_HEIGHT;
            let (this_width, last_width) = (width(line.values[0]), width(line.values[1]));
            let mut label: String = line.label.chars().take(LABEL_CHARS).collect();
            if line.label.chars().count() > LABEL_CHARS {
                label.push('…');
            }
            Bar {
                label,
                label_y: top + 18,
                this_y: top + 4,
                last_y: top + 15,
                this_width,
                last_width,
                this_text: line.text(t, line.values[0], false),
                last_text: line.text(t, line.values[1], false),
                this_text_x: BAR_X + this_width + 4,
                last_text_x: BAR_X + last_width + 4,
                this_text_y: top + 13,
                last_text_y: top + 24,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        width: CHART_WIDTH,
        height: (bars.len() as u32 * ROW_HEIGHT).max(ROW_HEIGHT),
        label_x: BAR_X - 8,
        bar_x: BAR_X,
        bars,
    }
}

/// A table of the page, its figures written out, with its chart.
#[derive(Debug, Clone)]
pub struct TableView {
    pub id: &'static str,
    pub title: String,
    pub heading: String,
    pub rows: Vec<RowView>,
    pub chart: Option<Chart>,
}

#[derive(Debug, Clone)]
pub struct RowView {
    pub label: String,
    pub this_year: String,
    pub last_year: String,
    pub change: String,
    /// `up`, `down` or empty.
    pub trend: &'static str,
}

/// A country on the map, coloured by this year's activities.
#[derive(Debug, Clone)]
pub struct MapCountry {
    pub d: &'static str,
    pub fill: &'static str,
    pub title: String,
}

/// A colour of the map's legend and the counts it stands for.
#[derive(Debug, Clone)]
pub struct MapStep {
    pub fill: &'static str,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct MapView {
    pub width: u32,
    pub height: u32,
    pub countries: Vec<MapCountry>,
    pub legend: Vec<MapStep>,
    /// Places with activities too small to draw at this scale, with their counts.
    pub not_drawn: Vec<String>,
}

/// No activities, then four shades of the accent blue, lightest for the fewest.
const MAP_NONE: &str = "#e3e7ec";
const MAP_SHADES: [&str; 4] = ["#c6dbef", "#6baed6", "#2f7bbf", "#0b3c6e"];

fn map(review: &AnnualReview, t: &Tr) -> MapView {
    let world = world();
    let largest = review
        .countries
        .iter()
        .map(|r| r.this_year)
        .max()
        .unwrap_or(0);
    // Shade k (1 to 4) covers counts above largest·(k−1)/4, up to largest·k/4.
    let shade = |count: i64| -> usize {
        if largest == 0 || count <= 0 {
            return 0;
        }
        ((count * 4 + largest - 1) / largest).clamp(1, 4) as usize
    };
    let count_of = |code: &str| {
        review
            .countries
            .iter()
            .find(|r| r.key == code)
            .map_or(0, |r| r.this_year)
    };
    let countries = world
        .countries
        .iter()
        .map(|(code, outline)| {
            let count = count_of(code);
            let level = shade(count);
            MapCountry {
                d: outline.d.as_str(),
                fill: if level == 0 {
                    MAP_NONE
                } else {
                    MAP_SHADES[level - 1]
                },
                title: format!("{}: {}", t.country_of(code), t.number(count)),
            }
        })
        .collect();
    let mut legend = vec![MapStep {
        fill: MAP_NONE,
        label: "0".to_owned(),
    }];
    let mut from = 1;
    for (k, fill) in MAP_SHADES.iter().enumerate() {
        let to = largest * (k as i64 + 1) / 4;
        if to >= from {
            let label = if to == from {
                t.number(to)
            } else {
                format!("{}–{}", t.number(from), t.number(to))
            };
            legend.push(MapStep { fill, label });
            from = to + 1;
        }
    }
    let not_drawn = review
        .countries
        .iter()
        .filter(|r| r.this_year > 0 && !world.countries.contains_key(&r.key))
        .map(|r| format!("{} {}", t.country_of(&r.key), t.number(r.this_year)))
        .collect();
    MapView {
        width: world.width,
        height: world.height,
        countries,
        legend,
        not_drawn,
    }
}

#[derive(Debug, Clone)]
pub struct ReviewView {
    pub year: i32,
    pub previous_year: i32,
    pub next_year: Option<i32>,
    pub title: String,
    pub compared: String,
    pub empty: bool,
    pub empty_text: String,
    pub map_caption: String,
    pub balances: Vec<String>,
    pub tables: Vec<TableView>,
    pub map: MapView,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewTemplate<'a> {
    ui: &'a Ui,
    view: &'a ReviewView,
}

fn view(review: &AnnualReview, t: &Tr) -> ReviewView {
    let year = review.year.to_string();
    let tables = tables(review, t)
        .into_iter()
        .map(|table| TableView {
            id: table.id,
            title: table.title.clone(),
            heading: table.heading.clone(),
            rows: table
                .lines
                .iter()
                .map(|line| RowView {
                    label: line.label.clone(),
                    this_year: line.text(t, line.values[0], false),
                    last_year: line.text(t, line.values[1], false),
                    change: line.text(t, line.values[2], true),
                    trend: match line.values[2] {
                        Some(v) if v > 0.0 => "up",
                        Some(v) if v < 0.0 => "down",
                        _ => "",
                    },
                })
                .collect(),
            chart: table.chart.then(|| chart(&table, t)),
        })
        .collect();
    ReviewView {
        year: review.year,
        previous_year: review.previous_year,
        next_year: (review.year < review::LAST_YEAR).then_some(review.year + 1),
        title: t.args("review-title", &[("year", year.clone())]),
        compared: t.args(
            "review-compared-page",
            &[
                ("year", year.clone()),
                ("previous", review.previous_year.to_string()),
            ],
        ),
        empty: review.is_empty(),
        empty_text: t.args("review-empty", &[("year", year.clone())]),
        map_caption: t.args("review-map-caption", &[("year", year.clone())]),
        balances: balances(review, t),
        tables,
        map: map(review, t),
    }
}

/// The year asked for, last year when none; the words to show when it cannot be reviewed.
fn chosen_year(text: &str) -> Result<i32, ()> {
    if text.trim().is_empty() {
        return Ok(review::default_year(Utc::now().date_naive()));
    }
    let year = text.trim().parse::<i32>().map_err(|_| ())?;
    review::check_year(year).map_err(|_| ())?;
    Ok(year)
}

/// A page saying that `text` is not a year the review can cover.
fn bad_year(ui: &Ui, text: &str) -> Response {
    let t = &ui.t;
    let view = MessageView {
        title: t.get("review-bad-year-title"),
        tone: "error",
        paragraphs: vec![t.args(
            "review-bad-year",
            &[
                ("year", text.to_owned()),
                ("first", review::FIRST_YEAR.to_string()),
                ("last", review::LAST_YEAR.to_string()),
            ],
        )],
        links: vec![Link {
            label: t.get("review-latest"),
            href: "/review".to_owned(),
        }],
        ..MessageView::default()
    };
    let mut response = render(&MessageTemplate { ui, view: &view });
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

pub async fn show(State(state): State<AppState>, ui: Ui, RawQuery(query): RawQuery) -> PageResult {
    let values = Values::from_query(query.as_deref());
    let asked = values.get("year").to_owned();
    let Ok(year) = chosen_year(&asked) else {
        return Ok(bad_year(&ui, &asked));
    };
    let actor = ui.actor()?;
    let review = state.store.annual_review(&actor, year).await?;
    let view = view(&review, &ui.t);
    Ok(render(&ReviewTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// The file formats the review downloads as.
#[derive(Debug, Clone, Copy)]
enum Format {
    Xlsx,
    Docx,
}

impl Format {
    fn content_type(&self) -> &'static str {
        match self {
            Format::Xlsx => super::XLSX,
            Format::Docx => super::DOCX,
        }
    }
}

/// `/review/2024.xlsx` and `/review/2024.docx`.
pub async fn download(
    State(state): State<AppState>,
    ui: Ui,
    Path(file): Path<String>,
) -> PageResult {
    let (stem, format) = if let Some(stem) = file.strip_suffix(".xlsx") {
        (stem, Format::Xlsx)
    } else if let Some(stem) = file.strip_suffix(".docx") {
        (stem, Format::Docx)
    } else {
        return Err(PageError::NotFound);
    };
    // A file always names its year; only the page falls back to last year.
    let year = match chosen_year(stem) {
        Ok(year) if !stem.trim().is_empty() => year,
        _ => return Ok(bad_year(&ui, stem)),
    };
    let review = state.store.annual_review(&ui.actor()?, year).await?;
    let t = ui.t;
    let bytes = super::render_file(move || match format {
        Format::Xlsx => liaison_reports::workbook(&report_tables(&review, &t)),
        Format::Docx => report(&review, &t).to_docx(),
    })
    .await?;
    let extension = match format {
        Format::Xlsx => "xlsx",
        Format::Docx => "docx",
    };
    Ok(super::download(
        bytes,
        format.content_type(),
        &format!("liaison-annual-review-{year}.{extension}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn years_are_read_from_what_was_typed_or_refused() {
        assert_eq!(chosen_year("2024"), Ok(2024));
        assert_eq!(chosen_year(" 2019 "), Ok(2019));
        assert!(chosen_year("").is_ok());
        assert!(chosen_year("abc").is_err());
        assert!(chosen_year("99999").is_err());
        assert!(chosen_year("-5").is_err());
    }

    #[test]
    fn shares_and_amounts_are_written_as_numbers_in_files() {
        let line = Line::measured(
            "value".to_owned(),
            &ReviewRow::new("received_value_fen", 30050, 0),
            Measure::Fen,
        );
        assert_eq!(line.cell(line.values[0]), Cell::Number(300.5));
        let count = Line::count("n".to_owned(), &ReviewRow::new("n", 3, 5));
        assert_eq!(count.cell(count.values[2]), Cell::Int(-2));
        assert_eq!(count.text(&Tr::new(Lang::En), count.values[2], true), "-2");
        assert_eq!(count.text(&Tr::new(Lang::En), Some(1234.0), true), "+1,234");
    }
}
