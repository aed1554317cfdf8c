//! One database handle for both engines Orgdesk supports: SQLite (one file, zero
//! set-up; the default) and PostgreSQL (shared by several Orgdesk processes).
//!
//! Queries go through sqlx's `Any` driver with `$1` placeholders, which both
//! engines accept, so each query is written once. Schemas differ enough to keep
//! one migrations folder per engine.

#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

/// Which database engine a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine of a `sqlite:` or `postgres:`/`postgresql:` URL.
    pub fn of_url(url: &str) -> Result<Self, DbError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" | "postgresql" => Ok(Engine::Postgres),
            _ => Err(DbError::UnsupportedUrl),
        }
    }
}

/// The migrations of one schema, one set per engine.
pub struct Migrations {
    pub sqlite: Migrator,
    pub postgres: Migrator,
}

/// Why the database could not be opened or migrated. Messages never carry the
/// URL, which may hold a password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the folder for the SQLite database: {0}")]
    CreateFolder(std::io::Error),
    #[error("cannot connect to the {engine:?} database: {source}")]
    Connect {
        engine: Engine,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

/// A pool of connections to one database.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    engine: Engine,
}

/// How long a writer waits for SQLite's lock before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Database {
    /// Opens (creating a SQLite file and its folder if needed) and migrates.
    pub async fn open(url: &str, migrations: &Migrations) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)?;
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|source| DbError::Connect { engine, source })?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // One writer at a time anyway; a few readers beside it in WAL mode.
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Postgres {
                        // sqlx prepares every query; after five runs PostgreSQL
                        // may switch to a generic plan that ignores the
                        // parameters' selectivity (a substring search then
                        // walks a whole index). Plan with the actual values.
                        conn.execute("SET plan_cache_mode = force_custom_plan")
                            .await?;
                    }
                    if engine == Engine::Sqlite {
                        let busy_ms = SQLITE_BUSY_TIMEOUT.as_millis();
                        conn.execute(
                            format!(
                                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {busy_ms}; \
                                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                            )
                            .as_str(),
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| DbError::Connect { engine, source })?;
        let migrator = match engine {
            Engine::Sqlite => &migrations.sqlite,
            Engine::Postgres => &migrations.postgres,
        };
        migrator.run(&pool).await?;
        Ok(Self { pool, engine })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Answers when the database does: what `/readyz` asks.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the database file's folder and asks sqlx to create the file.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parent = std::path::Path::new(path).parent();
    if let Some(parent) = parent.filter(|p| !p.as_os_str().is_empty() && path != ":memory:") {
        std::fs::create_dir_all(parent).map_err(DbError::CreateFolder)?;
    }
    Ok(if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("{url}?mode=rwc")
    } else {
        format!("{url}&mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_follows_the_url_scheme() {
        let cases = [
            ("sqlite://data/orgdesk.db", Some(Engine::Sqlite)),
            ("sqlite::memory:", Some(Engine::Sqlite)),
            (
                "postgres://postgres@127.0.0.1/orgdesk",
                Some(Engine::Postgres),
            ),
            (
                "postgresql://postgres@127.0.0.1/orgdesk",
                Some(Engine::Postgres),
            ),
            ("mysql://root@127.0.0.1/orgdesk", None),
            ("data/orgdesk.db", None),
        ];
        for (url, expected) in cases {
            assert_eq!(Engine::of_url(url).ok(), expected, "{url}");
        }
    }

    #[test]
    fn sqlite_urls_create_the_file_unless_a_mode_is_given() {
        let dir = std::env::temp_dir().join(format!("orgdesk-db-test-{}", std::process::id()));
        let file = dir.join("sub/x.db");
        let url = format!("sqlite://{}", file.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(file.parent().unwrap().is_dir(), "the folder is created");
        assert_eq!(
            prepare_sqlite_url(&format!("{url}?cache=shared")).unwrap(),
            format!("{url}?cache=shared&mode=rwc")
        );
        assert_eq!(
            prepare_sqlite_url(&format!("{url}?mode=ro")).unwrap(),
            format!("{url}?mode=ro")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
