//! The gift register.

use crate::records::Records;
use liaison_core::{ACTIVITY, GIFT};
use liaison_core::{
    Actor, Error as DomainError, Gift, GiftFilter, GiftInput, Money, Page, PageRequest, Party,
    PartyInput, Policy, gifts::declaration_required,
};
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{
    Columns, Filter, ListQuery, Param, RowExt, Selection, Total, date_text, enum_text,
};
use crate::{Result, Store, organizations, people, records};

fn columns() -> Selection {
    Selection::of(
        "g",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "direction",
            "exchanged_on",
            "giver_description",
            "receiver_description",
            "item",
            "category",
            "quantity",
            "estimated_value_fen",
            "status",
            "declared_on",
            "handed_in_on",
            "storage",
            "disposal",
            "notes",
        ],
    )
    .with("act.id", "act_id")
    .with("act.key", "act_key")
    .with("act.title_zh", "act_name_zh")
    .with("act.title_en", "act_name_en")
    .with("act.host_unit_id", "act_host_unit_id")
    .named("gp", "gp")
    .named("go", "go")
    .named("rp", "rp")
    .named("ro", "ro")
}

const FROM: &str = "gifts g LEFT JOIN activities act ON act.id = g.activity_id \
    LEFT JOIN people gp ON gp.id = g.giver_person_id \
    LEFT JOIN organizations go ON go.id = g.giver_organization_id \
    LEFT JOIN people rp ON rp.id = g.receiver_person_id \
    LEFT JOIN organizations ro ON ro.id = g.receiver_organization_id";

fn from_row(policy: &Policy, row: &impl RowExt) -> Result<Gift> {
    let direction = row.enumerated("direction")?;
    let value = row.opt_int("estimated_value_fen")?.map(Money::from_fen);
    Ok(Gift {
        meta: row.meta()?,
        direction,
        activity: row.named("act")?,
        exchanged_on: row.opt_date("exchanged_on")?,
        giver: Party {
            person: row.named("gp")?,
            organization: row.named("go")?,
            description: row.opt_text("giver_description")?,
        },
        receiver: Party {
            person: row.named("rp")?,
            organization: row.named("ro")?,
            description: row.opt_text("receiver_description")?,
        },
        item: row.text("item")?,
        category: row.enumerated("category")?,
        quantity: row.int("quantity")?,
        estimated_value_fen: value,
        status: row.enumerated("status")?,
        declared_on: row.opt_date("declared_on")?,
        handed_in_on: row.opt_date("handed_in_on")?,
        storage: row.opt_text("storage")?,
        disposal: row.opt_text("disposal")?,
        notes: row.opt_text("notes")?,
        declaration_required: declaration_required(policy, direction, value),
        unit_id: row.opt_int("act_host_unit_id")?,
    })
}

/// The person and organization of a giver or receiver, as row numbers.
async fn party(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &PartyInput,
) -> Result<(Option<i64>, Option<i64>)> {
    let person = people::optional_person(conn, actor, &sub(path, "person"), &input.person).await?;
    let org = organizations::optional_organization(
        conn,
        actor,
        &sub(path, "organization"),
        &input.organization,
    )
    .await?;
    Ok((person, org))
}

/// The row numbers a gift refers to.
struct Links {
    activity: Option<i64>,
    giver: (Option<i64>, Option<i64>),
    receiver: (Option<i64>, Option<i64>),
}

async fn links(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &GiftInput,
    activity: Option<i64>,
) -> Result<Links> {
    let activity = match activity {
        Some(id) => Some(id),
        None => {
            resolve::optional_link(conn, ACTIVITY, &sub(path, "activity"), &input.activity).await?
        }
    };
    Ok(Links {
        activity,
        giver: party(conn, actor, &sub(path, "giver"), &input.giver).await?,
        receiver: party(conn, actor, &sub(path, "receiver"), &input.receiver).await?,
    })
}

