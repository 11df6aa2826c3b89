//! Import and export of whole sets of records, as the exchange document of the core crate.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use liaison_core::accounts::authorize_role;
use liaison_core::workdays::{FIRST_YEAR, LAST_YEAR};
use liaison_core::{
    ACTIVITY, AGREEMENT, Action, Activity, ActivityFilter, Actor, Agreement, AgreementFilter,
    CalendarDayInput, Error as DomainError, ExchangeDocument, FieldErrors, GIFT, Gift, GiftFilter,
    ImportReport, Link, MAX_PER_PAGE, NewsReleaseInput, ORGANIZATION, Organization,
    OrganizationFilter, PERSON, Page, PageRequest, Person, PersonFilter, ROLE, RecordEventInput,
    RecordKind, Stateful, UNIT, Unit, UnitFilter, UserInput, Validate, export_key,
};
use sqlx::AnyConnection;

use crate::error::under;
use crate::kept::WriteTransaction;
use crate::locks::{self, Lock};
use crate::search::InHand;
use crate::transitions::NewEvent;
use crate::{
    Error, Result, Store, accounts, activities, agreements, audit, calendars, gifts, news,
    organizations, passport_exchange, people, records, resolve, roles, transitions, trip_exchange,
    units, workdays,
};

/// Turns at the writer [`Store::index_imported`] waits for, each up to the write wait, before it
/// leaves the queue to the next import or start.
const INDEXING_ATTEMPTS: usize = 30;

/// Checks one record of a document, with errors placed under `prefix`.
fn checked<T: Validate + Clone>(prefix: &str, record: &T) -> Result<T> {
    under(prefix, record.clone().validated().map_err(Error::from))
}

impl Store {
    /// Imports a document in one transaction: every record is saved, or none is. A record whose
    /// key exists already is left as it is, so importing the same document twice creates nothing.
    /// Search finds the records once this returns: their words, queued by the transaction, are
    /// indexed before it does ([`Store::index_imported`]).
    pub async fn import(&self, actor: &Actor, document: &ExchangeDocument) -> Result<ImportReport> {
        let report = self.import_with_progress(actor, document, &|_| {}).await?;
        self.index_imported().await;
        Ok(report)
    }

    /// Indexes what an import left queued for search ([`Store::index_queued`]), trying again
    /// while another long write (another import) keeps the writer past the write wait. The
    /// records are saved whatever happens here: a queue not worked through now is by the next
    /// import or the next `liaison serve` to start, so a failure is logged rather than reported
    /// as the import's.
    pub async fn index_imported(&self) {
        for _ in 0..INDEXING_ATTEMPTS {
            match self.index_queued().await {
                Ok(_) => return,
                Err(Error::Busy) => continue,
                Err(error) => {
                    tracing::warn!(%error, "the imported records are saved; indexing them for search stopped and resumes with the next import or when Liaison next starts");
                    return;
                }
            }
        }
        tracing::warn!(
            "the imported records are saved; the database stayed busy, so indexing them for search resumes with the next import or when Liaison next starts"
        );
    }

