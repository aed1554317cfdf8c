//! Users, their global roles and their memberships: what the console reads to
//! learn who a person is. Each handler names the scope it needs and checks it first.

use axum::{
    Json,
    extract::{Path, State},
};

use super::{Caller, scopes};
use crate::{
    ProviderState,
    error::ApiError,
    store::{
        organizations::{self, Organization},
        users::{self, Role, User},
    },
};

fn no_user() -> ApiError {
    ApiError::not_found("inexistent_user", "The user does not exist.")
}

/// `GET /users/{id}`. Requires `read:users`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
) -> Result<Json<User>, ApiError> {
    caller.require(scopes::READ_USERS)?;
    users::by_id(&state.db, &user_id)
        .await?
        .map(Json)
        .ok_or_else(no_user)
}

/// `GET /users/{id}/roles`: the roles held outside organizations.
/// Requires `read:roles`.
pub(crate) async fn roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
) -> Result<Json<Vec<Role>>, ApiError> {
    caller.require(scopes::READ_ROLES)?;
    users::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(no_user)?;
    Ok(Json(users::global_roles(&state.db, &user_id).await?))
}

/// `GET /users/{id}/organizations`. Requires `read:organizations`.
pub(crate) async fn organizations(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
) -> Result<Json<Vec<Organization>>, ApiError> {
    caller.require(scopes::READ_ORGANIZATIONS)?;
    let mut orgs = Vec::new();
    for org_id in users::organization_ids(&state.db, &user_id).await? {
        if let Some(org) = organizations::by_id(&state.db, &org_id).await? {
            orgs.push(org);
        }
    }
    Ok(Json(orgs))
}

/// `GET /organizations/{id}/members/{user_id}/roles`.
/// Requires `read:organization_member_roles`.
pub(crate) async fn member_roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, user_id)): Path<(String, String)>,
) -> Result<Json<Vec<Role>>, ApiError> {
    caller.require(scopes::READ_ORGANIZATION_MEMBER_ROLES)?;
    if !users::is_member(&state.db, &org_id, &user_id).await? {
        return Err(ApiError::not_found(
            "inexistent_member",
            "The user is not a member of the organization.",
        ));
    }
    Ok(Json(
        users::member_roles(&state.db, &org_id, &user_id).await?,
    ))
}
