//! Spreadsheets on their way in: the uploaded rows and their state, kept per user, and the
//! look-ups a preview needs (a unit or organization named in a row, a key already in use).
//!
//! The records themselves are saved by [`Store::save_import`], in one transaction.
//!
//! Every state of an import is kept in the database, so every process shows it: its status
//! (uploaded, checking, checked, saving, saved, failed) and how far checking has come in
//! `import_batches`. How far saving has come is written while the saving transaction runs, by
//! the same task through a connection of its own, to a place that does not wait for that
//! transaction: on PostgreSQL the batch's row (the transaction writes no such row); on SQLite,
//! where the transaction holds the database's only writer until it commits, the file beside the
//! database (`database::saving_progress_path`), which has a lock of its own.

use std::collections::{HashMap, HashSet};

use liaison_core::accounts::authorize_role;
use liaison_core::{
    Action, Actor, Error as DomainError, ExchangeDocument, ImportBatch, ImportReport, ImportRow,
    ImportStatus, ORGANIZATION, RecordKind, RowProblem, UNIT,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::sql::{RowExt, in_json_list, json_list, json_text, now};
use crate::{Error, Result, Store};

const COLUMNS: &str = "id, user_id, kind, file_name, header, row_count, mapping, status, \
    progress, problems, report, failure, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<ImportBatch> {
    let kind = row.text("kind")?;
    let status = row.text("status")?;
    Ok(ImportBatch {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        kind: RecordKind::importing(&kind)
            .ok_or_else(|| Error::Corrupt(format!("unknown import kind '{kind}'")))?,
        file_name: row.text("file_name")?,
        header: row.json("header")?,
        mapping: row.json("mapping")?,
        status: ImportStatus::parse(&status)
            .ok_or_else(|| Error::Corrupt(format!("unknown import status '{status}'")))?,
        row_count: row.int("row_count")?,
        progress: row.int("progress")?,
        problems: row.json("problems")?,
        report: row
            .opt_text("report")?
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| Error::Corrupt(format!("report: {e}")))?,
        failure: row.opt_text("failure")?,
        created_at: row.timestamp("created_at")?,
        updated_at: row.timestamp("updated_at")?,
    })
}

/// The user an import belongs to; an actor without an account (the command line) has none.
fn owner(actor: &Actor) -> Result<i64> {
    actor.user_id.ok_or_else(|| {
        DomainError::Forbidden("a spreadsheet import belongs to a signed-in user".to_owned()).into()
    })
}

/// The refusal of a change of state that the batch is not ready for.
fn not_ready(message: &str) -> Error {
    DomainError::Conflict {
        message: message.to_owned(),
        current: None,
    }
    .into()
}

