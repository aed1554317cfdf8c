//! The console's database for `console`: a fresh one on the provider's engine,
//! removed afterwards, so that every run fills the directory from empty.
//!
//! The console and the provider each keep their migrations in a
//! `_sqlx_migrations` table, so they cannot share one database: SQLite gets a
//! second file next to the provider's, PostgreSQL a second database on the
//! same server, created and dropped the way `cargo xtask bench` does its own.

use std::path::{Path, PathBuf};

use orgdesk_db::Engine;
use sqlx::{Connection, Executor, postgres::PgConnection};
use url::Url;

use crate::Result;

/// A console database that exists until [`Scratch::remove`].
pub struct Scratch {
    /// Where the console's storage opens it (never printed: it may hold a password).
    pub url: String,
    place: Place,
}

enum Place {
    SqliteFile(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Scratch {
    /// Creates an empty console database beside the provider's at
    /// `provider_url`, named after this process so that runs never share one.
    pub async fn create(provider_url: &str) -> Result<Self> {
        let pid = std::process::id();
        match Engine::of_url(provider_url)? {
            Engine::Sqlite => {
                // The provider's file, as orgdesk-db reads the URL.
                let rest = provider_url
                    .trim_start_matches("sqlite:")
                    .trim_start_matches("//");
                let provider_file = Path::new(rest.split('?').next().unwrap_or_default());
                let file = provider_file.with_file_name(format!("console-{pid}.db"));
                // Only a dead process with our id can have left it: start empty.
                remove_sqlite(&file);
                Ok(Self {
                    url: format!("sqlite://{}", file.display()),
                    place: Place::SqliteFile(file),
                })
            }
            Engine::Postgres => {
                let mut url = Url::parse(provider_url)?;
                // A plain identifier, so it needs no quoting in the statements.
                let name = format!("orgdesk_bench_console_{pid}");
                url.set_path("/postgres");
                let admin_url = url.to_string();
                execute(&admin_url, &format!("CREATE DATABASE {name}")).await?;
                url.set_path(&format!("/{name}"));
                Ok(Self {
                    url: url.to_string(),
                    place: Place::Postgres { admin_url, name },
                })
            }
        }
    }

    /// Removes the database; call it after the console's pool is closed
    /// (PostgreSQL's `FORCE` ends any connection left behind anyway).
    pub async fn remove(self) -> Result<()> {
        match self.place {
            Place::SqliteFile(file) => {
                remove_sqlite(&file);
                Ok(())
            }
            Place::Postgres { admin_url, name } => {
                execute(
                    &admin_url,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                )
                .await
            }
        }
    }
}

/// Runs one statement on its own connection: `CREATE DATABASE` and
/// `DROP DATABASE` may not run inside a transaction or a pool's session state.
async fn execute(url: &str, sql: &str) -> Result<()> {
    let mut connection = PgConnection::connect(url).await?;
    connection.execute(sql).await?;
    connection.close().await?;
    Ok(())
}

/// Removes a SQLite file with its write-ahead log and shared-memory files.
fn remove_sqlite(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        // Absent files are the usual case, not an error.
        let _ = std::fs::remove_file(name);
    }
}
