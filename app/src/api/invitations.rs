//! Invitations. Permissions, the delegation ceiling and help-desk reasons are
//! the domain's invitation service's.

use leptos::prelude::*;

use super::{AppError, InvitationPage, InvitationRow};

/// The organization's invitations with their status. Needs `invitations:read`.
#[server(endpoint = "invitations/list", client = crate::api::ConsoleClient)]
pub async fn list_invitations(org_id: String) -> Result<InvitationPage, AppError> {
    crate::ssr::handlers::invitations::list(org_id).await
}

/// Invites each email with the roles in `roles` (comma-separated role ids),
/// through `connection_id` (empty: the default), valid `ttl_days` days.
/// Needs `invitations:create`.
#[server(endpoint = "invitations/create", client = crate::api::ConsoleClient)]
pub async fn create_invitations(
    org_id: String,
    emails: String,
    roles: String,
    connection_id: String,
    ttl_days: u32,
) -> Result<Vec<InvitationRow>, AppError> {
    crate::ssr::handlers::invitations::create(org_id, emails, roles, connection_id, ttl_days).await
}

/// Revokes an invitation. Needs `invitations:revoke`; the help desk gives a reason.
#[server(endpoint = "invitations/revoke", client = crate::api::ConsoleClient)]
pub async fn revoke_invitation(org_id: String, id: String, reason: String) -> Result<(), AppError> {
    crate::ssr::handlers::invitations::revoke(org_id, id, reason).await
}

/// Sends an invitation again (a new one; the old link stops working).
/// Needs `invitations:resend`; the help desk gives a reason.
#[server(endpoint = "invitations/resend", client = crate::api::ConsoleClient)]
pub async fn resend_invitation(
    org_id: String,
    id: String,
    reason: String,
) -> Result<InvitationRow, AppError> {
    crate::ssr::handlers::invitations::resend(org_id, id, reason).await
}
