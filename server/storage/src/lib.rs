//! The console's own storage: what Orgdesk keeps beside the identity
//! provider's data — sign-in sessions, the organization directory (for
//! search) and the audit log. It implements the domain's ports.

mod audit;
mod budget;
mod connections;
mod directory;
mod members;
mod sessions;

use orgdesk_db::{Database, DbError, Migrations};

pub use sessions::{PendingLogin, StoredSession};

/// The console's schema, per engine.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: sqlx::migrate!("./migrations/sqlite"),
        postgres: sqlx::migrate!("./migrations/postgres"),
    }
}

/// Opens the console's database and brings its schema up to date.
pub async fn open(url: &str) -> Result<Database, DbError> {
    Database::open(url, &migrations()).await
}

/// The console's tables.
#[derive(Clone, Debug)]
pub struct Storage {
    db: Database,
}

impl Storage {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

fn port_error(error: sqlx::Error) -> orgdesk_domain::ports::PortError {
    orgdesk_domain::ports::PortError::Other(format!("console database: {error}"))
}

#[cfg(test)]
mod tests;
