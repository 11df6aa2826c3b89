//! The worker that runs due jobs: each day's sweep of reminders, the notices they give (in
//! Liaison, and by e-mail in each recipient's language), the approvals' repeating rounds, the
//! daily digests, and the delivery of the outbox through SMTP with lettre.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use liaison_core::reminders::Notice;
use liaison_store::jobs::{Delivery, Job, Mail, NewJob};
use liaison_store::reminders::ApprovalRound;
use liaison_store::{Error, Store};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::i18n::{Lang, Tr};

/// How long a claimed job is held before another worker may take it over.
pub const LEASE_MINUTES: i64 = 5;

/// Where mail goes and how pages are linked; in-app notifications only without an SMTP server.
#[derive(Clone, Default)]
pub struct MailSettings {
    /// The SMTP server: `smtps://user:password@host:465` (TLS), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtp://127.0.0.1:25` (plain, for a relay on the same machine).
    pub smtp_url: Option<String>,
    /// The sender, such as `Liaison <liaison@example.edu>`.
    pub from: String,
    /// The address Liaison is reached at, to link each message to its page.
    pub public_url: String,
    /// How often `liaison serve` looks for due jobs; never when `None`.
    pub poll: Option<StdDuration>,
}

/// Never the SMTP password.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let smtp = self.smtp_url.as_deref().map(redacted);
        f.debug_struct("MailSettings")
            .field("smtp_url", &smtp)
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .field("poll", &self.poll)
            .finish()
    }
}

/// An SMTP URL with its password replaced by `***`.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl MailSettings {
    /// Checks the SMTP URL and the sender before Liaison starts.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.smtp_url {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| format!("the SMTP URL {} cannot be used: {e}", redacted(url)))?;
            self.from
                .parse::<Mailbox>()
                .map_err(|e| format!("the sender '{}' is not an address: {e}", self.from))?;
        }
        Ok(())
    }
}

/// What one run of the worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RunReport {
    /// Whether this run took the day's sweep (another process may have).
    pub swept: bool,
    pub done: i64,
    pub failed: i64,
}

