//! The console's own storage: what Orgdesk keeps beside the identity provider's
//! data (sessions now; the audit log and bulk jobs with the features that need them).

use orgdesk_db::{Database, DbError, Migrations};

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

#[cfg(test)]
mod tests {
    use orgdesk_db::testing::fresh_database;

    #[tokio::test]
    async fn opening_migrates_a_fresh_database_and_is_repeatable() {
        let test_db = fresh_database().await;
        let db = super::open(&test_db.url)
            .await
            .expect("first open migrates");
        let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(db.pool())
            .await
            .expect("the sessions table exists");
        assert_eq!(sessions, 0);
        db.close().await;

        let again = super::open(&test_db.url)
            .await
            .expect("second open is a no-op");
        again.ping().await.expect("answers");
    }
}
