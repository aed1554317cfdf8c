//! The provider's tables. Every query is written once, with `$n` placeholders
//! that SQLite and PostgreSQL both read.

pub mod connections;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod roles;
pub mod users;

use orgdesk_db::{Database, Engine};
use sqlx::{Any, Transaction};

/// Whether an error is a unique-constraint violation (a taken name).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting out other writers with the busy timeout: a
/// transaction that read first and wrote later could not take the lock after
/// another writer committed, and would fail instead of waiting.
pub(crate) async fn write_transaction(db: &Database) -> Result<Transaction<'_, Any>, sqlx::Error> {
    match db.engine() {
        Engine::Sqlite => db.pool().begin_with("BEGIN IMMEDIATE").await,
        Engine::Postgres => db.pool().begin().await,
    }
}

/// `$first, $first+1, …`: `count` numbered placeholders for an `IN (…)` list.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(super::placeholders(2, 3), "$2, $3, $4");
        assert_eq!(super::placeholders(1, 1), "$1");
    }
}
