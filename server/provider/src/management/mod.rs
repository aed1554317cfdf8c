//! The Management API v2, as Auth0 serves it: bearer tokens from client
//! credentials, one scope per endpoint, Auth0's error bodies, list paging and
//! rate-limit headers.

mod auth;
pub(crate) mod connections;
mod enabled_connections;
mod input;
mod invitations;
mod members;
mod organization_rules;
mod organizations;
mod paging;
pub(crate) mod rate_limit;
mod roles;
mod users;

use axum::{
    Router, middleware,
    routing::{MethodRouter, delete, get, patch, post},
};

pub use auth::Caller;
pub(crate) use auth::VerifiedTokens;
pub use members::MAX_MEMBERS_PER_REQUEST;
pub use rate_limit::RateLimit;
pub use users::DATABASE_CONNECTION;

/// The Management API's rules for connections and enabled connections, for
/// provisioning to apply the same ones.
pub(crate) mod connection_rules {
    pub use super::connections::{check_display_name, check_name, check_options};
    pub use super::enabled_connections::flags;
}

use crate::{ProviderState, error::ApiError};

/// The scopes the endpoints require, named as Auth0 names them.
pub mod scopes {
    pub const READ_ORGANIZATIONS: &str = "read:organizations";
    pub const CREATE_ORGANIZATIONS: &str = "create:organizations";
    pub const UPDATE_ORGANIZATIONS: &str = "update:organizations";
    pub const DELETE_ORGANIZATIONS: &str = "delete:organizations";
    pub const READ_USERS: &str = "read:users";
    pub const CREATE_USERS: &str = "create:users";
    pub const UPDATE_USERS: &str = "update:users";
    pub const DELETE_USERS: &str = "delete:users";
    pub const READ_ROLES: &str = "read:roles";
    pub const CREATE_ROLES: &str = "create:roles";
    pub const UPDATE_ROLES: &str = "update:roles";
    pub const DELETE_ROLES: &str = "delete:roles";
    pub const READ_ORGANIZATION_MEMBERS: &str = "read:organization_members";
    pub const CREATE_ORGANIZATION_MEMBERS: &str = "create:organization_members";
    pub const DELETE_ORGANIZATION_MEMBERS: &str = "delete:organization_members";
    pub const READ_ORGANIZATION_MEMBER_ROLES: &str = "read:organization_member_roles";
    pub const CREATE_ORGANIZATION_MEMBER_ROLES: &str = "create:organization_member_roles";
    pub const DELETE_ORGANIZATION_MEMBER_ROLES: &str = "delete:organization_member_roles";
    pub const READ_ORGANIZATION_INVITATIONS: &str = "read:organization_invitations";
    pub const CREATE_ORGANIZATION_INVITATIONS: &str = "create:organization_invitations";
    pub const DELETE_ORGANIZATION_INVITATIONS: &str = "delete:organization_invitations";
    pub const READ_CONNECTIONS: &str = "read:connections";
    pub const CREATE_CONNECTIONS: &str = "create:connections";
    pub const UPDATE_CONNECTIONS: &str = "update:connections";
    pub const DELETE_CONNECTIONS: &str = "delete:connections";
    pub const READ_ORGANIZATION_CONNECTIONS: &str = "read:organization_connections";
    pub const CREATE_ORGANIZATION_CONNECTIONS: &str = "create:organization_connections";
    pub const UPDATE_ORGANIZATION_CONNECTIONS: &str = "update:organization_connections";
    pub const DELETE_ORGANIZATION_CONNECTIONS: &str = "delete:organization_connections";
}

/// A Management API endpoint and the scope it requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    /// An axum path under `/api/v2`, such as `/organizations/{id}`.
    pub path: &'static str,
    pub scope: &'static str,
}

