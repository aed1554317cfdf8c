//! `/api/v2/roles`: the tenant's roles. Each handler names the scope it needs
//! and checks it first.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::Value;

use super::{
    Caller,
    input::{body, invalid_body, param, query},
    paging::Offset,
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    store::{
        roles::{self as store, MAX_ROLES, RoleWriteError},
        users::Role,
    },
};

pub(super) fn no_role() -> ApiError {
    ApiError::not_found("inexistent_role", "The role does not exist.")
}

impl From<RoleWriteError> for ApiError {
    fn from(error: RoleWriteError) -> Self {
        match error {
            RoleWriteError::NameTaken => {
                ApiError::conflict("A role with the same name already exists.")
            }
            RoleWriteError::LimitReached => ApiError::bad_request(
                "too_many_entities",
                format!("The tenant already has the maximum of {MAX_ROLES} roles."),
            ),
            RoleWriteError::Db(e) => ApiError::internal(e),
        }
    }
}

/// `POST /roles`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    #[serde(default)]
    description: String,
}

/// `PATCH /roles/{id}`: absent fields stay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    name: Option<String>,
    description: Option<String>,
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        Err(invalid_body("name must not be empty"))
    } else {
        Ok(())
    }
}

/// `GET /roles`, by name, with offset paging; `name_filter` keeps the roles
/// whose name contains it, in any case. Requires `read:roles`.
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ROLES)?;
    let query = query(raw)?;
    let paging = Offset::from_query(&query)?;
    let filter = param(&query, "name_filter").filter(|f| !f.is_empty());
    let items = store::page_at(&state.db, filter, paging.offset(), paging.per_page).await?;
    let total = if paging.include_totals {
        Some(store::count(&state.db, filter).await?)
    } else {
        None
    };
    Ok(Json(paging.body("roles", items, total)))
}

/// `POST /roles`: 200 with the role, as Auth0 answers. Requires `create:roles`.
pub(crate) async fn create(
    caller: Caller,
    State(state): State<ProviderState>,
    bytes: Bytes,
) -> Result<Json<Role>, ApiError> {
    caller.require(scopes::CREATE_ROLES)?;
    let input: CreateBody = body(&bytes)?;
    check_name(&input.name)?;
    Ok(Json(
        store::insert(&state.db, &input.name, &input.description).await?,
    ))
}

/// `GET /roles/{id}`. Requires `read:roles`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<Json<Role>, ApiError> {
    caller.require(scopes::READ_ROLES)?;
    store::by_id(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(no_role)
}

/// `PATCH /roles/{id}`. Requires `update:roles`.
pub(crate) async fn update(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Role>, ApiError> {
    caller.require(scopes::UPDATE_ROLES)?;
    let input: UpdateBody = body(&bytes)?;
    let mut role = store::by_id(&state.db, &id).await?.ok_or_else(no_role)?;
    if let Some(name) = input.name {
        check_name(&name)?;
        role.name = name;
    }
    if let Some(description) = input.description {
        role.description = description;
    }
    if !store::update(&state.db, &role).await? {
        return Err(no_role());
    }
    Ok(Json(role))
}

/// `DELETE /roles/{id}`: the role and every assignment of it, globally and in
/// organizations. Requires `delete:roles`.
pub(crate) async fn delete(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_ROLES)?;
    if store::delete(&state.db, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_role())
    }
}
