//! `/api/v2/organizations/{id}/enabled_connections`: the connections an
//! organization's login page offers, with Auth0's three flags and rules:
//! - `show_as_button` is for enterprise connections only (default true);
//!   database connections answer it as false;
//! - `is_signup_enabled` is for database connections only, and only together
//!   with `assign_membership_on_login: true`;
//! - at most 10 connections per organization.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Caller,
    connections::no_connection,
    input::{body, invalid_body, query},
    organizations::not_found as no_organization,
    paging::Offset,
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    store::{
        connections::{
            self as store, EnableError, EnabledConnection, Flags, MAX_ENABLED_PER_ORGANIZATION,
            Strategy,
        },
        organizations,
    },
};

/// One connection to enable, in `POST …/enabled_connections` and in
/// `POST /organizations`' `enabled_connections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnableBody {
    pub connection_id: String,
    pub assign_membership_on_login: Option<bool>,
    pub show_as_button: Option<bool>,
    pub is_signup_enabled: Option<bool>,
}

/// `PATCH …/enabled_connections/{connection_id}`: absent flags stay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    assign_membership_on_login: Option<bool>,
    show_as_button: Option<bool>,
    is_signup_enabled: Option<bool>,
}

impl From<EnableError> for ApiError {
    fn from(error: EnableError) -> Self {
        match error {
            EnableError::AlreadyEnabled => {
                ApiError::conflict("The connection is already enabled for this organization")
            }
            EnableError::TooMany => too_many(),
            EnableError::Db(e) => ApiError::internal(e),
        }
    }
}

fn too_many() -> ApiError {
    ApiError::bad_request(
        "invalid_body",
        format!(
            "An organization can enable at most {MAX_ENABLED_PER_ORGANIZATION} connections: \
             disable one before enabling another"
        ),
    )
}

fn not_enabled() -> ApiError {
    ApiError::not_found(
        "inexistent_connection",
        "The connection is not enabled for this organization",
    )
}

/// The flags after a change, by Auth0's rules. `current`: the stored flags
/// (a PATCH), or none (enabling).
pub fn flags(
    strategy: Strategy,
    current: Option<Flags>,
    assign_membership_on_login: Option<bool>,
    show_as_button: Option<bool>,
    is_signup_enabled: Option<bool>,
) -> Result<Flags, ApiError> {
    let enterprise = strategy.is_enterprise();
    if show_as_button.is_some() && !enterprise {
        return Err(invalid_body(
            "show_as_button applies to enterprise connections only, not to database connections",
        ));
    }
    if is_signup_enabled == Some(true) && enterprise {
        return Err(invalid_body(
            "is_signup_enabled applies to database connections only",
        ));
    }
    let base = current.unwrap_or(Flags {
        assign_membership_on_login: false,
        show_as_button: enterprise,
        is_signup_enabled: false,
    });
    let next = Flags {
        assign_membership_on_login: assign_membership_on_login
            .unwrap_or(base.assign_membership_on_login),
        show_as_button: enterprise && show_as_button.unwrap_or(base.show_as_button),
        is_signup_enabled: !enterprise && is_signup_enabled.unwrap_or(base.is_signup_enabled),
    };
    if next.is_signup_enabled && !next.assign_membership_on_login {
        return Err(invalid_body(
            "is_signup_enabled requires assign_membership_on_login to be true",
        ));
    }
    Ok(next)
}

fn stored_flags(enabled: &EnabledConnection) -> Flags {
    Flags {
        assign_membership_on_login: enabled.assign_membership_on_login,
        show_as_button: enabled.show_as_button,
        is_signup_enabled: enabled.is_signup_enabled,
    }
}

/// An enabled connection in Auth0's shape.
pub fn enabled_json(enabled: &EnabledConnection) -> Value {
    let enterprise = enabled.connection.strategy.is_enterprise();
    json!({
        "connection_id": enabled.connection.id,
        "assign_membership_on_login": enabled.assign_membership_on_login,
        "show_as_button": enterprise && enabled.show_as_button,
        "is_signup_enabled": !enterprise && enabled.is_signup_enabled,
        "connection": {
            "name": enabled.connection.name,
            "strategy": enabled.connection.strategy.as_str(),
        },
    })
}

/// Checks a list of connections to enable (each exists, none twice, at most
/// 10) and returns them with their flags, ready for the store.
pub async fn check_all(
    state: &ProviderState,
    bodies: &[EnableBody],
) -> Result<Vec<(String, Flags)>, ApiError> {
    if bodies.len() as u64 > MAX_ENABLED_PER_ORGANIZATION {
        return Err(too_many());
    }
    let mut checked: Vec<(String, Flags)> = Vec::with_capacity(bodies.len());
    for body in bodies {
        if checked.iter().any(|(id, _)| *id == body.connection_id) {
            return Err(invalid_body(
                "enabled_connections names a connection more than once",
            ));
        }
        let connection = store::by_id(&state.db, &body.connection_id)
            .await?
            .ok_or_else(no_connection)?;
        let flags = flags(
            connection.strategy,
            None,
            body.assign_membership_on_login,
            body.show_as_button,
            body.is_signup_enabled,
        )?;
        checked.push((connection.id, flags));
    }
    Ok(checked)
}

