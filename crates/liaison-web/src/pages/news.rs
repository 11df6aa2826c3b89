//! News releases: the office's draft of each activity's release in Chinese and English, edited
//! and published from the activity, and the public news pages that need no sign-in.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::accounts::may;
use liaison_core::{
    ACTIVITY, Action, FieldErrors, NewsDraft, NewsLanguage, NewsPhotoInput, NewsRelease,
    NewsReleaseInput, StoredFile,
};
use liaison_reports::{Block, Document, Picture};

use super::forms::Values;
use super::record_id::FileId;
use super::{PageError, PageResult, RecordId, Ui, render};
use crate::AppState;
use crate::i18n::Lang;
use serde::Deserialize;

/// How many releases a page of the public list shows.
const RELEASES_PER_PAGE: i64 = 10;

/// The edit page of one release.
struct EditView {
    activity_id: i64,
    activity_title: String,
    language: NewsLanguage,
    language_label: String,
    other_language: NewsLanguage,
    other_language_label: String,
    title: String,
    body: String,
    published: bool,
    version: Option<i64>,
    /// Where the text shown came from: saved, generated or regenerated.
    source_note: String,
    may_change: bool,
    errors: Vec<String>,
    title_error: Option<String>,
    body_error: Option<String>,
    /// Another user's text, when they saved first.
    theirs: Option<(String, String)>,
    saved: bool,
    public_href: Option<String>,
    /// The activity's photos, each offered for the release.
    photos: Vec<PhotoChoice>,
    photos_error: Option<String>,
}

/// One of the activity's photos on the edit page: whether the release shows it, where, and
/// under which caption.
struct PhotoChoice {
    file: i64,
    thumbnail: String,
    name: String,
    chosen: bool,
    position: String,
    caption: String,
    /// The file's own caption, used when the release gives none.
    own_caption: String,
}

/// The photos the release offers to choose from: the images among the activity's files, those
/// chosen first in the release's order.
fn photo_choices(
    activity_id: i64,
    files: &[StoredFile],
    chosen: &[NewsPhotoInput],
) -> Vec<PhotoChoice> {
    let mut choices: Vec<PhotoChoice> = files
        .iter()
        .filter(|f| f.is_image())
        .map(|f| {
            let pick = chosen.iter().position(|p| p.file == f.id);
            PhotoChoice {
                file: f.id,
                thumbnail: format!("/activities/{activity_id}/files/{}/thumbnail", f.id),
                name: f.name.clone(),
                chosen: pick.is_some(),
                position: pick.map(|i| (i + 1).to_string()).unwrap_or_default(),
                caption: pick.map(|i| chosen[i].caption.clone()).unwrap_or_default(),
                own_caption: f.caption.clone(),
            }
        })
        .collect();
    choices.sort_by_key(|c| (!c.chosen, c.position.parse::<usize>().unwrap_or(usize::MAX)));
    choices
}

/// The photos ticked in the form, in the order of their numbers (then of the activity's files):
/// `photo-{file}` ticked, `photo-{file}-position` and `photo-{file}-caption`.
fn chosen_photos(form: &Values, files: &[StoredFile]) -> Vec<NewsPhotoInput> {
    let mut chosen: Vec<(u32, usize, NewsPhotoInput)> = files
        .iter()
        .filter(|f| f.is_image())
        .enumerate()
        .filter(|(_, f)| !form.get(&format!("photo-{}", f.id)).is_empty())
        .map(|(order, f)| {
            let position = form
                .get(&format!("photo-{}-position", f.id))
                .trim()
                .parse()
                .unwrap_or(u32::MAX);
            let caption = form.get(&format!("photo-{}-caption", f.id)).to_owned();
            (
                position,
                order,
                NewsPhotoInput {
                    file: f.id,
                    caption,
                },
            )
        })
        .collect();
    chosen.sort_by_key(|(position, order, _)| (*position, *order));
    chosen.into_iter().map(|(_, _, photo)| photo).collect()
}

