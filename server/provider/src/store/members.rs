//! Who belongs to an organization, and their roles there. Members are listed
//! by user id, on the primary key `(org_id, user_id)`: a page after a
//! checkpoint is one index seek however deep it is.

use std::collections::HashMap;

use orgdesk_db::Database;
use sqlx::{Row, any::AnyRow};

use super::{placeholders, users::Role, write_transaction};
use crate::now;

/// Auth0's entity limit: role assignments per organization member.
pub const MAX_ROLES_PER_MEMBER: u64 = 50;

/// A member as the members list shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub name: String,
}

fn member_from_row(row: &AnyRow) -> Result<Member, sqlx::Error> {
    Ok(Member {
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
    })
}

/// Up to `limit` members after the user id `after` (keyset). Two statements
/// rather than `$2 IS NULL OR …`, which SQLite would not plan as a range seek.
pub async fn page_after(
    db: &Database,
    org_id: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Member>, sqlx::Error> {
    const SELECT: &str = "SELECT m.user_id, u.email, u.name FROM members m \
                          JOIN users u ON u.user_id = m.user_id WHERE m.org_id = $1";
    let rows = match after {
        Some(after) => {
            sqlx::query(&format!(
                "{SELECT} AND m.user_id > $2 ORDER BY m.user_id LIMIT $3"
            ))
            .bind(org_id)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!("{SELECT} ORDER BY m.user_id LIMIT $2"))
                .bind(org_id)
                .bind(i64::from(limit))
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter().map(member_from_row).collect()
}

/// Auth0's offset pages (at most 1000 records deep).
pub async fn page_at(
    db: &Database,
    org_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.user_id, u.email, u.name FROM members m JOIN users u ON u.user_id = m.user_id \
         WHERE m.org_id = $1 ORDER BY m.user_id LIMIT $2 OFFSET $3",
    )
    .bind(org_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(member_from_row).collect()
}

pub async fn count(db: &Database, org_id: &str) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n as u64)
}

/// The roles of several members at once, by user id (each list by role name).
pub async fn roles_of(
    db: &Database,
    org_id: &str,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<Role>>, sqlx::Error> {
    let mut roles: HashMap<String, Vec<Role>> = HashMap::new();
    if user_ids.is_empty() {
        return Ok(roles);
    }
    let sql = format!(
        "SELECT mr.user_id, r.id, r.name, r.description FROM member_roles mr \
         JOIN roles r ON r.id = mr.role_id \
         WHERE mr.org_id = $1 AND mr.user_id IN ({}) ORDER BY r.name",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(id);
    }
    for row in query.fetch_all(db.pool()).await? {
        roles
            .entry(row.try_get("user_id")?)
            .or_default()
            .push(super::users::role_from_row(&row)?);
    }
    Ok(roles)
}

/// Makes existing users members (those already members stay as they are).
/// One statement: all of them or none.
pub async fn add(db: &Database, org_id: &str, user_ids: &[String]) -> Result<(), sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let rows = (0..user_ids.len())
        .map(|i| format!("($1, ${}, $2)", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO members (org_id, user_id, created_at) VALUES {rows} \
         ON CONFLICT (org_id, user_id) DO NOTHING"
    );
    let mut query = sqlx::query(&sql).bind(org_id).bind(now());
    for id in user_ids {
        query = query.bind(id);
    }
    query.execute(db.pool()).await?;
    Ok(())
}

/// Ends these memberships, with the members' roles in the organization.
/// One statement: all of them or none.
pub async fn remove(db: &Database, org_id: &str, user_ids: &[String]) -> Result<(), sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM members WHERE org_id = $1 AND user_id IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(id);
    }
    query.execute(db.pool()).await?;
    Ok(())
}

/// What assigning roles to a member came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Assigned {
    Done,
    NotAMember,
    /// Nothing was written: the member would hold this many roles.
    OverLimit(u64),
}

/// Gives a member these (existing) roles in one transaction, unless they
/// would then hold more than [`MAX_ROLES_PER_MEMBER`].
pub async fn assign_roles(
    db: &Database,
    org_id: &str,
    user_id: &str,
    role_ids: &[String],
) -> Result<Assigned, sqlx::Error> {
    let mut tx = write_transaction(db).await?;
    // Locks the membership row, so concurrent assignments count one after the other.
    let member = sqlx::query(
        "UPDATE members SET created_at = created_at WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if member.rows_affected() == 0 {
        return Ok(Assigned::NotAMember);
    }
    if !role_ids.is_empty() {
        let rows = (0..role_ids.len())
            .map(|i| format!("($1, $2, ${})", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO member_roles (org_id, user_id, role_id) VALUES {rows} \
             ON CONFLICT (org_id, user_id, role_id) DO NOTHING"
        );
        let mut query = sqlx::query(&sql).bind(org_id).bind(user_id);
        for id in role_ids {
            query = query.bind(id);
        }
        query.execute(&mut *tx).await?;
    }
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if held as u64 > MAX_ROLES_PER_MEMBER {
        return Ok(Assigned::OverLimit(held as u64)); // dropped: rolled back
    }
    tx.commit().await?;
    Ok(Assigned::Done)
}

/// Takes these roles from a member (roles they do not hold are ignored);
/// false when the user is not a member.
pub async fn remove_roles(
    db: &Database,
    org_id: &str,
    user_id: &str,
    role_ids: &[String],
) -> Result<bool, sqlx::Error> {
    let mut tx = write_transaction(db).await?;
    let member = sqlx::query(
        "UPDATE members SET created_at = created_at WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if member.rows_affected() == 0 {
        return Ok(false);
    }
    if !role_ids.is_empty() {
        let sql = format!(
            "DELETE FROM member_roles WHERE org_id = $1 AND user_id = $2 AND role_id IN ({})",
            placeholders(3, role_ids.len())
        );
        let mut query = sqlx::query(&sql).bind(org_id).bind(user_id);
        for id in role_ids {
            query = query.bind(id);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A page of a member's roles in the organization, by name.
pub async fn member_roles_page(
    db: &Database,
    org_id: &str,
    user_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<Role>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.description FROM roles r JOIN member_roles mr ON mr.role_id = r.id \
         WHERE mr.org_id = $1 AND mr.user_id = $2 ORDER BY r.name LIMIT $3 OFFSET $4",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(super::users::role_from_row).collect()
}

pub async fn member_roles_count(
    db: &Database,
    org_id: &str,
    user_id: &str,
) -> Result<u64, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
    Ok(n as u64)
}
