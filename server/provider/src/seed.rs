//! Many organizations, users and members at once, for benchmarks and load
//! tests: what the Management API would create one request at a time,
//! written in bulk.

use std::collections::HashMap;

use orgdesk_db::{Database, Engine};
use sqlx::{Any, Transaction};

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

/// The id of the organization with this name.
pub async fn organization_id(db: &Database, name: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(store::by_name(db, name).await?.map(|org| org.id))
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

/// Users per multi-row INSERT (three bound values each). Binding on SQLite
/// looks every parameter up by name, in time linear in the statement's count,
/// so small statements go faster than the limits allow.
const USERS_PER_STATEMENT: usize = 100;
/// Name of the role [`members`] gives every tenth member.
pub const ADMIN_ROLE: &str = "Org Admin";

/// Inserts the users (email, name) that do not exist yet, with no password
/// (they cannot sign in until one is set), and returns every one's id by email.
async fn ensure_users(
    tx: &mut Transaction<'_, Any>,
    people: &[(String, String)],
    created_at: i64,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut sql = String::from(
        "INSERT INTO users (user_id, email, email_verified, name, created_at, updated_at) VALUES ",
    );
    for row in 0..people.len() {
        let p = row * 3;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, 1, ${}, {created_at}, {created_at})",
            p + 1,
            p + 2,
            p + 3
        ));
    }
    sql.push_str(" ON CONFLICT (email) DO NOTHING");
    let fresh: Vec<String> = people.iter().map(|_| ids::user_id()).collect();
    let mut insert = sqlx::query(&sql);
    for ((email, name), id) in people.iter().zip(&fresh) {
        insert = insert.bind(id).bind(email).bind(name);
    }
    let inserted = insert.execute(&mut **tx).await?.rows_affected();
    let by_email: HashMap<String, String> = if inserted == people.len() as u64 {
        // All new: no need to read back the ids we just wrote.
        people
            .iter()
            .map(|(email, _)| email.clone())
            .zip(fresh)
            .collect()
    } else {
        let select = format!(
            "SELECT email, user_id FROM users WHERE email IN ({})",
            crate::store::placeholders(1, people.len())
        );
        let mut query = sqlx::query_as::<_, (String, String)>(&select);
        for (email, _) in people {
            query = query.bind(email);
        }
        query.fetch_all(&mut **tx).await?.into_iter().collect()
    };
    // Each has an identity at the password database, as every user does.
    let mut sql = String::from(
        "INSERT INTO identities (connection_id, subject, user_id, created_at) VALUES ",
    );
    for row in 0..by_email.len() {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "('{}', ${}, ${}, {created_at})",
            ids::DATABASE_CONNECTION_ID,
            row * 2 + 1,
            row * 2 + 2
        ));
    }
    sql.push_str(" ON CONFLICT (connection_id, subject) DO NOTHING");
    if !by_email.is_empty() {
        let mut identities = sqlx::query(&sql);
        for user_id in by_email.values() {
            identities = identities
                .bind(crate::store::users::database_subject(user_id).to_owned())
                .bind(user_id.clone());
        }
        identities.execute(&mut **tx).await?;
    }
    Ok(by_email)
}

/// Makes sure users `{prefix}-1@bench.example` to `{prefix}-{count}@bench.example`
/// exist (named "Bench User 1" and on, email verified, no password), inserting
/// only the missing ones, and returns their ids in that order.
///
/// `prefix` must be lowercase for the emails to be as written.
pub async fn users(db: &Database, count: u64, prefix: &str) -> Result<Vec<String>, sqlx::Error> {
    let created_at = now();
    let mut ids = Vec::with_capacity(count as usize);
    let numbers: Vec<u64> = (1..=count).collect();
    for transaction in numbers.chunks(ROWS_PER_TRANSACTION as usize) {
        let mut tx = db.pool().begin().await?;
        for chunk in transaction.chunks(USERS_PER_STATEMENT) {
            let people: Vec<(String, String)> = chunk
                .iter()
                .map(|n| {
                    (
                        format!("{prefix}-{n}@bench.example"),
                        format!("Bench User {n}"),
                    )
                })
                .collect();
            let by_email = ensure_users(&mut tx, &people, created_at).await?;
            for (email, _) in &people {
                ids.push(by_email[email].clone());
            }
        }
        tx.commit().await?;
    }
    refresh_statistics(db, &["users"]).await?;
    Ok(ids)
}

