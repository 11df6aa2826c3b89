//! A kind of record, declared once.
//!
//! Each record's module declares its [`Kind`]: its name in the audit log, the permission rules
//! and search results; its table and the path of its list in the API and the pages;
//! who may create and change it; whether it feeds search and the organizations' timelines; how
//! a spreadsheet brings it in; its lifecycle; and its list's sort keys. Every layer reads these
//! facts from the declaration, through [`RecordKind`], instead of listing the kinds again.
//! [`crate::KINDS`] holds every declaration, in the order lists and search show them.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema};
use utoipa::{PartialSchema, ToSchema};

use crate::Meta;
use crate::lifecycle::Lifecycle;

/// The facts of one kind of record.
#[derive(Debug)]
pub struct Kind {
    /// Its name in the audit log, the permission rules and search results: `agreement`.
    pub name: &'static str,
    /// Its table: `agreements`, `calendar_days`.
    pub table: &'static str,
    /// The path of its list in the API and the pages: `agreements`, `calendar-days`.
    pub path: &'static str,
    /// The catalog prefix of the values that classify its records, such as `activity-kind` for
    /// an activity's kind (`activity-kind-inbound_visit`); `None` when nothing classifies them.
    pub categories: Option<&'static str>,
    /// Whether it has list and record pages of its own, at `/{path}` and `/{path}/{id}`.
    pub pages: bool,
    /// Whether its records keep files (photos, scans, signed copies), each allowed as the record
    /// itself is.
    pub files: bool,
    /// Who may see, create and change records of this kind.
    pub rights: Rights,
    /// How it feeds search: its code in the search index's blocks, which is stored and so is
    /// never given to another kind; `None` when search does not find it.
    pub search: Option<u8>,
    /// How its records appear on the timelines of the organizations they involve; `None` when
    /// they do not.
    pub timeline: Option<Timeline>,
    /// The columns by which its records name records of other kinds ([`Naming`]): a named
    /// record kept from being deleted by them, and, for those its search document shows, its
    /// renaming refreshing theirs.
    pub naming: &'static [Naming],
    /// How a spreadsheet brings these records in; `None` when it cannot.
    pub import: Option<Import>,
    /// The states its records go through and the transitions between them, with who may make
    /// each ([`Lifecycle`]); `None` when its records have no state of their own.
    pub lifecycle: Option<&'static Lifecycle>,
    /// The sort keys of its list; the first is the default.
    pub sorts: &'static [&'static str],
    /// Whether its list shows the newest first unless asked otherwise.
    pub newest_first: bool,
}

/// A column by which a kind's records name a record of another kind: in the kind's own table
/// (an activity's inviting organization) or in a table of its rows (an activity's partners).
/// Declared with the kind that holds the column, so what names a record is found from the
/// declarations, and a new kind's references are declared where it is.
#[derive(Debug, Clone, Copy)]
pub struct Naming {
    /// The kind of the record named, by its name (`organization`).
    pub to: &'static str,
    /// The table holding the column.
    pub table: &'static str,
    /// The column holding the number of the record named.
    pub column: &'static str,
    /// The column of that table holding the number of the naming record: `id` in the kind's
    /// own table.
    pub record: &'static str,
    /// Whether the naming record's search document shows the record named (its name, its
    /// country), and so is written again when that record is renamed.
    pub shown: bool,
}

impl Naming {
    /// A column of the kind's own table naming a record of the kind `to`, shown in the naming
    /// record's search document.
    pub const fn new(to: &'static str, table: &'static str, column: &'static str) -> Naming {
        Naming {
            to,
            table,
            column,
            record: "id",
            shown: true,
        }
    }

    /// The same reference in a table of the kind's rows, whose column `record` holds the
    /// naming record's number.
    pub const fn in_rows(mut self, record: &'static str) -> Naming {
        self.record = record;
        self
    }

    /// The same reference, not shown in the naming record's search document: it only keeps the
    /// record named from being deleted.
    pub const fn unshown(mut self) -> Naming {
        self.shown = false;
        self
    }
}

/// How a kind's records appear on the timelines of the organizations they involve: the store
/// writes a timeline's rows and reads its entries from these columns, so a kind on the timelines
/// declares here what another kind's module would otherwise have to know.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    /// The record's day on a timeline: an expression over the columns of its table, which it
    /// names `r` (`r.start_date`, `COALESCE(r.signed_on, r.valid_from)`).
    pub day: &'static str,
    /// The columns of its table holding its title in Chinese and in English (the same column
    /// twice for a title in one language).
    pub title: (&'static str, &'static str),
    /// The column of its table holding the code an entry shows beside its title: its kind, its
    /// direction.
    pub detail: &'static str,
    /// Each way its records involve organizations.
    pub involvements: &'static [Involvement],
}

