//! A trip's public notice (公示) and its report (出访报告) as pages printed on A4 and as Word
//! documents with the report's photos, and, when the trip policy publishes them, the same pages
//! open to anyone: the notices up today, each notice, and each report with its photos. Every
//! one is drawn from a [`PublishedTrip`], which holds only what the rules make public.

use askama::Template;
use axum::extract::State;
use liaison_core::StoredFile;
use liaison_core::trips::publication::{PublishedTrip, in_notice, reported};
use liaison_core::trips::{Publication, TRIP, Trip, TripFilter, TripReport, TripState};
use liaison_files::PictureFormat;
use liaison_reports::{Block, Document, Table};

use super::record_id::{FileId, RecordId};
use super::{PageError, PageResult, Ui, render};
use crate::AppState;
use crate::files::FileError;
use crate::routes::Routes;

/// The side of the square a photo is shown within on a page, in pixels.
const PAGE_PHOTO_SIDE: u32 = 1_600;

/// Whether the trip policy in force opens notices and reports to anyone.
pub(super) async fn published(state: &AppState) -> Result<bool, PageError> {
    let (_, policy) = state.store.trip_policy(&state.store.policy().trips).await?;
    Ok(policy.publication == Publication::Public)
}

fn title(ui: &Ui, trip: &PublishedTrip) -> String {
    let title = ui.t.pick(&trip.title_zh, &trip.title_en);
    if title.is_empty() {
        format!("#{}", trip.id)
    } else {
        title
    }
}

fn places(ui: &Ui, trip: &PublishedTrip) -> String {
    let separator = if ui.t.lang == crate::i18n::Lang::Zh {
        "、"
    } else {
        ", "
    };
    trip.destinations
        .iter()
        .map(|d| format!("{} {}", d.country, d.city))
        .collect::<Vec<_>>()
        .join(separator)
}

#[derive(Template)]
#[template(path = "trip_notice.html")]
struct NoticeTemplate<'a> {
    ui: &'a Ui,
    trip: &'a PublishedTrip,
    title: String,
    intro: String,
    period: String,
}

/// The notice of `trip` laid out to print on A4: names, units, positions, destinations, tasks,
/// schedule, inviter, funding and budget, and the notice period.
pub(super) fn notice_page(ui: &Ui, trip: &Trip) -> PageResult {
    let trip = PublishedTrip::of(trip);
    let t = &ui.t;
    let heading = title(ui, &trip);
    Ok(render(&NoticeTemplate {
        intro: t.args(
            "trip-notice-intro",
            &[("title", heading.clone()), ("places", places(ui, &trip))],
        ),
        period: t.args(
            "trip-notice-period",
            &[
                ("posted", t.optional_date(trip.notice_posted)),
                ("ends", t.optional_date(trip.notice_ends)),
            ],
        ),
        title: heading,
        ui,
        trip: &trip,
    }))
}

/// A photo of the report as a page shows it.
struct PhotoView {
    src: String,
    caption: String,
}

#[derive(Template)]
#[template(path = "trip_report.html")]
struct ReportTemplate<'a> {
    ui: &'a Ui,
    trip: &'a PublishedTrip,
    report: &'a TripReport,
    title: String,
    intro: String,
    spent: String,
    photos: Vec<PhotoView>,
    /// The Word document, for signed-in readers.
    docx: Option<String>,
}

/// The photos of a trip, in the order they came.
async fn photos(state: &AppState, id: i64) -> Result<Vec<StoredFile>, PageError> {
    let files = state.store.record_files(TRIP, id).await?;
    Ok(files.into_iter().filter(StoredFile::is_image).collect())
}

fn spent(ui: &Ui, trip: &PublishedTrip, report: &TripReport) -> String {
    ui.t.args(
        "trip-report-spent",
        &[
            (
                "spent",
                ui.t.money(report.spent().map(|m| m.fen()).unwrap_or(0)),
            ),
            ("budget", ui.t.money(trip.budget_total.fen())),
        ],
    )
}

fn report_intro(ui: &Ui, trip: &PublishedTrip) -> String {
    ui.t.args(
        "trip-report-intro",
        &[
            ("title", title(ui, trip)),
            ("places", places(ui, trip)),
            ("from", ui.t.optional_date(trip.departure)),
            (
                "to",
                ui.t.optional_date(trip.actual_return.or(trip.return_date)),
            ),
        ],
    )
}

