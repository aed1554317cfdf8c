//! `POST /oauth/token`. Public; the client authenticates in the request.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use std::net::IpAddr;

use super::{
    OAuthError,
    client_auth::authenticate,
    code_grant,
    request::{Presented, TokenRequest},
};
use crate::{ProviderState, client_address::ClientAddr, clients, now};

/// The claims of a Management API access token, as Auth0 issues them to
/// machine-to-machine clients.
#[derive(Debug, Serialize, Deserialize)]
pub struct ManagementClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub scope: String,
    pub gty: String,
    pub azp: String,
}

pub(crate) async fn token(
    State(state): State<ProviderState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let request = TokenRequest::parse(&headers, &body)?;
    let presented = request.credentials(&headers)?;
    let body = match request.grant_type.as_deref() {
        Some("client_credentials") => {
            client_credentials(&state, &request, presented, address).await?
        }
        Some("authorization_code") => {
            code_grant::authorization_code(&state, &request, presented, address).await?
        }
        Some("refresh_token") => {
            code_grant::refresh_token(&state, &request, presented, address).await?
        }
        Some(other) => return Err(OAuthError::unsupported_grant_type(other)),
        None => {
            return Err(OAuthError::invalid_request(
                "Missing required parameter: grant_type",
            ));
        }
    };
    let mut response = Json(body).into_response();
    // RFC 6749 §5.1: token responses are never cached.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// A confidential client trades its credentials for an access token to an
/// API it holds a grant for, with the granted scopes it asked for (all of
/// them when it names none).
async fn client_credentials(
    state: &ProviderState,
    request: &TokenRequest,
    presented: Presented,
    address: Option<IpAddr>,
) -> Result<serde_json::Value, OAuthError> {
    let client = authenticate(state, presented, address).await?;
    if !client.is_confidential() {
        return Err(OAuthError::invalid_client());
    }
    let audience = request
        .audience
        .as_deref()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("Missing required parameter: audience"))?;
    let management = state.issuer.management_audience();
    if audience != management {
        return Err(OAuthError::access_denied(format!(
            "Service not found: {audience}"
        )));
    }
    let granted = clients::granted_scopes(&state.db, &client.client_id, audience)
        .await?
        .ok_or_else(|| {
            OAuthError::access_denied(format!(
                "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
            ))
        })?;
    let scopes: Vec<&str> = match request.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(asked) => asked
            .split_whitespace()
            .filter(|s| granted.iter().any(|g| g == s))
            .collect(),
        None => granted.iter().map(String::as_str).collect(),
    };
    if scopes.is_empty() {
        return Err(OAuthError::access_denied(
            "None of the requested scopes is granted",
        ));
    }
    let scope = scopes.join(" ");
    let iat = now();
    let ttl = state.options.management_token_ttl_secs;
    let claims = ManagementClaims {
        iss: state.issuer.as_str().to_owned(),
        sub: format!("{}@clients", client.client_id),
        aud: management,
        iat,
        exp: iat + ttl,
        scope: scope.clone(),
        gty: "client-credentials".into(),
        azp: client.client_id,
    };
    Ok(json!({
        "access_token": state.keys.sign(&claims),
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": scope,
    }))
}
