//! `/api/v2/organizations/{id}/invitations`, as Auth0 serves it. Each handler
//! names the scope it needs and checks it first.
//!
//! - An invitation of another organization is not found, exactly as a
//!   missing one.
//! - Creating one checks everything before anything happens; the email goes
//!   over SMTP before the invitation is written (a failure to send answers 503
//!   and leaves nothing), or into the outbox in the same transaction.
//! - An accepted invitation is deleted (as Auth0 does); expired ones still list.

use std::collections::HashSet;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    routing::{MethodRouter, delete, get, post},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    Caller, Endpoint,
    input::query,
    organizations::not_found as no_organization,
    paging::Paging,
    scopes::{
        CREATE_ORGANIZATION_INVITATIONS, DELETE_ORGANIZATION_INVITATIONS,
        READ_ORGANIZATION_INVITATIONS,
    },
};
use crate::{
    ProviderState, clients,
    error::ApiError,
    ids, mail,
    store::{
        connections,
        invitations::{self as store, Invitation},
        organizations, users,
    },
    timestamp::now_millis,
};

/// Auth0's default lifetime of an invitation: 7 days.
pub const DEFAULT_TTL_SECS: i64 = 604_800;
/// Auth0's longest: 30 days.
pub const MAX_TTL_SECS: i64 = 2_592_000;
/// Auth0 takes at most 300 characters for the inviter's name.
const INVITER_NAME_MAX: usize = 300;
/// Auth0 gives a member at most 50 roles through an invitation.
const ROLES_MAX: usize = 50;

/// The fields of an invitation, for `fields`.
const FIELDS: &[&str] = &[
    "id",
    "organization_id",
    "inviter",
    "invitee",
    "invitation_url",
    "created_at",
    "expires_at",
    "client_id",
    "connection_id",
    "app_metadata",
    "user_metadata",
    "roles",
    "ticket_id",
];

/// The invitation endpoints and their scopes (joined into the Management API's table).
pub(super) fn table() -> Vec<(Endpoint, MethodRouter<ProviderState>)> {
    let e = |method, path, scope| Endpoint {
        method,
        path,
        scope,
    };
    vec![
        (
            e(
                "GET",
                "/organizations/{id}/invitations",
                READ_ORGANIZATION_INVITATIONS,
            ),
            get(list),
        ),
        (
            e(
                "POST",
                "/organizations/{id}/invitations",
                CREATE_ORGANIZATION_INVITATIONS,
            ),
            post(create),
        ),
        (
            e(
                "GET",
                "/organizations/{id}/invitations/{invitation_id}",
                READ_ORGANIZATION_INVITATIONS,
            ),
            get(get_one),
        ),
        (
            e(
                "DELETE",
                "/organizations/{id}/invitations/{invitation_id}",
                DELETE_ORGANIZATION_INVITATIONS,
            ),
            delete(delete_one),
        ),
    ]
}

fn no_invitation() -> ApiError {
    ApiError::not_found("inexistent_invitation", "The invitation does not exist")
}

fn invalid_body(message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_body",
        format!("Payload validation error: {message}"),
    )
}

/// The body, or a 400 that names the field at fault.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            invalid_body(e.inner())
        } else {
            invalid_body(format!("{path}: {}", e.inner()))
        }
    })
}

fn invalid_query(message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_query_string",
        format!("Query validation error: {message}"),
    )
}