/// The gift's own columns, with what it refers to already resolved.
fn data(input: &GiftInput, links: &Links) -> Columns {
    Columns::default()
        .text("direction", Some(&enum_text(&input.direction)))
        .int("activity_id", links.activity)
        .text("exchanged_on", input.exchanged_on.map(date_text).as_deref())
        .int("giver_person_id", links.giver.0)
        .int("giver_organization_id", links.giver.1)
        .text("giver_description", input.giver.description.as_deref())
        .int("receiver_person_id", links.receiver.0)
        .int("receiver_organization_id", links.receiver.1)
        .text(
            "receiver_description",
            input.receiver.description.as_deref(),
        )
        .text("item", Some(&input.item))
        .text("category", Some(&enum_text(&input.category)))
        .int("quantity", Some(input.quantity))
        .int(
            "estimated_value_fen",
            input.estimated_value_fen.map(|m| m.fen()),
        )
        .text("status", Some(&enum_text(&input.status)))
        .text("declared_on", input.declared_on.map(date_text).as_deref())
        .text("handed_in_on", input.handed_in_on.map(date_text).as_deref())
        .text("storage", input.storage.as_deref())
        .text("disposal", input.disposal.as_deref())
        .text("notes", input.notes.as_deref())
}

/// Records a gift, against `activity` when it comes with one.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &GiftInput,
    activity: Option<i64>,
) -> Result<i64> {
    resolve::key_is_free(conn, GIFT, path, &input.key, None).await?;
    let links = links(conn, actor, path, input, activity).await?;
    let unit = host_unit(conn, links.activity).await?;
    let columns = data(input, &links);
    records::insert_record(conn, actor, GIFT, unit, &input.key, columns).await
}

/// The host unit of a gift's activity: the unit whose liaison officer may record the gift.
async fn host_unit(conn: &mut AnyConnection, activity: Option<i64>) -> Result<Option<i64>> {
    let Some(activity) = activity else {
        return Ok(None);
    };
    let unit: Option<Option<i64>> =
        sqlx::query_scalar("SELECT host_unit_id FROM activities WHERE id = $1")
            .bind(activity)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(unit.flatten())
}

/// The gifts recorded against an activity, in the order they were recorded.
pub(crate) async fn of_activity(
    conn: &mut AnyConnection,
    policy: &Policy,
    activity: i64,
) -> Result<Vec<Gift>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM {FROM} WHERE g.activity_id = $1 ORDER BY g.id",
        columns().sql()
    ))
    .bind(activity)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| from_row(policy, r)).collect()
}

impl Store {}

impl Records for Gift {
    type Input = GiftInput;
    type Filter = GiftFilter;
    type Row = Gift;

    fn version(input: &GiftInput) -> Option<i64> {
        input.version
    }

    async fn insert(conn: &mut AnyConnection, actor: &Actor, input: &GiftInput) -> Result<i64> {
        insert(conn, actor, "", input, None).await
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &GiftInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, GIFT, "", &input.key, Some(id)).await?;
        let links = links(conn, actor, "", input, None).await?;
        let columns = data(input, &links);
        records::update_record(conn, GIFT, id, version, &input.key, columns).await
    }

    async fn list(store: &Store, filter: &GiftFilter, page: &PageRequest) -> Result<Page<Gift>> {
        let mut f = Filter::default();
        f.contains(&["g.item", "g.notes"], &filter.q);
        if let Some(direction) = &filter.direction {
            let p = f.param(Param::text(enum_text(direction)));
            f.and(format!("g.direction = {p}"));
        }
        if let Some(status) = &filter.status {
            let p = f.param(Param::text(enum_text(status)));
            f.and(format!("g.status = {p}"));
        }
        if let Some(activity) = filter.activity {
            let p = f.param(Param::int(activity));
            f.and(format!("g.activity_id = {p}"));
        }
        if let Some(year) = filter.year {
            let from = f.param(Param::text(format!("{year:04}-01-01")));
            let to = f.param(Param::text(format!("{:04}-01-01", year + 1)));
            f.and(format!(
                "g.exchanged_on >= {from} AND g.exchanged_on < {to}"
            ));
        }
        let order: &[&str] = match page.sort.as_str() {
            "value" => &["g.estimated_value_fen NULLS LAST", "g.id"],
            "item" => &["g.item", "g.id"],
            "created" => &["g.created_at", "g.id"],
            "updated" => &["g.updated_at", "g.id"],
            _ => &["g.exchanged_on NULLS LAST", "g.id"],
        };
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total: Total::Counted {
                from: "gifts g",
                count: "COUNT(*)",
            },
            filter: f,
            order,
        };
        store
            .list_page(list, page, |row| from_row(&store.policy, row))
            .await
    }
}

// Its documents, for search (the kind is declared searchable).
inventory::submit! { crate::search::DocumentReader::of::<Gift>() }

impl StoredRecord for Gift {
    async fn fetch(conn: &mut AnyConnection, policy: &Policy, id: i64) -> Result<Gift> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE g.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("gift", id))?;
        from_row(policy, &row)
    }
}