/// One way a kind's records involve organizations, named as the timeline names it
/// (`partner`, `gift_giver`; `involvement-…` in the catalogs).
#[derive(Debug, Clone, Copy)]
pub struct Involvement {
    pub name: &'static str,
    pub through: Through,
}

/// Where an involvement's organizations are found.
#[derive(Debug, Clone, Copy)]
pub enum Through {
    /// A column of the kind's own table holding an organization's number.
    Column(&'static str),
    /// A table of the kind's rows: its column holding the record's number and its column
    /// holding an organization's.
    Rows {
        table: &'static str,
        record: &'static str,
        organization: &'static str,
    },
    /// The organizations of the people a table of the kind's rows names (its column holding the
    /// record's number and its column holding a person's), apart from those the record
    /// involves in its other ways. A person's change of organization moves these.
    People {
        table: &'static str,
        record: &'static str,
        person: &'static str,
    },
}

impl Involvement {
    /// Organizations named by the column `column` of the kind's own table.
    pub const fn column(name: &'static str, column: &'static str) -> Involvement {
        Involvement {
            name,
            through: Through::Column(column),
        }
    }

    /// Organizations named by the column `organization` of the rows of `table`, each naming
    /// its record in `record`.
    pub const fn rows(
        name: &'static str,
        table: &'static str,
        record: &'static str,
        organization: &'static str,
    ) -> Involvement {
        Involvement {
            name,
            through: Through::Rows {
                table,
                record,
                organization,
            },
        }
    }

    /// The organizations of the people named by the column `person` of the rows of `table`,
    /// each naming its record in `record`.
    pub const fn people(
        name: &'static str,
        table: &'static str,
        record: &'static str,
        person: &'static str,
    ) -> Involvement {
        Involvement {
            name,
            through: Through::People {
                table,
                record,
                person,
            },
        }
    }
}

/// The columns a spreadsheet of a kind of record may have.
#[derive(Debug, Clone, Copy)]
pub struct Import {
    /// Every column, in the template's order: the fields of the record's input that fit in one
    /// cell.
    pub columns: &'static [&'static str],
    /// The columns a row cannot do without, besides its name.
    pub required: &'static [&'static str],
    /// The columns that name a record in Chinese and in English: a row needs one of them, which
    /// the record's own validation says.
    pub names: (&'static str, &'static str),
    /// The columns whose cells hold one of a set of codes: the column, the catalog prefix of the
    /// codes' names (so a cell may give the name in either language), and the codes.
    pub choices: &'static [Choice],
    /// An example cell of each column for the template, from the office's own records.
    pub examples: &'static [(&'static str, Example)],
    /// The columns whose cells are not plain text, and how each reads. A column is named for
    /// the field of the kind's input (its JSON form) it fills.
    pub cells: &'static [(&'static str, CellKind)],
    /// Checks a row's fields, in the JSON of the kind's input, as that input: that they read as
    /// it, and keep its own rules ([`checked_input`] of the kind's input). A spreadsheet's row,
    /// the API's JSON and an exchange document are so read by one reader, serde's.
    pub check: fn(&serde_json::Value) -> Result<(), InputProblem>,
    /// Fills in what a row implies beyond its cells, given its fields and whether a column has
    /// a value (a person of a unit is the university's own).
    pub implied: Implied,
}

/// What a row implies beyond its cells, given its fields and whether a column has a value.
pub type Implied = fn(&mut serde_json::Map<String, serde_json::Value>, &dyn Fn(&str) -> bool);

/// How the cells of a spreadsheet's column read, when not as plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A whole number, written with or without thousands separators.
    Number,
    /// A day: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, or a workbook's day number.
    Date,
    /// A country or region, by its code or its name in either language.
    Country,
    /// Several texts, separated by semicolons, 、 or line breaks (not commas, which names such
    /// as "University of California, Berkeley" hold).
    List,
    /// Identifiers as `scheme: value`, several separated like a list.
    Identifiers,
    /// A record of that kind, by its name, its number (`#12`) or its key, looked up by the
    /// caller.
    Reference(RecordKind),
    /// Several records of that kind, separated like a list.
    References(RecordKind),
}

