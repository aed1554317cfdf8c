//! `GET|POST /userinfo`: the signed-in person's claims, for a live access token.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use jsonwebtoken::{Algorithm, Validation};
use serde_json::json;

use super::grants::{self, AccessClaims};
use crate::{ProviderState, store::users};

fn refuse() -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// Public; the bearer token is the credential. A token whose grant was
/// revoked (sign-out, a replayed code) is refused even before it expires.
pub(crate) async fn userinfo(State(state): State<ProviderState>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return refuse();
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[state.issuer.endpoint("userinfo")]);
    validation.set_issuer(&[state.issuer.as_str()]);
    let Ok(claims) = state
        .keys
        .verify::<AccessClaims>(token.trim(), &validation)
        .await
    else {
        return refuse();
    };
    let answer = async {
        if grants::live(&state.db, &claims.gid).await?.is_none() {
            return Ok(None);
        }
        users::by_id(&state.db, &claims.sub).await
    }
    .await;
    match answer {
        Ok(Some(user)) => {
            let scopes: Vec<&str> = claims.scope.split_whitespace().collect();
            let mut body = json!({ "sub": user.user_id });
            if scopes.contains(&"email") && !user.email.is_empty() {
                body["email"] = user.email.into();
                body["email_verified"] = user.email_verified.into();
            }
            if scopes.contains(&"profile") {
                body["name"] = user.name.into();
            }
            if let Some(org_id) = claims.org_id {
                body["org_id"] = org_id.into();
            }
            Json(body).into_response()
        }
        Ok(None) => refuse(),
        Err(error) => {
            tracing::error!(%error, "userinfo: database");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