/// The report page of `trip`, its photos at `photo_base/{file}`; 404 until it is reported.
async fn report_page(
    state: &AppState,
    ui: &Ui,
    trip: &Trip,
    photo_base: String,
    docx: Option<String>,
) -> PageResult {
    let published = PublishedTrip::of(trip);
    let Some(report) = &published.report else {
        return Err(PageError::NotFound);
    };
    let photos = photos(state, trip.meta.id)
        .await?
        .into_iter()
        .map(|f| PhotoView {
            src: format!("{photo_base}/{}", f.id),
            caption: f.caption,
        })
        .collect();
    Ok(render(&ReportTemplate {
        ui,
        title: title(ui, &published),
        intro: report_intro(ui, &published),
        spent: spent(ui, &published, report),
        trip: &published,
        report,
        photos,
        docx,
    }))
}

/// A photo of trip `id` made fit for a page, if the trip keeps it and it is an image.
async fn photo(state: &AppState, id: i64, file: i64) -> PageResult {
    let file = state.store.file::<Trip>(id, file).await?;
    if !file.is_image() {
        return Err(PageError::NotFound);
    }
    match crate::files::picture(state, &file, PAGE_PHOTO_SIDE, PictureFormat::Jpeg).await {
        Ok(picture) => Ok(crate::files::serve_picture(picture, &file)),
        Err(FileError::Store(err)) => Err(err.into()),
        Err(FileError::Kept(liaison_files::Error::Missing(_))) => Err(PageError::NotFound),
        Err(other) => Err(PageError::Internal(format!("{other:?}"))),
    }
}

/// The report of a trip back home, for signed-in users.
async fn report(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    report_page(
        &state,
        &ui,
        &trip,
        format!("/trips/{id}/report/photos"),
        Some(format!("/trips/{id}/report.docx")),
    )
    .await
}

async fn report_photo(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    FileId(file): FileId,
) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    if !reported(&trip) {
        return Err(PageError::NotFound);
    }
    photo(&state, id, file).await
}

/// The report as a Word document, with its photos embedded.
async fn report_docx(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let trip = state.store.get::<Trip>(id).await?;
    let published = PublishedTrip::of(&trip);
    let Some(report) = &published.report else {
        return Err(PageError::NotFound);
    };
    let t = &ui.t;
    let mut doc = Document::new();
    doc.push(Block::Title(t.get("trip-report-heading")))
        .push(Block::Paragraph(report_intro(&ui, &published)));
    let mut members = Table::new(
        t.get("field-members"),
        &[
            &t.get("field-name"),
            &t.get("field-unit"),
            &t.get("field-position"),
        ],
    );
    for m in &published.members {
        let mut name = m.name.clone();
        if m.leader {
            name = format!("{name} ({})", t.get("trip-head"));
        }
        members.push(vec![
            name.into(),
            m.unit.clone().unwrap_or_default().into(),
            m.position.clone().unwrap_or_default().into(),
        ]);
    }
    doc.push(Block::Table(members));
    for (label, text) in [
        (t.get("field-tasks_done"), Some(report.tasks_done.clone())),
        (t.get("field-outcomes"), Some(report.outcomes.clone())),
        (t.get("field-follow_up"), report.follow_up.clone()),
    ] {
        doc.push(Block::Heading(label));
        doc.push(Block::Paragraph(text.unwrap_or_default()));
    }
    doc.push(Block::Heading(t.get("field-spent")));
    let mut spending = Table::new("", &[&t.get("field-item"), &t.get("field-amount")]);
    for line in &report.spending {
        spending.push(vec![
            line.item.clone().into(),
            t.money(line.amount.fen()).into(),
        ]);
    }
    if !report.spending.is_empty() {
        doc.push(Block::Table(spending));
    }
    doc.push(Block::Note(spent(&ui, &published, report)));
    doc.push(Block::Heading(t.get("trip-report-photos")));
    let kept = photos(&state, id).await?;
    if kept.is_empty() {
        doc.push(Block::Note(t.get("trip-report-no-photos")));
    }
    for file in &kept {
        match crate::files::picture(
            &state,
            file,
            liaison_files::DOCUMENT_PICTURE_SIDE,
            PictureFormat::Png,
        )
        .await
        {
            Ok(picture) => {
                doc.push(Block::Picture(liaison_reports::Picture {
                    png: picture.bytes,
                    width: picture.width,
                    height: picture.height,
                    caption: file.caption.clone(),
                }));
            }
            Err(FileError::Store(err)) => return Err(err.into()),
            // A photo whose bytes are gone is named instead; `liaison files check` lists it.
            Err(err) => {
                tracing::warn!(file = file.id, error = ?err, "a report's photo could not be read");
                doc.push(Block::Note(file.name.clone()));
            }
        }
    }
    let bytes = super::render_file(move || doc.to_docx()).await?;
    Ok(super::download(
        bytes,
        super::DOCX,
        &format!("trip-{id}-report.docx"),
    ))
}

