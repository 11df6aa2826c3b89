//! The working-day calendar: its days and years, the shipped calendar loaded once per year, and
//! the working days counted through it.

use crate::records::Records;
use chrono::{Datelike, NaiveDate};
use liaison_core::accounts::authorize_role;
use liaison_core::workdays::{self, shipped_years, year_not_held};
use liaison_core::{
    Action, Actor, CALENDAR_DAY, CalendarDay, CalendarDayFilter, CalendarDayInput, CalendarYear,
    CalendarYearInput, DayKind, DaySource, Error as DomainError, ExchangeCalendarDay,
    ExchangeCalendarYear, Page, PageRequest, Policy, WorkCalendar, WorkingDaysAfter,
    WorkingDaysBetween,
};
use sqlx::AnyConnection;

use crate::resolve::{self, StoredRecord};
use crate::sql::{
    self, Columns, Filter, ListQuery, Param, RowExt, Selection, Total, date_text, enum_text,
};
use crate::{Result, Store, records};

fn columns() -> Selection {
    Selection::of(
        "d",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "date",
            "kind",
            "name_zh",
            "name_en",
            "source",
        ],
    )
}

fn from_row(row: &impl RowExt) -> Result<CalendarDay> {
    Ok(CalendarDay {
        meta: row.meta()?,
        date: row.date("date")?,
        kind: row.enumerated("kind")?,
        name_zh: row.opt_text("name_zh")?,
        name_en: row.opt_text("name_en")?,
        source: row.enumerated("source")?,
    })
}

/// A day's columns; `source` says whether the shipped calendar or an admin wrote it.
fn data(input: &CalendarDayInput, source: DaySource) -> Columns {
    Columns::default()
        .text("date", Some(&date_text(input.date)))
        .int("year", Some(i64::from(input.date.year())))
        .text("kind", Some(&enum_text(&input.kind)))
        .text("name_zh", input.name_zh.as_deref())
        .text("name_en", input.name_en.as_deref())
        .text("source", Some(&enum_text(&source)))
}

