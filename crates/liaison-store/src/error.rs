//! The store's errors: the domain's refusals, or a database that failed.

use sqlx::sqlite::SqliteError;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request was refused for a reason the user can act on.
    #[error(transparent)]
    Domain(#[from] liaison_core::Error),
    /// The database URL cannot be used.
    #[error("{0}")]
    Url(String),
    /// A write did not get its turn in time: another process holds SQLite's write lock, or
    /// another transaction the rows it needs. Nothing was changed; trying again later may work.
    #[error("the database is busy with other changes; nothing was saved, try again shortly")]
    Busy,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back; the database was changed outside Liaison.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Unsupported(String),
    /// The key to the personal data is missing or is not the one it was sealed with.
    #[error("{0}")]
    Key(String),
}

impl From<sqlx::Error> for Error {
    /// A database that made a write wait past its bound is [`Error::Busy`]; any other failure
    /// is passed on as it is.
    fn from(err: sqlx::Error) -> Error {
        if is_busy(&err) {
            Error::Busy
        } else {
            Error::Database(err)
        }
    }
}

/// SQLite's primary result code for a lock it could not get; the extended codes keep it in the
/// low byte.
const SQLITE_BUSY: i32 = 5;

/// Whether the database gave up waiting for a lock: SQLite's `SQLITE_BUSY` (5, with its extended
/// codes such as 261 and 517) after its busy timeout, PostgreSQL's `lock_not_available` after
/// `lock_timeout`, or no write connection free within the same time.
fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) if db.try_downcast_ref::<SqliteError>().is_some() => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| code & 0xff == SQLITE_BUSY),
        sqlx::Error::Database(db) => db.code().as_deref() == Some("55P03"),
        _ => false,
    }
}

impl Error {
    /// Turns the database's refusal to delete a referenced row into a conflict the user can act
    /// on, and passes every other error through.
    pub(crate) fn from_delete(err: sqlx::Error, what: &str) -> Error {
        if let sqlx::Error::Database(db) = &err
            && db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation
        {
            return liaison_core::Error::Conflict {
                message: format!(
                    "this {what} cannot be deleted while other records refer to it; remove those links first"
                ),
                current: None,
            }
            .into();
        }
        err.into()
    }

    /// Turns a unique-constraint failure (two people saving the same key at once) into a conflict.
    pub(crate) fn from_write(err: sqlx::Error) -> Error {
        if let sqlx::Error::Database(db) = &err
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            return liaison_core::Error::Conflict {
                message:
                    "another record with the same key or identifier was saved at the same time"
                        .to_owned(),
                current: None,
            }
            .into();
        }
        err.into()
    }
}

/// Places the field errors of one record of a document under its place, as `people[3].name_zh`.
pub(crate) fn under<T>(prefix: &str, result: crate::Result<T>) -> crate::Result<T> {
    match result {
        Err(Error::Domain(liaison_core::Error::Invalid(inner))) => {
            let mut errors = liaison_core::FieldErrors::new();
            errors.extend_under(prefix, inner);
            Err(liaison_core::Error::Invalid(errors).into())
        }
        other => other,
    }
}
