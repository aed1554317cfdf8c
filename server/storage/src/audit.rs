//! The audit log table.

use async_trait::async_trait;
use orgdesk_domain::{
    audit::{Entry, NewEntry, Outcome},
    ports::{AuditLog, PortError},
};
use serde_json::Value;
use sqlx::Row;

use crate::{Storage, now_ms, port_error};

fn json_text(value: &Option<Value>) -> Option<String> {
    value.as_ref().map(Value::to_string)
}

fn parse_json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl Storage {
    /// Writes an entry with its outcome so far; its id.
    async fn insert_entry(&self, entry: &NewEntry, outcome: Outcome) -> Result<i64, PortError> {
        sqlx::query_scalar(
            "INSERT INTO audit_log (at_ms, actor_user_id, actor_email, persona, org_id, org_name, action, \
             before_json, reason, request_id, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             RETURNING id",
        )
        .bind(now_ms())
        .bind(&entry.actor_user_id)
        .bind(&entry.actor_email)
        .bind(entry.persona.label())
        .bind(&entry.org_id)
        .bind(&entry.org_name)
        .bind(&entry.action)
        .bind(json_text(&entry.before))
        .bind(&entry.reason)
        .bind(&entry.request_id)
        .bind(outcome.as_str())
        .fetch_one(self.db.pool())
        .await
        .map_err(port_error)
    }
}

#[async_trait]
impl AuditLog for Storage {
    async fn begin(&self, entry: &NewEntry) -> Result<i64, PortError> {
        self.insert_entry(entry, Outcome::Pending).await
    }

    async fn refused(&self, entry: &NewEntry) -> Result<(), PortError> {
        self.insert_entry(entry, Outcome::Refused).await.map(|_| ())
    }

    async fn finish(
        &self,
        id: i64,
        outcome: Outcome,
        after: Option<Value>,
    ) -> Result<(), PortError> {
        // A create learns its organization only now.
        let org_id = after
            .as_ref()
            .and_then(|a| a["id"].as_str().map(str::to_owned));
        let org_name = after
            .as_ref()
            .and_then(|a| a["name"].as_str().map(str::to_owned));
        sqlx::query(
            "UPDATE audit_log SET outcome = $2, after_json = $3, org_id = COALESCE(org_id, $4), \
             org_name = COALESCE(org_name, $5) WHERE id = $1",
        )
        .bind(id)
        .bind(outcome.as_str())
        .bind(json_text(&after))
        .bind(org_id)
        .bind(org_name)
        .execute(self.db.pool())
        .await
        .map_err(port_error)?;
        Ok(())
    }

    async fn list(
        &self,
        org_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Entry>, PortError> {
        let rows = sqlx::query(
            "SELECT id, at_ms, actor_user_id, actor_email, persona, org_id, org_name, action, before_json, \
             after_json, reason, request_id, outcome FROM audit_log \
             WHERE ($1 = '' OR org_id = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(org_id.unwrap_or_default())
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await
        .map_err(port_error)?;
        rows.iter()
            .map(|row| {
                Ok(Entry {
                    id: row.try_get("id")?,
                    at_ms: row.try_get("at_ms")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    actor_email: row.try_get("actor_email")?,
                    persona: row.try_get("persona")?,
                    org_id: row.try_get("org_id")?,
                    org_name: row.try_get("org_name")?,
                    action: row.try_get("action")?,
                    before: parse_json(row.try_get("before_json")?),
                    after: parse_json(row.try_get("after_json")?),
                    reason: row.try_get("reason")?,
                    request_id: row.try_get("request_id")?,
                    outcome: Outcome::parse(&row.try_get::<String, _>("outcome")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(port_error)
    }
}
