//! Users, roles, and who is a member of which organization with which roles.

use orgdesk_db::Database;
use serde::Serialize;
use sqlx::{Row, any::AnyRow};

use crate::{ids, now};

/// A user in Auth0's shape (the fields the provider keeps).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    pub user_id: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
}

/// A role, as the Management API lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
}

fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        email_verified: row.try_get::<i64, _>("email_verified")? != 0,
        name: row.try_get("name")?,
    })
}

fn role_from_row(row: &AnyRow) -> Result<Role, sqlx::Error> {
    Ok(Role {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

/// Emails are compared without case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn by_id(db: &Database, user_id: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query("SELECT user_id, email, email_verified, name FROM users WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(user_from_row)
        .transpose()
}

/// The user with this email and their password hash, for sign-in.
pub async fn with_password(
    db: &Database,
    email: &str,
) -> Result<Option<(User, Option<String>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT user_id, email, email_verified, name, password_hash FROM users WHERE email = $1",
    )
    .bind(normalize_email(email))
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
        .transpose()
}

/// Creates the user with this email, or updates their name (and password hash
/// when one is given). Returns the user id.
pub async fn upsert(
    db: &Database,
    email: &str,
    name: &str,
    email_verified: bool,
    password_hash: Option<&str>,
) -> Result<String, sqlx::Error> {
    let email = normalize_email(email);
    let now = now();
    sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) \
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, email_verified = excluded.email_verified, \
         password_hash = COALESCE(excluded.password_hash, users.password_hash), updated_at = excluded.updated_at",
    )
    .bind(ids::user_id())
    .bind(&email)
    .bind(i64::from(email_verified))
    .bind(name)
    .bind(password_hash)
    .bind(now)
    .execute(db.pool())
    .await?;
    sqlx::query_scalar("SELECT user_id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(db.pool())
        .await
}

/// Creates the role if no role has this name; returns its id.
pub async fn ensure_role(
    db: &Database,
    name: &str,
    description: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO roles (id, name, description) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET description = excluded.description",
    )
    .bind(ids::role_id())
    .bind(name)
    .bind(description)
    .execute(db.pool())
    .await?;
    sqlx::query_scalar("SELECT id FROM roles WHERE name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await
}

/// Replaces a user's global roles.
pub async fn set_global_roles(
    db: &Database,
    user_id: &str,
    role_ids: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for role_id in role_ids {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

pub async fn global_roles(db: &Database, user_id: &str) -> Result<Vec<Role>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.description FROM roles r JOIN user_roles ur ON ur.role_id = r.id \
         WHERE ur.user_id = $1 ORDER BY r.name",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(role_from_row).collect()
}

/// Makes the user a member with exactly these roles in the organization.
pub async fn set_membership(
    db: &Database,
    org_id: &str,
    user_id: &str,
    role_ids: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO members (org_id, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id, user_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM member_roles WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for role_id in role_ids {
        sqlx::query("INSERT INTO member_roles (org_id, user_id, role_id) VALUES ($1, $2, $3)")
            .bind(org_id)
            .bind(user_id)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

pub async fn is_member(db: &Database, org_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM members WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// The ids of the organizations a user belongs to, by organization name.
pub async fn organization_ids(db: &Database, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT m.org_id FROM members m JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

pub async fn member_roles(
    db: &Database,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<Role>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.description FROM roles r JOIN member_roles mr ON mr.role_id = r.id \
         WHERE mr.org_id = $1 AND mr.user_id = $2 ORDER BY r.name",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(role_from_row).collect()
}

/// Creates a user who signed up with a password, on the caller's
/// transaction. `None` when the email is taken (nothing is written).
pub async fn insert_new(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    name: &str,
    email_verified: bool,
    password_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    let user_id = ids::user_id();
    let now = now();
    let inserted = sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&user_id)
    .bind(normalize_email(email))
    .bind(i64::from(email_verified))
    .bind(name)
    .bind(password_hash)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok((inserted == 1).then_some(user_id))
}
