//! Fresh databases for tests. `ORGDESK_TEST_DATABASE` picks the engine:
//! `sqlite` (the default) or `postgres`, on the server named by
//! `ORGDESK_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! PostgreSQL test databases are named `orgdesk_test_…`; `cargo xtask test`
//! drops them after the run.

use sqlx::Connection;

use crate::Engine;

/// Prefix of every database the tests create on PostgreSQL.
pub const POSTGRES_TEST_PREFIX: &str = "orgdesk_test_";

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that exists only for one test.
pub struct TestDatabase {
    pub url: String,
    pub engine: Engine,
    // Holds the SQLite file's folder until the test ends.
    _dir: Option<tempfile::TempDir>,
}

/// The engine the tests run on.
pub fn test_engine() -> Engine {
    match std::env::var("ORGDESK_TEST_DATABASE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        Ok("sqlite") | Err(_) => Engine::Sqlite,
        Ok(other) => panic!("ORGDESK_TEST_DATABASE must be sqlite or postgres, not {other:?}"),
    }
}

/// A new, empty database on the test engine.
pub async fn fresh_database() -> TestDatabase {
    match test_engine() {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            TestDatabase {
                url,
                engine: Engine::Sqlite,
                _dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let admin = std::env::var("ORGDESK_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
            let name = format!("{POSTGRES_TEST_PREFIX}{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL for tests (set ORGDESK_TEST_POSTGRES_URL)");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let _ = conn.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            TestDatabase {
                url: format!("{base}/{name}"),
                engine: Engine::Postgres,
                _dir: None,
            }
        }
    }
}
