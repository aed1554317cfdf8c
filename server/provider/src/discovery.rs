//! `/.well-known/openid-configuration`: how clients find the provider's endpoints.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::ProviderState;

/// The discovery document, with Auth0's issuer form and endpoint paths, so that
/// clients written for Auth0 find their way unchanged. Public; no permission.
pub(crate) async fn openid_configuration(State(state): State<ProviderState>) -> Json<Value> {
    let issuer = state.issuer();
    Json(json!({
        "issuer": issuer.as_str(),
        "authorization_endpoint": issuer.endpoint("authorize"),
        "token_endpoint": issuer.endpoint("oauth/token"),
        "userinfo_endpoint": issuer.endpoint("userinfo"),
        "jwks_uri": issuer.endpoint(".well-known/jwks.json"),
        "end_session_endpoint": issuer.endpoint("oidc/logout"),
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "aud", "auth_time", "email", "email_verified", "exp", "iat", "iss",
            "name", "nonce", "org_id", "org_name", "sub"
        ],
        "request_uri_parameter_supported": false,
    }))
}

/// `/.well-known/jwks.json`: the active key and the one before it. Public.
pub(crate) async fn jwks(State(state): State<ProviderState>) -> Json<Value> {
    Json(state.keys.jwks())
}