/// Runs every job due at `now`, after the sweep of `today` if no process has taken it yet;
/// returns when no job is due.
pub async fn run_due(
    state: &AppState,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RunReport, Error> {
    let store = &state.store;
    let mut report = RunReport {
        swept: sweep(store, today).await?,
        ..RunReport::default()
    };
    while let Some(job) = store
        .claim_job(now, Duration::minutes(LEASE_MINUTES))
        .await?
    {
        match run_job(state, &job, now, today).await {
            Ok(()) => report.done += 1,
            Err(error) => {
                tracing::warn!(job = job.id, kind = %job.kind, %error, "a job failed");
                store.fail_job(&job, &error, now).await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// The day's sweep: every reminder the records make due `today`, and a digest job for each
/// reader of digests, written with the day's slot by the one process that takes it.
async fn sweep(store: &Store, today: NaiveDate) -> Result<bool, Error> {
    let (_, policy) = store.reminder_policy().await?;
    let start = liaison_store::reminders::office_start(today);
    let mut jobs: Vec<NewJob> = store
        .due_notices(today, &policy)
        .await?
        .iter()
        .map(|n| NewJob::notice(n, start))
        .collect();
    for user in store.digest_readers().await? {
        jobs.push(NewJob {
            kind: "digest".to_owned(),
            key: format!("digest:{user}:{today}"),
            subject: None,
            payload: serde_json::json!({ "user": user }),
            // Late in the day, so that the day's reminders are in it.
            run_at: start + Duration::hours(18),
        });
    }
    store
        .take_slot("reminders", &today.to_string(), &jobs)
        .await
}

/// Does one job; an error is the reason it failed, recorded on the job.
async fn run_job(
    state: &AppState,
    job: &Job,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(), String> {
    let store = &state.store;
    let text = |e: Error| e.to_string();
    match job.kind.as_str() {
        "notice" => {
            let notice: Notice =
                serde_json::from_value(job.payload.clone()).map_err(|e| e.to_string())?;
            let deliveries = deliveries(state, &notice).await.map_err(text)?;
            store.deliver(job, &deliveries, now).await.map_err(text)?;
        }
        "approval" => {
            let round: ApprovalRound =
                serde_json::from_value(job.payload.clone()).map_err(|e| e.to_string())?;
            let (_, policy) = store.reminder_policy().await.map_err(text)?;
            let (notices, next) = store
                .approval_round(&round, &policy, today)
                .await
                .map_err(text)?;
            let start = liaison_store::reminders::office_start(today);
            let mut jobs: Vec<NewJob> = notices.iter().map(|n| NewJob::notice(n, start)).collect();
            jobs.extend(next);
            store.finish_job_with(job, &jobs).await.map_err(text)?;
        }
        "digest" => {
            let user = job.payload["user"].as_i64().unwrap_or_default();
            digest(state, job, user, now).await?;
        }
        "mail" => {
            let id = job.payload["outbox"].as_i64().unwrap_or_default();
            let message = store.outbox_message(id).await.map_err(text)?;
            let reply = send(&state.settings.mail, &message).await?;
            store.record_sent(job, id, &reply).await.map_err(text)?;
        }
        other => return Err(format!("no worker knows jobs of kind '{other}'")),
    }
    Ok(())
}

/// The notifications and e-mails of `notice`, one for each active recipient, each in the
/// recipient's language; e-mail only when an SMTP server is set and the recipient wants it.
async fn deliveries(state: &AppState, notice: &Notice) -> Result<Vec<Delivery>, Error> {
    let mut out = Vec::new();
    let mailing = state.settings.mail.smtp_url.is_some();
    for recipient in state.store.recipients(&notice.to).await? {
        let lang = recipient
            .language
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default();
        let t = Tr::new(lang);
        let args: Vec<(&str, String)> = notice
            .facts
            .iter()
            .map(|(k, v)| (k.as_str(), fact_text(&t, k, v)))
            .collect();
        let title = t.args(
            &format!("notice-title-{}", notice.rule.as_str().replace('_', "-")),
            &args,
        );
        let body = t.args(
            &format!("notice-body-{}", notice.rule.as_str().replace('_', "-")),
            &args,
        );
        let mail = match (
            &recipient.settings.email,
            mailing && recipient.mailed(notice.rule),
        ) {
            (Some(address), true) => Some(Mail {
                address: address.clone(),
                language: lang.code().to_owned(),
                subject: format!("[Liaison] {title}"),
                body: mail_body(
                    &t,
                    &recipient.display_name,
                    &body,
                    &link(state, &notice.link),
                ),
            }),
            _ => None,
        };
        out.push(Delivery {
            user_id: recipient.user_id,
            rule: notice.rule,
            key: notice.key.clone(),
            title,
            body,
            link: notice.link.clone(),
            mail,
        });
    }
    Ok(out)
}

/// A fact as the message shows it: a verdict or a stage by its name in the language.
fn fact_text(t: &Tr, name: &str, value: &str) -> String {
    match name {
        "verdict" => t.value("notice-verdict", value),
        "stage" => t.value("notice-stage", value),
        _ => value.to_owned(),
    }
}

/// The page's full address.
fn link(state: &AppState, path: &str) -> String {
    format!(
        "{}{path}",
        state.settings.mail.public_url.trim_end_matches('/')
    )
}

/// A message's text: the greeting, what happened, the page's address and why it was sent.
fn mail_body(t: &Tr, name: &str, body: &str, link: &str) -> String {
    format!(
        "{}\n\n{}\n\n{}\n\n-- \n{}\n",
        t.args("notice-mail-greeting", &[("name", name.to_owned())]),
        body,
        link,
        t.get("notice-mail-footer")
    )
}

/// Writes account `user`'s digest of the optional reminders not yet carried by one.
async fn digest(state: &AppState, job: &Job, user: i64, now: DateTime<Utc>) -> Result<(), String> {
    let store = &state.store;
    let text = |e: Error| e.to_string();
    let items = store.undigested(user).await.map_err(text)?;
    let recipient = store
        .recipients(&[user])
        .await
        .map_err(text)?
        .into_iter()
        .next();
    let (Some(last), Some(recipient)) = (items.last(), recipient) else {
        store.finish_job(job).await.map_err(text)?;
        return Ok(());
    };
    let Some(address) = recipient.settings.email.clone() else {
        store.finish_job(job).await.map_err(text)?;
        return Ok(());
    };
    if state.settings.mail.smtp_url.is_none() {
        store.finish_job(job).await.map_err(text)?;
        return Ok(());
    }
    let lang = recipient
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let t = Tr::new(lang);
    let lines: Vec<String> = items
        .iter()
        .map(|n| format!("- {}\n  {}", n.title, link(state, &n.link)))
        .collect();
    let mail = Mail {
        address,
        language: lang.code().to_owned(),
        subject: format!(
            "[Liaison] {}",
            t.args(
                "notice-digest-subject",
                &[("count", items.len().to_string())]
            )
        ),
        body: mail_body(
            &t,
            &recipient.display_name,
            &lines.join("\n"),
            &link(state, "/notifications"),
        ),
    };
    store
        .deliver_digest(job, user, last.id, &mail, now)
        .await
        .map_err(text)?;
    Ok(())
}

/// Sends a message of the outbox; the SMTP server's answer, or why it was not sent.
async fn send(
    settings: &MailSettings,
    message: &liaison_core::reminders::OutboxMessage,
) -> Result<String, String> {
    let Some(url) = &settings.smtp_url else {
        return Err("no SMTP server is set".to_owned());
    };
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| e.to_string())?
        .timeout(Some(StdDuration::from_secs(60)))
        .build();
    let from: Mailbox = settings.from.parse().map_err(|e| format!("sender: {e}"))?;
    let to: Mailbox = message
        .address
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let email = Message::builder()
        .message_id(None)
        .from(from)
        .to(to)
        .subject(&message.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| e.to_string())?;
    let response = transport.send(email).await.map_err(|e| e.to_string())?;
    let lines: Vec<&str> = response.message().collect();
    Ok(format!("{} {}", response.code(), lines.join(" ")))
}

/// Runs due jobs every `poll` while the server runs, on the server's clock.
pub fn spawn_worker(state: AppState) {
    let Some(poll) = state.settings.mail.poll else {
        return;
    };
    tokio::spawn(async move {
        loop {
            let clock = &state.settings.clock;
            if let Err(error) = run_due(&state, clock.now(), clock.today()).await {
                tracing::warn!(%error, "the job worker could not run");
            }
            tokio::time::sleep(poll).await;
        }
    });
}