#[derive(Template)]
#[template(path = "news_edit.html")]
struct EditTemplate<'a> {
    ui: &'a Ui,
    view: &'a EditView,
}

fn language_of(code: &str) -> Option<NewsLanguage> {
    NewsLanguage::parse(code)
}

fn language_label(ui: &Ui, language: NewsLanguage) -> String {
    ui.t.value("news-language", language.as_str())
}

/// The `lang` attribute of a release's text, which may differ from the page's.
fn html_lang(language: NewsLanguage) -> &'static str {
    match language {
        NewsLanguage::Zh => Lang::Zh.html(),
        NewsLanguage::En => Lang::En.html(),
    }
}

fn other(language: NewsLanguage) -> NewsLanguage {
    match language {
        NewsLanguage::Zh => NewsLanguage::En,
        NewsLanguage::En => NewsLanguage::Zh,
    }
}

/// The language of an address such as `/activities/7/news/en`.
#[derive(Debug, Deserialize)]
pub struct Address {
    language: String,
}

impl Address {
    fn language(&self) -> Result<NewsLanguage, PageError> {
        language_of(&self.language).ok_or(PageError::NotFound)
    }
}

async fn edit_view(
    state: &AppState,
    ui: &Ui,
    id: i64,
    language: NewsLanguage,
    regenerate: bool,
) -> Result<EditView, PageError> {
    let dossier = state.store.activity_dossier(id).await?;
    let saved = state.store.news_release(id, language).await?;
    let files = state.store.record_files(ACTIVITY, id).await?;
    let chosen: Vec<NewsPhotoInput> = saved
        .iter()
        .flat_map(|r| &r.photos)
        .map(|p| NewsPhotoInput {
            file: p.file,
            caption: p.caption.clone(),
        })
        .collect();
    let actor = ui.actor()?;
    let activity = &dossier.activity;
    let may_change = may(
        &actor,
        Action::Change,
        ACTIVITY,
        activity.host_unit.as_ref().map(|u| u.id),
    );
    let (title, body, note) = match (&saved, regenerate) {
        (Some(release), false) => (
            release.title.clone(),
            release.body.clone(),
            ui.t.args(
                "news-saved-version",
                &[
                    ("version", release.version.to_string()),
                    ("date", ui.t.date(release.updated_at.date_naive())),
                ],
            ),
        ),
        (_, regenerate) => {
            let NewsDraft { title, body } = liaison_core::news::draft(&dossier, language);
            let note = if regenerate {
                "news-regenerated"
            } else {
                "news-generated"
            };
            (title, body, ui.t.get(note))
        }
    };
    Ok(EditView {
        activity_id: id,
        activity_title: ui.t.pick(&activity.title_zh, &activity.title_en),
        language,
        language_label: language_label(ui, language),
        other_language: other(language),
        other_language_label: language_label(ui, other(language)),
        title,
        body,
        published: saved.as_ref().is_some_and(|r| r.published),
        version: saved.as_ref().map(|r| r.version),
        source_note: note,
        may_change,
        errors: Vec::new(),
        title_error: None,
        body_error: None,
        theirs: None,
        saved: false,
        public_href: saved
            .as_ref()
            .filter(|r| r.published)
            .map(|r| format!("/news/{}", r.id)),
        photos: photo_choices(id, &files, &chosen),
        photos_error: None,
    })
}

