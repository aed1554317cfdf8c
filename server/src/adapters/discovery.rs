//! "Test connection": an issuer's discovery document read with the
//! outbound policy of `orgdesk-fetch` (https to public addresses only, except
//! the configuration's `outbound.test_origins`; no redirects; bounded time
//! and size).

use async_trait::async_trait;
use orgdesk_domain::ports::{Discovery, DiscoveryReport};
use orgdesk_fetch::{FetchPolicy, SafeFetcher};
use url::Url;

/// Discovery through a [`SafeFetcher`].
pub struct SafeDiscovery {
    fetcher: SafeFetcher,
}

impl SafeDiscovery {
    /// With the policy the provider's federation uses too
    /// (`crate::outbound_policy`).
    pub fn new(policy: FetchPolicy) -> Self {
        Self {
            fetcher: SafeFetcher::new(policy),
        }
    }
}

#[async_trait]
impl Discovery for SafeDiscovery {
    async fn discover(&self, issuer: &str) -> Result<DiscoveryReport, String> {
        let url = Url::parse(issuer).map_err(|_| "The issuer is not a URL.".to_owned())?;
        match orgdesk_fetch::discover(&self.fetcher, &url).await {
            Ok(found) => Ok(DiscoveryReport {
                issuer: found.issuer,
                authorization_endpoint: Some(found.authorization_endpoint.to_string()),
                token_endpoint: Some(found.token_endpoint.to_string()),
                userinfo_endpoint: found.userinfo_endpoint.map(|u| u.to_string()),
                jwks_uri: Some(found.jwks_uri.to_string()),
                scopes_supported: found.scopes_supported,
                signing_algs: found.id_token_signing_alg_values_supported,
            }),
            Err(error) => {
                // The fetcher's messages name the host only: safe to show.
                tracing::info!(%error, "test connection refused");
                Err(format!("Refused: {error}."))
            }
        }
    }
}