/// After a bulk load, PostgreSQL plans with the old row counts until
/// autovacuum analyzes the tables; analyze them now, as after a restore.
async fn refresh_statistics(db: &Database, tables: &[&str]) -> Result<(), sqlx::Error> {
    if db.engine() == Engine::Postgres {
        sqlx::query(&format!("ANALYZE {}", tables.join(", ")))
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// Makes `count` users `member-1@bench.example`… ("Member 1"…) members of the
/// organization, every tenth (member-10, member-20, …) with the role
/// [`ADMIN_ROLE`] there (created if missing). Users, memberships and roles
/// that exist already are kept, so seeding again is cheap. Returns how many
/// memberships it added.
pub async fn members(db: &Database, org_id: &str, count: u64) -> Result<u64, sqlx::Error> {
    let created_at = now();
    sqlx::query("INSERT INTO roles (id, name, description) VALUES ($1, $2, '') ON CONFLICT (name) DO NOTHING")
        .bind(ids::role_id())
        .bind(ADMIN_ROLE)
        .execute(db.pool())
        .await?;
    let admin: String = sqlx::query_scalar("SELECT id FROM roles WHERE name = $1")
        .bind(ADMIN_ROLE)
        .fetch_one(db.pool())
        .await?;
    let mut added = 0;
    let numbers: Vec<u64> = (1..=count).collect();
    for transaction in numbers.chunks(ROWS_PER_TRANSACTION as usize) {
        let mut tx = db.pool().begin().await?;
        for chunk in transaction.chunks(USERS_PER_STATEMENT) {
            let people: Vec<(String, String)> = chunk
                .iter()
                .map(|n| (format!("member-{n}@bench.example"), format!("Member {n}")))
                .collect();
            let by_email = ensure_users(&mut tx, &people, created_at).await?;
            let user_ids: Vec<&String> = people.iter().map(|(email, _)| &by_email[email]).collect();
            added += insert_pairs(
                &mut tx,
                "INSERT INTO members (org_id, user_id, created_at) VALUES ",
                &format!(", {created_at})"),
                org_id,
                &user_ids,
                " ON CONFLICT (org_id, user_id) DO NOTHING",
            )
            .await?;
            let admins: Vec<&String> = chunk
                .iter()
                .zip(&user_ids)
                .filter(|(n, _)| *n % 10 == 0)
                .map(|(_, id)| *id)
                .collect();
            if !admins.is_empty() {
                // The role id is one we read from the database: safe inline.
                insert_pairs(
                    &mut tx,
                    "INSERT INTO member_roles (org_id, user_id, role_id) VALUES ",
                    &format!(", '{}')", admin.replace('\'', "''")),
                    org_id,
                    &admins,
                    " ON CONFLICT (org_id, user_id, role_id) DO NOTHING",
                )
                .await?;
            }
        }
        tx.commit().await?;
    }
    refresh_statistics(db, &["users", "members", "member_roles"]).await?;
    Ok(added)
}

/// `{head}($1, $2{tail}, ($1, $3{tail} … {conflict}`: one row per user id, the
/// organization bound once.
async fn insert_pairs(
    tx: &mut Transaction<'_, Any>,
    head: &str,
    tail: &str,
    org_id: &str,
    user_ids: &[&String],
    conflict: &str,
) -> Result<u64, sqlx::Error> {
    let mut sql = String::from(head);
    for i in 0..user_ids.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("($1, ${}{tail}", i + 2));
    }
    sql.push_str(conflict);
    let mut query = sqlx::query(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    Ok(query.execute(&mut **tx).await?.rows_affected())
}

/// Gives every member of the organization the role (an existing role id);
/// returns how many assignments it added.
pub async fn role_for_every_member(
    db: &Database,
    org_id: &str,
    role_id: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO member_roles (org_id, user_id, role_id) \
         SELECT org_id, user_id, $2 FROM members WHERE org_id = $1 \
         ON CONFLICT (org_id, user_id, role_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(role_id)
    .execute(db.pool())
    .await?;
    refresh_statistics(db, &["members", "member_roles"]).await?;
    Ok(done.rows_affected())
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

    #[tokio::test]
    async fn seeds_users_once_and_returns_their_ids_in_order() {
        let test_db = fresh_database().await;
        let db = Database::open(&test_db.url, &migrations())
            .await
            .expect("open");
        let first = users(&db, 1_203, "bulk").await.unwrap();
        assert_eq!(first.len(), 1_203);
        let user = crate::store::users::by_email(&db, "bulk-1203@bench.example")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (user.user_id.as_str(), user.name.as_str()),
            (first[1_202].as_str(), "Bench User 1203")
        );
        let again = users(&db, 1_250, "bulk").await.unwrap();
        assert_eq!(again[..1_203], first[..], "existing users keep their ids");
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(total, 1_250);
        // Every one has an identity at the password database, once.
        let identities: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM identities WHERE connection_id = 'con_OrgdeskDatabase1'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(identities, 1_250);
        db.close().await;
    }

    #[tokio::test]
    async fn seeds_members_with_every_tenth_an_admin_and_seeding_again_adds_nothing() {
        let test_db = fresh_database().await;
        let db = Database::open(&test_db.url, &migrations())
            .await
            .expect("open");
        organizations(&db, 1, "seed").await.unwrap();
        let org = store::by_name(&db, "seed-000001").await.unwrap().unwrap();
        assert_eq!(members(&db, &org.id, 1_234).await.unwrap(), 1_234);
        assert_eq!(members(&db, &org.id, 1_234).await.unwrap(), 0);
        assert_eq!(
            crate::store::members::count(&db, &org.id).await.unwrap(),
            1_234
        );
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE org_id = $1")
            .bind(&org.id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(admins, 123);
        let tenth = crate::store::users::by_email(&db, "member-10@bench.example")
            .await
            .unwrap()
            .unwrap();
        let roles = crate::store::users::member_roles(&db, &org.id, &tenth.user_id)
            .await
            .unwrap();
        assert_eq!(roles[0].name, ADMIN_ROLE);
        assert_eq!(tenth.name, "Member 10");

        let (other, _) = crate::store::users::with_password(&db, "member-11@bench.example")
            .await
            .unwrap()
            .unwrap();
        let role_id = roles[0].id.clone();
        assert_eq!(
            role_for_every_member(&db, &org.id, &role_id).await.unwrap(),
            1_234 - 123
        );
        let held = crate::store::users::member_roles(&db, &org.id, &other.user_id)
            .await
            .unwrap();
        assert_eq!(held.len(), 1);
        db.close().await;
    }
}
