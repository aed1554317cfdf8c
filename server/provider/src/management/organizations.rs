//! `/api/v2/organizations`: each handler names the scope it needs and checks
//! it first.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use serde_json::Value;

use super::{
    Caller,
    input::{body, query},
    organization_rules::{self as rules, CreateBody, UpdateBody},
    paging::{Paging, checkpoint_body, offset_body},
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    ids,
    store::organizations::{self as store, Organization},
};

pub(super) fn not_found() -> ApiError {
    ApiError::not_found(
        "inexistent_organization",
        "No organization found by that id or name",
    )
}

/// `GET /organizations`, by name, in Auth0's three list forms.
/// Requires `read:organizations`.
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATIONS)?;
    let body = match Paging::from_query(&query(raw)?)? {
        Paging::Checkpoint { after, take } => {
            let mut page = store::page_after(&state.db, after.as_deref(), take + 1).await?;
            let more = page.len() > take as usize;
            page.truncate(take as usize);
            let next = more.then(|| page.last().map(|o| o.name.clone())).flatten();
            checkpoint_body("organizations", page, next.as_deref())
        }
        Paging::Offset {
            page,
            per_page,
            include_totals,
            ..
        } => {
            let offset = u64::from(page) * u64::from(per_page);
            let items = store::page_at(&state.db, offset, per_page).await?;
            let total = if include_totals {
                Some(store::count(&state.db).await?)
            } else {
                None
            };
            offset_body("organizations", items, page, per_page, total)
        }
    };
    Ok(Json(body))
}

/// `POST /organizations`, optionally with `enabled_connections` (all or
/// nothing). As in Auth0, an organization created without them enables no
/// connection. Requires `create:organizations`.
pub(crate) async fn create(
    caller: Caller,
    State(state): State<ProviderState>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Organization>), ApiError> {
    caller.require(scopes::CREATE_ORGANIZATIONS)?;
    let input: CreateBody = body(&bytes)?;
    rules::check_name(&input.name)?;
    if let Some(display_name) = &input.display_name {
        rules::check_display_name(display_name)?;
    }
    let metadata = input.metadata.unwrap_or_default();
    rules::check_metadata(&metadata)?;
    let branding = input
        .branding
        .as_ref()
        .map(rules::check_branding)
        .transpose()?;
    // Each connection exists and its flags keep the rules before anything is
    // written; then the organization and its connections are one transaction.
    let enabled = match &input.enabled_connections {
        Some(list) => super::enabled_connections::check_all(&state, list).await?,
        None => Vec::new(),
    };
    let org = Organization {
        id: ids::organization_id(),
        name: input.name,
        display_name: input.display_name,
        branding,
        metadata,
    };
    store::insert_with_connections(&state.db, &org, &enabled).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// `GET /organizations/{id}`. Requires `read:organizations`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<Json<Organization>, ApiError> {
    caller.require(scopes::READ_ORGANIZATIONS)?;
    store::by_id(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// `GET /organizations/name/{name}`. Requires `read:organizations`.
pub(crate) async fn get_by_name(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(name): Path<String>,
) -> Result<Json<Organization>, ApiError> {
    caller.require(scopes::READ_ORGANIZATIONS)?;
    store::by_name(&state.db, &name)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// `PATCH /organizations/{id}`: the fields given replace the stored ones
/// (`metadata` as a whole). Requires `update:organizations`.
pub(crate) async fn update(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Organization>, ApiError> {
    caller.require(scopes::UPDATE_ORGANIZATIONS)?;
    let input: UpdateBody = body(&bytes)?;
    let mut org = store::by_id(&state.db, &id).await?.ok_or_else(not_found)?;
    if let Some(name) = input.name {
        rules::check_name(&name)?;
        org.name = name;
    }
    if let Some(display_name) = input.display_name {
        rules::check_display_name(&display_name)?;
        org.display_name = Some(display_name);
    }
    if let Some(metadata) = input.metadata {
        rules::check_metadata(&metadata)?;
        org.metadata = metadata;
    }
    match input.branding {
        Some(Some(branding)) => org.branding = Some(rules::check_branding(&branding)?),
        Some(None) => org.branding = None,
        None => {}
    }
    if !store::update(&state.db, &org).await? {
        return Err(not_found());
    }
    Ok(Json(org))
}

/// `DELETE /organizations/{id}`. Requires `delete:organizations`.
pub(crate) async fn delete(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_ORGANIZATIONS)?;
    if store::delete(&state.db, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