/// Why a record's fields, in the JSON of its input, are not a record.
#[derive(Debug, Clone, PartialEq)]
pub enum InputProblem {
    /// They do not read as the input: a field of the wrong shape, or one the record cannot do
    /// without; the field's path (`partners[0]`, empty for the record) and why.
    Unreadable { field: String, message: String },
    /// They read, and break the record's own rules.
    Invalid(crate::FieldErrors),
}

/// Reads `value` as the input `T` and checks it by its own rules.
pub fn checked_input<T>(value: &serde_json::Value) -> Result<(), InputProblem>
where
    T: serde::de::DeserializeOwned + crate::Validate,
{
    let mut input: T =
        serde_path_to_error::deserialize(value).map_err(|e| InputProblem::Unreadable {
            field: e.path().to_string().trim_start_matches('.').to_owned(),
            message: e.inner().to_string(),
        })?;
    let mut errors = crate::FieldErrors::new();
    input.check(&mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputProblem::Invalid(errors))
    }
}

/// For a kind whose rows imply nothing beyond their cells.
pub fn nothing_implied(
    _: &mut serde_json::Map<String, serde_json::Value>,
    _: &dyn Fn(&str) -> bool,
) {
}

/// A column whose cells hold one of a set of codes: the column, the catalog prefix of the codes'
/// names, and a function listing the codes.
pub type Choice = (&'static str, &'static str, fn() -> Vec<String>);

/// An example cell of a spreadsheet's column.
#[derive(Debug, Clone, Copy)]
pub enum Example {
    Text(&'static str),
    Int(i64),
    /// A day: year, month, day.
    Date(i32, u32, u32),
}

/// The serde names of an enum's values, as a spreadsheet or a form writes them.
pub fn codes<T: Serialize>(all: &[T]) -> Vec<String> {
    all.iter().filter_map(code).collect()
}

/// The serde name of a value of a vocabulary (`inbound_visit`), as forms, spreadsheets, search
/// filters and the database write it; `None` for a value that is not named by a string.
pub fn code<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => Some(code),
        _ => None,
    }
}

/// Who may do what with a kind of record. Admins may do everything; everyone signed in reads
/// every kind that is not `admin_only`.
#[derive(Debug, Clone, Copy)]
pub struct Rights {
    /// Only admins see or change it (accounts, the audit log).
    pub admin_only: bool,
    /// Whether the office's officers create and change it.
    pub officers: bool,
    /// What a unit's liaison officer may create.
    pub liaison_creates: Scope,
    /// What a unit's liaison officer may change or delete.
    pub liaison_changes: Scope,
}

/// Which records of a kind a unit's liaison officer may act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    None,
    /// Those recorded under their own unit.
    OwnUnit,
    /// Those of their own unit, and those no unit owns, such as the guests of their unit's
    /// activities: never another unit's.
    OwnUnitOrNone,
    /// Any: shared records such as the organizations of their unit's activities.
    Any,
}

impl Rights {
    /// The rights of the office's records: officers and admins create and change them, and a
    /// liaison officer those of their own unit.
    pub const UNIT_RECORDS: Rights = Rights {
        admin_only: false,
        officers: true,
        liaison_creates: Scope::OwnUnit,
        liaison_changes: Scope::OwnUnit,
    };

    /// Records only admins keep, which everyone reads.
    pub const ADMINS_KEEP: Rights = Rights {
        admin_only: false,
        officers: false,
        liaison_creates: Scope::None,
        liaison_changes: Scope::None,
    };
}

/// A stored record of a declared kind: what the permission rules and the pages read of any of
/// them.
pub trait Record {
    /// Its kind.
    const KIND: RecordKind;

    /// Its number, key, version and times.
    fn meta(&self) -> &Meta;

    /// The unit it is recorded under, for the permission rules: an activity's host unit, a
    /// person's or an agreement's unit, a gift's activity's host unit, a unit itself; `None`
    /// for the records no unit owns.
    fn unit(&self) -> Option<i64>;

    /// Its fields that hold personal data (see `personal.rs`), by name, to be masked; none
    /// unless the kind declares some.
    fn personal_mut(&mut self) -> Vec<(&'static str, &mut Option<String>)> {
        Vec::new()
    }

