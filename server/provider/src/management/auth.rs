//! Who calls the Management API: a client with an access token from
//! client credentials, for this provider's Management API audience.

use axum::{extract::FromRequestParts, http::request::Parts};
use jsonwebtoken::{Algorithm, Validation};

use crate::{ProviderState, error::ApiError, oauth::token::ManagementClaims};

/// A verified Management API caller and its scopes. Handlers check the scope
/// they need on their first line with [`Caller::require`].
#[derive(Debug)]
pub struct Caller {
    pub client_id: String,
    scopes: Vec<String>,
}

impl Caller {
    /// 403 unless the token carries `scope`.
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(scope))
        }
    }
}

impl FromRequestParts<ProviderState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ProviderState,
    ) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorized("Missing authentication"))?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("Bad HTTP authentication header format"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[state.issuer.management_audience()]);
        validation.set_issuer(&[state.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let claims: ManagementClaims = state
            .keys
            .verify(token, &validation)
            .await
            .map_err(|_| ApiError::unauthorized("Invalid token"))?;
        Ok(Caller {
            client_id: claims.azp,
            scopes: claims.scope.split_whitespace().map(str::to_owned).collect(),
        })
    }
}
