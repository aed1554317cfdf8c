//! The provider's tables. Every query is written once, with `$n` placeholders
//! that SQLite and PostgreSQL both read.

pub mod invitations;
pub mod organizations;
pub mod users;

/// Whether an error is a unique-constraint violation (a taken name).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