/// Refuses a day of a year the calendar does not hold, or a date already listed by another day.
async fn check_day(
    conn: &mut AnyConnection,
    path: &str,
    input: &CalendarDayInput,
    except_id: Option<i64>,
) -> Result<()> {
    let field = resolve::sub(path, "date");
    let year = input.date.year();
    let held: Option<i64> = sqlx::query_scalar("SELECT year FROM calendar_years WHERE year = $1")
        .bind(i64::from(year))
        .fetch_optional(&mut *conn)
        .await?;
    if held.is_none() {
        return Err(year_not_held(&field, year).into());
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM calendar_days WHERE date = $1")
        .bind(date_text(input.date))
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(other) = taken
        && Some(other) != except_id
    {
        return Err(DomainError::invalid(
            field,
            "taken",
            format!("{} is already in the calendar as day {other}", input.date),
        )
        .into());
    }
    Ok(())
}

/// Adds a year to `calendar_years`; `false` when it is held already.
async fn insert_year(
    conn: &mut AnyConnection,
    year: i32,
    source: DaySource,
    added_by: Option<&str>,
) -> Result<bool> {
    // Two processes starting at once both try to load the year: the second waits for the
    // first's row and then adds nothing.
    let done = sqlx::query(
        "INSERT INTO calendar_years (year, source, added_at, added_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(i64::from(year))
    .bind(enum_text(&source))
    .bind(sql::now())
    .bind(added_by)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes the shipped days of a year in one statement. They are not audited one by one: they
/// are the dataset's, and their source says so.
async fn insert_shipped_days(conn: &mut AnyConnection, days: &[CalendarDayInput]) -> Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    let now = sql::now();
    let mut rows = Vec::with_capacity(days.len());
    let mut params = Vec::with_capacity(days.len() * 5);
    for day in days {
        let first = params.len() + 2;
        rows.push(format!(
            "($1, $1, {}, 'dataset')",
            sql::placeholders(first, 5)
        ));
        params.extend([
            Param::text(date_text(day.date)),
            Param::int(i64::from(day.date.year())),
            Param::text(enum_text(&day.kind)),
            Param::Text(day.name_zh.clone()),
            Param::Text(day.name_en.clone()),
        ]);
    }
    let statement = format!(
        "INSERT INTO calendar_days (created_at, updated_at, date, year, kind, name_zh, name_en, \
         source) VALUES {} ON CONFLICT (date) DO NOTHING",
        rows.join(", ")
    );
    let query = sqlx::query(&statement).bind(now.as_str());
    sql::bind_params(query, &params).execute(&mut *conn).await?;
    Ok(())
}

/// Brings in a year of the calendar from an exchange document, in the import's transaction, and
/// says how many days it wrote. A year the database does not hold is added with its days as the
/// document lists them. A year held exactly as shipped (nothing an admin changed, added or
/// removed) takes the document's days in place of its own, so the days an admin changed in the
/// database the document came from are not lost to the shipped calendar loaded at the first
/// start. A year an admin has changed here is left as it is.
///
/// `days` are the document's days of the year, checked, each with its source.
pub(crate) async fn import_year(
    conn: &mut AnyConnection,
    actor: &Actor,
    year: &ExchangeCalendarYear,
    days: &[(CalendarDayInput, DaySource)],
) -> Result<usize> {
    authorize_role(actor, Action::Create, CALENDAR_DAY)?;
    let held: Option<String> =
        sqlx::query_scalar("SELECT source FROM calendar_years WHERE year = $1")
            .bind(i64::from(year.year))
            .fetch_optional(&mut *conn)
            .await?;
    match held {
        None => {
            insert_year(conn, year.year, year.source, year.added_by.as_deref()).await?;
        }
        Some(source) => {
            let shipped = workdays::shipped_year(year.year).unwrap_or_default();
            let (dataset, all): (i64, i64) = sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN source = 'dataset' THEN 1 ELSE 0 END), 0), \
                 COUNT(*) FROM calendar_days WHERE year = $1",
            )
            .bind(i64::from(year.year))
            .fetch_one(&mut *conn)
            .await?;
            let as_shipped = source == enum_text(&DaySource::Dataset)
                && dataset == all
                && usize::try_from(all).ok() == Some(shipped.len());
            if !as_shipped {
                return Ok(0);
            }
            // The year as shipped says nothing the document's does not: it takes the
            // document's account of where the year came from, and its days if they differ.
            if same_days(conn, year).await? {
                describe_year(conn, year).await?;
                return Ok(0);
            }
            sqlx::query("DELETE FROM calendar_days WHERE year = $1")
                .bind(i64::from(year.year))
                .execute(&mut *conn)
                .await?;
        }
    }
    describe_year(conn, year).await?;
    let shipped: Vec<CalendarDayInput> = days
        .iter()
        .filter(|(_, source)| *source == DaySource::Dataset)
        .map(|(day, _)| day.clone())
        .collect();
    insert_shipped_days(conn, &shipped).await?;
    for (day, source) in days {
        if *source == DaySource::Edited {
            records::insert_record(
                conn,
                actor,
                CALENDAR_DAY,
                None,
                &day.key,
                data(day, *source),
            )
            .await?;
        }
    }
    Ok(days.len())
}

