//! The audit log.

use leptos::prelude::*;

use super::{AppError, AuditRow};

/// The whole log, newest first, 50 at a time before entry `before`.
/// Needs `audit:read-all` (staff).
#[server(endpoint = "audit/list", client = crate::api::ConsoleClient)]
pub async fn audit_log(before: Option<i64>) -> Result<Vec<AuditRow>, AppError> {
    crate::ssr::handlers::audit_log(before).await
}

/// One organization's log, newest first, 50 at a time before entry `before`.
/// Needs `audit:read-org` in it (its customer admins, the help desk, staff).
#[server(endpoint = "audit/organization", client = crate::api::ConsoleClient)]
pub async fn organization_audit_log(
    org_id: String,
    before: Option<i64>,
) -> Result<super::OrganizationAudit, AppError> {
    crate::ssr::handlers::organization_audit_log(org_id, before).await
}
