//! Roles: tenant-wide, held globally or within an organization.

use orgdesk_db::Database;

use super::{
    is_unique_violation, placeholders,
    users::{Role, role_from_row},
};
use crate::ids;

/// Auth0's entity limit: roles per tenant.
pub const MAX_ROLES: u64 = 1_000;

/// Why a role could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RoleWriteError {
    #[error("a role with this name already exists")]
    NameTaken,
    #[error("the tenant already has {MAX_ROLES} roles")]
    LimitReached,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn classify(error: sqlx::Error) -> RoleWriteError {
    if is_unique_violation(&error) {
        RoleWriteError::NameTaken
    } else {
        RoleWriteError::Db(error)
    }
}

/// `name LIKE` pattern for a case-insensitive substring, with `\` escaping
/// the pattern's own wildcards.
fn contains_pattern(filter: &str) -> String {
    let mut pattern = String::from("%");
    for c in filter.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A page of roles by name; `name_filter` keeps names that contain it, in any case.
pub async fn page_at(
    db: &Database,
    name_filter: Option<&str>,
    offset: u64,
    limit: u32,
) -> Result<Vec<Role>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, description FROM roles \
         WHERE $1 IS NULL OR LOWER(name) LIKE $1 ESCAPE '\\' ORDER BY name LIMIT $2 OFFSET $3",
    )
    .bind(name_filter.map(contains_pattern))
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(role_from_row).collect()
}

pub async fn count(db: &Database, name_filter: Option<&str>) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM roles WHERE $1 IS NULL OR LOWER(name) LIKE $1 ESCAPE '\\'",
    )
    .bind(name_filter.map(contains_pattern))
    .fetch_one(db.pool())
    .await?;
    Ok(n as u64)
}

pub async fn by_id(db: &Database, id: &str) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query("SELECT id, name, description FROM roles WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(role_from_row)
        .transpose()
}

/// Creates a role with a fresh `rol_…` id, unless the tenant is at its limit.
pub async fn insert(db: &Database, name: &str, description: &str) -> Result<Role, RoleWriteError> {
    let role = Role {
        id: ids::role_id(),
        name: name.to_owned(),
        description: description.to_owned(),
    };
    // One statement: the count and the insert see the same table.
    let done = sqlx::query(
        "INSERT INTO roles (id, name, description) SELECT $1, $2, $3 \
         WHERE (SELECT COUNT(*) FROM roles) < $4",
    )
    .bind(&role.id)
    .bind(&role.name)
    .bind(&role.description)
    .bind(MAX_ROLES as i64)
    .execute(db.pool())
    .await
    .map_err(classify)?;
    if done.rows_affected() == 0 {
        return Err(RoleWriteError::LimitReached);
    }
    Ok(role)
}

/// Writes a role's name and description; false when it is gone.
pub async fn update(db: &Database, role: &Role) -> Result<bool, RoleWriteError> {
    let done = sqlx::query("UPDATE roles SET name = $2, description = $3 WHERE id = $1")
        .bind(&role.id)
        .bind(&role.name)
        .bind(&role.description)
        .execute(db.pool())
        .await
        .map_err(classify)?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a role and every assignment of it.
pub async fn delete(db: &Database, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Which of these role ids exist.
pub async fn existing_ids(db: &Database, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM roles WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_scalar(&sql);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db.pool()).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_filter_matches_a_substring_and_only_literally() {
        assert_eq!(super::contains_pattern("Adm"), "%adm%");
        assert_eq!(super::contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
