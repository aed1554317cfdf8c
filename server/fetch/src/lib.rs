//! Outbound HTTP to URLs a customer typed (an enterprise connection's issuer),
//! which is a server-side request forgery risk. [`SafeFetcher`] only speaks
//! https, resolves the host itself and refuses any non-public address, then
//! connects only to the addresses it checked (so a second DNS answer cannot
//! swap in `127.0.0.1`), follows no redirects, and bounds both time and size.
//! [`discover`] reads an issuer's OpenID configuration on top of it and
//! refuses documents whose endpoints leave the issuer's origin, before any
//! secret is sent there.
//!
//! Error messages name the host only: never a path, a query string, a form
//! field or a credential.

mod address;
mod discovery;

#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use url::{Host, Origin, Url};

pub use address::is_public;
pub use discovery::{Discovery, DiscoveryError, discover, discover_at};

/// What outbound requests may do.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    /// The whole exchange (resolution, connection, response and body).
    pub timeout: Duration,
    /// The largest response body accepted; a larger one is an error.
    pub max_bytes: usize,
    /// Origins (`http://127.0.0.1:4100`) admitted although they are plain
    /// http or at a non-public address: tests and demos only. Empty by default.
    pub test_origins: Vec<String>,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_bytes: 256 * 1024,
            test_origins: Vec::new(),
        }
    }
}

