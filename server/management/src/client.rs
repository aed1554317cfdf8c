//! Calls to the Management API: token, timeout, retries.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use orgdesk_config::Secret;
use rand::Rng;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;
use url::Url;

use crate::{ManagementError, token::TokenSource};

/// Where the Management API is and how the console authenticates to it.
#[derive(Clone, Debug)]
pub struct ManagementSettings {
    /// The tenant's base URL: `https://{AUTH0_DOMAIN}/`, or the built-in
    /// provider's issuer.
    pub base_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// Time allowed for one HTTP exchange.
    pub timeout: Duration,
    /// Tries per call, the first included.
    pub max_attempts: u32,
    /// The longest a 429 makes a call wait before it tries again.
    pub max_rate_limit_wait: Duration,
}

impl ManagementSettings {
    pub fn new(base_url: Url, client_id: impl Into<String>, client_secret: Secret) -> Self {
        Self {
            base_url,
            client_id: client_id.into(),
            client_secret,
            timeout: Duration::from_secs(10),
            max_attempts: 4,
            max_rate_limit_wait: Duration::from_secs(30),
        }
    }
}

/// A Management API client; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct ManagementClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api: Url,
    token: TokenSource,
    settings: ManagementSettings,
}

impl ManagementClient {
    pub fn new(settings: ManagementSettings) -> Result<Self, ManagementError> {
        let http = reqwest::Client::builder()
            // OAuth and the API never redirect; following one could leak a token.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| ManagementError::Unavailable(format!("HTTP client: {e}")))?;
        let base = with_trailing_slash(&settings.base_url);
        let api = base.join("api/v2/").expect("relative path joins");
        let token = TokenSource::new(
            base.join("oauth/token")
                .expect("relative path joins")
                .to_string(),
            &settings.client_id,
            settings.client_secret.expose(),
            api.to_string(),
            http.clone(),
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api,
                token,
                settings,
            }),
        })
    }

    /// How many access tokens this client has requested.
    pub fn token_requests(&self) -> u64 {
        self.inner.token.fetches()
    }

    /// The API URL of a path made of segments (each percent-encoded).
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.api.clone();
        url.path_segments_mut()
            .expect("http URLs have paths")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// One API call with the token, the timeout and the retry rules; the
    /// answer's body on success.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<bytes::Bytes, ManagementError> {
        let settings = &self.inner.settings;
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE
        );
        let mut renewed_token = false;
        let mut attempt = 1;
        loop {
            let token = self.inner.token.get().await?;
            let mut request = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let last = attempt >= settings.max_attempts;
            match request.send().await {
                Err(error) => {
                    let error = error.without_url();
                    if idempotent && !last {
                        tracing::warn!(%error, attempt, "Management API call failed; retrying");
                        tokio::time::sleep(backoff(attempt)).await;
                    } else {
                        return Err(ManagementError::Unavailable(error.to_string()));
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !renewed_token {
                        // The token was revoked or the keys rotated: get another, once.
                        self.inner.token.invalidate(&token).await;
                        renewed_token = true;
                        continue;
                    }
                    if status == StatusCode::TOO_MANY_REQUESTS && !last {
                        let wait =
                            until_reset(response.headers()).min(settings.max_rate_limit_wait);
                        tracing::warn!(
                            wait_ms = wait.as_millis() as u64,
                            "Management API rate limit; waiting"
                        );
                        tokio::time::sleep(wait).await;
                    } else if status.is_server_error() && idempotent && !last {
                        tracing::warn!(
                            status = status.as_u16(),
                            attempt,
                            "Management API error; retrying"
                        );
                        tokio::time::sleep(backoff(attempt)).await;
                    } else {
                        let bytes = response.bytes().await.map_err(|e| {
                            ManagementError::Unavailable(e.without_url().to_string())
                        })?;
                        return if status.is_success() {
                            Ok(bytes)
                        } else {
                            Err(ManagementError::from_answer(status.as_u16(), &bytes))
                        };
                    }
                }
            }
            attempt += 1;
        }
    }
}

fn with_trailing_slash(url: &Url) -> Url {
    let mut url = url.clone();
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// Exponential backoff with full jitter: up to 200 ms, 400 ms, 800 ms, …, 5 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling = (200u64 << attempt.saturating_sub(1).min(5)).min(5_000);
    Duration::from_millis(rand::rng().random_range(ceiling / 2..=ceiling))
}

/// How long until `x-ratelimit-reset` (a UNIX time), plus a little jitter.
fn until_reset(headers: &HeaderMap) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok());
    let jitter = rand::rng().random_range(0.0..0.25);
    match reset {
        Some(reset) => Duration::from_secs_f64((reset - now).max(0.0) + jitter),
        None => Duration::from_secs_f64(1.0 + jitter),
    }
}
