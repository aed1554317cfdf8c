//! Organizations. Permissions are checked by the domain's organization service.

use leptos::prelude::*;

use super::{AppError, OrganizationPage, OrganizationView};

/// Organizations whose name or display name contains `query`, by name.
/// Needs `organizations:browse` (staff, help desk); a customer admin sees their own.
#[server(endpoint = "organizations/list", client = crate::api::ConsoleClient)]
pub async fn list_organizations(
    query: String,
    after: Option<String>,
) -> Result<OrganizationPage, AppError> {
    crate::ssr::handlers::list_organizations(query, after).await
}

/// One organization. Needs `organization:read` in it.
#[server(endpoint = "organizations/get", client = crate::api::ConsoleClient)]
pub async fn get_organization(id: String) -> Result<OrganizationView, AppError> {
    crate::ssr::handlers::get_organization(id).await
}

/// Creates an organization; returns its id. Needs `organization:create`.
/// `metadata` is one `key=value` per line; `connections` the catalog
/// connection ids to enable, comma-separated (empty: the tenant's first
/// database connection, so that people can sign in).
#[server(endpoint = "organizations/create", client = crate::api::ConsoleClient)]
pub async fn create_organization(
    name: String,
    display_name: String,
    metadata: String,
    #[server(default)] connections: String,
) -> Result<String, AppError> {
    crate::ssr::handlers::create_organization(name, display_name, metadata, connections).await
}

/// Replaces the display name and the metadata. Needs `organization:update` in it.
#[server(endpoint = "organizations/update", client = crate::api::ConsoleClient)]
pub async fn update_organization(
    id: String,
    display_name: String,
    metadata: String,
) -> Result<OrganizationView, AppError> {
    crate::ssr::handlers::update_organization(id, display_name, metadata).await
}

/// Deletes an organization; `confirm` must be its name. Needs `organization:delete` in it.
#[server(endpoint = "organizations/delete", client = crate::api::ConsoleClient)]
pub async fn delete_organization(id: String, confirm: String) -> Result<(), AppError> {
    crate::ssr::handlers::delete_organization(id, confirm).await
}