/// The report pages of the signed-in users, mounted with the trips' pages.
pub(super) fn signed_in_routes() -> Routes {
    Routes::new()
        .get("/trips/{id}/report", report)
        .get("/trips/{id}/report.docx", report_docx)
        .get("/trips/{id}/report/photos/{file}", report_photo)
}

/// A notice as the public list shows it.
struct NoticeItem {
    href: String,
    title: String,
    unit: String,
    places: String,
    period: String,
}

#[derive(Template)]
#[template(path = "trip_notices.html")]
struct NoticesTemplate<'a> {
    ui: &'a Ui,
    items: Vec<NoticeItem>,
}

/// The trips whose notice is up today.
async fn noticed_today(state: &AppState) -> Result<Vec<Trip>, PageError> {
    let today = state.settings.clock.today();
    let mut noticed = Vec::new();
    for status in [TripState::InNotice, TripState::Briefed] {
        let filter = TripFilter {
            status: Some(status),
            ..TripFilter::default()
        };
        let page = liaison_core::PageRequest::parse(
            Some(1),
            Some(200),
            Some("departure"),
            liaison_core::trips::TRIP_SORTS,
            false,
        )?;
        let found = state.store.list_trips(&filter, &page, today).await?;
        noticed.extend(found.items.into_iter().filter(|t| in_notice(t, today)));
    }
    noticed.sort_by_key(|t| (t.departure, t.meta.id));
    Ok(noticed)
}

/// The public list of the notices up today; 404 while the policy keeps them to signed-in users.
async fn public_notices(State(state): State<AppState>, ui: Ui) -> PageResult {
    if !published(&state).await? {
        return Err(PageError::NotFound);
    }
    let items = noticed_today(&state)
        .await?
        .iter()
        .map(|trip| {
            let p = PublishedTrip::of(trip);
            NoticeItem {
                href: format!("/trip-notices/{}", p.id),
                title: title(&ui, &p),
                unit: p.unit.clone().unwrap_or_default(),
                places: places(&ui, &p),
                period: ui.t.args(
                    "trip-notice-period",
                    &[
                        ("posted", ui.t.optional_date(p.notice_posted)),
                        ("ends", ui.t.optional_date(p.notice_ends)),
                    ],
                ),
            }
        })
        .collect();
    Ok(render(&NoticesTemplate { ui: &ui, items }))
}

/// A trip the public pages may show, or the 404 page: the policy must publish, and the trip be
/// in its notice period (`notice`) or reported.
async fn public_trip(state: &AppState, id: i64, notice: bool) -> Result<Trip, PageError> {
    if !published(state).await? {
        return Err(PageError::NotFound);
    }
    let trip = state.store.get::<Trip>(id).await?;
    let shown = if notice {
        in_notice(&trip, state.settings.clock.today())
    } else {
        reported(&trip)
    };
    if shown {
        Ok(trip)
    } else {
        Err(PageError::NotFound)
    }
}

async fn public_notice(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let trip = public_trip(&state, id, true).await?;
    notice_page(&ui, &trip)
}

async fn public_report(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let trip = public_trip(&state, id, false).await?;
    report_page(
        &state,
        &ui,
        &trip,
        format!("/trip-reports/{id}/photos"),
        None,
    )
    .await
}

async fn public_report_photo(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    FileId(file): FileId,
) -> PageResult {
    public_trip(&state, id, false).await?;
    photo(&state, id, file).await
}

/// The pages anyone may read while the trip policy publishes notices and reports.
pub(super) fn public_routes() -> Routes {
    Routes::new()
        .get("/trip-notices", public_notices)
        .get("/trip-notices/{id}", public_notice)
        .get("/trip-reports/{id}", public_report)
        .get("/trip-reports/{id}/photos/{file}", public_report_photo)
}
