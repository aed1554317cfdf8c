//! Which organizations enable which connection, as the console last saw.

use async_trait::async_trait;
use orgdesk_domain::{
    OrgRef,
    ports::{ConnectionUsage, PortError},
};

use crate::{Storage, now_ms, port_error};

#[async_trait]
impl ConnectionUsage for Storage {
    async fn record(&self, org: &OrgRef, connection_ids: &[String]) -> Result<(), PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        sqlx::query("DELETE FROM connection_usage WHERE org_id = $1")
            .bind(&org.id)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        let now = now_ms();
        for id in connection_ids {
            sqlx::query(
                "INSERT INTO connection_usage (connection_id, org_id, recorded_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&org.id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        }
        tx.commit().await.map_err(port_error)
    }

    /// Joined with the organization directory, so a deleted organization
    /// (removed from the directory) is not named.
    async fn organizations_using(
        &self,
        connection_id: &str,
        limit: u32,
    ) -> Result<Vec<OrgRef>, PortError> {
        let rows = sqlx::query(
            "SELECT d.id, d.name, d.display_name FROM connection_usage u \
             JOIN organization_directory d ON d.id = u.org_id \
             WHERE u.connection_id = $1 ORDER BY d.name LIMIT $2",
        )
        .bind(connection_id)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await
        .map_err(port_error)?;
        rows.iter()
            .map(crate::directory::org_ref)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(port_error)
    }

    async fn forget_connection(&self, connection_id: &str) -> Result<(), PortError> {
        sqlx::query("DELETE FROM connection_usage WHERE connection_id = $1")
            .bind(connection_id)
            .execute(self.db.pool())
            .await
            .map_err(port_error)?;
        Ok(())
    }

    async fn forget_organization(&self, org_id: &str) -> Result<(), PortError> {
        sqlx::query("DELETE FROM connection_usage WHERE org_id = $1")
            .bind(org_id)
            .execute(self.db.pool())
            .await
            .map_err(port_error)?;
        Ok(())
    }
}