impl Store {
    /// Keeps an uploaded file's rows for the user, with the columns matched as first guessed.
    /// Only someone who may create records of the kind may upload them.
    pub async fn create_import(
        &self,
        actor: &Actor,
        kind: RecordKind,
        file_name: &str,
        header: &[String],
        rows: &[ImportRow],
        mapping: &[Option<String>],
    ) -> Result<i64> {
        authorize_role(actor, Action::Create, kind)?;
        let user = owner(actor)?;
        let now = now();
        let row = sqlx::query(
            "INSERT INTO import_batches (user_id, kind, file_name, header, rows, row_count, \
             mapping, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(user)
        .bind(kind.path)
        .bind(file_name)
        .bind(json_text(&header))
        .bind(crate::personal::seal_import_rows(&json_text(&rows))?)
        .bind(rows.len() as i64)
        .bind(json_text(&mapping))
        .bind(ImportStatus::Uploaded.as_str())
        .bind(now.as_str())
        .fetch_one(&self.write)
        .await?;
        row.int("id")
    }

    /// An import of the acting user; anyone else's is not found.
    pub async fn get_import(&self, actor: &Actor, id: i64) -> Result<ImportBatch> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM import_batches WHERE id = $1 AND user_id = $2"
        ))
        .bind(id)
        .bind(owner(actor)?)
        .fetch_optional(&self.read)
        .await?
        .ok_or_else(|| DomainError::not_found("import", id))?;
        let mut batch = from_row(&row)?;
        if batch.status == ImportStatus::Committing
            && let Some(saving) = &self.saving
        {
            let saved: Option<i64> =
                sqlx::query_scalar("SELECT saved FROM import_saving WHERE batch_id = $1")
                    .bind(id)
                    .fetch_optional(saving)
                    .await?;
            batch.progress = saved.unwrap_or(0);
        }
        Ok(batch)
    }

    /// The rows of an import of the acting user.
    pub async fn import_rows(&self, actor: &Actor, id: i64) -> Result<Vec<ImportRow>> {
        let row = sqlx::query("SELECT rows FROM import_batches WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(owner(actor)?)
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| DomainError::not_found("import", id))?;
        let rows = crate::personal::open_import_rows(&row.text("rows")?)?;
        serde_json::from_str(&rows).map_err(|e| crate::Error::Corrupt(format!("rows: {e}")))
    }

    /// Sets how the columns map to fields and starts checking the rows again, unless the
    /// import is being checked or saved, or has been saved.
    pub async fn start_import_check(
        &self,
        actor: &Actor,
        id: i64,
        mapping: &[Option<String>],
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE import_batches SET mapping = $3, status = $4, progress = 0, problems = '[]', \
             failure = NULL, updated_at = $5 \
             WHERE id = $1 AND user_id = $2 AND status IN ('uploaded', 'checked', 'failed')",
        )
        .bind(id)
        .bind(owner(actor)?)
        .bind(json_text(&mapping))
        .bind(ImportStatus::Checking.as_str())
        .bind(now())
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            self.get_import(actor, id).await?;
            return Err(not_ready(
                "this file is being checked or saved, or has been saved already",
            ));
        }
        Ok(())
    }

    /// Records how many rows have been checked.
    pub async fn set_import_progress(&self, actor: &Actor, id: i64, progress: i64) -> Result<()> {
        sqlx::query(
            "UPDATE import_batches SET progress = $3, updated_at = $4 \
             WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(owner(actor)?)
        .bind(progress)
        .bind(now())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records the problems every row was found to have; the import is ready for its preview.
    pub async fn finish_import_check(
        &self,
        actor: &Actor,
        id: i64,
        problems: &[RowProblem],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE import_batches SET status = $3, progress = row_count, problems = $4, \
             updated_at = $5 WHERE id = $1 AND user_id = $2 AND status = 'checking'",
        )
        .bind(id)
        .bind(owner(actor)?)
        .bind(ImportStatus::Checked.as_str())
        .bind(json_text(&problems))
        .bind(now())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Marks a checked import without problems as being saved; refuses any other, so that a
    /// file is never saved twice by two clicks.
    pub async fn start_import_commit(&self, actor: &Actor, id: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE import_batches SET status = $3, progress = 0, updated_at = $4 \
             WHERE id = $1 AND user_id = $2 AND status = 'checked' AND problems = '[]'",
        )
        .bind(id)
        .bind(owner(actor)?)
        .bind(ImportStatus::Committing.as_str())
        .bind(now())
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            self.get_import(actor, id).await?;
            return Err(not_ready(
                "only a checked file without problems can be saved, and only once",
            ));
        }
        // A count left by an earlier database of the same name is not this saving's.
        self.write_saved(id, 0).await
    }

    /// Saves the records of the import `id`, which [`Store::start_import_commit`] marked as being
    /// saved, as one document in one transaction ([`Store::import_with_progress`]): all of them,
    /// or none. Meanwhile the number reached is written where every process reads it (see the
    /// module's introduction), the latest one each time the previous write is done; the last
    /// is written before this returns, and kept until [`Store::finish_import_commit`].
    pub async fn save_import(
        &self,
        actor: &Actor,
        id: i64,
        document: &ExchangeDocument,
    ) -> Result<ImportReport> {
        let (tell, mut reached) = tokio::sync::watch::channel(0_usize);
        let saving = async move {
            let saved = self
                .import_with_progress(actor, document, &|n| {
                    tell.send_replace(n);
                })
                .await;
            // The count's writer stops once the transaction has ended.
            drop(tell);
            saved
        };
        let counting = async {
            while reached.changed().await.is_ok() {
                let n = *reached.borrow_and_update();
                if let Err(err) = self.write_saved(id, n as i64).await {
                    tracing::warn!(error = %err, import = id, "how far saving has come was not written");
                }
            }
        };
        let (saved, ()) = tokio::join!(saving, counting);
        saved
    }

    /// Writes how many records saving the import `id` has reached, outside its transaction.
    async fn write_saved(&self, id: i64, saved: i64) -> Result<()> {
        match &self.saving {
            Some(place) => {
                sqlx::query(
                    "INSERT INTO import_saving (batch_id, saved) VALUES ($1, $2) \
                     ON CONFLICT (batch_id) DO UPDATE SET saved = excluded.saved",
                )
                .bind(id)
                .bind(saved)
                .execute(place)
                .await?;
            }
            None => {
                sqlx::query(
                    "UPDATE import_batches SET progress = $2 \
                     WHERE id = $1 AND status = 'committing'",
                )
                .bind(id)
                .bind(saved)
                .execute(&self.write)
                .await?;
            }
        }
        Ok(())
    }

    /// Records what saving did: the report, or why nothing was saved.
    pub async fn finish_import_commit(
        &self,
        actor: &Actor,
        id: i64,
        outcome: std::result::Result<ImportReport, String>,
    ) -> Result<()> {
        let (status, report, failure) = match outcome {
            Ok(report) => (ImportStatus::Committed, Some(json_text(&report)), None),
            Err(why) => (ImportStatus::Failed, None, Some(why)),
        };
        sqlx::query(
            "UPDATE import_batches SET status = $3, report = $4, failure = $5, updated_at = $6 \
             WHERE id = $1 AND user_id = $2 AND status = 'committing'",
        )
        .bind(id)
        .bind(owner(actor)?)
        .bind(status.as_str())
        .bind(report)
        .bind(failure)
        .bind(now())
        .execute(&self.write)
        .await?;
        if let Some(place) = &self.saving {
            sqlx::query("DELETE FROM import_saving WHERE batch_id = $1")
                .bind(id)
                .execute(place)
                .await?;
        }
        Ok(())
    }

    /// The units or organizations a spreadsheet cell names: `#12` by number, else by key, by
    /// either name (English ignoring case), or an organization by its abbreviation. Several
    /// when the name is not unique.
    pub async fn find_named(&self, target: RecordKind, text: &str) -> Result<Vec<i64>> {
        let also = if target == UNIT {
            ""
        } else if target == ORGANIZATION {
            " OR LOWER(abbreviation) = LOWER($1)"
        } else {
            return Err(Error::Unsupported(format!(
                "{target} records are not named in spreadsheets"
            )));
        };
        let table = target.table;
        let text = text.trim();
        let rows = match text.strip_prefix('#').map(str::parse::<i64>) {
            Some(Ok(id)) => {
                sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1"))
                    .bind(id)
                    .fetch_all(&self.read)
                    .await?
            }
            _ => {
                sqlx::query(&format!(
                    "SELECT id FROM {table} WHERE key = $1 OR name_zh = $1 \
                     OR LOWER(name_en) = LOWER($1){also} ORDER BY id LIMIT 5"
                ))
                .bind(text)
                .fetch_all(&self.read)
                .await?
            }
        };
        rows.iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(Error::from))
            .collect()
    }

    /// The records each of `texts` names, as [`Store::find_named`] finds them: those written
    /// `#12` in one statement, the others one at a time.
    pub async fn find_all_named(
        &self,
        target: RecordKind,
        texts: &[&str],
    ) -> Result<HashMap<String, Vec<i64>>> {
        let mut found = HashMap::new();
        let mut numbers = Vec::new();
        for text in texts {
            match text.trim().strip_prefix('#').map(str::parse::<i64>) {
                Some(Ok(id)) => numbers.push((*text, id)),
                _ => {
                    found.insert((*text).to_owned(), self.find_named(target, text).await?);
                }
            }
        }
        let sql = format!(
            "SELECT id FROM {} WHERE id {}",
            target.table,
            in_json_list(self.backend, "BIGINT")
        );
        let ids: Vec<i64> = numbers.iter().map(|(_, id)| *id).collect();
        let existing: HashSet<i64> = sqlx::query_scalar(&sql)
            .bind(json_list(&ids))
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .collect();
        for (text, id) in numbers {
            let ids = if existing.contains(&id) {
                vec![id]
            } else {
                Vec::new()
            };
            found.insert(text.to_owned(), ids);
        }
        Ok(found)
    }

    /// Which of `keys` records of this kind have already.
    pub async fn keys_in_use(&self, kind: RecordKind, keys: &[&str]) -> Result<HashSet<String>> {
        let mut conn = self.read.acquire().await?;
        crate::resolve::keys_in_use(&mut conn, kind, keys).await
    }
}

