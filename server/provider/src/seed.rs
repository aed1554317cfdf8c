//! Many organizations at once, for benchmarks and load tests: what the
//! Management API would create one request at a time, written in bulk.

use orgdesk_db::Database;

use crate::{ids, now, store::organizations as store};

/// Rows per INSERT: three bound values each keeps a statement at 1,500
/// parameters, under SQLite's limit (32,766) and PostgreSQL's (65,535).
const ROWS_PER_STATEMENT: u64 = 500;
/// Rows per transaction: few enough commits to be fast, while a long seed still
/// lets other writers in between transactions.
const ROWS_PER_TRANSACTION: u64 = 10_000;

/// Inserts organizations `{prefix}-000001` to `{prefix}-{count:06}` (display
/// names "Benchmark Org 1" and on, empty metadata), skipping names that already
/// exist, and returns how many it inserted. Seeding again is therefore cheap,
/// and seeding a larger `count` adds only the missing ones.
///
/// `prefix` must be a valid organization name start (lowercase letters,
/// digits, `-`, `_`, at most 43 characters) for the names to be valid.
pub async fn organizations(db: &Database, count: u64, prefix: &str) -> Result<u64, sqlx::Error> {
    let created_at = now();
    let mut inserted = 0;
    let mut next = 1;
    while next <= count {
        let transaction_end = count.min(next + ROWS_PER_TRANSACTION - 1);
        let mut tx = db.pool().begin().await?;
        while next <= transaction_end {
            let last = transaction_end.min(next + ROWS_PER_STATEMENT - 1);
            let sql = insert_statement(last - next + 1, created_at);
            let mut query = sqlx::query(&sql);
            for n in next..=last {
                query = query
                    .bind(ids::organization_id())
                    .bind(format!("{prefix}-{n:06}"))
                    .bind(format!("Benchmark Org {n}"));
            }
            inserted += query.execute(&mut *tx).await?.rows_affected();
            next = last + 1;
        }
        tx.commit().await?;
    }
    Ok(inserted)
}

/// A multi-row INSERT of `rows` organizations. Only the three varying columns
/// are bound; `created_at` is an integer we produced, safe to write inline.
fn insert_statement(rows: u64, created_at: i64) -> String {
    let mut sql = String::from(
        "INSERT INTO organizations (id, name, display_name, metadata, created_at) VALUES ",
    );
    for row in 0..rows {
        let p = row * 3;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, '{{}}', {created_at})",
            p + 1,
            p + 2,
            p + 3
        ));
    }
    sql.push_str(" ON CONFLICT (name) DO NOTHING");
    sql
}

/// How many organizations the database holds.
pub async fn count(db: &Database) -> Result<u64, sqlx::Error> {
    store::count(db).await
}

/// The name of the organization at `position` (from 0) in the list order of
/// the Management API (by name), or `None` past the end.
pub async fn name_at(db: &Database, position: u64) -> Result<Option<String>, sqlx::Error> {
    Ok(store::page_at(db, position, 1)
        .await?
        .into_iter()
        .next()
        .map(|org| org.name))
}

#[cfg(test)]
mod tests {
    use orgdesk_db::testing::fresh_database;

    use super::*;
    use crate::migrations;

    #[tokio::test]
    async fn seeds_unique_organizations_once() {
        let test_db = fresh_database().await;
        let db = Database::open(&test_db.url, &migrations())
            .await
            .expect("open");

        assert_eq!(organizations(&db, 1_234, "bench").await.unwrap(), 1_234);
        assert_eq!(count(&db).await.unwrap(), 1_234);

        let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM organizations")
            .fetch_all(db.pool())
            .await
            .unwrap();
        let mut names: Vec<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 1_234, "names are unique");
        for (id, _) in &rows {
            let rest = id.strip_prefix("org_").expect("org_ prefix");
            assert_eq!(rest.len(), 16, "{id}");
            assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
        assert_eq!(
            name_at(&db, 0).await.unwrap().as_deref(),
            Some("bench-000001")
        );
        assert_eq!(
            name_at(&db, 1_233).await.unwrap().as_deref(),
            Some("bench-001234")
        );
        assert_eq!(name_at(&db, 1_234).await.unwrap(), None);
        let org = store::by_name(&db, "bench-000123").await.unwrap().unwrap();
        assert_eq!(org.display_name.as_deref(), Some("Benchmark Org 123"));
        assert!(org.metadata.is_empty());

        assert_eq!(organizations(&db, 1_234, "bench").await.unwrap(), 0);
        assert_eq!(organizations(&db, 1_300, "bench").await.unwrap(), 66);
        assert_eq!(count(&db).await.unwrap(), 1_300);
        db.close().await;
    }
}
