//! Loading the benchmark's synthetic dataset fast: many rows a statement, one transaction (the
//! trip applications a batch at a time), instead of one validated record at a time.

use chrono::NaiveDate;
use liaison_core::bench_data::{Dataset, DecisionRow, EventRow, TripDataset};
use liaison_core::trips::TRIP;
use liaison_core::{ACTIVITY, ORGANIZATION, PERSON};
use liaison_search::Document;
use liaison_search::blocks::{BlockBuilder, Entry};
use sqlx::AnyConnection;

use crate::database::reset_id_sequences;
use crate::sql::{self, Param, date_text, enum_text, json_text};
use crate::{Backend, Error, Result, Store};

/// Parameters one statement carries on PostgreSQL, written `$1`, `$2`…
const PARAMS_PER_STATEMENT: usize = 150;

/// Parameters one statement carries on SQLite, written `?`. sqlx binds a numbered parameter
/// (`$1`) on SQLite by asking its name, which SQLite finds by reading every named parameter of
/// the statement before it, so a statement's binding grew with the square of its parameters
/// (loading 10,000 activities took 10.8 s with 3,000 a statement, 3.7 s with 150). Anonymous
/// parameters have no name to look for, so a statement carries many more rows and the load
/// makes fewer statements (100,000 activities: 72.9 s with 150 numbered, 56.5 s with these).
const SQLITE_PARAMS_PER_STATEMENT: usize = 3_000;