/// `text` as an origin (`scheme://host[:port]`, nothing after it but an
/// optional `/`), written back in its canonical form.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not an origin: {e}"))?;
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !bare {
        return Err(format!(
            "{text:?} is not an origin: write scheme://host[:port], such as http://127.0.0.1:4100"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// Why an outbound request failed. Messages name the host, nothing more.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the URL is not a valid absolute http(s) URL with a host")]
    InvalidUrl,
    #[error("{host} must be reached over https")]
    NotHttps { host: String },
    #[error("URLs with a user name or password are not accepted ({host})")]
    Credentials { host: String },
    #[error("{host} could not be resolved")]
    Resolve { host: String },
    /// The resolved address is not kept: a refusal must not tell whoever
    /// configured the URL what an internal name resolves to.
    #[error("{host} resolves to a non-public address; only public addresses are reached")]
    ForbiddenAddress { host: String },
    #[error("the issuer redirected; redirects are not followed ({host})")]
    Redirect { host: String },
    #[error("{host} did not answer within {} ms", .timeout.as_millis())]
    Timeout { host: String, timeout: Duration },
    #[error("{host} could not be reached")]
    Connect { host: String },
    #[error("{host}'s response is larger than {max_bytes} bytes")]
    TooLarge { host: String, max_bytes: usize },
    #[error("{host} answered HTTP {status}")]
    Status { host: String, status: u16 },
    #[error("{host}'s response is not JSON")]
    NotJson { host: String },
}

/// Outbound requests under a [`FetchPolicy`].
#[derive(Clone, Debug)]
pub struct SafeFetcher {
    policy: FetchPolicy,
    test_origins: Vec<Origin>,
}

/// A request that passed the checks: where to connect.
struct Target {
    host: String,
    /// `Some` for a domain name: the checked addresses to pin it to.
    pinned: Option<(String, Vec<SocketAddr>)>,
    allow_http: bool,
}

impl SafeFetcher {
    pub fn new(policy: FetchPolicy) -> Self {
        let test_origins = policy
            .test_origins
            .iter()
            .filter_map(|o| Url::parse(o).ok())
            .map(|u| u.origin())
            .collect();
        Self {
            policy,
            test_origins,
        }
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Whether `url`'s origin is one of the allow-listed test origins.
    pub fn is_test_origin(&self, url: &Url) -> bool {
        let origin = url.origin();
        self.test_origins.contains(&origin)
    }

    /// GET `url` and read a JSON body; any status but 2xx is an error.
    pub async fn get_json(&self, url: &Url) -> Result<serde_json::Value, FetchError> {
        let (status, value) = self
            .exchange(url, |client| {
                client
                    .get(url.clone())
                    .header(reqwest::header::ACCEPT, "application/json")
            })
            .await?;
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                host: host_of(url),
                status,
            });
        }
        Ok(value)
    }

    /// POST a form (a token request) and read the JSON answer whatever its
    /// status: token endpoints explain refusals in a 400's JSON body.
    /// `basic` is `(client_id, client_secret)` for HTTP basic authentication,
    /// each form-encoded first as RFC 6749 §2.3.1 asks.
    pub async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Result<(u16, serde_json::Value), FetchError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.exchange(url, |client| {
            let mut request = client
                .post(url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body.clone());
            if let Some((id, secret)) = basic {
                let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
                let secret: String =
                    url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
                request = request.basic_auth(id, Some(secret));
            }
            request
        })
        .await
    }

    /// The checks, the request and the bounded body, all within the timeout.
    async fn exchange(
        &self,
        url: &Url,
        build: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(u16, serde_json::Value), FetchError> {
        let host = host_of(url);
        let timeout = self.policy.timeout;
        let work = async {
            let target = self.check(url).await?;
            let client = self.client(&target)?;
            let response = build(&client)
                .send()
                .await
                .map_err(|e| transport_error(&e, &target.host, timeout))?;
            let status = response.status().as_u16();
            if response.status().is_redirection() {
                return Err(FetchError::Redirect { host: target.host });
            }
            let body = self.read_body(response, &target.host).await?;
            let value = serde_json::from_slice(&body)
                .map_err(|_| FetchError::NotJson { host: target.host })?;
            Ok((status, value))
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout { host, timeout }),
        }
    }

    /// The scheme, the credentials and every address the host resolves to.
    async fn check(&self, url: &Url) -> Result<Target, FetchError> {
        let host = host_of(url);
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(FetchError::InvalidUrl);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(FetchError::Credentials { host });
        }
        if self.is_test_origin(url) {
            return Ok(Target {
                host,
                pinned: None,
                allow_http: url.scheme() == "http",
            });
        }
        if url.scheme() != "https" {
            return Err(FetchError::NotHttps { host });
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let pinned = match url.host() {
            Some(Host::Ipv4(ip)) => {
                refuse_private(&host, IpAddr::V4(ip))?;
                None
            }
            Some(Host::Ipv6(ip)) => {
                refuse_private(&host, IpAddr::V6(ip))?;
                None
            }
            Some(Host::Domain(domain)) => {
                let addresses: Vec<SocketAddr> = tokio::net::lookup_host((domain, port))
                    .await
                    .map_err(|_| FetchError::Resolve { host: host.clone() })?
                    .collect();
                if addresses.is_empty() {
                    return Err(FetchError::Resolve { host });
                }
                for address in &addresses {
                    refuse_private(&host, address.ip())?;
                }
                Some((domain.to_owned(), addresses))
            }
            None => return Err(FetchError::InvalidUrl),
        };
        Ok(Target {
            host,
            pinned,
            allow_http: false,
        })
    }

    fn client(&self, target: &Target) -> Result<reqwest::Client, FetchError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.policy.timeout)
            .timeout(self.policy.timeout)
            .https_only(!target.allow_http)
            .user_agent("orgdesk");
        if let Some((domain, addresses)) = &target.pinned {
            builder = builder.resolve_to_addrs(domain, addresses);
        }
        builder.build().map_err(|_| FetchError::Connect {
            host: target.host.clone(),
        })
    }

    async fn read_body(
        &self,
        mut response: reqwest::Response,
        host: &str,
    ) -> Result<Vec<u8>, FetchError> {
        let max_bytes = self.policy.max_bytes;
        let too_large = || FetchError::TooLarge {
            host: host.to_owned(),
            max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|length| length > max_bytes as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(&e, host, self.policy.timeout))?
        {
            if body.len() + chunk.len() > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn refuse_private(host: &str, address: IpAddr) -> Result<(), FetchError> {
    if is_public(address) {
        Ok(())
    } else {
        Err(FetchError::ForbiddenAddress {
            host: host.to_owned(),
        })
    }
}

/// The host (and port, when not the scheme's default) of `url`: all that an
/// error message may say about it.
fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => "(no host)".to_owned(),
    }
}

/// reqwest's errors carry the URL; only their kind is kept.
fn transport_error(e: &reqwest::Error, host: &str, timeout: Duration) -> FetchError {
    let host = host.to_owned();
    if e.is_timeout() {
        FetchError::Timeout { host, timeout }
    } else if e.is_redirect() {
        FetchError::Redirect { host }
    } else {
        FetchError::Connect { host }
    }
}