/// Every endpoint with its handler. The router is built from this list, so
/// no route exists without its scope written beside it, and the persona
/// matrix test walks the same list.
fn table() -> Vec<(Endpoint, MethodRouter<ProviderState>)> {
    use scopes::*;
    let e = |method, path, scope| Endpoint {
        method,
        path,
        scope,
    };
    let mut table = vec![
        (
            e("GET", "/organizations", READ_ORGANIZATIONS),
            get(organizations::list),
        ),
        (
            e("POST", "/organizations", CREATE_ORGANIZATIONS),
            post(organizations::create),
        ),
        (
            e("GET", "/organizations/{id}", READ_ORGANIZATIONS),
            get(organizations::get),
        ),
        (
            e("PATCH", "/organizations/{id}", UPDATE_ORGANIZATIONS),
            patch(organizations::update),
        ),
        (
            e("DELETE", "/organizations/{id}", DELETE_ORGANIZATIONS),
            delete(organizations::delete),
        ),
        (
            e("GET", "/organizations/name/{name}", READ_ORGANIZATIONS),
            get(organizations::get_by_name),
        ),
        (
            e(
                "GET",
                "/organizations/{id}/members",
                READ_ORGANIZATION_MEMBERS,
            ),
            get(members::list),
        ),
        (
            e(
                "POST",
                "/organizations/{id}/members",
                CREATE_ORGANIZATION_MEMBERS,
            ),
            post(members::add),
        ),
        (
            e(
                "DELETE",
                "/organizations/{id}/members",
                DELETE_ORGANIZATION_MEMBERS,
            ),
            delete(members::remove),
        ),
        (
            e(
                "GET",
                "/organizations/{id}/members/{user_id}/roles",
                READ_ORGANIZATION_MEMBER_ROLES,
            ),
            get(members::roles),
        ),
        (
            e(
                "POST",
                "/organizations/{id}/members/{user_id}/roles",
                CREATE_ORGANIZATION_MEMBER_ROLES,
            ),
            post(members::assign_roles),
        ),
        (
            e(
                "DELETE",
                "/organizations/{id}/members/{user_id}/roles",
                DELETE_ORGANIZATION_MEMBER_ROLES,
            ),
            delete(members::remove_roles),
        ),
        (
            e("GET", "/users-by-email", READ_USERS),
            get(users::by_email),
        ),
        (e("GET", "/users", READ_USERS), get(users::search)),
        (e("POST", "/users", CREATE_USERS), post(users::create)),
        (e("GET", "/users/{id}", READ_USERS), get(users::get)),
        (
            e("PATCH", "/users/{id}", UPDATE_USERS),
            patch(users::update),
        ),
        (
            e("DELETE", "/users/{id}", DELETE_USERS),
            delete(users::delete),
        ),
        (e("GET", "/users/{id}/roles", READ_ROLES), get(users::roles)),
        (
            e("GET", "/users/{id}/organizations", READ_ORGANIZATIONS),
            get(users::organizations),
        ),
        (e("GET", "/roles", READ_ROLES), get(roles::list)),
        (e("POST", "/roles", CREATE_ROLES), post(roles::create)),
        (e("GET", "/roles/{id}", READ_ROLES), get(roles::get)),
        (
            e("PATCH", "/roles/{id}", UPDATE_ROLES),
            patch(roles::update),
        ),
        (
            e("DELETE", "/roles/{id}", DELETE_ROLES),
            delete(roles::delete),
        ),
    ];
    table.extend(invitations::table());
    table.extend(connection_table());
    table
}

/// `/connections` and `/organizations/{id}/enabled_connections`.
fn connection_table() -> Vec<(Endpoint, MethodRouter<ProviderState>)> {
    use scopes::*;
    let e = |method, path, scope| Endpoint {
        method,
        path,
        scope,
    };
    const ENABLED: &str = "/organizations/{id}/enabled_connections";
    const ONE_ENABLED: &str = "/organizations/{id}/enabled_connections/{connection_id}";
    vec![
        (
            e("GET", "/connections", READ_CONNECTIONS),
            get(connections::list),
        ),
        (
            e("POST", "/connections", CREATE_CONNECTIONS),
            post(connections::create),
        ),
        (
            e("GET", "/connections/{id}", READ_CONNECTIONS),
            get(connections::get),
        ),
        (
            e("PATCH", "/connections/{id}", UPDATE_CONNECTIONS),
            patch(connections::update),
        ),
        (
            e("DELETE", "/connections/{id}", DELETE_CONNECTIONS),
            delete(connections::delete),
        ),
        (
            e("GET", ENABLED, READ_ORGANIZATION_CONNECTIONS),
            get(enabled_connections::list),
        ),
        (
            e("POST", ENABLED, CREATE_ORGANIZATION_CONNECTIONS),
            post(enabled_connections::add),
        ),
        (
            e("GET", ONE_ENABLED, READ_ORGANIZATION_CONNECTIONS),
            get(enabled_connections::get),
        ),
        (
            e("PATCH", ONE_ENABLED, UPDATE_ORGANIZATION_CONNECTIONS),
            patch(enabled_connections::update),
        ),
        (
            e("DELETE", ONE_ENABLED, DELETE_ORGANIZATION_CONNECTIONS),
            delete(enabled_connections::remove),
        ),
    ]
}

/// The endpoints and their scopes.
pub fn endpoints() -> Vec<Endpoint> {
    table().into_iter().map(|(endpoint, _)| endpoint).collect()
}

/// Every route under `/api/v2`.
pub(crate) fn router(state: &ProviderState) -> Router<ProviderState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, (endpoint, handler)| {
            router.route(endpoint.path, handler)
        })
        .fallback(|| async { ApiError::not_found("inexistent_route", "Not Found") })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::enforce,
        ))
}
