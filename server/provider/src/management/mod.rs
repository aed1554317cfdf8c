//! The Management API v2, as Auth0 serves it: bearer tokens from client
//! credentials, one scope per endpoint, Auth0's error bodies, list paging and
//! rate-limit headers.

mod auth;
mod organization_rules;
mod organizations;
mod paging;
pub(crate) mod rate_limit;
mod users;

use axum::{Router, middleware, routing::get};

pub use auth::Caller;
pub use rate_limit::RateLimit;

use crate::{ProviderState, error::ApiError};

/// The scopes the endpoints require, named as Auth0 names them.
pub mod scopes {
    pub const READ_ORGANIZATIONS: &str = "read:organizations";
    pub const CREATE_ORGANIZATIONS: &str = "create:organizations";
    pub const UPDATE_ORGANIZATIONS: &str = "update:organizations";
    pub const DELETE_ORGANIZATIONS: &str = "delete:organizations";
    pub const READ_USERS: &str = "read:users";
    pub const READ_ROLES: &str = "read:roles";
    pub const READ_ORGANIZATION_MEMBER_ROLES: &str = "read:organization_member_roles";
}

/// Every route under `/api/v2`.
pub(crate) fn router(state: &ProviderState) -> Router<ProviderState> {
    Router::new()
        .route(
            "/organizations",
            get(organizations::list).post(organizations::create),
        )
        .route(
            "/organizations/{id}",
            get(organizations::get)
                .patch(organizations::update)
                .delete(organizations::delete),
        )
        .route(
            "/organizations/name/{name}",
            get(organizations::get_by_name),
        )
        .route(
            "/organizations/{id}/members/{user_id}/roles",
            get(users::member_roles),
        )
        .route("/users/{id}", get(users::get))
        .route("/users/{id}/roles", get(users::roles))
        .route("/users/{id}/organizations", get(users::organizations))
        .fallback(|| async { ApiError::not_found("inexistent_route", "Not Found") })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::enforce,
        ))
}
