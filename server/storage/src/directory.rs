//! The organization directory: id, name and display name of every
//! organization, searchable by either name, paged by name (keyset).

use async_trait::async_trait;
use orgdesk_domain::{
    OrgRef,
    ports::{Directory, PortError},
};
use sqlx::Row;

use crate::{Storage, now_ms, port_error};

/// `%`, `_` and `\` match themselves in a LIKE pattern once escaped.
pub(crate) fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn search_text(org: &OrgRef) -> String {
    format!(
        "{} {}",
        org.name,
        org.display_name.as_deref().unwrap_or_default()
    )
    .to_lowercase()
}

#[async_trait]
impl Directory for Storage {
    async fn upsert_all(&self, orgs: &[OrgRef]) -> Result<(), PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        let synced_at = now_ms();
        for org in orgs {
            // A renamed organization may take a name another row still holds
            // until the next sync: the newest writer wins.
            sqlx::query("DELETE FROM organization_directory WHERE name = $1 AND id <> $2")
                .bind(&org.name)
                .bind(&org.id)
                .execute(&mut *tx)
                .await
                .map_err(port_error)?;
            sqlx::query(
                "INSERT INTO organization_directory (id, name, display_name, search_text, synced_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                 display_name = excluded.display_name, search_text = excluded.search_text, \
                 synced_at = excluded.synced_at",
            )
            .bind(&org.id)
            .bind(&org.name)
            .bind(&org.display_name)
            .bind(search_text(org))
            .bind(synced_at)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        }
        tx.commit().await.map_err(port_error)
    }

    /// Also marks the sessions of its members (as the console knows them)
    /// for a new read of their persona: the organization is gone for them.
    async fn remove(&self, id: &str) -> Result<(), PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        sqlx::query(
            "UPDATE sessions SET checked_at = 0 WHERE user_id IN \
             (SELECT user_id FROM member_directory WHERE org_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(port_error)?;
        sqlx::query("DELETE FROM organization_directory WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        tx.commit().await.map_err(port_error)
    }

    async fn search(
        &self,
        query: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OrgRef>, PortError> {
        let query = query.trim();
        let after = after.unwrap_or_default();
        // Two statements, not one with `$1 = '' OR …`: each gets a plan of
        // its own (browsing walks the name index; a search can use the
        // trigram index on PostgreSQL).
        let rows = if query.is_empty() {
            sqlx::query(
                "SELECT id, name, display_name FROM organization_directory \
                 WHERE name > $1 ORDER BY name LIMIT $2",
            )
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(self.db.pool())
            .await
        } else {
            sqlx::query(
                "SELECT id, name, display_name FROM organization_directory \
                 WHERE search_text LIKE $1 ESCAPE '\\' AND name > $2 ORDER BY name LIMIT $3",
            )
            .bind(like_pattern(query))
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(self.db.pool())
            .await
        }
        .map_err(port_error)?;
        rows.iter()
            .map(org_ref)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(port_error)
    }
}

impl Storage {
    /// The directory's clock: rows written from now on are newer than this.
    pub fn directory_clock(&self) -> i64 {
        now_ms()
    }

    /// Removes rows no synchronization pass or write has touched since `since_ms`.
    pub async fn remove_unseen_since(&self, since_ms: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM organization_directory WHERE synced_at < $1")
            .bind(since_ms)
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

/// An organization of the directory from a row with `id`, `name` and
/// `display_name`.
pub(crate) fn org_ref(row: &sqlx::any::AnyRow) -> Result<OrgRef, sqlx::Error> {
    Ok(OrgRef {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("Acme"), "%acme%");
        assert_eq!(super::like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
