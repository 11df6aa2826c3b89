//! News releases: saved with their activity, changed by whoever may change the activity, and
//! read by the public once published.

use liaison_core::accounts::authorize;
use liaison_core::accounts::authorize_role;
use liaison_core::audit::changes;
use liaison_core::{
    ACTIVITY, Action, Actor, ExchangeNewsPhoto, ExchangeNewsRelease, FieldErrors, NewsLanguage,
    NewsPhoto, NewsPhotoInput, NewsRelease, NewsReleaseInput, Page, StoredFile, Validate,
    export_key,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::sql::{self, RowExt};
use crate::{Error, Result, Store, audit};

const COLUMNS: &str = "n.id, n.activity_id, n.language, n.title, n.body, n.published, \
     n.published_at, n.version, n.created_at, n.updated_at, a.start_date";

const FROM: &str = "news_releases n JOIN activities a ON a.id = n.activity_id";

fn from_row(row: &AnyRow) -> Result<NewsRelease> {
    let language = row.text("language")?;
    Ok(NewsRelease {
        id: row.int("id")?,
        activity_id: row.int("activity_id")?,
        language: NewsLanguage::parse(&language)
            .ok_or_else(|| Error::Corrupt(format!("language: '{language}'")))?,
        title: row.text("title")?,
        body: row.text("body")?,
        published: row.int("published")? != 0,
        published_at: match row.opt_text("published_at")? {
            Some(_) => Some(row.timestamp("published_at")?),
            None => None,
        },
        activity_date: row.date("start_date")?,
        version: row.int("version")?,
        created_at: row.timestamp("created_at")?,
        updated_at: row.timestamp("updated_at")?,
        photos: Vec::new(),
    })
}

/// A release with its photos, in the order it shows them.
async fn with_photos(conn: &mut AnyConnection, mut release: NewsRelease) -> Result<NewsRelease> {
    let rows = sqlx::query(
        "SELECT f.id, f.name, f.media_type, p.caption FROM news_photos p \
         JOIN files f ON f.id = p.file_id WHERE p.release_id = $1 ORDER BY p.position",
    )
    .bind(release.id)
    .fetch_all(&mut *conn)
    .await?;
    release.photos = rows
        .iter()
        .map(|row| {
            Ok(NewsPhoto {
                file: row.int("id")?,
                name: row.text("name")?,
                media_type: row.text("media_type")?,
                caption: row.text("caption")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(release)
}

/// Replaces the photos of release `release` of activity `activity_id` with `photos`, in order.
/// Each must be an image among the activity's files; a caption left empty is the file's own.
async fn save_photos(
    conn: &mut AnyConnection,
    release: i64,
    activity_id: i64,
    photos: &[NewsPhotoInput],
) -> Result<()> {
    sqlx::query("DELETE FROM news_photos WHERE release_id = $1")
        .bind(release)
        .execute(&mut *conn)
        .await?;
    let mut errors = FieldErrors::default();
    for (position, photo) in photos.iter().enumerate() {
        let own: Option<String> = sqlx::query_scalar(
            "SELECT caption FROM files WHERE id = $1 AND record_kind = $2 AND record_id = $3 \
             AND media_type LIKE 'image/%'",
        )
        .bind(photo.file)
        .bind(ACTIVITY.as_str())
        .bind(activity_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(own) = own else {
            errors.add(
                format!("photos[{position}].file"),
                "not_a_photo",
                format!("file {} is not a photo of this activity", photo.file),
            );
            continue;
        };
        let caption = if photo.caption.is_empty() {
            own
        } else {
            photo.caption.clone()
        };
        sqlx::query(
            "INSERT INTO news_photos (release_id, file_id, position, caption) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(release)
        .bind(photo.file)
        .bind(position as i64)
        .bind(caption)
        .execute(&mut *conn)
        .await?;
    }
    if !errors.is_empty() {
        return Err(liaison_core::Error::Invalid(errors).into());
    }
    Ok(())
}

async fn find(
    conn: &mut AnyConnection,
    activity_id: i64,
    language: NewsLanguage,
) -> Result<Option<NewsRelease>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE n.activity_id = $1 AND n.language = $2"
    ))
    .bind(activity_id)
    .bind(language.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(with_photos(conn, from_row(&row)?).await?)),
        None => Ok(None),
    }
}

/// What the audit log shows of a release.
fn audited(release: &NewsRelease) -> serde_json::Value {
    serde_json::json!({
        "activity_id": release.activity_id,
        "language": release.language,
        "title": release.title,
        "body": release.body,
        "published": release.published,
        "photos": release
            .photos
            .iter()
            .map(|p| serde_json::json!({"file": p.file, "caption": p.caption}))
            .collect::<Vec<_>>(),
    })
}

/// Adds a release an exchange document brings for the activity `activity_id`, in the import's
/// transaction; `false` when the activity has a release in that language already, which is left
/// as it is. `input` is the release's title, text and publication, checked.
pub(crate) async fn import_release(
    conn: &mut AnyConnection,
    actor: &Actor,
    activity_id: i64,
    release: &ExchangeNewsRelease,
    input: &NewsReleaseInput,
) -> Result<bool> {
    authorize_role(actor, Action::Change, ACTIVITY)?;
    if find(conn, activity_id, release.language).await?.is_some() {
        return Ok(false);
    }
    let now = sql::now();
    // A published release keeps the time it was first published, which orders the public list.
    let published_at = match (input.published, release.published_at) {
        (false, _) => None,
        (true, Some(at)) => Some(at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        (true, None) => Some(now.clone()),
    };
    sqlx::query(
        "INSERT INTO news_releases (activity_id, language, title, body, published, \
         published_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(activity_id)
    .bind(release.language.as_str())
    .bind(input.title.as_str())
    .bind(input.body.as_str())
    .bind(i64::from(input.published))
    .bind(published_at)
    .bind(now.as_str())
    .execute(&mut *conn)
    .await
    .map_err(Error::from_write)?;
    let after = find(conn, activity_id, release.language)
        .await?
        .ok_or_else(|| liaison_core::Error::not_found("news release", activity_id))?;
    let diff = changes(None, Some(&audited(&after)));
    audit::record(conn, actor, "create", "news_release", Some(after.id), &diff).await?;
    Ok(true)
}

/// The file of activity `activity_id` an exchange document's photo names: the one with its
/// hash and name, else the first with its hash (a name cleaned differently on the way).
async fn photo_file(
    conn: &mut AnyConnection,
    activity_id: i64,
    photo: &ExchangeNewsPhoto,
) -> Result<Option<i64>> {
    let found = sqlx::query_scalar(
        "SELECT id FROM files WHERE record_kind = $1 AND record_id = $2 AND content_hash = $3 \
         AND media_type LIKE 'image/%' ORDER BY CASE WHEN name = $4 THEN 0 ELSE 1 END, id \
         LIMIT 1",
    )
    .bind(ACTIVITY.as_str())
    .bind(activity_id)
    .bind(photo.content_hash.as_str())
    .bind(photo.name.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found)
}

/// Every release as an export carries it, oldest first, its activity named by key and its
/// photos by their files' hashes and names, in order.
pub(crate) async fn exported_releases(
    conn: &mut AnyConnection,
) -> Result<Vec<ExchangeNewsRelease>> {
    let rows = sqlx::query(
        "SELECT n.id, n.language, n.title, n.body, n.published, n.published_at, \
         a.id AS activity_id, a.key AS activity_key FROM news_releases n \
         JOIN activities a ON a.id = n.activity_id ORDER BY n.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let photo_rows = sqlx::query(
        "SELECT p.release_id, f.content_hash, f.name, p.caption FROM news_photos p \
         JOIN files f ON f.id = p.file_id ORDER BY p.release_id, p.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut photos: std::collections::HashMap<i64, Vec<ExchangeNewsPhoto>> = Default::default();
    for row in &photo_rows {
        photos
            .entry(row.int("release_id")?)
            .or_default()
            .push(ExchangeNewsPhoto {
                content_hash: row.text("content_hash")?,
                name: row.text("name")?,
                caption: row.text("caption")?,
            });
    }
    rows.iter()
        .map(|row| {
            let language = row.text("language")?;
            Ok(ExchangeNewsRelease {
                photos: photos.remove(&row.int("id")?).unwrap_or_default(),
                activity: export_key(
                    ACTIVITY,
                    row.int("activity_id")?,
                    &row.opt_text("activity_key")?,
                ),
                language: NewsLanguage::parse(&language)
                    .ok_or_else(|| Error::Corrupt(format!("language: '{language}'")))?,
                title: row.text("title")?,
                body: row.text("body")?,
                published: row.int("published")? != 0,
                published_at: match row.opt_text("published_at")? {
                    Some(_) => Some(row.timestamp("published_at")?),
                    None => None,
                },
            })
        })
        .collect()
}

impl Store {
    /// The saved release of an activity in one language, if the office has saved one.
    pub async fn news_release(
        &self,
        activity_id: i64,
        language: NewsLanguage,
    ) -> Result<Option<NewsRelease>> {
        let mut conn = self.read.acquire().await?;
        find(&mut conn, activity_id, language).await
    }

    /// Saves the release of an activity in one language: the first save creates it, later ones
    /// must name the version they edited. Whoever may change the activity may change its
    /// releases, and publishing is such a change.
    pub async fn save_news_release(
        &self,
        actor: &Actor,
        activity_id: i64,
        language: NewsLanguage,
        input: NewsReleaseInput,
    ) -> Result<NewsRelease> {
        let input = input.validated()?;
        let mut tx = self.begin_write().await?;
        let unit = sqlx::query("SELECT host_unit_id FROM activities WHERE id = $1")
            .bind(activity_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| liaison_core::Error::not_found("activity", activity_id))?
            .opt_int("host_unit_id")?;
        authorize(actor, Action::Change, ACTIVITY, unit)?;
        let before = find(&mut tx, activity_id, language).await?;
        let now = sql::now();
        let published = i64::from(input.published);
        match &before {
            None => {
                if input.version.is_some() {
                    return Err(liaison_core::Error::Conflict {
                        message: "this release was deleted with its activity, or never saved; \
                                  nothing was saved"
                            .to_owned(),
                        current: None,
                    }
                    .into());
                }
                sqlx::query(
                    "INSERT INTO news_releases (activity_id, language, title, body, published, \
                     published_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(activity_id)
                .bind(language.as_str())
                .bind(input.title.as_str())
                .bind(input.body.as_str())
                .bind(published)
                .bind(input.published.then_some(now.as_str()))
                .bind(now.as_str())
                .execute(&mut *tx)
                .await
                .map_err(Error::from_write)?;
            }
            Some(current) => {
                // A form opened before the release was first saved names no version: someone
                // else saved it in between, and this is their text's conflict, not a mistake.
                let Some(expected) = input.version else {
                    return Err(liaison_core::Error::Conflict {
                        message: format!(
                            "this release was saved by someone else while you wrote yours (it is \
                             now at version {}). Nothing was saved.",
                            current.version
                        ),
                        current: serde_json::to_value(current).ok(),
                    }
                    .into());
                };
                let done = sqlx::query(
                    "UPDATE news_releases SET title = $3, body = $4, published = $5, \
                     published_at = COALESCE(published_at, $6), version = version + 1, \
                     updated_at = $7 WHERE id = $1 AND version = $2",
                )
                .bind(current.id)
                .bind(expected)
                .bind(input.title.as_str())
                .bind(input.body.as_str())
                .bind(published)
                .bind(input.published.then_some(now.as_str()))
                .bind(now.as_str())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(liaison_core::Error::Conflict {
                        message: format!(
                            "this release was changed by someone else: you edited version \
                             {expected}, it is now at version {}. Nothing was saved.",
                            current.version
                        ),
                        current: serde_json::to_value(current).ok(),
                    }
                    .into());
                }
            }
        }
        let saved: i64 = sqlx::query_scalar(
            "SELECT id FROM news_releases WHERE activity_id = $1 AND language = $2",
        )
        .bind(activity_id)
        .bind(language.as_str())
        .fetch_one(&mut *tx)
        .await?;
        save_photos(&mut tx, saved, activity_id, &input.photos).await?;
        let after = find(&mut tx, activity_id, language)
            .await?
            .ok_or_else(|| liaison_core::Error::not_found("news release", activity_id))?;
        let diff = changes(
            before.as_ref().map(audited).as_ref(),
            Some(&audited(&after)),
        );
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            &mut tx,
            actor,
            action,
            "news_release",
            Some(after.id),
            &diff,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Shows on the releases an exchange document brings the photos it names for them, once
    /// the document's records and files are in: in one transaction, every release that shows
    /// no photos yet is given its own, or none is. A release that shows photos already is left
    /// as it is, so importing a document twice changes nothing. A photo the activity does not
    /// keep is refused, naming the release and the file. Answers how many releases were given
    /// photos.
    pub async fn show_imported_news_photos(
        &self,
        actor: &Actor,
        releases: &[ExchangeNewsRelease],
    ) -> Result<usize> {
        authorize_role(actor, Action::Change, ACTIVITY)?;
        let mut tx = self.begin_write().await?;
        let mut shown = 0;
        let mut errors = FieldErrors::default();
        for (i, imported) in releases.iter().enumerate() {
            if imported.photos.is_empty() {
                continue;
            }
            let Some(activity_id) =
                sqlx::query_scalar::<_, i64>("SELECT id FROM activities WHERE key = $1")
                    .bind(imported.activity.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
            else {
                errors.add(
                    format!("news[{i}].activity"),
                    "not_found",
                    format!("no activity has the key '{}'", imported.activity),
                );
                continue;
            };
            let Some(before) = find(&mut tx, activity_id, imported.language).await? else {
                errors.add(
                    format!("news[{i}]"),
                    "not_found",
                    format!(
                        "the {} release of {} is not saved",
                        imported.language.as_str(),
                        imported.activity
                    ),
                );
                continue;
            };
            if !before.photos.is_empty() {
                continue;
            }
            let mut chosen = Vec::new();
            for (j, photo) in imported.photos.iter().enumerate() {
                match photo_file(&mut tx, activity_id, photo).await? {
                    Some(file) => chosen.push(NewsPhotoInput {
                        file,
                        caption: photo.caption.clone(),
                    }),
                    None => errors.add(
                        format!("news[{i}].photos[{j}]"),
                        "not_found",
                        format!(
                            "the {} release of {} shows the photo {} ({}), which the activity \
                             does not keep",
                            imported.language.as_str(),
                            imported.activity,
                            photo.name,
                            photo.content_hash
                        ),
                    ),
                }
            }
            if !errors.is_empty() {
                continue;
            }
            save_photos(&mut tx, before.id, activity_id, &chosen).await?;
            let after = find(&mut tx, activity_id, imported.language)
                .await?
                .ok_or_else(|| liaison_core::Error::not_found("news release", activity_id))?;
            let diff = changes(Some(&audited(&before)), Some(&audited(&after)));
            audit::record(
                &mut tx,
                actor,
                "update",
                "news_release",
                Some(after.id),
                &diff,
            )
            .await?;
            shown += 1;
        }
        if !errors.is_empty() {
            return Err(liaison_core::Error::Invalid(errors).into());
        }
        tx.commit().await?;
        Ok(shown)
    }

    /// Published releases, newest first, for the public pages: each activity once, in
    /// `language` where it has a release in it, else in the other.
    pub async fn published_news(
        &self,
        language: NewsLanguage,
        page: i64,
        per_page: i64,
    ) -> Result<Page<NewsRelease>> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let visible = "n.published = 1 AND (n.language = $1 OR NOT EXISTS (\
             SELECT 1 FROM news_releases o WHERE o.activity_id = n.activity_id \
             AND o.language = $1 AND o.published = 1))";
        let mut conn = self.read.acquire().await?;
        let total = sqlx::query(&format!(
            "SELECT COUNT(*) AS total FROM news_releases n WHERE {visible}"
        ))
        .bind(language.as_str())
        .fetch_one(&mut *conn)
        .await?
        .int("total")?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE {visible} \
             ORDER BY n.published_at DESC, n.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(language.as_str())
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<Result<_>>()?,
            total,
            page,
            per_page,
        })
    }

    /// A photo chosen for a published release, for its public page; no other file of any record
    /// is found this way, and no photo of an unpublished release.
    pub async fn published_news_photo(&self, release: i64, file: i64) -> Result<StoredFile> {
        let mut conn = self.read.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM files WHERE id = $2 AND EXISTS (SELECT 1 FROM news_photos p \
             JOIN news_releases n ON n.id = p.release_id \
             WHERE p.file_id = files.id AND n.id = $1 AND n.published = 1)",
            crate::files::COLUMNS
        ))
        .bind(release)
        .bind(file)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| liaison_core::Error::not_found("news photo", file))?;
        crate::files::from_row(&row)
    }

    /// One published release and the other language's, if that is published too; an
    /// unpublished release is not found, whoever asks.
    pub async fn published_news_release(
        &self,
        id: i64,
    ) -> Result<(NewsRelease, Option<NewsRelease>)> {
        let mut conn = self.read.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE n.id = $1 AND n.published = 1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| liaison_core::Error::not_found("news release", id))?;
        let release = with_photos(&mut conn, from_row(&row)?).await?;
        let other_language = match release.language {
            NewsLanguage::Zh => NewsLanguage::En,
            NewsLanguage::En => NewsLanguage::Zh,
        };
        let other = find(&mut conn, release.activity_id, other_language)
            .await?
            .filter(|r| r.published);
        Ok((release, other))
    }
}
