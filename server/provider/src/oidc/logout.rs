//! RP-initiated logout: `GET /oidc/logout` (OpenID Connect) and `GET /v2/logout`
//! (Auth0's own form). Ends the provider session and sends the browser back
//! only to a logout URL registered for the client.

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::{pages, session};
use crate::{ProviderState, clients};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutRequest {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    client_id: Option<String>,
    /// Auth0's `/v2/logout` names the return URL so.
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
}

/// Public. The client is the ID token hint's audience, or `client_id`.
pub(crate) async fn logout(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Query(request): Query<LogoutRequest>,
) -> Response {
    if let Err(error) = session::end(&state.db, &headers).await {
        tracing::error!(%error, "logout: database");
        return pages::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-out failed; try again.",
        );
    }
    let client_id = match &request.id_token_hint {
        Some(hint) => hinted_client(&state, hint).await,
        None => request.client_id.clone(),
    };
    let wanted = request
        .post_logout_redirect_uri
        .clone()
        .or(request.return_to.clone());
    let target = match (client_id, wanted) {
        (Some(client_id), Some(wanted)) => match clients::find(&state.db, &client_id).await {
            Ok(Some(client)) if client.logout_urls.contains(&wanted) => Some(wanted),
            _ => None,
        },
        _ => None,
    };
    let mut response = match target {
        Some(mut target) => {
            if let Some(s) = &request.state {
                let mut url = url::Url::parse(&target).expect("registered logout URLs are URLs");
                url.query_pairs_mut().append_pair("state", s);
                target = url.to_string();
            }
            Redirect::to(&target).into_response()
        }
        None => pages::page(
            StatusCode::OK,
            "Signed out",
            "<h1>You are signed out</h1><p>You can close this window.</p>",
        ),
    };
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&state.issuer, session::SESSION_COOKIE, "", "/", 0),
    );
    response
}

/// The audience of an ID token this provider signed (expired ones too: a
/// logout often comes long after sign-in).
async fn hinted_client(state: &ProviderState, hint: &str) -> Option<String> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[state.issuer.as_str()]);
    let claims: Value = state.keys.verify(hint, &validation).await.ok()?;
    claims["aud"].as_str().map(str::to_owned)
}