/// The release of an activity in one language, as saved, or drafted from the record.
pub async fn edit(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Path(address): Path<Address>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let language = address.language()?;
    let query = Values::from_query(query.as_deref());
    let mut view = edit_view(
        &state,
        &ui,
        id,
        language,
        !query.get("regenerate").is_empty(),
    )
    .await?;
    view.saved = !query.get("saved").is_empty();
    Ok(render(&EditTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// Saves the release; a problem shows the form again with the typed text kept.
pub async fn save(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Path(address): Path<Address>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let language = address.language()?;
    save_release(&state, &ui, id, language, Values::from_pairs(pairs)).await
}

async fn save_release(
    state: &AppState,
    ui: &Ui,
    id: i64,
    language: NewsLanguage,
    form: Values,
) -> PageResult {
    let actor = ui.actor()?;
    let files = state.store.record_files(ACTIVITY, id).await?;
    let input = NewsReleaseInput {
        version: form.text("version").and_then(|v| v.parse().ok()),
        title: form.get("title").to_owned(),
        body: form.get("body").to_owned(),
        published: !form.get("published").is_empty(),
        photos: chosen_photos(&form, &files),
    };
    let result = state
        .store
        .save_news_release(&actor, id, language, input.clone())
        .await;
    let problem = match result {
        Ok(_) => {
            let to = format!("/activities/{id}/news/{}?saved=1", language.as_str());
            return Ok(Redirect::to(&to).into_response());
        }
        Err(err) => err,
    };
    let mut view = edit_view(state, ui, id, language, false).await?;
    view.title = input.title;
    view.body = input.body;
    view.published = input.published;
    view.photos = photo_choices(id, &files, &input.photos);
    let status = match problem {
        liaison_store::Error::Domain(liaison_core::Error::Invalid(errors)) => {
            field_errors(ui, &mut view, &errors);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        liaison_store::Error::Domain(liaison_core::Error::Conflict { current, .. }) => {
            let mut current: Option<NewsRelease> =
                current.and_then(|c| serde_json::from_value(c).ok());
            if current.is_none() {
                // Two first saves at once: the other one's text is on record now.
                current = state.store.news_release(id, language).await?;
            }
            view.errors.push(ui.t.get("news-conflict"));
            if let Some(current) = current {
                // Saving again replaces their text with the one kept in the form.
                view.version = Some(current.version);
                view.theirs = Some((current.title, current.body));
            }
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    let mut response = render(&EditTemplate { ui, view: &view });
    *response.status_mut() = status;
    Ok(response)
}

fn field_errors(ui: &Ui, view: &mut EditView, errors: &FieldErrors) {
    for error in &errors.0 {
        let message = ui.t.value("problem", &error.code);
        match error.field.as_str() {
            "title" => view.title_error = Some(message.clone()),
            "body" => view.body_error = Some(message.clone()),
            field if field.starts_with("photos") => view.photos_error = Some(message.clone()),
            _ => {}
        }
        view.errors.push(message);
    }
}

/// One release on the public list.
struct ListedRelease {
    href: String,
    title: String,
    date: String,
    lead: String,
    lang: &'static str,
}

#[derive(Template)]
#[template(path = "news_list.html")]
struct ListTemplate<'a> {
    ui: &'a Ui,
    releases: &'a [ListedRelease],
    page: i64,
    pages: i64,
    page_label: String,
}

/// The releases' language for a reader.
fn reader_language(ui: &Ui) -> NewsLanguage {
    match ui.t.lang {
        Lang::Zh => NewsLanguage::Zh,
        Lang::En => NewsLanguage::En,
    }
}

/// The first paragraph of a release, cut to a lead of about two lines.
fn lead(release: &NewsRelease) -> String {
    const LEAD_CHARS: usize = 160;
    let first = release.paragraphs().first().copied().unwrap_or_default();
    if first.chars().count() <= LEAD_CHARS {
        return first.to_owned();
    }
    let cut: String = first.chars().take(LEAD_CHARS).collect();
    format!("{cut}…")
}

/// The public list of published releases, newest first, no sign-in needed.
pub async fn public_list(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(query): RawQuery,
) -> PageResult {
    let query = Values::from_query(query.as_deref());
    let page = query.get("page").parse().unwrap_or(1).max(1);
    let found = state
        .store
        .published_news(reader_language(&ui), page, RELEASES_PER_PAGE)
        .await?;
    let releases: Vec<ListedRelease> = found
        .items
        .iter()
        .map(|r| ListedRelease {
            href: format!("/news/{}", r.id),
            title: r.title.clone(),
            date: ui.t.date(r.activity_date),
            lead: lead(r),
            lang: html_lang(r.language),
        })
        .collect();
    let pages = (found.total + RELEASES_PER_PAGE - 1) / RELEASES_PER_PAGE;
    let page_label = ui.t.args(
        "news-page-of",
        &[("page", page.to_string()), ("pages", pages.to_string())],
    );
    Ok(render(&ListTemplate {
        ui: &ui,
        releases: &releases,
        page,
        pages,
        page_label,
    }))
}

#[derive(Template)]
#[template(path = "news_show.html")]
struct ShowTemplate<'a> {
    ui: &'a Ui,
    release: &'a NewsRelease,
    date: String,
    lang: &'static str,
    /// The same release in the other language, if published.
    other: Option<(String, String)>,
    /// The release's photos: (address, caption).
    photos: Vec<(String, String)>,
}

/// One published release, at its own address.
pub async fn public_show(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
) -> PageResult {
    let (release, other) = state.store.published_news_release(id).await?;
    let other = other.map(|o| (format!("/news/{}", o.id), language_label(&ui, o.language)));
    let photos = release
        .photos
        .iter()
        .map(|p| (format!("/news/{id}/photos/{}", p.file), p.caption.clone()))
        .collect();
    Ok(render(&ShowTemplate {
        ui: &ui,
        date: ui.t.date(release.activity_date),
        lang: html_lang(release.language),
        release: &release,
        other,
        photos,
    }))
}

/// A photo chosen for a published release, open to everyone as the release is; any other file,
/// or a photo of a release not published, is not found.
pub async fn public_photo(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    FileId(file): FileId,
) -> PageResult {
    let file = state.store.published_news_photo(id, file).await?;
    super::files::served(crate::files::serve(&state, &file).await)
}

/// The saved release as a Word document: its title, date, paragraphs, and its photos with their
/// captions, in the release's order. A release not saved yet is its draft, without photos.
pub async fn docx(
    State(state): State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    Path(address): Path<Address>,
) -> PageResult {
    let language = address.language()?;
    let dossier = state.store.activity_dossier(id).await?;
    let (title, body, photos) = match state.store.news_release(id, language).await? {
        Some(release) => (release.title, release.body, release.photos),
        None => {
            let NewsDraft { title, body } = liaison_core::news::draft(&dossier, language);
            (title, body, Vec::new())
        }
    };
    let mut pictures = Vec::new();
    for photo in &photos {
        let file = state
            .store
            .file::<liaison_core::Activity>(id, photo.file)
            .await?;
        match crate::files::picture(
            &state,
            &file,
            liaison_files::DOCUMENT_PICTURE_SIDE,
            liaison_files::PictureFormat::Png,
        )
        .await
        {
            Ok(picture) => pictures.push(Picture {
                png: picture.bytes,
                width: picture.width,
                height: picture.height,
                caption: photo.caption.clone(),
            }),
            Err(crate::files::FileError::Store(err)) => return Err(err.into()),
            // A photo that cannot be read again is left out rather than failing the release;
            // `liaison files check` lists it.
            Err(err) => {
                tracing::warn!(file = file.id, error = ?err, "a release's photo could not be read");
            }
        }
    }
    let date = ui.t.date(dossier.activity.start_date);
    let document = move || {
        let mut doc = Document::new();
        doc.push(Block::Title(title)).push(Block::Note(date));
        for paragraph in liaison_core::news::paragraphs(&body) {
            doc.push(Block::Paragraph(paragraph.to_owned()));
        }
        for picture in pictures {
            doc.push(Block::Picture(picture));
        }
        doc.to_docx()
    };
    let bytes = super::render_file(document).await?;
    Ok(super::download(
        bytes,
        super::DOCX,
        &format!("news-{id}-{}.docx", language.as_str()),
    ))
}
