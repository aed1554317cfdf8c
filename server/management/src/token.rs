//! The Management API access token: client credentials through the `oauth2`
//! crate, cached until shortly before it expires, fetched once for any number
//! of concurrent callers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oauth2::{
    ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, TokenResponse,
    TokenUrl, basic::BasicClient,
};
use tokio::sync::Mutex;

use crate::ManagementError;

type M2mClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// A token is replaced this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// Lifetime assumed when the answer names none (Auth0 always does).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

struct Cached {
    value: String,
    refresh_at: Instant,
}

pub(crate) struct TokenSource {
    oauth: M2mClient,
    http: reqwest::Client,
    audience: String,
    cached: Mutex<Option<Cached>>,
    fetches: AtomicU64,
}

impl TokenSource {
    pub fn new(
        token_url: String,
        client_id: &str,
        client_secret: &str,
        audience: String,
        http: reqwest::Client,
    ) -> Result<Self, ManagementError> {
        let token_url = TokenUrl::new(token_url).map_err(|e| ManagementError::Unexpected {
            status: 0,
            message: format!("token URL: {e}"),
        })?;
        let oauth = BasicClient::new(ClientId::new(client_id.to_owned()))
            .set_client_secret(ClientSecret::new(client_secret.to_owned()))
            .set_token_uri(token_url);
        Ok(Self {
            oauth,
            http,
            audience,
            cached: Mutex::new(None),
            fetches: AtomicU64::new(0),
        })
    }

    /// A valid token. Callers that arrive while one is being fetched wait for
    /// that fetch instead of starting their own.
    pub async fn get(&self) -> Result<String, ManagementError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| t.refresh_at > Instant::now()) {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// Forgets `stale` (the API refused it), unless a newer token replaced it.
    pub async fn invalidate(&self, stale: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| t.value == stale) {
            *cached = None;
        }
    }

    /// How many tokens were requested so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    async fn fetch(&self) -> Result<Cached, ManagementError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .oauth
            .exchange_client_credentials()
            .add_extra_param("audience", self.audience.clone())
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => ManagementError::Credentials {
                    status: 401,
                    message: match refusal.error_description() {
                        Some(description) => format!("{}: {description}", refusal.error()),
                        None => refusal.error().to_string(),
                    },
                },
                RequestTokenError::Request(e) => {
                    ManagementError::Unavailable(format!("token request: {e}"))
                }
                RequestTokenError::Parse(e, _) => ManagementError::Unexpected {
                    status: 200,
                    message: format!("token answer: {e}"),
                },
                RequestTokenError::Other(e) => {
                    ManagementError::Unavailable(format!("token request: {e}"))
                }
            })?;
        let lifetime = answer.expires_in().unwrap_or(DEFAULT_LIFETIME);
        Ok(Cached {
            value: answer.access_token().secret().clone(),
            refresh_at: Instant::now() + lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 2)),
        })
    }
}
