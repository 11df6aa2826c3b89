//! The store's errors: the domain's refusals, or a database that failed.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request was refused for a reason the user can act on.
    #[error(transparent)]
    Domain(#[from] liaison_core::Error),
    /// The database URL cannot be used.
    #[error("{0}")]
    Url(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back; the database was changed outside Liaison.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Unsupported(String),
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
        Error::Database(err)
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
        Error::Database(err)
    }
}
