//! Connections: the tenant's catalog (staff) and an organization's enabled
//! connections. Permissions are checked by the domain's connection service.

// A server function takes its form's fields one by one, and the connection
// form has eight; the `#[server]` macro's browser half does not carry an
// item's own `allow`.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, OrganizationRow, OrganizationTabs};

/// A catalog connection, as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    /// `auth0` or `oidc` (or another strategy the console only shows).
    pub strategy: String,
    pub issuer: Option<String>,
}

/// A catalog connection with its settings (never its secret) and the
/// organizations known to enable it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionDetail {
    pub connection: ConnectionRow,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    /// Email domains (`domain_aliases`), comma-separated.
    pub domains: Option<String>,
    pub used_by: Vec<OrganizationRow>,
    pub used_by_more: bool,
    /// The URL to register at the customer's IdP.
    pub callback_url: String,
}

/// What an issuer's discovery document says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryView {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub scopes: Vec<String>,
    pub signing_algs: Vec<String>,
}

/// A connection as an organization enables it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledConnectionRow {
    pub connection_id: String,
    pub name: String,
    pub strategy: String,
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub is_signup_enabled: bool,
}

impl EnabledConnectionRow {
    pub fn is_database(&self) -> bool {
        self.strategy == "auth0"
    }

    pub fn is_enterprise(&self) -> bool {
        self.strategy == "oidc"
    }
}

/// An organization's connections page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationConnectionsPage {
    pub organization: OrganizationRow,
    pub tabs: OrganizationTabs,
    pub persona: String,
    pub enabled: Vec<EnabledConnectionRow>,
    /// Catalog connections it could enable (only for those who may).
    pub available: Vec<ConnectionRow>,
    pub can_change: bool,
}

/// How many members sign in through a connection about to be disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisableImpactView {
    pub members: u64,
    /// Auth0's search window was reached: "at least".
    pub at_least: bool,
}

/// Every catalog connection, by name. Needs `connections:read` (staff).
#[server(endpoint = "connections/list", client = crate::api::ConsoleClient)]
pub async fn list_connections() -> Result<Vec<ConnectionRow>, AppError> {
    crate::ssr::handlers::connections::list().await
}

/// One catalog connection. Needs `connections:read` (staff).
#[server(endpoint = "connections/get", client = crate::api::ConsoleClient)]
pub async fn get_connection(id: String) -> Result<ConnectionDetail, AppError> {
    crate::ssr::handlers::connections::get(id).await
}

/// Creates a catalog connection (`strategy` `auth0` or `oidc`); returns its
/// id. Needs `connections:change` (staff).
#[server(endpoint = "connections/create", client = crate::api::ConsoleClient)]
pub async fn create_connection(
    name: String,
    display_name: String,
    strategy: String,
    #[server(default)] issuer: String,
    #[server(default)] client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] scope: String,
    #[server(default)] domains: String,
) -> Result<String, AppError> {
    crate::ssr::handlers::connections::create(
        name,
        display_name,
        strategy,
        issuer,
        client_id,
        client_secret,
        scope,
        domains,
    )
    .await
}

/// Changes a catalog connection; a blank `client_secret` keeps the stored
/// one. Needs `connections:change` (staff).
#[server(endpoint = "connections/update", client = crate::api::ConsoleClient)]
pub async fn update_connection(
    id: String,
    display_name: String,
    #[server(default)] issuer: String,
    #[server(default)] client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] scope: String,
    #[server(default)] domains: String,
) -> Result<ConnectionDetail, AppError> {
    crate::ssr::handlers::connections::update(
        id,
        display_name,
        issuer,
        client_id,
        client_secret,
        scope,
        domains,
    )
    .await
}

/// Deletes a catalog connection and its users; `confirm` must be its name.
/// Needs `connections:change` (staff).
#[server(endpoint = "connections/delete", client = crate::api::ConsoleClient)]
pub async fn delete_connection(id: String, confirm: String) -> Result<(), AppError> {
    crate::ssr::handlers::connections::delete(id, confirm).await
}

/// Reads an issuer's discovery document under the outbound policy.
/// Needs `connections:change` (staff).
#[server(endpoint = "connections/test", client = crate::api::ConsoleClient)]
pub async fn test_connection(issuer: String) -> Result<DiscoveryView, AppError> {
    crate::ssr::handlers::connections::test(issuer).await
}

/// The organization's enabled connections. Needs
/// `organization-connections:read` in it.
#[server(endpoint = "organization-connections/list", client = crate::api::ConsoleClient)]
pub async fn organization_connections(
    org_id: String,
) -> Result<OrganizationConnectionsPage, AppError> {
    crate::ssr::handlers::connections::for_organization(org_id).await
}

/// Enables a connection; a flag is on when its field is sent (any value).
/// Needs `organization-connections:change` in the organization.
#[server(endpoint = "organization-connections/enable", client = crate::api::ConsoleClient)]
pub async fn enable_connection(
    org_id: String,
    connection_id: String,
    #[server(default)] assign_membership_on_login: Option<String>,
    #[server(default)] show_as_button: Option<String>,
    #[server(default)] is_signup_enabled: Option<String>,
) -> Result<EnabledConnectionRow, AppError> {
    crate::ssr::handlers::connections::enable(
        org_id,
        connection_id,
        [
            assign_membership_on_login,
            show_as_button,
            is_signup_enabled,
        ],
    )
    .await
}

/// Changes an enabled connection's flags (a flag is on when sent). Needs
/// `organization-connections:change` in the organization.
#[server(endpoint = "organization-connections/update", client = crate::api::ConsoleClient)]
pub async fn update_enabled_connection(
    org_id: String,
    connection_id: String,
    #[server(default)] assign_membership_on_login: Option<String>,
    #[server(default)] show_as_button: Option<String>,
    #[server(default)] is_signup_enabled: Option<String>,
) -> Result<EnabledConnectionRow, AppError> {
    crate::ssr::handlers::connections::update_flags(
        org_id,
        connection_id,
        [
            assign_membership_on_login,
            show_as_button,
            is_signup_enabled,
        ],
    )
    .await
}

/// How many of the organization's members sign in through the connection.
/// Needs `organization-connections:change` in the organization.
#[server(endpoint = "organization-connections/impact", client = crate::api::ConsoleClient)]
pub async fn disable_impact(
    org_id: String,
    connection_id: String,
) -> Result<DisableImpactView, AppError> {
    crate::ssr::handlers::connections::impact(org_id, connection_id).await
}

/// Disables a connection for the organization; `confirm` is the
/// connection's name. Needs `organization-connections:change` in it.
#[server(endpoint = "organization-connections/disable", client = crate::api::ConsoleClient)]
pub async fn disable_connection(
    org_id: String,
    connection_id: String,
    confirm: String,
) -> Result<(), AppError> {
    crate::ssr::handlers::connections::disable(org_id, connection_id, confirm).await
}