    /// Refuses an actor who may not change this record, nor add to or take from the files kept
    /// with it: by default the permission rules of its kind for its unit.
    fn authorize_change(&self, actor: &crate::Actor) -> Result<(), crate::Error> {
        crate::accounts::authorize(actor, crate::Action::Change, Self::KIND, self.unit())
    }

    /// Refuses at once an actor whose role changes no record of this kind, whatever the record,
    /// before anything is read.
    fn authorize_change_role(actor: &crate::Actor) -> Result<(), crate::Error> {
        crate::accounts::authorize_role(actor, crate::Action::Change, Self::KIND)
    }
}

/// A kind of record, as every layer passes it: a reference to its declaration, compared,
/// hashed, ordered and written by its name.
#[derive(Clone, Copy)]
pub struct RecordKind(&'static Kind);

impl RecordKind {
    /// The kind a module declares; see [`Kind`].
    pub const fn of(kind: &'static Kind) -> RecordKind {
        RecordKind(kind)
    }

    pub fn as_str(&self) -> &'static str {
        self.0.name
    }

    /// Its declaration, in a constant expression, where `Deref` cannot be used.
    pub const fn declaration(&self) -> &'static Kind {
        self.0
    }

    /// The kind named `name` (as the audit log and search write it).
    pub fn parse(name: &str) -> Option<RecordKind> {
        crate::KINDS.iter().copied().find(|k| k.name == name)
    }

    /// The columns of every kind that name records of the kind `to`, with the kind holding
    /// each: what names a record of it.
    pub fn named_by(to: RecordKind) -> impl Iterator<Item = (RecordKind, &'static Naming)> {
        crate::KINDS.iter().flat_map(move |kind| {
            kind.naming
                .iter()
                .filter(move |r| r.to == to.name)
                .map(move |r| (*kind, r))
        })
    }

    /// The kind whose table is `table`.
    pub fn by_table(table: &str) -> Option<RecordKind> {
        crate::KINDS.iter().copied().find(|k| k.table == table)
    }

    /// The kinds search finds, in the order of their codes, which is the order results are
    /// counted in. Every search counts through them, so they are listed once.
    pub fn searchable() -> &'static [RecordKind] {
        static SEARCHABLE: LazyLock<Vec<RecordKind>> = LazyLock::new(|| {
            let mut kinds: Vec<RecordKind> = crate::KINDS
                .iter()
                .copied()
                .filter(|k| k.search.is_some())
                .collect();
            kinds.sort_by_key(|k| k.search);
            kinds
        });
        &SEARCHABLE
    }

    /// The kind stored under a search code. Search decodes one for every record of a block,
    /// so the answer is read from a table made once.
    pub fn by_search_code(code: u8) -> Option<RecordKind> {
        static BY_CODE: LazyLock<[Option<RecordKind>; 256]> = LazyLock::new(|| {
            let mut table = [None; 256];
            for kind in crate::KINDS {
                if let Some(code) = kind.search {
                    table[usize::from(code)] = Some(*kind);
                }
            }
            table
        });
        BY_CODE[usize::from(code)]
    }

    /// The kinds a spreadsheet may bring in, in the order the import page offers them.
    pub fn importable() -> impl Iterator<Item = RecordKind> {
        crate::KINDS.iter().copied().filter(|k| k.import.is_some())
    }

    /// The kind a spreadsheet brings in whose path is `path`, as the import's address names it.
    pub fn importing(path: &str) -> Option<RecordKind> {
        Self::importable().find(|k| k.path == path.trim())
    }

    /// How a spreadsheet brings this kind in; a kind that cannot be imported has no columns.
    pub fn spreadsheet(&self) -> Import {
        self.0.import.unwrap_or(Import {
            columns: &[],
            required: &[],
            names: ("name_zh", "name_en"),
            choices: &[],
            examples: &[],
            cells: &[],
            check: |_| {
                Err(InputProblem::Unreadable {
                    field: String::new(),
                    message: "records of this kind are not read from spreadsheets".to_owned(),
                })
            },
            implied: nothing_implied,
        })
    }
}

impl Deref for RecordKind {
    type Target = Kind;

    fn deref(&self) -> &Kind {
        self.0
    }
}

impl PartialEq for RecordKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for RecordKind {}

impl Hash for RecordKind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl PartialOrd for RecordKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Kinds sort as search counts them, by their search codes, then the kinds search does not
/// find in the order of [`crate::KINDS`]: the order results, refreshes and locks have always
/// taken.
impl Ord for RecordKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |k: &RecordKind| {
            (
                k.search.unwrap_or(u8::MAX),
                crate::KINDS.iter().position(|x| x == k),
            )
        };
        key(self).cmp(&key(other))
    }
}

