//! Members of an organization and their roles. Permissions, the delegation
//! ceiling, the last-admin guard and help-desk reasons are the domain's
//! member service's.

use leptos::prelude::*;

use super::{AppError, MemberPage, MemberRow};

/// A page of members by email: `query` matches email or name, `role` (a role
/// name) filters. Needs `members:read` in the organization.
#[server(endpoint = "members/list", client = crate::api::ConsoleClient)]
pub async fn list_members(
    org_id: String,
    query: String,
    role: String,
    after: Option<String>,
) -> Result<MemberPage, AppError> {
    crate::ssr::handlers::members::list(org_id, query, role, after).await
}

/// Adds existing people by email (comma, space or line separated) with the
/// roles in `roles` (comma-separated role ids). Needs `members:add`.
#[server(endpoint = "members/add", client = crate::api::ConsoleClient)]
pub async fn add_members(
    org_id: String,
    emails: String,
    roles: String,
) -> Result<Vec<MemberRow>, AppError> {
    crate::ssr::handlers::members::add(org_id, emails, roles).await
}

/// Removes a member. Needs `members:remove`; the help desk gives a reason.
#[server(endpoint = "members/remove", client = crate::api::ConsoleClient)]
pub async fn remove_member(
    org_id: String,
    user_id: String,
    reason: String,
) -> Result<(), AppError> {
    crate::ssr::handlers::members::remove(org_id, user_id, reason).await
}

/// Gives a member a role. Needs `member-roles:change` and the role within the caller's ceiling.
#[server(endpoint = "members/assign-role", client = crate::api::ConsoleClient)]
pub async fn assign_member_role(
    org_id: String,
    user_id: String,
    role_id: String,
) -> Result<MemberRow, AppError> {
    crate::ssr::handlers::members::change_role(org_id, user_id, role_id, true).await
}

/// Takes a role from a member. As assigning; never the last admin's admin role.
#[server(endpoint = "members/unassign-role", client = crate::api::ConsoleClient)]
pub async fn unassign_member_role(
    org_id: String,
    user_id: String,
    role_id: String,
) -> Result<MemberRow, AppError> {
    crate::ssr::handlers::members::change_role(org_id, user_id, role_id, false).await
}
