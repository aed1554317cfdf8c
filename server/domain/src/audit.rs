//! The audit log: every change, who made it as which persona, in which
//! organization, before and after, why, when, and in which request.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Persona;

/// What the log says of an attempted change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Recorded before the identity provider was asked; a crash leaves it so.
    Pending,
    Succeeded,
    Failed,
    /// The console refused it before anything was asked (not permitted, a limit).
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
        }
    }

    pub fn parse(value: &str) -> Self {
        match value {
            "succeeded" => Outcome::Succeeded,
            "failed" => Outcome::Failed,
            "refused" => Outcome::Refused,
            _ => Outcome::Pending,
        }
    }
}

/// A change about to be attempted.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub actor_user_id: String,
    pub actor_email: String,
    pub persona: Persona,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// Such as `organization.create`.
    pub action: String,
    pub before: Option<Value>,
    pub reason: Option<String>,
    pub request_id: String,
}

/// An entry as the log keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    /// Milliseconds since the UNIX epoch.
    pub at_ms: i64,
    pub actor_user_id: String,
    pub actor_email: String,
    pub persona: String,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: Option<String>,
    pub request_id: String,
    pub outcome: Outcome,
}

/// Reading the audit log.
#[derive(Clone)]
pub struct AuditService {
    log: std::sync::Arc<dyn crate::ports::AuditLog>,
}

impl AuditService {
    pub fn new(log: std::sync::Arc<dyn crate::ports::AuditLog>) -> Self {
        Self { log }
    }

    /// The whole log, newest first. Staff only.
    pub async fn list_all(
        &self,
        principal: Option<&crate::Principal>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Entry>, crate::ServiceError> {
        let cx = crate::organizations::Context {
            principal,
            request_id: "",
        };
        crate::service::authorize(&*self.log, cx, crate::permissions::AUDIT_READ_ALL, None).await?;
        self.log.list(None, before, limit).await.map_err(|error| {
            tracing::error!(%error, "audit log");
            crate::ServiceError::Internal
        })
    }

    /// One organization's log, newest first: for its customer admins, the
    /// help desk and staff. Another organization's is not found.
    pub async fn list_for_org(
        &self,
        principal: Option<&crate::Principal>,
        org_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<Entry>, crate::Persona), crate::ServiceError> {
        // Refusals are recorded, as in every service (no request id here).
        let cx = crate::organizations::Context {
            principal,
            request_id: "",
        };
        let persona = crate::service::authorize(
            &*self.log,
            cx,
            crate::permissions::AUDIT_READ_ORG,
            Some(org_id),
        )
        .await?;
        let entries = self
            .log
            .list(Some(org_id), before, limit)
            .await
            .map_err(|error| {
                tracing::error!(%error, "audit log");
                crate::ServiceError::Internal
            })?;
        Ok((entries, persona))
    }
}