async fn organization_exists(state: &ProviderState, org_id: &str) -> Result<(), ApiError> {
    organizations::by_id(&state.db, org_id)
        .await?
        .map(|_| ())
        .ok_or_else(no_organization)
}

/// `GET /organizations/{id}/enabled_connections`, with offset paging.
/// Requires `read:organization_connections`.
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATION_CONNECTIONS)?;
    let paging = Offset::from_query(&query(raw)?)?;
    organization_exists(&state, &org_id).await?;
    let items: Vec<Value> =
        store::enabled_page(&state.db, &org_id, paging.offset(), paging.per_page)
            .await?
            .iter()
            .map(enabled_json)
            .collect();
    let total = if paging.include_totals {
        Some(store::enabled_count(&state.db, &org_id).await?)
    } else {
        None
    };
    Ok(Json(paging.body("enabled_connections", items, total)))
}

/// `POST /organizations/{id}/enabled_connections`: 201 with the enabled
/// connection. Requires `create:organization_connections`.
pub(crate) async fn add(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(scopes::CREATE_ORGANIZATION_CONNECTIONS)?;
    let input: EnableBody = body(&bytes)?;
    organization_exists(&state, &org_id).await?;
    let checked = check_all(&state, std::slice::from_ref(&input)).await?;
    let (connection_id, flags) = &checked[0];
    store::enable(&state.db, &org_id, connection_id, *flags).await?;
    let enabled = store::enabled(&state.db, &org_id, connection_id)
        .await?
        .ok_or_else(not_enabled)?;
    Ok((StatusCode::CREATED, Json(enabled_json(&enabled))))
}

/// `GET /organizations/{id}/enabled_connections/{connection_id}`.
/// Requires `read:organization_connections`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, connection_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATION_CONNECTIONS)?;
    organization_exists(&state, &org_id).await?;
    store::enabled(&state.db, &org_id, &connection_id)
        .await?
        .map(|e| Json(enabled_json(&e)))
        .ok_or_else(not_enabled)
}

/// `PATCH /organizations/{id}/enabled_connections/{connection_id}`: the
/// flags given change, and the result must keep the rules.
/// Requires `update:organization_connections`.
pub(crate) async fn update(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, connection_id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::UPDATE_ORGANIZATION_CONNECTIONS)?;
    let input: UpdateBody = body(&bytes)?;
    organization_exists(&state, &org_id).await?;
    let mut enabled = store::enabled(&state.db, &org_id, &connection_id)
        .await?
        .ok_or_else(not_enabled)?;
    let next = flags(
        enabled.connection.strategy,
        Some(stored_flags(&enabled)),
        input.assign_membership_on_login,
        input.show_as_button,
        input.is_signup_enabled,
    )?;
    if !store::set_flags(&state.db, &org_id, &connection_id, next).await? {
        return Err(not_enabled());
    }
    enabled.assign_membership_on_login = next.assign_membership_on_login;
    enabled.show_as_button = next.show_as_button;
    enabled.is_signup_enabled = next.is_signup_enabled;
    Ok(Json(enabled_json(&enabled)))
}

/// `DELETE /organizations/{id}/enabled_connections/{connection_id}`: 204.
/// Requires `delete:organization_connections`.
pub(crate) async fn remove(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, connection_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_ORGANIZATION_CONNECTIONS)?;
    organization_exists(&state, &org_id).await?;
    if store::disable(&state.db, &org_id, &connection_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_enabled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flags_follow_auth0s_rules() {
        use Strategy::{Database, Oidc};
        let f = |a, s, u| Flags {
            assign_membership_on_login: a,
            show_as_button: s,
            is_signup_enabled: u,
        };
        // Defaults: a button for enterprise connections, none for databases.
        assert_eq!(
            flags(Oidc, None, None, None, None).unwrap(),
            f(false, true, false)
        );
        assert_eq!(
            flags(Database, None, None, None, None).unwrap(),
            f(false, false, false)
        );
        assert_eq!(
            flags(Database, None, Some(true), None, Some(true)).unwrap(),
            f(true, false, true)
        );
        assert_eq!(
            flags(Oidc, None, Some(true), Some(false), Some(false)).unwrap(),
            f(true, false, false)
        );
        // Refused: a button on a database, signup on enterprise, signup without membership.
        assert!(flags(Database, None, None, Some(true), None).is_err());
        assert!(flags(Database, None, None, Some(false), None).is_err());
        assert!(flags(Oidc, None, Some(true), None, Some(true)).is_err());
        assert!(flags(Database, None, None, None, Some(true)).is_err());
        // A patch that turns membership off while signup stays on.
        assert!(
            flags(
                Database,
                Some(f(true, false, true)),
                Some(false),
                None,
                None
            )
            .is_err()
        );
        assert_eq!(
            flags(
                Database,
                Some(f(true, false, true)),
                Some(false),
                None,
                Some(false)
            )
            .unwrap(),
            f(false, false, false)
        );
    }
}
