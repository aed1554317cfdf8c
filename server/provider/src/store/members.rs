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
        email: row
            .try_get::<Option<String>, _>("email")?
            .unwrap_or_default(),
        name: row.try_get("name")?,
    })
}

/// Up to `limit` members after the user id `after` (keyset): the page's user
/// ids come from the primary key first, then only those users are looked up,
/// so no plan can walk the users table alongside. Two statements rather than
/// `$2 IS NULL OR …`, which SQLite would not plan as a range seek.
pub async fn page_after(
    db: &Database,
    org_id: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Member>, sqlx::Error> {
    let rows = match after {
        Some(after) => {
            sqlx::query(&page_of(
                "WHERE org_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3",
            ))
            .bind(org_id)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&page_of("WHERE org_id = $1 ORDER BY user_id LIMIT $2"))
                .bind(org_id)
                .bind(i64::from(limit))
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter().map(member_from_row).collect()
}

/// Members whose ids the `members` rows chosen by `page` give, by user id.
fn page_of(page: &str) -> String {
    format!(
        "SELECT m.user_id, u.email, u.name \
         FROM (SELECT user_id FROM members {page}) m \
         JOIN users u ON u.user_id = m.user_id ORDER BY m.user_id"
    )
}

/// Auth0's offset pages (at most 1000 records deep).
pub async fn page_at(
    db: &Database,
    org_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query(&page_of(
        "WHERE org_id = $1 ORDER BY user_id LIMIT $2 OFFSET $3",
    ))
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

/// Why adding or removing members was refused (nothing was written).
#[derive(Debug, PartialEq, Eq)]
pub enum MembersRefused {
    NoOrganization,
    /// These user ids name no user.
    UnknownUsers(Vec<String>),
}

/// Makes users members; those already members stay as they are. One
/// statement, which writes nothing unless the organization and every user
/// exist. `user_ids` must be distinct and not empty.
pub async fn add(
    db: &Database,
    org_id: &str,
    user_ids: &[String],
) -> Result<Result<(), MembersRefused>, sqlx::Error> {
    let listed = placeholders(3, user_ids.len());
    let sql = format!(
        "INSERT INTO members (org_id, user_id, created_at) SELECT $1, user_id, $2 FROM users \
         WHERE user_id IN ({listed}) AND EXISTS (SELECT 1 FROM organizations WHERE id = $1) \
         AND (SELECT COUNT(*) FROM users WHERE user_id IN ({listed})) = ${} \
         ON CONFLICT (org_id, user_id) DO NOTHING",
        user_ids.len() + 3
    );
    let mut query = sqlx::query(&sql).bind(org_id).bind(now());
    for id in user_ids {
        query = query.bind(id);
    }
    let done = query.bind(user_ids.len() as i64).execute(db.pool()).await?;
    if done.rows_affected() == user_ids.len() as u64 {
        return Ok(Ok(())); // the usual case: one statement
    }
    why_not(db, org_id, user_ids).await
}

/// Ends these memberships, with the members' roles in the organization;
/// users who are not members are left alone. One statement, which writes
/// nothing unless every user exists. `user_ids` must be distinct and not empty.
pub async fn remove(
    db: &Database,
    org_id: &str,
    user_ids: &[String],
) -> Result<Result<(), MembersRefused>, sqlx::Error> {
    let listed = placeholders(2, user_ids.len());
    let sql = format!(
        "DELETE FROM members WHERE org_id = $1 AND user_id IN ({listed}) \
         AND (SELECT COUNT(*) FROM users WHERE user_id IN ({listed})) = ${}",
        user_ids.len() + 2
    );
    let mut query = sqlx::query(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(id);
    }
    let done = query.bind(user_ids.len() as i64).execute(db.pool()).await?;
    if done.rows_affected() == user_ids.len() as u64 {
        return Ok(Ok(()));
    }
    why_not(db, org_id, user_ids).await
}

/// After an add or remove that touched fewer rows than it named: refused
/// for a missing organization or users, or fine (some were already as asked).
async fn why_not(
    db: &Database,
    org_id: &str,
    user_ids: &[String],
) -> Result<Result<(), MembersRefused>, sqlx::Error> {
    if super::organizations::by_id(db, org_id).await?.is_none() {
        return Ok(Err(MembersRefused::NoOrganization));
    }
    let found = super::users::existing_ids(db, user_ids).await?;
    let unknown: Vec<String> = user_ids
        .iter()
        .filter(|id| !found.contains(id))
        .cloned()
        .collect();
    Ok(if unknown.is_empty() {
        Ok(())
    } else {
        Err(MembersRefused::UnknownUsers(unknown))
    })
}

/// Why a change to a member's roles was refused (nothing was written).
#[derive(Debug, PartialEq, Eq)]
pub enum RolesRefused {
    NoOrganization,
    NotAMember,
    /// These role ids name no role.
    UnknownRoles(Vec<String>),
    /// The member would hold this many roles, past [`MAX_ROLES_PER_MEMBER`].
    OverLimit(u64),
}

/// Why the membership could not be changed: no organization, or not a member.
async fn absent(db: &Database, org_id: &str) -> Result<RolesRefused, sqlx::Error> {
    Ok(match super::organizations::by_id(db, org_id).await? {
        Some(_) => RolesRefused::NotAMember,
        None => RolesRefused::NoOrganization,
    })
}

/// The role ids that name no role.
async fn unknown_roles(db: &Database, role_ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let found = super::roles::existing_ids(db, role_ids).await?;
    Ok(role_ids
        .iter()
        .filter(|id| !found.contains(id))
        .cloned()
        .collect())
}

/// Gives a member these roles in one transaction, unless a role does not
/// exist or the member would then hold more than [`MAX_ROLES_PER_MEMBER`].
/// `role_ids` must be distinct and not empty.
pub async fn assign_roles(
    db: &Database,
    org_id: &str,
    user_id: &str,
    role_ids: &[String],
) -> Result<Result<(), RolesRefused>, sqlx::Error> {
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
        drop(tx);
        return Ok(Err(absent(db, org_id).await?));
    }
    // Writes only if every role exists and the member stays within the limit.
    let listed = placeholders(3, role_ids.len());
    let n = role_ids.len() + 3;
    let insert = format!(
        "INSERT INTO member_roles (org_id, user_id, role_id) SELECT $1, $2, id FROM roles \
         WHERE id IN ({listed}) AND (SELECT COUNT(*) FROM roles WHERE id IN ({listed})) = ${n} \
         AND (SELECT COUNT(*) FROM member_roles WHERE org_id = $1 AND user_id = $2 \
              AND role_id NOT IN ({listed})) + ${n} <= {MAX_ROLES_PER_MEMBER} \
         ON CONFLICT (org_id, user_id, role_id) DO NOTHING"
    );
    let mut query = sqlx::query(&insert).bind(org_id).bind(user_id);
    for id in role_ids {
        query = query.bind(id);
    }
    let done = query.bind(role_ids.len() as i64).execute(&mut *tx).await?;
    if done.rows_affected() < role_ids.len() as u64 {
        // Refused, or some roles were held already: tell which.
        let count = format!(
            "SELECT (SELECT COUNT(*) FROM member_roles WHERE org_id = $1 AND user_id = $2 \
             AND role_id NOT IN ({listed})), (SELECT COUNT(*) FROM roles WHERE id IN ({listed}))"
        );
        let mut query = sqlx::query_as::<_, (i64, i64)>(&count)
            .bind(org_id)
            .bind(user_id);
        for id in role_ids {
            query = query.bind(id);
        }
        let (others, known) = query.fetch_one(&mut *tx).await?;
        if (known as usize) < role_ids.len() {
            drop(tx); // rolled back
            return Ok(Err(RolesRefused::UnknownRoles(
                unknown_roles(db, role_ids).await?,
            )));
        }
        let held = others as u64 + role_ids.len() as u64;
        if held > MAX_ROLES_PER_MEMBER {
            return Ok(Err(RolesRefused::OverLimit(held))); // rolled back
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Takes these roles from a member; roles they do not hold are ignored.
/// One statement, which deletes nothing unless every role exists.
/// `role_ids` must be distinct and not empty.
pub async fn remove_roles(
    db: &Database,
    org_id: &str,
    user_id: &str,
    role_ids: &[String],
) -> Result<Result<(), RolesRefused>, sqlx::Error> {
    let listed = placeholders(3, role_ids.len());
    let sql = format!(
        "DELETE FROM member_roles WHERE org_id = $1 AND user_id = $2 AND role_id IN ({listed}) \
         AND (SELECT COUNT(*) FROM roles WHERE id IN ({listed})) = ${}",
        role_ids.len() + 3
    );
    let mut query = sqlx::query(&sql).bind(org_id).bind(user_id);
    for id in role_ids {
        query = query.bind(id);
    }
    let done = query.bind(role_ids.len() as i64).execute(db.pool()).await?;
    if done.rows_affected() == role_ids.len() as u64 {
        return Ok(Ok(())); // the usual case: one statement
    }
    if !super::users::is_member(db, org_id, user_id).await? {
        return Ok(Err(absent(db, org_id).await?));
    }
    let unknown = unknown_roles(db, role_ids).await?;
    if unknown.is_empty() {
        Ok(Ok(()))
    } else {
        Ok(Err(RolesRefused::UnknownRoles(unknown)))
    }
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
