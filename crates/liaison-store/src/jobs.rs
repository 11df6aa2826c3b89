//! Jobs that run exactly once across processes, the outbox of e-mail, and the notifications each
//! user reads in Liaison.
//!
//! A job is written in the transaction of the change that causes it. A worker claims the next
//! due job with a lease (one `UPDATE … RETURNING`, on PostgreSQL over a row locked with `FOR
//! UPDATE SKIP LOCKED`), does it, and finishes it only while it still holds that lease; a job
//! whose worker died is claimed again once the lease runs out. A failed job waits longer after
//! each attempt. A daily sweep writes its jobs in the transaction that takes its `(task, slot)`
//! row, so one process runs each slot.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use liaison_core::reminders::{
    JobRow, Notice, Notification, NotificationSettings, OutboxMessage, ReminderPolicy, Rule,
};
use liaison_core::{Actor, Error as DomainError, UserRole};
use sqlx::AnyConnection;

use crate::sql::{self, RowExt, json_text};
use crate::{Backend, Result, Store, audit, policies};

/// Attempts before a job is left failed for an admin to retry.
pub const MAX_ATTEMPTS: i64 = 8;

/// A timestamp as stored: RFC 3339 in UTC with microseconds, so it sorts as text.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A job claimed by this worker: what to do, and the lease that lets it finish the job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub subject: Option<String>,
    pub payload: serde_json::Value,
    pub attempts: i64,
    pub lease: String,
}

/// A job to write: its kind, de-duplication key, subject, payload and when it is due.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub key: String,
    pub subject: Option<String>,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
}

impl NewJob {
    /// The job that gives `notice` at `run_at`, keyed by the notice.
    pub fn notice(notice: &Notice, run_at: DateTime<Utc>) -> NewJob {
        NewJob {
            kind: "notice".to_owned(),
            key: format!("notice:{}", notice.key),
            subject: None,
            payload: serde_json::to_value(notice).unwrap_or_default(),
            run_at,
        }
    }
}

/// An account a notice is given to, with what its message needs.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: i64,
    pub display_name: String,
    pub language: Option<String>,
    pub settings: NotificationSettings,
}

impl Recipient {
    /// Whether `rule` reaches this account by e-mail now (not in a digest, not turned off).
    pub fn mailed(&self, rule: Rule) -> bool {
        self.settings.email.is_some()
            && (rule.mandatory() || (!self.settings.digest && !self.settings.muted.contains(&rule)))
    }
}

/// A notice written out for one recipient: the notification, and the e-mail when one goes.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub user_id: i64,
    pub rule: Rule,
    pub key: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub mail: Option<Mail>,
}

/// An e-mail to write to the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub address: String,
    pub language: String,
    pub subject: String,
    pub body: String,
}

/// The claim's one difference between the databases: PostgreSQL skips the rows another worker
/// holds; SQLite has one writer at a time, so the single `UPDATE` is already alone.
fn claim_sql(backend: Backend) -> String {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease = $2, \
         leased_until = $3 WHERE id = (SELECT id FROM jobs WHERE (state = 'waiting' AND \
         run_at <= $1) OR (state = 'running' AND leased_until <= $1) ORDER BY run_at, id \
         LIMIT 1{lock}) RETURNING id, kind, subject, payload, attempts"
    )
}

/// Writes `job` unless a job with its key exists.
pub(crate) async fn enqueue(conn: &mut AnyConnection, job: &NewJob) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, dedup_key, subject, payload, run_at, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'waiting', $6) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(&job.kind)
    .bind(&job.key)
    .bind(job.subject.as_deref())
    .bind(json_text(&job.payload))
    .bind(stamp(job.run_at))
    .bind(sql::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Cancels the waiting jobs of `kind` about `subject`: the change that ends what they remind of.
pub(crate) async fn cancel(conn: &mut AnyConnection, kind: &str, subject: &str) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'cancelled', finished_at = $3 \
         WHERE subject = $1 AND kind = $2 AND state = 'waiting'",
    )
    .bind(subject)
    .bind(kind)
    .bind(sql::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks `job` done if this worker still holds its lease; false if it does not (it ran too long
/// and another worker took it over).
async fn finish(conn: &mut AnyConnection, job: &Job) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', lease = NULL, leased_until = NULL, finished_at = $3 \
         WHERE id = $1 AND lease = $2 AND state = 'running'",
    )
    .bind(job.id)
    .bind(&job.lease)
    .bind(sql::now())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn job_row(row: &impl RowExt) -> Result<JobRow> {
    Ok(JobRow {
        id: row.int("id")?,
        kind: row.text("kind")?,
        key: row.text("dedup_key")?,
        state: row.text("state")?,
        attempts: row.int("attempts")?,
        run_at: row.text("run_at")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.text("created_at")?,
        finished_at: row.opt_text("finished_at")?,
    })
}

/// The columns a [`Notification`] is read from.
const NOTIFICATION_COLUMNS: &str = "id, rule, title, body, link, created_at, read_at";

fn notification_row(row: &impl RowExt) -> Result<Notification> {
    Ok(Notification {
        id: row.int("id")?,
        rule: row.text("rule")?,
        title: row.text("title")?,
        body: row.text("body")?,
        link: row.text("link")?,
        created_at: row.text("created_at")?,
        read_at: row.opt_text("read_at")?,
    })
}

fn outbox_row(row: &impl RowExt) -> Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: row.int("id")?,
        user_id: row.opt_int("user_id")?,
        address: row.text("address")?,
        language: row.text("language")?,
        rule: row.text("rule")?,
        subject: row.text("subject")?,
        body: row.text("body")?,
        state: row.text("state")?,
        attempts: row.int("attempts")?,
        reply: row.opt_text("reply")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.text("created_at")?,
        sent_at: row.opt_text("sent_at")?,
    })
}