/// `POST /organizations/{id}/invitations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    inviter: Inviter,
    invitee: Invitee,
    client_id: String,
    connection_id: Option<String>,
    ttl_sec: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    send_invitation_email: Option<bool>,
    app_metadata: Option<Map<String, Value>>,
    user_metadata: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Inviter {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Invitee {
    email: String,
}

/// The name is 1 to 300 characters, none of them control characters.
fn check_inviter_name(name: &str) -> Result<(), ApiError> {
    let len = name.trim().chars().count();
    if len == 0 || name.chars().count() > INVITER_NAME_MAX {
        return Err(invalid_body(format!(
            "inviter.name must be 1 to {INVITER_NAME_MAX} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid_body(
            "inviter.name must not contain control characters",
        ));
    }
    Ok(())
}

/// An address a message can be sent to.
fn check_email(email: &str) -> Result<(), ApiError> {
    let email = email.trim();
    let valid = email.len() <= 254
        && email.parse::<lettre::Address>().is_ok()
        && email
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.contains('.') || domain == "localhost");
    if valid {
        Ok(())
    } else {
        Err(invalid_body("invitee.email must be a valid email address"))
    }
}

/// 0 or absent is the default (7 days); at most 30 days.
fn ttl_seconds(ttl_sec: Option<i64>) -> Result<i64, ApiError> {
    match ttl_sec.unwrap_or(0) {
        0 => Ok(DEFAULT_TTL_SECS),
        n @ 1..=MAX_TTL_SECS => Ok(n),
        _ => Err(invalid_body(format!(
            "ttl_sec must be between 0 and {MAX_TTL_SECS} seconds (30 days); 0 means 7 days"
        ))),
    }
}

/// The link Auth0 builds: the application's login URI with the ticket and
/// the organization's id and name.
fn invitation_url(login_uri: &str, ticket: &str, org_id: &str, org_name: &str) -> Option<String> {
    let mut url = url::Url::parse(login_uri).ok()?;
    url.query_pairs_mut()
        .append_pair("invitation", ticket)
        .append_pair("organization", org_id)
        .append_pair("organization_name", org_name);
    Some(url.into())
}

pub(crate) async fn create(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(CREATE_ORGANIZATION_INVITATIONS)?;
    let input: CreateBody = body(&bytes)?;
    check_inviter_name(&input.inviter.name)?;
    check_email(&input.invitee.email)?;
    let ttl = ttl_seconds(input.ttl_sec)?;
    let mut seen = HashSet::new();
    let roles: Vec<String> = input
        .roles
        .into_iter()
        .filter(|r| seen.insert(r.clone()))
        .collect();
    if roles.len() > ROLES_MAX {
        return Err(invalid_body(format!(
            "roles allows at most {ROLES_MAX} roles"
        )));
    }

    let org = organizations::by_id(&state.db, &org_id)
        .await?
        .ok_or_else(no_organization)?;
    let client = clients::find(&state.db, &input.client_id)
        .await?
        .ok_or_else(|| {
            ApiError::bad_request("invalid_body", "The specified client_id does not exist.")
        })?;
    let login_uri = client.initiate_login_uri.as_deref().ok_or_else(|| {
        ApiError::bad_request(
            "invalid_body",
            "A default login route is required to generate the invitation url: \
             set the application's initiate_login_uri.",
        )
    })?;
    // The connection the invitee signs in with must exist and be one the
    // organization enables; either refusal is a 400 about the body.
    if let Some(connection_id) = &input.connection_id {
        if connections::by_id(&state.db, connection_id)
            .await?
            .is_none()
        {
            return Err(ApiError::bad_request(
                "invalid_body",
                "The specified connection does not exist.",
            ));
        }
        if connections::enabled(&state.db, &org.id, connection_id)
            .await?
            .is_none()
        {
            return Err(ApiError::bad_request(
                "invalid_body",
                "The specified connection is not enabled for this organization.",
            ));
        }
    }
    let unknown = store::unknown_roles(&state.db, &roles).await?;
    if !unknown.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!(
                "One or more of the specified roles do not exist: {}",
                unknown.join(", ")
            ),
        ));
    }

    let ticket = ids::invitation_ticket();
    let created_at = now_millis();
    let invitation = Invitation {
        id: ids::invitation_id(),
        org_id: org.id.clone(),
        invitation_url: invitation_url(login_uri, &ticket, &org.id, &org.name)
            .ok_or_else(|| ApiError::internal("a stored initiate_login_uri does not parse"))?,
        ticket_id: ticket,
        inviter_name: input.inviter.name,
        invitee_email: users::normalize_email(&input.invitee.email),
        client_id: client.client_id.clone(),
        connection_id: input.connection_id,
        roles,
        app_metadata: input.app_metadata.unwrap_or_default(),
        user_metadata: input.user_metadata.unwrap_or_default(),
        created_at,
        expires_at: created_at + ttl * 1000,
    };

    let dispatch = if input.send_invitation_email.unwrap_or(true) {
        let email = mail::invitation_email(
            &invitation.invitee_email,
            &invitation.inviter_name,
            org.display_name.as_deref().unwrap_or(&org.name),
            &client.name,
            &invitation.invitation_url,
            invitation.expires_at,
            &mail::branding_of(org.branding.as_ref()),
        );
        let sent = state.mailer.send_or_keep(email).await.map_err(|error| {
            tracing::warn!(%error, organization = %org.id, "invitation email not sent");
            ApiError::unavailable(
                "email_not_sent",
                "The invitation email could not be sent, so no invitation was created. \
                 Try again later.",
            )
        })?;
        Some(sent)
    } else {
        None
    };
    let mut tx = state.db.pool().begin().await?;
    store::insert(&mut tx, &invitation).await?;
    if let Some(dispatch) = dispatch {
        dispatch.finish(&mut tx).await?;
    }
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(invitation.to_json())))
}

/// Auth0's `fields` and `include_fields`: which fields an answer keeps.
struct Projection {
    fields: Vec<String>,
    include: bool,
}

