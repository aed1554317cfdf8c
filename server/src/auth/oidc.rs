//! The console's OpenID Connect client, set up from the provider's discovery
//! document on first use (so the console starts even while the provider is
//! briefly away) and set up again when the provider's keys have changed.

use std::sync::Arc;

use openidconnect::{
    ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, RedirectUrl,
    core::{CoreClient, CoreProviderMetadata},
};
use orgdesk_config::Secret;
use tokio::sync::RwLock;
use url::Url;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Where and as whom the console signs people in.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The issuer, with its trailing slash.
    pub issuer: Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// `{console}/auth/callback`.
    pub redirect_uri: Url,
}

/// A discovered client and the HTTP client it talks through.
pub struct Ready {
    pub client: Client,
    pub http: openidconnect::reqwest::Client,
}

pub struct Oidc {
    settings: OidcSettings,
    ready: RwLock<Option<Arc<Ready>>>,
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> Self {
        Self {
            settings,
            ready: RwLock::new(None),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.settings.client_id
    }

    /// The provider's RP-initiated logout endpoint (Auth0's and ours).
    pub fn logout_url(&self) -> Url {
        self.settings
            .issuer
            .join("oidc/logout")
            .expect("relative path joins")
    }

    /// The client, discovering the provider the first time.
    pub async fn client(&self) -> Result<Arc<Ready>, String> {
        if let Some(ready) = self.ready.read().await.clone() {
            return Ok(ready);
        }
        self.rediscover().await
    }

    /// Reads the discovery document and the keys again.
    pub async fn rediscover(&self) -> Result<Arc<Ready>, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects from the identity provider could leak a code.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let issuer = IssuerUrl::new(self.settings.issuer.to_string())
            .map_err(|e| format!("issuer URL: {e}"))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| format!("the identity provider's discovery document: {e}"))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose().to_owned(),
            )),
        )
        .set_redirect_uri(RedirectUrl::from_url(self.settings.redirect_uri.clone()));
        let ready = Arc::new(Ready { client, http });
        *self.ready.write().await = Some(ready.clone());
        Ok(ready)
    }
}