impl fmt::Debug for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for RecordKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for RecordKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        RecordKind::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = crate::KINDS.iter().map(|k| k.name).collect();
            serde::de::Error::custom(format!(
                "unknown kind of record `{name}`, expected one of {}",
                names.join(", ")
            ))
        })
    }
}

/// In the OpenAPI document a kind is its name, one of those declared.
impl PartialSchema for RecordKind {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(schema::SchemaType::Type(Type::String))
            .enum_values(Some(crate::KINDS.iter().map(|k| k.name)))
            .into()
    }
}

impl ToSchema for RecordKind {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KINDS;

    #[test]
    fn every_kind_has_its_own_name_table_and_search_code() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.table, b.table, "{a} and {b}");
                assert_ne!(a.path, b.path, "{a} and {b}");
                if a.search.is_some() {
                    assert_ne!(a.search, b.search, "{a} and {b} share a search code");
                }
            }
        }
    }

    #[test]
    fn every_column_naming_a_record_names_a_declared_kind() {
        for kind in KINDS {
            for column in kind.naming {
                let named = RecordKind::parse(column.to);
                assert!(
                    named.is_some(),
                    "{kind} names an undeclared kind `{}`",
                    column.to
                );
                assert_eq!(
                    column.record == "id",
                    column.table == kind.table,
                    "{kind}: `{}.{}` is read by the record's own number only in its own table",
                    column.table,
                    column.column
                );
            }
        }
        let organization = RecordKind::parse("organization").unwrap();
        let naming: Vec<String> = RecordKind::named_by(organization)
            .map(|(kind, c)| format!("{kind} {}.{}", c.table, c.column))
            .collect();
        assert!(naming.contains(&"gift gifts.receiver_organization_id".to_owned()));
        assert!(naming.contains(&"activity activity_partners.organization_id".to_owned()));
    }

    /// An organization a record shows on its timeline is one the record names, so it is kept
    /// from being deleted by it and its rename reaches the record: each involvement reads a
    /// column its kind declares naming an organization (or, through people, a person).
    #[test]
    fn every_involvement_on_a_timeline_reads_a_declared_naming_column() {
        let mut involvements = Vec::new();
        for kind in KINDS {
            let Some(timeline) = &kind.timeline else {
                continue;
            };
            assert!(
                !timeline.involvements.is_empty(),
                "{kind} is on the timelines but involves no organization"
            );
            let declared = |to: &str, table: &str, column: &str, record: &str| {
                kind.naming
                    .iter()
                    .any(|n| (n.to, n.table, n.column, n.record) == (to, table, column, record))
            };
            for involvement in timeline.involvements {
                let found = match involvement.through {
                    Through::Column(column) => declared("organization", kind.table, column, "id"),
                    Through::Rows {
                        table,
                        record,
                        organization,
                    } => declared("organization", table, organization, record),
                    Through::People {
                        table,
                        record,
                        person,
                    } => declared("person", table, person, record),
                };
                assert!(found, "{kind}'s involvement `{}`", involvement.name);
                involvements.push(format!("{kind} {}", involvement.name));
            }
        }
        assert!(involvements.contains(&"activity participant".to_owned()));
        assert!(involvements.contains(&"gift gift_giver".to_owned()));
        assert_eq!(
            involvements.len(),
            7,
            "the seven involvements of activities, agreements and gifts: {involvements:?}"
        );
    }
    #[test]
    fn kinds_sort_by_their_search_codes_then_as_declared() {
        let mut kinds = KINDS.to_vec();
        kinds.sort();
        let names: Vec<&str> = kinds.iter().map(|k| k.name).collect();
        assert_eq!(
            names[..5],
            ["activity", "organization", "person", "agreement", "gift"]
        );
        assert_eq!(kinds.len(), KINDS.len());
    }

    #[test]
    fn a_kind_reads_back_from_its_name() {
        for kind in KINDS {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(serde_json::from_str::<RecordKind>(&json).unwrap(), *kind);
        }
        let refused = serde_json::from_str::<RecordKind>("\"passport_of_mars\"").unwrap_err();
        assert!(
            refused.to_string().contains("unknown kind of record"),
            "{refused}"
        );
    }
}