impl Projection {
    fn from_query(query: &[(String, String)]) -> Result<Self, ApiError> {
        let get = |name: &str| {
            query
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let fields: Vec<String> = get("fields")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(unknown) = fields.iter().find(|f| !FIELDS.contains(&f.as_str())) {
            return Err(invalid_query(format!(
                "unknown field {unknown:?} in fields"
            )));
        }
        let include = match get("include_fields") {
            None | Some("true") => true,
            Some("false") => false,
            Some(_) => return Err(invalid_query("include_fields must be true or false")),
        };
        Ok(Self { fields, include })
    }

    fn apply(&self, mut value: Value) -> Value {
        if let (false, Some(object)) = (self.fields.is_empty(), value.as_object_mut()) {
            object.retain(|key, _| self.fields.contains(key) == self.include);
        }
        value
    }
}

/// Refuses query parameters the endpoint does not take.
fn only(query: &[(String, String)], allowed: &[&str]) -> Result<(), ApiError> {
    match query.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((key, _)) => Err(invalid_query(format!(
            "additional properties not allowed: {key}"
        ))),
        None => Ok(()),
    }
}

/// `GET /organizations/{id}/invitations`: offset pages, newest first unless
/// `sort=created_at:1`. With `include_totals=true`, `{invitations, start,
/// limit}` (Auth0 gives no total for invitations).
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(READ_ORGANIZATION_INVITATIONS)?;
    let query = query(raw)?;
    only(
        &query,
        &[
            "page",
            "per_page",
            "include_totals",
            "fields",
            "include_fields",
            "sort",
        ],
    )?;
    let Paging::Offset {
        page,
        per_page,
        include_totals,
        ..
    } = Paging::from_query(&query)?
    else {
        return Err(invalid_query(
            "invitations are listed with page and per_page",
        ));
    };
    let projection = Projection::from_query(&query)?;
    let newest_first = match query
        .iter()
        .rev()
        .find(|(k, _)| k == "sort")
        .map(|(_, v)| v.as_str())
    {
        None | Some("created_at:-1") => true,
        Some("created_at:1") => false,
        Some(_) => return Err(invalid_query("sort must be created_at:1 or created_at:-1")),
    };
    organizations::by_id(&state.db, &org_id)
        .await?
        .ok_or_else(no_organization)?;
    let offset = u64::from(page) * u64::from(per_page);
    let items: Vec<Value> = store::page(&state.db, &org_id, offset, per_page, newest_first)
        .await?
        .iter()
        .map(|i| projection.apply(i.to_json()))
        .collect();
    Ok(Json(if include_totals {
        json!({ "invitations": items, "start": offset, "limit": per_page })
    } else {
        json!(items)
    }))
}

/// `GET /organizations/{id}/invitations/{invitation_id}`.
pub(crate) async fn get_one(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, invitation_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(READ_ORGANIZATION_INVITATIONS)?;
    let query = query(raw)?;
    only(&query, &["fields", "include_fields"])?;
    let projection = Projection::from_query(&query)?;
    let invitation = store::by_id(&state.db, &org_id, &invitation_id)
        .await?
        .ok_or_else(no_invitation)?;
    Ok(Json(projection.apply(invitation.to_json())))
}

/// `DELETE /organizations/{id}/invitations/{invitation_id}`: revokes it.
pub(crate) async fn delete_one(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, invitation_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.require(DELETE_ORGANIZATION_INVITATIONS)?;
    if store::delete(&state.db, &org_id, &invitation_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_invitation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_defaults_to_seven_days_and_stops_at_thirty() {
        assert_eq!(ttl_seconds(None).unwrap(), 604_800);
        assert_eq!(ttl_seconds(Some(0)).unwrap(), 604_800);
        assert_eq!(ttl_seconds(Some(1)).unwrap(), 1);
        assert_eq!(ttl_seconds(Some(2_592_000)).unwrap(), 2_592_000);
        assert!(ttl_seconds(Some(2_592_001)).is_err());
        assert!(ttl_seconds(Some(-1)).is_err());
    }

    #[test]
    fn emails_must_be_deliverable_addresses() {
        for ok in [
            "a@b.example",
            "First.Last+tag@sub.example.com",
            "dev@localhost",
        ] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@b.example",
            "a@",
            "a b@c.example",
            "a@b",
            "a@b.example\r\nBcc: x@y.example",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn inviter_names_are_short_printable_text() {
        assert!(check_inviter_name("Ann O'Neil").is_ok());
        assert!(check_inviter_name(&"x".repeat(300)).is_ok());
        assert!(check_inviter_name(&"x".repeat(301)).is_err());
        assert!(check_inviter_name("  ").is_err());
        assert!(check_inviter_name("Ann\r\nBcc: x").is_err());
    }

    #[test]
    fn the_link_carries_ticket_organization_and_name_after_the_login_uri() {
        let url = invitation_url(
            "https://app.example/login?from=mail",
            "T1",
            "org_1",
            "acme & co",
        )
        .unwrap();
        assert_eq!(
            url,
            "https://app.example/login?from=mail&invitation=T1&organization=org_1&organization_name=acme+%26+co"
        );
    }
}
