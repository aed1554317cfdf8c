//! Users, roles, and who is a member of which organization with which roles.

use orgdesk_db::Database;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{Row, any::AnyRow};

use super::{is_unique_violation, write_transaction};
use crate::{ids, now};

/// A user as the provider keeps them (never their password hash).
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub user_id: String,
    /// The address the user has a claim on; empty for none (a person an
    /// enterprise connection signed in outside its domains).
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub app_metadata: Map<String, Value>,
    pub user_metadata: Map<String, Value>,
    /// Auth0's `blocked`: no sign-in, and no grant gives rights.
    pub blocked: bool,
    /// UNIX times.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A role, as the Management API lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
}

const USER_COLUMNS: &str = "user_id, email, email_verified, name, app_metadata, user_metadata, \
     blocked, created_at, updated_at";

fn json_object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(super) fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        user_id: row.try_get("user_id")?,
        email: row
            .try_get::<Option<String>, _>("email")?
            .unwrap_or_default(),
        email_verified: row.try_get::<i64, _>("email_verified")? != 0,
        name: row.try_get("name")?,
        app_metadata: json_object(&row.try_get::<String, _>("app_metadata")?),
        user_metadata: json_object(&row.try_get::<String, _>("user_metadata")?),
        blocked: row.try_get::<i64, _>("blocked")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(super) fn role_from_row(row: &AnyRow) -> Result<Role, sqlx::Error> {
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
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE user_id = $1"
    ))
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
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
    ))
    .bind(normalize_email(email))
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
        .transpose()
}

/// Creates the user with this email, or updates their name (and password hash
/// when one is given); either way they have an identity at the provider's
/// password database. Returns the user id.
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
    let user_id: String = sqlx::query_scalar("SELECT user_id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(db.pool())
        .await?;
    let mut conn = db.pool().acquire().await?;
    super::connections::insert_identity(
        &mut conn,
        crate::ids::DATABASE_CONNECTION_ID,
        database_subject(&user_id),
        &user_id,
    )
    .await?;
    Ok(user_id)
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

/// A write that would give two users one email.
#[derive(Debug, thiserror::Error)]
pub enum UserWriteError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn classify(error: sqlx::Error) -> UserWriteError {
    if is_unique_violation(&error) {
        UserWriteError::EmailTaken
    } else {
        UserWriteError::Db(error)
    }
}

fn object_text(map: &Map<String, Value>) -> String {
    Value::Object(map.clone()).to_string()
}

/// The user with this email (emails are kept in lower case).
pub async fn by_email(db: &Database, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    ))
    .bind(normalize_email(email))
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(user_from_row)
    .transpose()
}

/// A new user of a database connection.
pub struct NewUser<'a> {
    /// The `auth0`-strategy connection the user's identity is at.
    pub connection_id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub email_verified: bool,
    pub password_hash: &'a str,
    pub app_metadata: &'a Map<String, Value>,
    pub user_metadata: &'a Map<String, Value>,
}

