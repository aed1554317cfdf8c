//! Organizations, as the Management API returns them.

use orgdesk_db::Database;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{Row, any::AnyRow};

use super::is_unique_violation;
use crate::now;

/// An organization in Auth0's shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branding: Option<Value>,
    pub metadata: Map<String, Value>,
}

/// A write that would give two organizations one name (or enable too many
/// connections).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("an organization with this name already exists")]
    NameTaken,
    #[error(transparent)]
    Connections(#[from] super::connections::EnableError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<WriteError> for crate::error::ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::NameTaken => {
                Self::conflict("An organization with this name already exists.")
            }
            WriteError::Connections(e) => e.into(),
            WriteError::Db(e) => Self::internal(e),
        }
    }
}

fn classify(error: sqlx::Error) -> WriteError {
    if is_unique_violation(&error) {
        WriteError::NameTaken
    } else {
        WriteError::Db(error)
    }
}

const COLUMNS: &str = "id, name, display_name, branding, metadata";

fn from_row(row: &AnyRow) -> Result<Organization, sqlx::Error> {
    let branding: Option<String> = row.try_get("branding")?;
    let metadata: String = row.try_get("metadata")?;
    Ok(Organization {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        branding: branding.and_then(|b| serde_json::from_str(&b).ok()),
        metadata: serde_json::from_str(&metadata).unwrap_or_default(),
    })
}

fn json_text(value: &Option<Value>) -> Option<String> {
    value.as_ref().map(Value::to_string)
}

pub async fn insert(db: &Database, org: &Organization) -> Result<(), WriteError> {
    insert_with_connections(db, org, &[]).await
}

/// Creates an organization and enables these connections for it, in one
/// transaction: a refused connection leaves no organization behind.
pub async fn insert_with_connections(
    db: &Database,
    org: &Organization,
    enabled: &[(String, super::connections::Flags)],
) -> Result<(), WriteError> {
    let mut tx = super::write_transaction(db).await?;
    sqlx::query(
        "INSERT INTO organizations (id, name, display_name, branding, metadata, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&org.id)
    .bind(&org.name)
    .bind(&org.display_name)
    .bind(json_text(&org.branding))
    .bind(Value::Object(org.metadata.clone()).to_string())
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(classify)?;
    super::connections::enable_in(&mut tx, &org.id, enabled).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes every field of an existing organization; false when it is gone.
pub async fn update(db: &Database, org: &Organization) -> Result<bool, WriteError> {
    let done = sqlx::query(
        "UPDATE organizations SET name = $2, display_name = $3, branding = $4, metadata = $5 WHERE id = $1",
    )
    .bind(&org.id)
    .bind(&org.name)
    .bind(&org.display_name)
    .bind(json_text(&org.branding))
    .bind(Value::Object(org.metadata.clone()).to_string())
    .execute(db.pool())
    .await
    .map_err(classify)?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: &Database, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM organizations WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id(db: &Database, id: &str) -> Result<Option<Organization>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organizations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn by_name(db: &Database, name: &str) -> Result<Option<Organization>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organizations WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Up to `limit` organizations by name, after `after` (keyset: one index seek).
pub async fn page_after(
    db: &Database,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Organization>, sqlx::Error> {
    let rows = match after {
        Some(after) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM organizations WHERE name > $1 ORDER BY name LIMIT $2"
            ))
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM organizations ORDER BY name LIMIT $1"
            ))
            .bind(i64::from(limit))
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// Auth0's offset pages (at most 1000 records deep, so the offset stays small).
pub async fn page_at(
    db: &Database,
    offset: u64,
    limit: u32,
) -> Result<Vec<Organization>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organizations ORDER BY name LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(db: &Database) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(db.pool())
        .await?;
    Ok(n as u64)
}

/// A page of the organizations a user belongs to, by name.
pub async fn of_user(
    db: &Database,
    user_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<Organization>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.display_name, o.branding, o.metadata FROM organizations o \
         JOIN members m ON m.org_id = o.id WHERE m.user_id = $1 ORDER BY o.name LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// How many organizations a user belongs to.
pub async fn count_of_user(db: &Database, user_id: &str) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n as u64)
}
