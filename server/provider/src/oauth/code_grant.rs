//! The grants that follow a person's sign-in: `authorization_code` (with PKCE)
//! and `refresh_token` (rotating).

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{
    OAuthError,
    request::{Presented, TokenRequest},
};
use std::net::IpAddr;

use super::client_auth::authenticate;
use crate::{ProviderState, oidc::grants, store::organizations};

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::invalid_request(format!("Missing required parameter: {name}")))
}

/// PKCE S256: base64url(SHA-256(verifier)) equals the challenge.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

pub(super) async fn authorization_code(
    state: &ProviderState,
    request: &TokenRequest,
    presented: Presented,
    address: Option<IpAddr>,
) -> Result<Value, OAuthError> {
    let client = authenticate(state, presented, address).await?;
    let code = required(&request.code, "code")?;
    let redeemed = grants::redeem_code(&state.db, code)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("Invalid authorization code"))?;
    if redeemed.grant.client_id != client.client_id {
        return Err(OAuthError::invalid_grant("Invalid authorization code"));
    }
    if request.redirect_uri.as_deref() != Some(redeemed.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    if let Some(challenge) = &redeemed.code_challenge {
        let verifier = request.code_verifier.as_deref().unwrap_or_default();
        if !pkce_matches(verifier, challenge) {
            return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
        }
    }
    Ok(grants::token_response(state, &redeemed.grant, redeemed.nonce.as_deref()).await?)
}

pub(super) async fn refresh_token(
    state: &ProviderState,
    request: &TokenRequest,
    presented: Presented,
    address: Option<IpAddr>,
) -> Result<Value, OAuthError> {
    let client = authenticate(state, presented, address).await?;
    let token = required(&request.refresh_token, "refresh_token")?;
    // A refresh token stays in the organization it was issued for. Checked
    // before the token rotates, so a request for another organization is
    // refused without using the token up.
    if let Some(asked) = request.organization.as_deref().filter(|o| !o.is_empty()) {
        // Another client's token is not judged here: using it below revokes it.
        let issued_for = grants::refresh_grant(&state.db, token)
            .await?
            .filter(|g| g.client_id == client.client_id)
            .map(|g| g.org_id);
        let asked_id = if asked.starts_with("org_") {
            Some(asked.to_owned())
        } else {
            organizations::by_name(&state.db, asked)
                .await?
                .map(|o| o.id)
        };
        if let Some(issued_for) = issued_for
            && (asked_id.is_none() || asked_id != issued_for)
        {
            return Err(OAuthError::invalid_grant(
                "The refresh token belongs to another organization",
            ));
        }
    }
    let grant = grants::use_refresh(&state.db, token)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("Unknown or invalid refresh token."))?;
    if grant.client_id != client.client_id {
        grants::revoke(&state.db, &grant.id).await?;
        return Err(OAuthError::invalid_grant(
            "Unknown or invalid refresh token.",
        ));
    }
    Ok(grants::token_response(state, &grant, None).await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pkce_s256_is_unpadded_base64url_of_sha256() {
        // Computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()) in Python.
        let verifier = "dBjftJeZ4CK-0MmL3Pr-mZC0nvYI1W3XGNdVjGAzDa4";
        let challenge = "92buggaDif6qgwTEEpw2ympu-WlLKosDGBzcafYYc08";
        assert!(super::pkce_matches(verifier, challenge));
        assert!(!super::pkce_matches(
            "another-verifier-entirely-0123456789abcdefg",
            challenge
        ));
    }
}
