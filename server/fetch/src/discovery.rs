//! OpenID Provider discovery, checked before anything is sent to the issuer.

use serde::Serialize;
use url::Url;

use crate::{FetchError, SafeFetcher};

/// What an issuer's `/.well-known/openid-configuration` says, once checked:
/// the issuer is the one configured and every endpoint is on its origin.
#[derive(Clone, Debug, Serialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub jwks_uri: Url,
    pub userinfo_endpoint: Option<Url>,
    pub scopes_supported: Vec<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
}

/// Why an issuer's configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("the issuer must be an http(s) URL without a query or fragment")]
    InvalidIssuer,
    #[error("reading the OpenID configuration failed: {0}")]
    Fetch(#[from] FetchError),
    #[error("the OpenID configuration is not a JSON object")]
    NotAnObject,
    #[error("the OpenID configuration names issuer {found:?}, not the configured {configured:?}")]
    IssuerMismatch { configured: String, found: String },
    #[error("the OpenID configuration has no valid {0}")]
    Missing(&'static str),
    #[error("the OpenID configuration's {0} is not on the issuer's origin; it is refused")]
    ForeignOrigin(&'static str),
}

/// GET `{issuer}/.well-known/openid-configuration` through `fetcher` and check it.
pub async fn discover(fetcher: &SafeFetcher, issuer: &Url) -> Result<Discovery, DiscoveryError> {
    discover_at(fetcher, issuer, None).await
}

/// Like [`discover`], reading the configuration at `discovery_url` when one
/// is given (an `oidc` connection's option); it must be on the issuer's
/// origin, as every endpoint the document names.
pub async fn discover_at(
    fetcher: &SafeFetcher,
    issuer: &Url,
    discovery_url: Option<&Url>,
) -> Result<Discovery, DiscoveryError> {
    if !matches!(issuer.scheme(), "http" | "https")
        || issuer.host().is_none()
        || issuer.query().is_some()
        || issuer.fragment().is_some()
        || !issuer.username().is_empty()
        || issuer.password().is_some()
    {
        return Err(DiscoveryError::InvalidIssuer);
    }
    let configured = issuer.as_str();
    let base = configured.strip_suffix('/').unwrap_or(configured);
    let well_known = match discovery_url {
        Some(url) if url.origin() != issuer.origin() => {
            return Err(DiscoveryError::ForeignOrigin("discovery_url"));
        }
        Some(url) => url.clone(),
        None => Url::parse(&format!("{base}/.well-known/openid-configuration"))
            .map_err(|_| DiscoveryError::InvalidIssuer)?,
    };
    let document = fetcher.get_json(&well_known).await?;
    let document = document.as_object().ok_or(DiscoveryError::NotAnObject)?;

    let found = document
        .get("issuer")
        .and_then(|v| v.as_str())
        .ok_or(DiscoveryError::Missing("issuer"))?;
    if found.strip_suffix('/').unwrap_or(found) != base {
        return Err(DiscoveryError::IssuerMismatch {
            configured: configured.to_owned(),
            found: found.chars().take(200).collect(),
        });
    }

    let origin = issuer.origin();
    let endpoint = |name: &'static str| -> Result<Option<Url>, DiscoveryError> {
        let Some(value) = document.get(name) else {
            return Ok(None);
        };
        let url = value
            .as_str()
            .and_then(|s| Url::parse(s).ok())
            .ok_or(DiscoveryError::Missing(name))?;
        if url.origin() != origin {
            return Err(DiscoveryError::ForeignOrigin(name));
        }
        Ok(Some(url))
    };
    let required = |name: &'static str| endpoint(name)?.ok_or(DiscoveryError::Missing(name));
    let strings = |name: &str| -> Vec<String> {
        document
            .get(name)
            .and_then(|v| v.as_array())
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Discovery {
        issuer: found.to_owned(),
        authorization_endpoint: required("authorization_endpoint")?,
        token_endpoint: required("token_endpoint")?,
        jwks_uri: required("jwks_uri")?,
        userinfo_endpoint: endpoint("userinfo_endpoint")?,
        scopes_supported: strings("scopes_supported"),
        id_token_signing_alg_values_supported: strings("id_token_signing_alg_values_supported"),
        token_endpoint_auth_methods_supported: strings("token_endpoint_auth_methods_supported"),
        code_challenge_methods_supported: strings("code_challenge_methods_supported"),
    })
}