#[cfg(test)]
mod tests {
    use liaison_core::{Actor, ExchangeDocument, ImportRow, ImportStatus, PERSON, UserInput};

    use crate::testing::TestDatabase;
    use crate::{Backend, Store};

    /// Every state of an import, and how far saving came, as a second process sharing the
    /// database reads them.
    async fn another_process_sees_each_state_of_an_import_and_how_far_saving_came(
        backend: Backend,
    ) {
        let db = TestDatabase::new(backend).await;
        let here = &db.store;
        let elsewhere = Store::open(&db.url).await.unwrap();
        let input: UserInput = serde_json::from_value(serde_json::json!({
            "username": "officer", "display_name": "Officer", "role": "admin"
        }))
        .unwrap();
        let user = here
            .create_user(
                &Actor::command_line("imports test"),
                input,
                "not a real hash",
            )
            .await
            .unwrap();
        let actor = user.actor(None);
        let names: Vec<String> = (0..30).map(|i| format!("Guest {i}")).collect();
        let rows: Vec<ImportRow> = names
            .iter()
            .enumerate()
            .map(|(i, name)| ImportRow {
                line: i as i64 + 2,
                cells: vec![name.clone()],
            })
            .collect();
        let mapping = [Some("name_en".to_owned())];
        let id = here
            .create_import(
                &actor,
                PERSON,
                "guests.csv",
                &["Name (English)".to_owned()],
                &rows,
                &mapping,
            )
            .await
            .unwrap();
        let seen = async || elsewhere.get_import(&actor, id).await.unwrap();
        assert_eq!(seen().await.status, ImportStatus::Uploaded);
        here.start_import_check(&actor, id, &mapping).await.unwrap();
        here.set_import_progress(&actor, id, 12).await.unwrap();
        let checking = seen().await;
        assert_eq!(
            (checking.status, checking.progress),
            (ImportStatus::Checking, 12)
        );
        here.finish_import_check(&actor, id, &[]).await.unwrap();
        assert_eq!(seen().await.status, ImportStatus::Checked);
        here.start_import_commit(&actor, id).await.unwrap();
        let saving = seen().await;
        assert_eq!(
            (saving.status, saving.progress),
            (ImportStatus::Committing, 0)
        );

        let document: ExchangeDocument = serde_json::from_value(serde_json::json!({
            "people": names.iter().map(|n| serde_json::json!({"name_en": n})).collect::<Vec<_>>()
        }))
        .unwrap();
        let report = here.save_import(&actor, id, &document).await.unwrap();
        assert_eq!(report.created, 30);
        // The last count saving wrote, read by the other process before the result is recorded.
        let saved = seen().await;
        assert_eq!(
            (saved.status, saved.progress),
            (ImportStatus::Committing, 30)
        );
        here.finish_import_commit(&actor, id, Ok(report))
            .await
            .unwrap();
        let done = seen().await;
        assert_eq!(done.status, ImportStatus::Committed);
        assert_eq!(done.report.map(|r| r.created), Some(30));
        elsewhere.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_another_process_sees_each_state_of_an_import_and_how_far_saving_came() {
        another_process_sees_each_state_of_an_import_and_how_far_saving_came(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_another_process_sees_each_state_of_an_import_and_how_far_saving_came() {
        another_process_sees_each_state_of_an_import_and_how_far_saving_came(Backend::Postgres)
            .await;
    }
}