    /// Imports a document as [`Store::import`] does, telling `progress` how many of its
    /// organizations, people and activities have been reached, for a page that shows how far a
    /// long import has come. It returns once the records are saved; their words wait in the
    /// search queue for the caller to index ([`Store::index_imported`]).
    pub async fn import_with_progress(
        &self,
        actor: &Actor,
        document: &ExchangeDocument,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportReport> {
        let mut tx = self.begin_write().await?;
        self.widen_cache(&mut tx).await?;
        let imported = self.import_in(tx, actor, document, progress).await;
        self.narrow_cache().await?;
        imported
    }

    /// Imports a document in the write transaction `tx`, and commits it.
    async fn import_in(
        &self,
        mut tx: WriteTransaction,
        actor: &Actor,
        document: &ExchangeDocument,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportReport> {
        let mut reached = 0;
        let mut step = || {
            reached += 1;
            progress(reached);
        };
        let mut report = ImportReport::default();
        locks::hold(&mut tx, Lock::Import, vec![0]).await?;
        let mark = records::audit_mark(&mut tx).await?;
        let mut count = |created: usize, unchanged: usize| {
            report.created += created as i64;
            report.unchanged += unchanged as i64;
        };

        for (i, role) in document.roles.iter().enumerate() {
            let role = checked(&format!("roles[{i}]"), role)?;
            authorize_role(actor, Action::Create, ROLE)?;
            let created = roles::insert(&mut tx, &role).await?;
            if created {
                let fields = serde_json::to_value(&role).unwrap_or_default();
                let changes = liaison_core::audit::changes(None, Some(&fields));
                audit::record(&mut tx, actor, "create", "role", None, &changes).await?;
            }
            count(usize::from(created), usize::from(!created));
        }

        let mut new_organizations = Vec::new();
        let mut known = existing_keys(
            &mut tx,
            ORGANIZATION,
            document.organizations.iter().map(|r| &r.key),
        )
        .await?;
        for (i, org) in document.organizations.iter().enumerate() {
            step();
            let path = format!("organizations[{i}]");
            let org = checked(&path, org)?;
            if !is_new(&mut known, &org.key) {
                count(0, 1);
                continue;
            }
            let id = under(
                &path,
                organizations::insert_row(&mut tx, actor, "", &org).await,
            )?;
            new_organizations.push((path, id, org));
            count(1, 0);
        }
        for (path, id, org) in &new_organizations {
            under(
                path,
                organizations::write_children(&mut tx, actor, "", *id, org).await,
            )?;
        }

        let mut new_units = Vec::new();
        let mut known = existing_keys(&mut tx, UNIT, document.units.iter().map(|r| &r.key)).await?;
        for (i, unit) in document.units.iter().enumerate() {
            let path = format!("units[{i}]");
            let unit = checked(&path, unit)?;
            if !is_new(&mut known, &unit.key) {
                count(0, 1);
                continue;
            }
            let id = under(&path, units::insert(&mut tx, actor, "", &unit).await)?;
            new_units.push((path, id, unit));
            count(1, 0);
        }

        let mut known =
            existing_keys(&mut tx, PERSON, document.people.iter().map(|r| &r.key)).await?;
        for (i, person) in document.people.iter().enumerate() {
            step();
            let path = format!("people[{i}]");
            let person = checked(&path, person)?;
            if !is_new(&mut known, &person.key) {
                count(0, 1);
                continue;
            }
            under(&path, people::insert(&mut tx, actor, "", &person).await)?;
            count(1, 0);
        }
        for (path, id, unit) in &new_units {
            under(path, units::set_contacts(&mut tx, "", *id, unit).await)?;
        }

        let mut known = existing_keys(
            &mut tx,
            ACTIVITY,
            document.activities.iter().map(|r| &r.key),
        )
        .await?;
        // New activities are written many to a statement, a thousand at a time, and their
        // search documents made from them as written (`search::InHand`).
        let mut written = Vec::new();
        let mut batch = Vec::new();
        let mut unwritten = 0;
        for (i, activity) in document.activities.iter().enumerate() {
            unwritten += 1;
            let path = format!("activities[{i}]");
            let activity = checked(&path, activity)?;
            if is_new(&mut known, &activity.key) {
                // The activity's gifts are new records too.
                count(1 + activity.gifts.len(), 0);
                batch.push((path, activity));
            } else {
                count(0, 1);
            }
            if batch.len() == activities::WRITTEN_TOGETHER || i + 1 == document.activities.len() {
                written.extend(activities::insert_all(&mut tx, actor, &batch).await?);
                batch.clear();
                for _ in 0..std::mem::take(&mut unwritten) {
                    step();
                }
            }
        }

        let mut known = existing_keys(&mut tx, GIFT, document.gifts.iter().map(|r| &r.key)).await?;
        for (i, gift) in document.gifts.iter().enumerate() {
            let path = format!("gifts[{i}]");
            let gift = checked(&path, gift)?;
            if !is_new(&mut known, &gift.key) {
                count(0, 1);
                continue;
            }
            under(&path, gifts::insert(&mut tx, actor, "", &gift, None).await)?;
            count(1, 0);
        }

        let mut known = existing_keys(
            &mut tx,
            AGREEMENT,
            document.agreements.iter().map(|r| &r.key),
        )
        .await?;
        // An agreement the document brings with its history keeps that history; any other
        // starts its history with the state it is imported in.
        let with_history: HashSet<&str> = document
            .history
            .iter()
            .filter(|e| e.entity == AGREEMENT.as_str())
            .map(|e| e.record.as_str())
            .collect();
        let mut created_agreements = HashMap::new();
        for (i, agreement) in document.agreements.iter().enumerate() {
            let path = format!("agreements[{i}]");
            let agreement = checked(&path, agreement)?;
            if !is_new(&mut known, &agreement.key) {
                count(0, 1);
                continue;
            }
            let id = under(
                &path,
                agreements::insert(&mut tx, actor, "", &agreement).await,
            )?;
            match &agreement.key {
                Some(key) if with_history.contains(key.as_str()) => {
                    created_agreements.insert(key.clone(), id);
                }
                _ => {
                    let state = agreement.status.unwrap_or_default();
                    transitions::record_created(&mut tx, actor, AGREEMENT, id, state.as_str())
                        .await?;
                }
            }
            count(1, 0);
        }
        import_history(&mut tx, document, &created_agreements).await?;

        for (i, account) in document.users.iter().enumerate() {
            let path = format!("users[{i}]");
            let unit = match &account.unit {
                Some(key) => Some(
                    resolve::link(
                        &mut tx,
                        UNIT,
                        &format!("{path}.unit"),
                        &Link::Key(key.clone()),
                    )
                    .await?,
                ),
                None => None,
            };
            let input = UserInput {
                version: None,
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                role: account.role,
                unit,
                active: account.active,
            };
            let input = checked(&path, &input)?;
            let language = account.language.as_deref();
            if let Some(language) = language
                && !["zh", "en"].contains(&language)
            {
                return Err(DomainError::invalid(
                    format!("{path}.language"),
                    "unknown",
                    "the language is zh or en",
                )
                .into());
            }
            let created = accounts::import_account(&mut tx, actor, &input, language).await?;
            count(usize::from(created), usize::from(!created));
        }

        for (i, year) in document.calendar.iter().enumerate() {
            let path = format!("calendar[{i}]");
            if !(FIRST_YEAR..=LAST_YEAR).contains(&year.year) {
                return Err(DomainError::invalid(
                    format!("{path}.year"),
                    "out_of_range",
                    format!("must be between {FIRST_YEAR} and {LAST_YEAR}"),
                )
                .into());
            }
            let mut days = Vec::with_capacity(year.days.len());
            for (j, day) in year.days.iter().enumerate() {
                let day_path = format!("{path}.days[{j}]");
                let input = CalendarDayInput {
                    key: day.key.clone(),
                    version: None,
                    date: day.date,
                    kind: day.kind,
                    name_zh: day.name_zh.clone(),
                    name_en: day.name_en.clone(),
                };
                let input = checked(&day_path, &input)?;
                if input.date.year() != year.year {
                    return Err(DomainError::invalid(
                        format!("{day_path}.date"),
                        "out_of_range",
                        format!("{} is not in {}", input.date, year.year),
                    )
                    .into());
                }
                days.push((input, day.source));
            }
            let written = workdays::import_year(&mut tx, actor, year, &days).await?;
            count(written, year.days.len() - written);
        }

        for (i, release) in document.news.iter().enumerate() {
            let path = format!("news[{i}]");
            let activity = resolve::link(
                &mut tx,
                ACTIVITY,
                &format!("{path}.activity"),
                &Link::Key(release.activity.clone()),
            )
            .await?;
            let input = NewsReleaseInput {
                version: None,
                title: release.title.clone(),
                body: release.body.clone(),
                published: release.published,
                photos: Vec::new(),
            };
            let input = checked(&path, &input)?;
            let created = news::import_release(&mut tx, actor, activity, release, &input).await?;
            count(usize::from(created), usize::from(!created));
        }

        for (i, feed) in document.calendar_feeds.iter().enumerate() {
            let path = format!("calendar_feeds[{i}]");
            let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(feed.user.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user) = user else {
                return Err(DomainError::invalid(
                    format!("{path}.user"),
                    "not_found",
                    format!("no account is named '{}'", feed.user),
                )
                .into());
            };
            let unit = match &feed.unit {
                Some(key) => Some(
                    resolve::link(
                        &mut tx,
                        UNIT,
                        &format!("{path}.unit"),
                        &Link::Key(key.clone()),
                    )
                    .await?,
                ),
                None => None,
            };
            let created = under(
                &path,
                calendars::import_feed(&mut tx, actor, user, unit, feed).await,
            )?;
            count(usize::from(created), usize::from(!created));
        }

        let (created, left) = trip_exchange::import(&mut tx, actor, &document.trips).await?;
        count(created, left);
        let (created, left) =
            passport_exchange::import(&mut tx, actor, &document.passports).await?;
        count(created, left);

        records::refresh_since_with(&mut tx, &self.policy, mark, InHand::activities(written))
            .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Every record as one document that imports into an empty database of either kind. Records
    /// without a key are given one from their number, so that references survive the move.
    pub async fn export(&self) -> Result<ExchangeDocument> {
        let mut document = ExchangeDocument {
            roles: self.list_roles().await?,
            ..ExchangeDocument::default()
        };

        for org in all(|p| async move {
            self.list::<Organization>(&OrganizationFilter::default(), &p)
                .await
        })
        .await?
        {
            // The list's rows are whole organizations, their identifiers and affiliations with them.
            document.organizations.push(org.into());
        }

        for unit in
            all(|p| async move { self.list::<Unit>(&UnitFilter::default(), &p).await }).await?
        {
            document.units.push(unit.into());
        }

        for person in
            all(|p| async move { self.list::<Person>(&PersonFilter::default(), &p).await }).await?
        {
            document.people.push(person.into());
        }

        for summary in
            all(|p| async move { self.list::<Activity>(&ActivityFilter::default(), &p).await })
                .await?
        {
            let a = self.get::<Activity>(summary.id).await?;
            document.activities.push(a.into());
        }

        for gift in
            all(|p| async move { self.list::<Gift>(&GiftFilter::default(), &p).await }).await?
        {
            document.gifts.push(gift.into());
        }

        let mut keys = HashMap::new();
        for agreement in all(|p| async move {
            self.list::<Agreement>(&AgreementFilter::default(), &p)
                .await
        })
        .await?
        {
            keys.insert(agreement.meta.id, agreement.meta.key.clone());
            document.agreements.push(agreement.into());
        }
        let mut conn = self.read.acquire().await?;
        for (id, event) in transitions::all_events(&mut conn, AGREEMENT).await? {
            // The history of a deleted agreement stays in the database, not in the document.
            let Some(key) = keys.get(&id) else {
                continue;
            };
            document.history.push(RecordEventInput {
                entity: AGREEMENT.as_str().to_owned(),
                record: export_key(AGREEMENT, id, key),
                at: event.at,
                username: event.username,
                transition: event.transition,
                from: event.from,
                to: event.to,
                note: event.note,
            });
        }
        document.users = accounts::exported_accounts(&mut conn).await?;
        document.calendar = workdays::exported_years(&mut conn).await?;
        document.news = news::exported_releases(&mut conn).await?;
        document.calendar_feeds = calendars::exported_feeds(&mut conn).await?;
        document.trips = trip_exchange::exported(&mut conn, &self.policy).await?;
        document.passports = passport_exchange::exported(&mut conn).await?;
        Ok(document)
    }
}

/// Appends the history a document brings for the agreements created from it (`created`, by
/// key), as it was: the time, the name of whoever made each change, the note. The history of an
/// agreement that was already present is left as it is.
async fn import_history(
    conn: &mut AnyConnection,
    document: &ExchangeDocument,
    created: &HashMap<String, i64>,
) -> Result<()> {
    let in_document: HashSet<&str> = document
        .agreements
        .iter()
        .filter_map(|a| a.key.as_deref())
        .collect();
    let lifecycle = Agreement::lifecycle();
    for (i, event) in document.history.iter().enumerate() {
        let path = format!("history[{i}]");
        let mut errors = FieldErrors::new();
        if event.entity != AGREEMENT.as_str() {
            errors.add(
                format!("{path}.entity"),
                "unknown",
                "only agreements have a history",
            );
        }
        if !in_document.contains(event.record.as_str()) {
            errors.add(
                format!("{path}.record"),
                "not_found",
                "no agreement of the document has this key",
            );
        }
        for (field, state) in [("from", event.from.as_deref()), ("to", Some(&event.to))] {
            if let Some(state) = state
                && !lifecycle.has_state(state)
            {
                errors.add(
                    format!("{path}.{field}"),
                    "unknown",
                    format!("'{state}' is not a state of an agreement"),
                );
            }
        }
        errors.into_result()?;
        let Some(&id) = created.get(&event.record) else {
            continue;
        };
        NewEvent {
            kind: AGREEMENT,
            record_id: id,
            at: event.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            // Accounts are not carried between databases; the name is.
            user_id: None,
            username: &event.username,
            transition: &event.transition,
            from: event.from.as_deref(),
            to: &event.to,
            note: event.note.as_deref(),
        }
        .append(conn)
        .await?;
    }
    Ok(())
}

/// Every row of a list, page by page, oldest first.
async fn all<T, F, Fut>(list: F) -> Result<Vec<T>>
where
    F: Fn(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let mut rows = Vec::new();
    for page in 1.. {
        let request = PageRequest {
            page,
            per_page: MAX_PER_PAGE,
            sort: "created".to_owned(),
            descending: false,
        };
        let batch = list(request).await?;
        let done = batch.items.len() < MAX_PER_PAGE as usize;
        rows.extend(batch.items);
        if done {
            break;
        }
    }
    Ok(rows)
}

/// The keys of `keys` that records of `table` have already.
async fn existing_keys<'a>(
    conn: &mut AnyConnection,
    table: RecordKind,
    keys: impl Iterator<Item = &'a Option<String>>,
) -> Result<HashSet<String>> {
    let keys: Vec<&str> = keys.flatten().map(String::as_str).collect();
    resolve::keys_in_use(conn, table, &keys).await
}

/// Whether a record with `key` is new, counting it as known from now on; a record without a key
/// always is.
fn is_new(known: &mut HashSet<String>, key: &Option<String>) -> bool {
    match key {
        Some(key) => known.insert(key.clone()),
        None => true,
    }
}