/// Sets where a year came from, when and by whom, as a document says.
async fn describe_year(conn: &mut AnyConnection, year: &ExchangeCalendarYear) -> Result<()> {
    sqlx::query(
        "UPDATE calendar_years SET source = $2, added_at = $3, added_by = $4 WHERE year = $1",
    )
    .bind(i64::from(year.year))
    .bind(enum_text(&year.source))
    .bind(year.added_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
    .bind(year.added_by.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the calendar holds a year with exactly the document's days.
async fn same_days(conn: &mut AnyConnection, year: &ExchangeCalendarYear) -> Result<bool> {
    let rows = sqlx::query(
        "SELECT key, date, kind, name_zh, name_en, source FROM calendar_days WHERE year = $1 \
         ORDER BY date",
    )
    .bind(i64::from(year.year))
    .fetch_all(&mut *conn)
    .await?;
    let held = rows
        .iter()
        .map(|row| {
            Ok(ExchangeCalendarDay {
                key: row.opt_text("key")?,
                date: row.date("date")?,
                kind: row.enumerated("kind")?,
                name_zh: row.opt_text("name_zh")?,
                name_en: row.opt_text("name_en")?,
                source: row.enumerated("source")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut wanted = year.days.clone();
    wanted.sort_by_key(|d| d.date);
    Ok(held == wanted)
}

/// Every year of the calendar with its days, oldest first, as an export carries them.
pub(crate) async fn exported_years(conn: &mut AnyConnection) -> Result<Vec<ExchangeCalendarYear>> {
    let years =
        sqlx::query("SELECT year, source, added_at, added_by FROM calendar_years ORDER BY year")
            .fetch_all(&mut *conn)
            .await?;
    let days = sqlx::query(
        "SELECT key, date, year, kind, name_zh, name_en, source FROM calendar_days \
         ORDER BY date",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut exported = Vec::with_capacity(years.len());
    for row in &years {
        let number = row.int("year")?;
        exported.push(ExchangeCalendarYear {
            year: i32::try_from(number)
                .map_err(|_| crate::Error::Corrupt("year: out of range".to_owned()))?,
            source: row.enumerated("source")?,
            added_at: row.timestamp("added_at")?,
            added_by: row.opt_text("added_by")?,
            days: Vec::new(),
        });
    }
    for row in &days {
        let number = row.int("year")?;
        let Some(year) = exported.iter_mut().find(|y| i64::from(y.year) == number) else {
            continue;
        };
        year.days.push(ExchangeCalendarDay {
            key: row.opt_text("key")?,
            date: row.date("date")?,
            kind: row.enumerated("kind")?,
            name_zh: row.opt_text("name_zh")?,
            name_en: row.opt_text("name_en")?,
            source: row.enumerated("source")?,
        });
    }
    Ok(exported)
}

impl Store {
    /// Loads each year of the shipped calendar that the database does not hold yet. A year
    /// already held, from the dataset or added by an admin, is left as it is.
    pub(crate) async fn ensure_shipped_calendar(&self) -> Result<()> {
        let held: Vec<i64> = sqlx::query_scalar("SELECT year FROM calendar_years")
            .fetch_all(&self.read)
            .await?;
        let missing: Vec<i32> = shipped_years()
            .into_iter()
            .filter(|y| !held.contains(&i64::from(*y)))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for year in missing {
            let days = workdays::shipped_year(year).unwrap_or_default();
            if insert_year(&mut tx, year, DaySource::Dataset, None).await? {
                insert_shipped_days(&mut tx, &days).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The years the calendar holds, newest first, with how many days each lists.
    pub async fn list_calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let rows = sqlx::query(
            "SELECT y.year, y.source, y.added_at, y.added_by, \
             (SELECT COUNT(*) FROM calendar_days d WHERE d.year = y.year) AS days \
             FROM calendar_years y ORDER BY y.year DESC",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CalendarYear {
                    year: i32::try_from(row.int("year")?)
                        .map_err(|_| crate::Error::Corrupt("year: out of range".to_owned()))?,
                    source: row.enumerated("source")?,
                    days: row.int("days")?,
                    added_at: row.timestamp("added_at")?,
                    added_by: row.opt_text("added_by")?,
                })
            })
            .collect()
    }

    /// Adds a whole year, from the shipped calendar or from the days given, in one transaction:
    /// every day is checked first, and a year held already is refused.
    pub async fn add_calendar_year(
        &self,
        actor: &Actor,
        input: CalendarYearInput,
    ) -> Result<CalendarYear> {
        authorize_role(actor, Action::Create, CALENDAR_DAY)?;
        let year = input.year;
        let held = |year: i32| -> crate::Error {
            DomainError::Conflict {
                message: format!(
                    "the calendar already holds {year}; change its days one by one instead"
                ),
                current: None,
            }
            .into()
        };
        // A year held already is said first: its days would be refused anyway.
        if self
            .list_calendar_years()
            .await?
            .iter()
            .any(|y| y.year == year)
        {
            return Err(held(year));
        }
        let (source, days) = input.into_days()?;
        let mut tx = self.begin_write().await?;
        if !insert_year(&mut tx, year, source, Some(&actor.username)).await? {
            return Err(held(year));
        }
        for (i, day) in days.iter().enumerate() {
            let path = format!("days[{i}]");
            resolve::key_is_free(&mut tx, CALENDAR_DAY, &path, &day.key, None).await?;
            let columns = data(day, source);
            records::insert_record(&mut tx, actor, CALENDAR_DAY, None, &day.key, columns).await?;
        }
        tx.commit().await?;
        self.list_calendar_years()
            .await?
            .into_iter()
            .find(|y| y.year == year)
            .ok_or_else(|| DomainError::not_found("calendar year", year).into())
    }

    /// The calendar from the year of `from` up to the last year it holds.
    pub(crate) async fn work_calendar_from(&self, from: NaiveDate) -> Result<WorkCalendar> {
        let years: Vec<i64> =
            sqlx::query_scalar("SELECT year FROM calendar_years WHERE year >= $1")
                .bind(i64::from(from.year()))
                .fetch_all(&self.read)
                .await?;
        let rows = sqlx::query("SELECT date, kind FROM calendar_days WHERE year >= $1")
            .bind(i64::from(from.year()))
            .fetch_all(&self.read)
            .await?;
        let days = rows
            .iter()
            .map(|row| Ok((row.date("date")?, row.enumerated::<DayKind>("kind")?)))
            .collect::<Result<Vec<_>>>()?;
        let years = years.into_iter().filter_map(|y| i32::try_from(y).ok());
        Ok(WorkCalendar::new(years, days))
    }

    /// The day `days` working days after `from`.
    pub async fn working_days_after(&self, from: NaiveDate, days: i64) -> Result<WorkingDaysAfter> {
        let calendar = self.work_calendar_from(from).await?;
        Ok(WorkingDaysAfter {
            from,
            days,
            date: calendar.after(from, days)?,
        })
    }

    /// The working days after `from` up to and including `to`.
    pub async fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<WorkingDaysBetween> {
        let calendar = self.work_calendar_from(from).await?;
        Ok(WorkingDaysBetween {
            from,
            to,
            working_days: calendar.between(from, to)?,
        })
    }
}

impl Records for CalendarDay {
    type Input = CalendarDayInput;
    type Filter = CalendarDayFilter;
    type Row = CalendarDay;

    fn version(input: &CalendarDayInput) -> Option<i64> {
        input.version
    }

    async fn insert(
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &CalendarDayInput,
    ) -> Result<i64> {
        resolve::key_is_free(conn, CALENDAR_DAY, "", &input.key, None).await?;
        check_day(conn, "", input, None).await?;
        let columns = data(input, DaySource::Edited);
        records::insert_record(conn, actor, CALENDAR_DAY, None, &input.key, columns).await
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        _: &Actor,
        id: i64,
        version: i64,
        input: &CalendarDayInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, CALENDAR_DAY, "", &input.key, Some(id)).await?;
        check_day(conn, "", input, Some(id)).await?;
        let columns = data(input, DaySource::Edited);
        records::update_record(conn, CALENDAR_DAY, id, version, &input.key, columns).await
    }

    async fn list(
        store: &Store,
        filter: &CalendarDayFilter,
        page: &PageRequest,
    ) -> Result<Page<CalendarDay>> {
        let mut f = Filter::default();
        f.contains(&["d.name_zh", "d.name_en"], &filter.q);
        if let Some(year) = filter.year {
            let p = f.param(Param::int(i64::from(year)));
            f.and(format!("d.year = {p}"));
        }
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("d.kind = {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "created" => &["d.created_at", "d.id"],
            "updated" => &["d.updated_at", "d.id"],
            _ => &["d.date", "d.id"],
        };
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: "calendar_days d",
            total: Total::Counted {
                from: "calendar_days d",
                count: "COUNT(*)",
            },
            filter: f,
            order,
        };
        store.list_page(list, page, from_row).await
    }
}

impl StoredRecord for CalendarDay {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<CalendarDay> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM calendar_days d WHERE d.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("calendar day", id))?;
        from_row(&row)
    }
}