/// Inserts `count` rows made by `row`, as many to a statement as the parameter limit allows.
async fn bulk_insert(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    count: usize,
    mut row: impl FnMut(usize) -> Vec<Param>,
) -> Result<()> {
    let anonymous = conn.backend_name() == "SQLite";
    let limit = if anonymous {
        SQLITE_PARAMS_PER_STATEMENT
    } else {
        PARAMS_PER_STATEMENT
    };
    let per_statement = (limit / columns.len()).max(1);
    let mut start = 0;
    while start < count {
        let end = (start + per_statement).min(count);
        let mut params = Vec::with_capacity((end - start) * columns.len());
        let mut tuples = Vec::with_capacity(end - start);
        for i in start..end {
            let values = row(i);
            let first = params.len();
            tuples.push(format!(
                "({})",
                (0..values.len())
                    .map(|j| {
                        if anonymous {
                            "?".to_owned()
                        } else {
                            format!("${}", first + j + 1)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            params.extend(values);
        }
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
        sql::bind_params(sqlx::query(&sql), &params)
            .execute(&mut *conn)
            .await?;
        start = end;
    }
    Ok(())
}

/// Deletes the samples of indexed values that `ANALYZE` keeps in `sqlite_stat4` (the bundled
/// SQLite is built with it), keeping its counts per index in `sqlite_stat1`. With samples, SQLite
/// plans a statement again whenever a value bound to it may change the plan, and sqlx binds the
/// values of its prepared statements anew at every use: a list by kind, or a search, was planned
/// again on every request (16 % and 9 % of the server's time under wrk). A database Liaison keeps
/// is never analyzed, so it has no samples either.
async fn forget_value_samples(pool: &sqlx::AnyPool) -> Result<()> {
    let kept: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat4'")
            .fetch_optional(pool)
            .await?;
    if kept.is_some() {
        sqlx::query("DELETE FROM sqlite_stat4")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Deletes what `ANALYZE` counted of the audit log. The load writes one entry, so the log is
/// counted as a table of one row, and SQLite then reads a write's own entries (`id > mark`, see
/// `records::refresh_since`) by scanning the whole log and sorting it, however long it has grown
/// since; without figures, as in a database Liaison keeps, they are read by number.
async fn forget_audit_log_figures(pool: &sqlx::AnyPool) -> Result<()> {
    sqlx::query("DELETE FROM sqlite_stat1 WHERE tbl = 'audit_log'")
        .execute(pool)
        .await?;
    Ok(())
}

fn text(s: &str) -> Param {
    Param::text(s)
}

fn int(n: usize) -> Param {
    Param::int(n as i64)
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    pub organizations: usize,
    pub people: usize,
    pub activities: usize,
    pub participations: usize,
    pub documents: usize,
}

impl Store {
    /// Loads a generated dataset into an empty database, search index included. Rows are numbered
    /// from 1 in the order of the dataset's lists.
    pub async fn load_dataset(&self, data: &Dataset) -> Result<LoadReport> {
        if !self.is_empty().await? {
            return Err(Error::Unsupported(
                "the benchmark's data loads only into an empty database".to_owned(),
            ));
        }
        let now = sql::now();
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        // The load reads back what it wrote (the search postings, the timelines) in no order
        // SQLite's default 2 MB of cache suits: a larger one while loading.
        self.widen_cache(conn).await?;
        bulk_insert(
            conn,
            "units",
            &[
                "id",
                "created_at",
                "updated_at",
                "kind",
                "name_zh",
                "name_en",
            ],
            data.units.len(),
            |i| {
                let u = &data.units[i];
                vec![
                    int(i + 1),
                    text(&now),
                    text(&now),
                    text("school"),
                    text(&u.name_zh),
                    text(&u.name_en),
                ]
            },
        )
        .await?;
        bulk_insert(
            conn,
            "organizations",
            &[
                "id",
                "created_at",
                "updated_at",
                "kind",
                "country",
                "region",
                "name_zh",
                "name_en",
                "founded_year",
            ],
            data.organizations.len(),
            |i| {
                let o = &data.organizations[i];
                vec![
                    int(i + 1),
                    text(&now),
                    text(&now),
                    text(o.kind),
                    text(o.country.as_str()),
                    text(&enum_text(&o.country.region())),
                    text(&o.name_zh),
                    text(&o.name_en),
                    Param::int(i64::from(o.founded_year)),
                ]
            },
        )
        .await?;
        bulk_insert(
            conn,
            "people",
            &[
                "id",
                "created_at",
                "updated_at",
                "category",
                "name_zh",
                "name_en",
                "unit_id",
                "organization_id",
                "position",
            ],
            data.people.len(),
            |i| {
                let p = &data.people[i];
                let (unit, org) = if p.internal {
                    (Param::int(p.affiliation as i64 + 1), Param::Int(None))
                } else {
                    (Param::Int(None), Param::int(p.affiliation as i64 + 1))
                };
                let name_zh = if p.name_zh.is_empty() {
                    Param::Text(None)
                } else {
                    text(&p.name_zh)
                };
                vec![
                    int(i + 1),
                    text(&now),
                    text(&now),
                    text(if p.internal { "internal" } else { "external" }),
                    name_zh,
                    text(&p.name_en),
                    unit,
                    org,
                    text(&p.position),
                ]
            },
        )
        .await?;
        bulk_insert(
            conn,
            "activities",
            &[
                "id",
                "created_at",
                "updated_at",
                "kind",
                "title_zh",
                "title_en",
                "summary_zh",
                "start_date",
                "start_part",
                "end_date",
                "end_part",
                "host_unit_id",
                "inviting_organization_id",
            ],
            data.activities.len(),
            |i| {
                let a = &data.activities[i];
                let inviting = if a.kind == liaison_core::ActivityKind::InboundVisit {
                    Param::int(a.organization as i64 + 1)
                } else {
                    Param::Int(None)
                };
                vec![
                    int(i + 1),
                    text(&now),
                    text(&now),
                    text(a.kind.as_str()),
                    text(&a.title_zh),
                    text(&a.title_en),
                    text(&a.summary),
                    text(&date_text(a.start_date)),
                    text(a.start_part.as_str()),
                    text(&date_text(a.end_date)),
                    text(a.end_part.as_str()),
                    int(a.host_unit + 1),
                    inviting,
                ]
            },
        )
        .await?;
        bulk_insert(
            conn,
            "activity_partners",
            &["activity_id", "position", "organization_id"],
            data.activities.len(),
            |i| vec![int(i + 1), int(0), int(data.activities[i].organization + 1)],
        )
        .await?;
        bulk_insert(
            conn,
            "participations",
            &["activity_id", "position", "person_id", "role"],
            data.participations.len(),
            |i| {
                let p = &data.participations[i];
                vec![int(p.activity + 1), int(i), int(p.person + 1), text(p.role)]
            },
        )
        .await?;
        let tagged: Vec<(usize, &str)> = data
            .activities
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.tag.map(|t| (i, t)))
            .collect();
        bulk_insert(
            conn,
            "activity_tags",
            &["activity_id", "position", "tag"],
            tagged.len(),
            |i| vec![int(tagged[i].0 + 1), int(0), text(tagged[i].1)],
        )
        .await?;

        // The search index, built here from the same data rather than record by record. Its
        // other indexes are made once at the end, which is faster than keeping them up row by
        // row, and the counts of each word are counted here.
        sqlx::query("DROP INDEX search_postings_document")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DROP INDEX search_postings_best")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DROP INDEX search_postings_best_of_kind")
            .execute(&mut *conn)
            .await?;
        let mut term_counts: std::collections::BTreeMap<(String, &str), i64> = Default::default();
        // Each word's and each filter's documents, handed over block by block as the documents
        // come in order.
        let mut blocks = BlockBuilder::default();
        // The words of each kind's names and titles, by record number (see `blocks::titled`);
        // each kind's documents come in the order of its records.
        let mut titles = BlockBuilder::default();
        let mut documents = Vec::with_capacity(
            data.activities.len() + data.organizations.len() + data.people.len(),
        );
        for (i, o) in data.organizations.iter().enumerate() {
            documents.push(Document::from_parts(
                ORGANIZATION,
                i as i64 + 1,
                vec![(o.name_zh.clone(), 5), (o.name_en.clone(), 5)],
                Some(o.kind.to_owned()),
                Some(o.founded_year),
                vec![o.country.to_string()],
            ));
        }
        for (i, p) in data.people.iter().enumerate() {
            let affiliation = if p.internal {
                &data.units[p.affiliation].name_en
            } else {
                &data.organizations[p.affiliation].name_en
            };
            documents.push(Document::from_parts(
                PERSON,
                i as i64 + 1,
                vec![
                    (p.name_zh.clone(), 5),
                    (p.name_en.clone(), 5),
                    (p.position.clone(), 1),
                    (affiliation.clone(), 1),
                ],
                Some(if p.internal { "internal" } else { "external" }.to_owned()),
                None,
                Vec::new(),
            ));
        }
        for (i, a) in data.activities.iter().enumerate() {
            let org = &data.organizations[a.organization];
            documents.push(Document::from_parts(
                ACTIVITY,
                i as i64 + 1,
                vec![
                    (a.title_zh.clone(), 5),
                    (a.title_en.clone(), 5),
                    (a.summary.clone(), 1),
                    (org.name_en.clone(), 1),
                ],
                Some(a.kind.as_str().to_owned()),
                Some(chrono::Datelike::year(&a.start_date)),
                vec![org.country.to_string()],
            ));
        }
        // Documents a few thousand at a time, so that the postings never all sit in memory.
        let columns: Vec<&str> = std::iter::once("id")
            .chain(crate::search::DOCUMENT_COLUMNS)
            .collect();
        for (chunk_index, chunk) in documents.chunks(5_000).enumerate() {
            let base = chunk_index * 5_000;
            let postings = crate::search::postings_of(chunk);
            bulk_insert(conn, "search_documents", &columns, chunk.len(), |i| {
                let mut row = vec![int(base + i + 1)];
                row.extend(crate::search::document_params(&chunk[i]));
                row
            })
            .await?;
            for (i, document_postings) in postings.iter().enumerate() {
                let document = (base + i + 1) as i64;
                let entity = chunk[i].entity;
                for (term, score) in document_postings {
                    *term_counts
                        .entry((term.clone(), entity.as_str()))
                        .or_insert(0) += 1;
                    let score = *score as f32;
                    blocks.add(
                        term,
                        Entry {
                            document,
                            score,
                            entity,
                        },
                    );
                }
                for facet in chunk[i].facets() {
                    blocks.add(&facet, crate::blocks::filter_entry(document, entity));
                }
                for term in chunk[i].title_terms() {
                    titles.add(
                        &liaison_search::title_key(entity, &term),
                        crate::blocks::filter_entry(chunk[i].record_id, entity),
                    );
                }
            }
            crate::blocks::store(conn, &blocks.before((base + chunk.len() + 1) as i64)).await?;
            let mut flat: Vec<(usize, &String, f64, &str)> = postings
                .iter()
                .enumerate()
                .flat_map(|(i, p)| {
                    p.iter()
                        .map(move |(t, w)| (base + i + 1, t, *w, chunk[i].entity.as_str()))
                })
                .collect();
            // In the order of the index, so each insert lands beside the previous one.
            flat.sort_unstable_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
            bulk_insert(
                conn,
                "search_postings",
                &["term", "document_id", "entity", "score"],
                flat.len(),
                |i| {
                    vec![
                        text(flat[i].1),
                        int(flat[i].0),
                        text(flat[i].3),
                        Param::Real(flat[i].2),
                    ]
                },
            )
            .await?;
        }
        let term_counts: Vec<((String, &str), i64)> = term_counts.into_iter().collect();
        bulk_insert(
            conn,
            "search_terms",
            &["term", "entity", "documents"],
            term_counts.len(),
            |i| {
                let ((term, entity), n) = &term_counts[i];
                vec![text(term), text(entity), Param::int(*n)]
            },
        )
        .await?;
        crate::blocks::store(conn, &blocks.finish()).await?;
        crate::blocks::store(conn, &titles.finish()).await?;
        sqlx::query("CREATE INDEX search_postings_document ON search_postings (document_id)")
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "CREATE INDEX search_postings_best ON search_postings (term, score DESC, document_id DESC)",
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "CREATE INDEX search_postings_best_of_kind \
             ON search_postings (term, entity, score DESC, document_id DESC)",
        )
        .execute(&mut *conn)
        .await?;
        crate::timeline::rebuild(conn).await?;
        reset_id_sequences(
            conn,
            self.backend,
            &[
                "units",
                "organizations",
                "people",
                "activities",
                "search_documents",
            ],
        )
        .await?;
        let summary =
            serde_json::json!({"bench_data": {"after": {"activities": data.activities.len()}}});
        crate::audit::record(
            conn,
            &liaison_core::Actor::command_line("bench-data"),
            "create",
            "bench_data",
            None,
            &summary,
        )
        .await?;
        tx.commit().await?;
        sqlx::query("ANALYZE").execute(&self.write).await?;
        if self.backend == Backend::Sqlite {
            forget_value_samples(&self.write).await?;
            forget_audit_log_figures(&self.write).await?;
        }
        self.narrow_cache().await?;
        Ok(LoadReport {
            organizations: data.organizations.len(),
            people: data.people.len(),
            activities: data.activities.len(),
            participations: data.participations.len(),
            documents: documents.len(),
        })
    }
}

/// How many applications one transaction of the trips' load writes: a batch commits as it
/// goes, so neither database holds the whole load in one transaction.
const TRIPS_PER_TRANSACTION: usize = 10_000;

/// A timestamp on `day`, the `n`th of its record that day, so a record's history keeps its
/// order.
fn moment(day: NaiveDate, n: usize) -> String {
    format!(
        "{}T{:02}:{:02}:00.000000Z",
        date_text(day),
        1 + (n / 60) % 12,
        n % 60
    )
}

/// What the trips' load wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TripLoadReport {
    pub accounts: usize,
    pub trips: usize,
    pub decisions: usize,
    pub events: usize,
}

impl Store {
    /// Loads generated trip applications over a dataset already loaded by
    /// [`Store::load_dataset`], with the accounts that file and approve them, their chain,
    /// deputies and briefings, into a database with no accounts yet. Accounts, applications,
    /// briefings and decisions are numbered from 1 in the order of the lists.
    pub async fn load_trips(&self, data: &TripDataset) -> Result<TripLoadReport> {
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.read)
            .await?;
        if accounts > 0 {
            return Err(Error::Unsupported(
                "the benchmark's trips load only into a database without accounts".to_owned(),
            ));
        }
        let now = sql::now();
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        bulk_insert(
            conn,
            "users",
            &[
                "id",
                "created_at",
                "updated_at",
                "username",
                "display_name",
                "role",
                "unit_id",
                "active",
                "password_hash",
                "person_id",
            ],
            data.accounts.len(),
            |i| {
                let a = &data.accounts[i];
                vec![
                    int(i + 1),
                    text(&now),
                    text(&now),
                    text(&a.username),
                    text(&a.display_name),
                    text(a.role.as_str()),
                    Param::Int(a.unit.map(|u| u as i64 + 1)),
                    int(1),
                    // No password: the benchmark gives the accounts it signs in as one.
                    text(liaison_core::secrets::NO_PASSWORD),
                    int(a.person + 1),
                ]
            },
        )
        .await?;
        for (u, (&leader, &liaison)) in data
            .unit_leaders
            .iter()
            .zip(&data.unit_liaisons)
            .enumerate()
        {
            sqlx::query(
                "UPDATE units SET foreign_affairs_leader_id = $2, liaison_officer_id = $3 \
                 WHERE id = $1",
            )
            .bind(u as i64 + 1)
            .bind(data.accounts[leader].person as i64 + 1)
            .bind(data.accounts[liaison].person as i64 + 1)
            .execute(&mut *conn)
            .await?;
        }
        bulk_insert(
            conn,
            "unit_leaders_in_charge",
            &["unit_id", "user_id"],
            data.leaders_in_charge.len(),
            |i| {
                let (unit, account) = data.leaders_in_charge[i];
                vec![int(unit + 1), int(account + 1)]
            },
        )
        .await?;
        sqlx::query(
            "INSERT INTO approval_chains (id, kind, version, steps, saved_at, saved_by) \
             VALUES (1, $1, $2, $3, $4, 'bench-data')",
        )
        .bind(data.chain.kind.as_str())
        .bind(data.chain.version)
        .bind(json_text(&data.chain.steps))
        .bind(&now)
        .execute(&mut *conn)
        .await?;
        bulk_insert(
            conn,
            "delegations",
            &[
                "id",
                "user_id",
                "deputy_id",
                "from_date",
                "to_date",
                "created_at",
                "created_by",
            ],
            data.delegations.len(),
            |i| {
                let d = &data.delegations[i];
                vec![
                    int(i + 1),
                    int(d.approver + 1),
                    int(d.deputy + 1),
                    text(&date_text(d.from)),
                    text(&date_text(d.to)),
                    text(&now),
                    text("bench-data"),
                ]
            },
        )
        .await?;
        bulk_insert(
            conn,
            "briefings",
            &[
                "id",
                "held_on",
                "place",
                "topics",
                "created_at",
                "created_by",
            ],
            data.briefings.len(),
            |i| {
                let b = &data.briefings[i];
                vec![
                    int(i + 1),
                    text(&date_text(b.held_on)),
                    text(b.place),
                    text(b.topics),
                    text(&now),
                    text("bench-data"),
                ]
            },
        )
        .await?;
        tx.commit().await?;

        let mut decisions = 0;
        let mut events = 0;
        for (batch, trips) in data.trips.chunks(TRIPS_PER_TRANSACTION).enumerate() {
            let first = batch * TRIPS_PER_TRANSACTION;
            let mut tx = self.begin_write().await?;
            let conn: &mut AnyConnection = &mut tx;
            self.widen_cache(conn).await?;
            let form_names: Vec<&str> = crate::trips::form_columns(&trips[0].form)
                .iter()
                .map(|(name, _)| *name)
                .collect();
            let mut columns = vec![
                "id",
                "version",
                "created_at",
                "updated_at",
                "status",
                "applicant_id",
            ];
            columns.extend(&form_names);
            columns.extend([
                "approval_plan",
                "progress",
                "step_due",
                "submitted_at",
                "approved_form",
                "notice_posted",
                "notice_ends",
                "actual_return",
                "report_due",
                "report",
            ]);
            let day = |d: Option<NaiveDate>| Param::Text(d.map(date_text));
            let json = |v: Option<String>| Param::Text(v);
            bulk_insert(conn, "trips", &columns, trips.len(), |i| {
                let t = &trips[i];
                let last = t.events.last().map_or(t.created, |e| e.day);
                let mut row = vec![
                    int(first + i + 1),
                    int(1 + t.events.len() + t.decisions.len()),
                    text(&moment(t.created, 0)),
                    text(&moment(last, t.events.len())),
                    text(t.state.as_str()),
                    int(t.applicant + 1),
                ];
                row.extend(
                    crate::trips::form_columns(&t.form)
                        .into_iter()
                        .map(|(_, p)| p),
                );
                row.extend([
                    json(t.plan.as_ref().map(json_text)),
                    json(t.progress.as_ref().map(json_text)),
                    day(t.step_due),
                    Param::Text(t.submitted.map(|d| moment(d, 1))),
                    json(t.approved_form.as_ref().map(json_text)),
                    day(t.notice_posted),
                    day(t.notice_ends),
                    day(t.actual_return),
                    day(t.report_due),
                    json(t.report.as_ref().map(json_text)),
                ]);
                row
            })
            .await?;
            let members: Vec<(usize, i64)> = trips
                .iter()
                .enumerate()
                .flat_map(|(i, t)| {
                    t.form
                        .members
                        .iter()
                        .map(move |m| (first + i + 1, m.person_id))
                })
                .collect();
            bulk_insert(
                conn,
                "trip_members",
                &["trip_id", "person_id"],
                members.len(),
                |i| vec![int(members[i].0), Param::int(members[i].1)],
            )
            .await?;
            let attended: Vec<(usize, usize, i64)> = trips
                .iter()
                .enumerate()
                .filter_map(|(i, t)| t.briefing.map(|b| (i, b, t)))
                .flat_map(|(i, b, t)| {
                    t.form
                        .members
                        .iter()
                        .map(move |m| (b + 1, first + i + 1, m.person_id))
                })
                .collect();
            bulk_insert(
                conn,
                "briefing_attendance",
                &["briefing_id", "trip_id", "person_id"],
                attended.len(),
                |i| {
                    let (b, t, p) = attended[i];
                    vec![int(b), int(t), Param::int(p)]
                },
            )
            .await?;
            let waiting: Vec<(usize, usize)> = trips
                .iter()
                .enumerate()
                .flat_map(|(i, t)| t.waiting.iter().map(move |&a| (a + 1, first + i + 1)))
                .collect();
            bulk_insert(
                conn,
                "trip_waiting",
                &["user_id", "trip_id"],
                waiting.len(),
                |i| vec![int(waiting[i].0), int(waiting[i].1)],
            )
            .await?;
            let decided: Vec<(usize, &DecisionRow)> = trips
                .iter()
                .enumerate()
                .flat_map(|(i, t)| t.decisions.iter().map(move |d| (first + i + 1, d)))
                .collect();
            bulk_insert(
                conn,
                "trip_decisions",
                &[
                    "id",
                    "trip_id",
                    "at",
                    "step",
                    "step_name",
                    "approver_id",
                    "deputy_id",
                    "username",
                    "verdict",
                    "comment",
                ],
                decided.len(),
                |i| {
                    let (trip, d) = decided[i];
                    let by = d.deputy.unwrap_or(d.approver);
                    vec![
                        int(decisions + i + 1),
                        int(trip),
                        text(&moment(d.day, 30 + d.step)),
                        int(d.step),
                        text(&d.step_name),
                        int(d.approver + 1),
                        Param::Int(d.deputy.map(|a| a as i64 + 1)),
                        text(&data.accounts[by].username),
                        text(&enum_text(&d.verdict)),
                        Param::Text(d.comment.clone()),
                    ]
                },
            )
            .await?;
            decisions += decided.len();
            let history: Vec<(usize, usize, &EventRow)> = trips
                .iter()
                .enumerate()
                .flat_map(|(i, t)| {
                    t.events
                        .iter()
                        .enumerate()
                        .map(move |(n, e)| (first + i + 1, n, e))
                })
                .collect();
            bulk_insert(
                conn,
                "record_events",
                &[
                    "entity",
                    "record_id",
                    "at",
                    "user_id",
                    "username",
                    "transition",
                    "from_state",
                    "to_state",
                ],
                history.len(),
                |i| {
                    let (trip, n, e) = history[i];
                    vec![
                        text(TRIP.as_str()),
                        int(trip),
                        text(&moment(e.day, n)),
                        int(e.account + 1),
                        text(&data.accounts[e.account].username),
                        text(e.transition),
                        Param::Text(e.from.map(|s| s.as_str().to_owned())),
                        text(e.to.as_str()),
                    ]
                },
            )
            .await?;
            events += history.len();
            tx.commit().await?;
        }
        let mut conn = self.write.acquire().await?;
        reset_id_sequences(
            &mut conn,
            self.backend,
            &[
                "users",
                "approval_chains",
                "delegations",
                "briefings",
                "trips",
                "trip_decisions",
            ],
        )
        .await?;
        drop(conn);
        if self.backend == Backend::Postgres {
            // Vacuumed as well as analyzed, as autovacuum would have done to a database in use:
            // until then an index-only count of a unit's or an applicant's applications still
            // reads the table's pages to see which rows are visible.
            sqlx::query(
                "VACUUM (ANALYZE) trips, trip_members, trip_waiting, trip_decisions, \
                 record_events, briefing_attendance, trip_state_counts, trip_destinations, users, \
                 delegations",
            )
            .execute(&self.write)
            .await?;
        } else {
            sqlx::query("ANALYZE").execute(&self.write).await?;
            forget_value_samples(&self.write).await?;
            forget_audit_log_figures(&self.write).await?;
        }
        self.narrow_cache().await?;
        Ok(TripLoadReport {
            accounts: data.accounts.len(),
            trips: data.trips.len(),
            decisions,
            events,
        })
    }
}