/// Creates a user with a fresh `auth0|…` id and their identity at the
/// connection (subject: the id without `auth0|`), in one transaction, and
/// returns them.
pub async fn insert(db: &Database, new: &NewUser<'_>) -> Result<User, UserWriteError> {
    let user = User {
        user_id: ids::user_id(),
        email: normalize_email(new.email),
        email_verified: new.email_verified,
        name: new.name.to_owned(),
        app_metadata: new.app_metadata.clone(),
        user_metadata: new.user_metadata.clone(),
        blocked: false,
        created_at: now(),
        updated_at: now(),
    };
    let mut tx = write_transaction(db).await?;
    sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, password_hash, app_metadata, \
         user_metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&user.user_id)
    .bind(&user.email)
    .bind(i64::from(user.email_verified))
    .bind(&user.name)
    .bind(new.password_hash)
    .bind(object_text(&user.app_metadata))
    .bind(object_text(&user.user_metadata))
    .bind(user.created_at)
    .execute(&mut *tx)
    .await
    .map_err(classify)?;
    super::connections::insert_identity(
        &mut tx,
        new.connection_id,
        database_subject(&user.user_id),
        &user.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// A database user's subject at their connection: the id without `auth0|`.
pub fn database_subject(user_id: &str) -> &str {
    user_id.strip_prefix("auth0|").unwrap_or(user_id)
}

/// Changes to a user: `None` keeps a field. Metadata patches are merged at the
/// top level, as Auth0 merges them: a `null` value removes its key, and an
/// empty patch removes every key.
#[derive(Debug, Default)]
pub struct UserPatch {
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub app_metadata: Option<Map<String, Value>>,
    pub user_metadata: Option<Map<String, Value>>,
    pub blocked: Option<bool>,
}

/// Merges a metadata patch into stored metadata, as [`UserPatch`] describes.
pub fn merge_metadata(stored: &mut Map<String, Value>, patch: &Map<String, Value>) {
    if patch.is_empty() {
        stored.clear();
    }
    for (key, value) in patch {
        if value.is_null() {
            stored.remove(key);
        } else {
            stored.insert(key.clone(), value.clone());
        }
    }
}

/// Applies a patch in one transaction (the row is locked first, so two
/// metadata merges never lose each other's keys); `None` when no such user.
/// Blocking a user ends their sessions and revokes their grants in the same
/// transaction.
pub async fn update(
    db: &Database,
    user_id: &str,
    patch: &UserPatch,
) -> Result<Option<User>, UserWriteError> {
    let mut tx = write_transaction(db).await?;
    let locked = sqlx::query("UPDATE users SET updated_at = updated_at WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE user_id = $1"
    ))
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut user = user_from_row(&row)?;
    if let Some(email) = &patch.email {
        let email = normalize_email(email);
        // A new address is unverified unless the patch says otherwise (as Auth0).
        if email != user.email {
            user.email_verified = false;
        }
        user.email = email;
    }
    if let Some(verified) = patch.email_verified {
        user.email_verified = verified;
    }
    if let Some(name) = &patch.name {
        user.name = name.clone();
    }
    if let Some(metadata) = &patch.app_metadata {
        merge_metadata(&mut user.app_metadata, metadata);
    }
    if let Some(metadata) = &patch.user_metadata {
        merge_metadata(&mut user.user_metadata, metadata);
    }
    if let Some(blocked) = patch.blocked {
        if blocked && !user.blocked {
            sqlx::query("DELETE FROM provider_sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE grants SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(user_id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        user.blocked = blocked;
    }
    user.updated_at = now();
    sqlx::query(
        "UPDATE users SET email = $2, email_verified = $3, name = $4, app_metadata = $5, \
         user_metadata = $6, updated_at = $7, password_hash = COALESCE($8, password_hash), \
         blocked = $9 WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(&user.email)
    .bind(i64::from(user.email_verified))
    .bind(&user.name)
    .bind(object_text(&user.app_metadata))
    .bind(object_text(&user.user_metadata))
    .bind(user.updated_at)
    .bind(patch.password_hash.as_deref())
    .bind(i64::from(user.blocked))
    .execute(&mut *tx)
    .await
    .map_err(classify)?;
    tx.commit().await?;
    Ok(Some(user))
}

/// Deletes a user with their memberships, roles, sessions and grants.
pub async fn delete(db: &Database, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM users WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The users with these ids, by user id.
pub async fn by_ids(db: &Database, user_ids: &[String]) -> Result<Vec<User>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE user_id IN ({}) ORDER BY user_id",
        super::placeholders(1, user_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in user_ids {
        query = query.bind(id);
    }
    query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(user_from_row)
        .collect()
}

/// Which of these user ids exist.
pub async fn existing_ids(db: &Database, user_ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id FROM users WHERE user_id IN ({})",
        super::placeholders(1, user_ids.len())
    );
    let mut query = sqlx::query_scalar(&sql);
    for id in user_ids {
        query = query.bind(id);
    }
    query.fetch_all(db.pool()).await
}

/// A page of the roles a user holds outside organizations, by name.
pub async fn global_roles_page(
    db: &Database,
    user_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<Role>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.description FROM roles r JOIN user_roles ur ON ur.role_id = r.id \
         WHERE ur.user_id = $1 ORDER BY r.name LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(role_from_row).collect()
}

pub async fn global_roles_count(db: &Database, user_id: &str) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n as u64)
}

/// Creates a user who signed up with a password, with their identity at the
/// provider's password database, on the caller's transaction. `None` when
/// the email is taken (nothing is written).
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
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted != 1 {
        return Ok(None);
    }
    super::connections::insert_identity(
        conn,
        crate::ids::DATABASE_CONNECTION_ID,
        database_subject(&user_id),
        &user_id,
    )
    .await?;
    Ok(Some(user_id))
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