fn admin_only(actor: &Actor, what: &str) -> Result<()> {
    if actor.role != UserRole::Admin {
        return Err(DomainError::Forbidden(format!("only an admin {what}")).into());
    }
    Ok(())
}

impl Store {
    /// Claims the next job due at `now` for `lease_for`: a waiting job, or a running one whose
    /// lease ran out.
    pub async fn claim_job(&self, now: DateTime<Utc>, lease_for: Duration) -> Result<Option<Job>> {
        let lease = liaison_core::secrets::new_token();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&claim_sql(self.backend))
            .bind(stamp(now))
            .bind(&lease)
            .bind(stamp(now + lease_for))
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Job {
            id: row.int("id")?,
            kind: row.text("kind")?,
            subject: row.opt_text("subject")?,
            payload: row.json("payload")?,
            attempts: row.int("attempts")?,
            lease,
        }))
    }

    /// Marks `job` done; false if its lease was lost.
    pub async fn finish_job(&self, job: &Job) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = finish(&mut tx, job).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Finishes `job` and writes the jobs it leaves, in one transaction (a repeating reminder's
    /// next round); false, and nothing written, if its lease was lost.
    pub async fn finish_job_with(&self, job: &Job, next: &[NewJob]) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !finish(&mut tx, job).await? {
            return Ok(false);
        }
        for new in next {
            enqueue(&mut tx, new).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records that `job` failed with `error` at `now`: it runs again after a wait that doubles
    /// with each attempt (a minute, two, four… at most six hours), or, after [`MAX_ATTEMPTS`], is
    /// left failed for an admin to retry. The outbox message a mail job carries is marked the
    /// same way.
    pub async fn fail_job(&self, job: &Job, error: &str, now: DateTime<Utc>) -> Result<()> {
        let wait = Duration::minutes(1 << (job.attempts - 1).clamp(0, 9)).min(Duration::hours(6));
        let state = if job.attempts >= MAX_ATTEMPTS {
            "failed"
        } else {
            "waiting"
        };
        let error: String = error.chars().take(2000).collect();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE jobs SET state = $3, run_at = $4, last_error = $5, lease = NULL, \
             leased_until = NULL WHERE id = $1 AND lease = $2 AND state = 'running'",
        )
        .bind(job.id)
        .bind(&job.lease)
        .bind(state)
        .bind(stamp(now + wait))
        .bind(&error)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 1
            && let Some(outbox) = job.payload.get("outbox").and_then(|v| v.as_i64())
        {
            let outbox_state = if state == "failed" {
                "failed"
            } else {
                "waiting"
            };
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2, state = $3 \
                 WHERE id = $1",
            )
            .bind(outbox)
            .bind(&error)
            .bind(outbox_state)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An admin sends a failed or waiting job again at once: its attempts start over.
    pub async fn retry_job(&self, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<()> {
        admin_only(actor, "retries a job")?;
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE jobs SET state = 'waiting', attempts = 0, run_at = $2 \
             WHERE id = $1 AND state IN ('failed', 'waiting')",
        )
        .bind(id)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(DomainError::not_found("job", id).into());
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "job",
            Some(id),
            &serde_json::json!({"retry": true}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest jobs, at most `limit`, of one state or all.
    pub async fn jobs(&self, state: Option<&str>, limit: i64) -> Result<Vec<JobRow>> {
        let columns = "SELECT id, kind, dedup_key, state, attempts, run_at, last_error, \
                       created_at, finished_at FROM jobs";
        let rows = match state {
            Some(state) => {
                sqlx::query(&format!(
                    "{columns} WHERE state = $1 ORDER BY id DESC LIMIT $2"
                ))
                .bind(state)
                .bind(limit)
                .fetch_all(&self.read)
                .await?
            }
            None => {
                sqlx::query(&format!("{columns} ORDER BY id DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?
            }
        };
        rows.iter().map(job_row).collect()
    }

    /// How many jobs are in each state.
    pub async fn job_counts(&self) -> Result<BTreeMap<String, i64>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| Ok((row.text("state")?, row.int("n")?)))
            .collect()
    }

    /// Takes the slot `(task, slot)` and writes `jobs` with it, in one transaction; false, and
    /// nothing written, when another process took the slot first.
    pub async fn take_slot(&self, task: &str, slot: &str, jobs: &[NewJob]) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query(
            "INSERT INTO job_slots (task, slot, taken_at) VALUES ($1, $2, $3) \
             ON CONFLICT (task, slot) DO NOTHING",
        )
        .bind(task)
        .bind(slot)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(false);
        }
        for job in jobs {
            enqueue(&mut tx, job).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The accounts of `ids` that are active, with their language and notification settings.
    pub async fn recipients(&self, ids: &[i64]) -> Result<Vec<Recipient>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT u.id, u.display_name, u.language, s.email, s.digest, s.muted FROM users u \
             LEFT JOIN notification_settings s ON s.user_id = u.id \
             WHERE u.active = 1 AND u.id IN ({}) ORDER BY u.id",
            sql::placeholders(1, ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                let muted: Vec<Rule> = match row.opt_text("muted")? {
                    Some(text) => serde_json::from_str(&text).unwrap_or_default(),
                    None => Vec::new(),
                };
                Ok(Recipient {
                    user_id: row.int("id")?,
                    display_name: row.text("display_name")?,
                    language: row.opt_text("language")?,
                    settings: NotificationSettings {
                        email: row.opt_text("email")?,
                        digest: row.opt_int("digest")?.unwrap_or(0) != 0,
                        muted,
                    },
                })
            })
            .collect()
    }

    /// Gives the notices `job` carried: each notification, and each e-mail with the job that
    /// sends it, written with the job's end in one transaction, so a notice is given once
    /// however many workers run; false, and nothing written, if the lease was lost.
    pub async fn deliver(
        &self,
        job: &Job,
        deliveries: &[Delivery],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !finish(&mut tx, job).await? {
            return Ok(false);
        }
        for d in deliveries {
            let key = format!("{}:{}", d.key, d.user_id);
            sqlx::query(
                "INSERT INTO notifications (dedup_key, user_id, rule, title, body, link, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (dedup_key) DO NOTHING",
            )
            .bind(&key)
            .bind(d.user_id)
            .bind(d.rule.as_str())
            .bind(&d.title)
            .bind(&d.body)
            .bind(&d.link)
            .bind(sql::now())
            .execute(&mut *tx)
            .await?;
            if let Some(mail) = &d.mail {
                write_mail(&mut tx, &key, Some(d.user_id), d.rule, mail, now).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A message of the outbox.
    pub async fn outbox_message(&self, id: i64) -> Result<OutboxMessage> {
        let row = sqlx::query("SELECT * FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| DomainError::not_found("outbox message", id))?;
        outbox_row(&row)
    }

    /// Records the SMTP server's `reply` to message `outbox`, sent by `job`, and ends the job.
    pub async fn record_sent(&self, job: &Job, outbox: i64, reply: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !finish(&mut tx, job).await? {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1, reply = $2, \
             last_error = NULL, sent_at = $3 WHERE id = $1",
        )
        .bind(outbox)
        .bind(reply)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The newest messages of the outbox, at most `limit`; an admin's to read.
    pub async fn outbox(&self, actor: &Actor, limit: i64) -> Result<Vec<OutboxMessage>> {
        admin_only(actor, "reads the outbox")?;
        let rows = sqlx::query("SELECT * FROM outbox ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(outbox_row).collect()
    }

    /// The newest notifications of account `user`, at most `limit`.
    pub async fn notifications(&self, user: i64, limit: i64) -> Result<Vec<Notification>> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(user)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(notification_row).collect()
    }

    /// How many notifications account `user` has not opened.
    pub async fn unread_notifications(&self, user: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user)
        .fetch_one(&self.read)
        .await?)
    }

    /// Marks notification `id` of account `user` read, and gives the page it is about; a
    /// notification of another account is not found.
    pub async fn open_notification(&self, user: i64, id: i64) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let link: Option<String> =
            sqlx::query_scalar("SELECT link FROM notifications WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?;
        let link = link.ok_or_else(|| DomainError::not_found("notification", id))?;
        sqlx::query("UPDATE notifications SET read_at = $2 WHERE id = $1 AND read_at IS NULL")
            .bind(id)
            .bind(sql::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// Account `user`'s notification settings; the defaults until they save any.
    pub async fn notification_settings(&self, user: i64) -> Result<NotificationSettings> {
        Ok(self
            .recipients(&[user])
            .await?
            .into_iter()
            .next()
            .map(|r| r.settings)
            .unwrap_or_default())
    }

    /// Saves account `user`'s own notification settings.
    pub async fn save_notification_settings(
        &self,
        actor: &Actor,
        settings: NotificationSettings,
    ) -> Result<NotificationSettings> {
        let Some(user) = actor.user_id else {
            return Err(DomainError::Forbidden("settings belong to an account".to_owned()).into());
        };
        let settings = settings.cleaned()?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO notification_settings (user_id, email, digest, muted, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET \
             email = excluded.email, digest = excluded.digest, muted = excluded.muted, \
             updated_at = excluded.updated_at",
        )
        .bind(user)
        .bind(settings.email.as_deref())
        .bind(i64::from(settings.digest))
        .bind(json_text(&settings.muted))
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "notification_settings",
            Some(user),
            &serde_json::json!({"digest": settings.digest, "muted": settings.muted}),
        )
        .await?;
        tx.commit().await?;
        Ok(settings)
    }

    /// The accounts that chose a daily digest and have an address.
    pub async fn digest_readers(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM notification_settings WHERE digest = 1 AND email IS NOT NULL \
             ORDER BY user_id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// The notifications of optional rules that account `user`'s digest has not carried yet.
    pub async fn undigested(&self, user: i64) -> Result<Vec<Notification>> {
        let optional: Vec<&str> = Rule::ALL
            .iter()
            .filter(|r| r.optional())
            .map(|r| r.as_str())
            .collect();
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications \
             WHERE user_id = $1 AND digested_at IS NULL AND rule IN ({}) ORDER BY id",
            sql::placeholders(2, optional.len())
        );
        let mut query = sqlx::query(&sql).bind(user);
        for rule in optional {
            query = query.bind(rule);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter().map(notification_row).collect()
    }

    /// Writes a digest `mail` for account `user` carrying the notifications up to `last`, and
    /// ends `job`, in one transaction.
    pub async fn deliver_digest(
        &self,
        job: &Job,
        user: i64,
        last: i64,
        mail: &Mail,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if !finish(&mut tx, job).await? {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE notifications SET digested_at = $3 \
             WHERE user_id = $1 AND id <= $2 AND digested_at IS NULL",
        )
        .bind(user)
        .bind(last)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        let key = format!("digest:{user}:{last}");
        write_mail(&mut tx, &key, Some(user), Rule::Digest, mail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The reminder timing in force: the newest an admin saved, or the defaults.
    pub async fn reminder_policy(&self) -> Result<(i64, ReminderPolicy)> {
        let mut conn = self.read.acquire().await?;
        policies::in_force(&mut conn, "reminders", &ReminderPolicy::default()).await
    }

    /// Saves a new version of the reminder timing; an admin's work, audited with the values.
    pub async fn save_reminder_policy(
        &self,
        actor: &Actor,
        policy: &ReminderPolicy,
    ) -> Result<i64> {
        admin_only(actor, "sets the reminders' timing")?;
        policy.check()?;
        let mut tx = self.begin_write().await?;
        let version =
            policies::save(&mut tx, actor, "reminders", "reminder_policy", policy).await?;
        tx.commit().await?;
        Ok(version)
    }
}

/// Writes `mail` to the outbox under `key` with the job that sends it.
async fn write_mail(
    conn: &mut AnyConnection,
    key: &str,
    user: Option<i64>,
    rule: Rule,
    mail: &Mail,
    now: DateTime<Utc>,
) -> Result<()> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO outbox (dedup_key, user_id, address, language, rule, subject, body, state, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(key)
    .bind(user)
    .bind(&mail.address)
    .bind(&mail.language)
    .bind(rule.as_str())
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(sql::now())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        enqueue(
            conn,
            &NewJob {
                kind: "mail".to_owned(),
                key: format!("mail:{id}"),
                subject: None,
                payload: serde_json::json!({ "outbox": id }),
                run_at: now,
            },
        )
        .await?;
    }
    Ok(())
}
