//! Orgdesk's configuration, read in layers: the defaults below, then an optional
//! TOML file, then `ORGDESK_…` environment variables (`__` separates sections:
//! `ORGDESK_CONSOLE__ADDR` sets `console.addr`). Keys nobody reads are reported,
//! secrets print as `***`, and a bad value stops start-up with a message that
//! names the setting.

mod load;
mod secret;

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

pub use load::{ConfigError, Loaded, load, load_from};
pub use secret::Secret;

/// The whole configuration of an Orgdesk process.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Folder for local state: the SQLite databases when no URL is given.
    pub data_dir: PathBuf,
    /// The console's database: `sqlite://path` or `postgres://user@host/db`.
    /// Default: `orgdesk.db` in `data_dir`.
    pub database_url: Option<Secret>,
    pub log: LogConfig,
    pub console: ConsoleConfig,
    pub provider: ProviderConfig,
    pub identity: IdentityConfig,
    pub outbound: OutboundConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            log: LogConfig::default(),
            console: ConsoleConfig::default(),
            provider: ProviderConfig::default(),
            identity: IdentityConfig::default(),
            outbound: OutboundConfig::default(),
        }
    }
}

impl Config {
    /// The console's database URL, with the default filled in.
    pub fn console_database_url(&self) -> Secret {
        self.database_url
            .clone()
            .unwrap_or_else(|| sqlite_url(&self.data_dir, "orgdesk.db"))
    }

    /// The built-in provider's database URL, with the default filled in.
    pub fn provider_database_url(&self) -> Secret {
        self.provider
            .database_url
            .clone()
            .unwrap_or_else(|| sqlite_url(&self.data_dir, "provider.db"))
    }
}

fn sqlite_url(dir: &std::path::Path, file: &str) -> Secret {
    Secret::new(format!("sqlite://{}", dir.join(file).display()))
}

/// How the process writes its logs.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// `human` (the default) or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `orgdesk=debug,sqlx=warn`.
    /// `RUST_LOG`, when set, wins.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            filter: "info".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

/// The console: the web UI and its server functions.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ConsoleConfig {
    /// Where the console listens. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// The console's address as browsers see it, when it is behind a proxy.
    /// Default: `http://{addr}`.
    pub public_url: Option<Url>,
    /// The built site: the WASM bundle, the stylesheet and `public/`.
    pub site_root: PathBuf,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            site_root: PathBuf::from("target/site"),
        }
    }
}

/// The built-in OpenID Connect provider, served on its own origin.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    /// Run the built-in provider in this process (the embedded default).
    pub enabled: bool,
    /// Where the provider listens. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// The provider's address as browsers see it; its issuer is this URL with
    /// a trailing slash, as Auth0 writes issuers. Default: `http://{addr}`.
    pub public_url: Option<Url>,
    /// The provider's own database. Default: `provider.db` in `data_dir`.
    pub database_url: Option<Secret>,
    /// A Management API rate limit that answers 429 as Auth0 does. Off by default.
    pub rate_limit: Option<RateLimitConfig>,
    /// A provisioning file (clients, roles, users, organizations) applied at
    /// every start; `orgdesk provider provision --file` applies one at once.
    pub provisioning: Option<PathBuf>,
    /// Where invitation emails go. Without it, they are kept in the provider's
    /// database (its outbox), which `outbox_page` shows.
    pub smtp: Option<SmtpConfig>,
    /// Serve `/dev/outbox`, a page listing the kept emails (for development
    /// and demos; it shows invitation links). Off by default.
    pub outbox_page: bool,
    /// Reverse proxies (addresses or CIDR ranges) in front of the provider:
    /// only from these is `X-Forwarded-For` believed when sign-in limits
    /// name the client's address. None by default: the peer address counts.
    /// In the environment, `ORGDESK_PROVIDER__TRUSTED_PROXIES` takes a list
    /// or a comma-separated string.
    #[serde(deserialize_with = "string_or_list")]
    pub trusted_proxies: Vec<String>,
}

/// An SMTP server for the provider's emails.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtps://user:password@host:465` (TLS from the start) or
    /// `smtp://user:password@host:587?tls=required` (STARTTLS); plain
    /// `smtp://host:25` only for a relay you trust.
    pub url: Secret,
    /// The sender, such as `Orgdesk <no-reply@example.com>`.
    pub from: String,
}

impl SmtpConfig {
    /// The URL has the right scheme and a host, and the sender an address.
    /// Messages never repeat the URL, which holds a password.
    pub fn check(&self) -> Result<(), String> {
        let url_ok = Url::parse(self.url.expose())
            .is_ok_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some());
        if !url_ok {
            return Err(
                "provider.smtp.url (ORGDESK_PROVIDER__SMTP__URL) must look like \
                 smtps://user:password@host:465 or smtp://user:password@host:587?tls=required"
                    .into(),
            );
        }
        let from = self.from.trim();
        let address = from
            .rsplit_once('<')
            .map(|(_, rest)| rest.trim_end_matches('>'))
            .unwrap_or(from);
        let from_ok = matches!(address.split_once('@'), Some((user, host)) if !user.is_empty() && !host.is_empty());
        if !from_ok {
            return Err(
                "provider.smtp.from (ORGDESK_PROVIDER__SMTP__FROM) must be an address such as \
                 \"Orgdesk <no-reply@example.com>\""
                    .into(),
            );
        }
        Ok(())
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct RateLimitConfig {
    pub burst: u32,
    pub per_second: f64,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            addr: SocketAddr::from(([127, 0, 0, 1], 3100)),
            public_url: None,
            database_url: None,
            rate_limit: None,
            provisioning: None,
            smtp: None,
            outbox_page: false,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Requests Orgdesk makes to URLs its customers give (an enterprise
/// connection's issuer): https to public addresses only, except these.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboundConfig {
    /// Origins such as `http://127.0.0.1:4100` admitted although they are
    /// plain http or at a private address: for tests and demos only. Empty by
    /// default. In the environment, `ORGDESK_OUTBOUND__TEST_ORIGINS` takes a
    /// list (`[http://127.0.0.1:4100]`) or a comma-separated string.
    #[serde(deserialize_with = "string_or_list")]
    pub test_origins: Vec<String>,
}

impl OutboundConfig {
    /// Every test origin is an origin (scheme, host, optional port, nothing
    /// else); each is rewritten in its canonical form.
    pub fn check(&mut self) -> Result<(), String> {
        for origin in &mut self.test_origins {
            *origin = parse_origin(origin).map_err(|reason| {
                format!(
                    "`outbound.test_origins`: {reason}; set `outbound.test_origins` in the file \
                     or ORGDESK_OUTBOUND__TEST_ORIGINS"
                )
            })?;
        }
        Ok(())
    }
}

/// `text` as `scheme://host[:port]` in canonical form, or why it is not one.
fn parse_origin(text: &str) -> Result<String, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("{text:?} is not an origin: {e}"))?;
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

/// A list of strings, or one string of comma-separated items (as an
/// environment variable is most easily written).
fn string_or_list<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        OneOrMany::Many(list) => list,
    })
}

/// Where the console signs people in and reads identity data. With no
/// `domain`, the built-in provider of this process; with one, that tenant
/// (Auth0, or a built-in provider running elsewhere). `AUTH0_DOMAIN`,
/// `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_M2M_CLIENT_ID` and
/// `AUTH0_M2M_CLIENT_SECRET` set the fields of the same names.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct IdentityConfig {
    /// `tenant.auth0.com`, or a full URL such as `https://login.example.com`.
    pub domain: Option<String>,
    /// The console's own application (regular web app) for sign-in.
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    /// The console's machine-to-machine application for the Management API.
    pub m2m_client_id: Option<String>,
    pub m2m_client_secret: Option<Secret>,
    /// The global role that makes a person Orgdesk staff.
    pub staff_role: String,
    /// The global role that makes a person help desk.
    pub help_desk_role: String,
    /// The organization role that makes a member a customer admin of it.
    pub org_admin_role: String,
    /// Organization roles a customer admin may grant (only those they hold
    /// themselves). Staff grant any role but the staff and help-desk roles.
    pub delegable_roles: Vec<String>,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            domain: None,
            client_id: None,
            client_secret: None,
            m2m_client_id: None,
            m2m_client_secret: None,
            staff_role: "Orgdesk Staff".into(),
            help_desk_role: "Orgdesk Help Desk".into(),
            org_admin_role: "Org Admin".into(),
            delegable_roles: vec![
                "Org Admin".into(),
                "Org Member".into(),
                "Billing Viewer".into(),
            ],
        }
    }
}

impl IdentityConfig {
    /// The tenant's base URL (`https://{domain}/` for a bare domain).
    pub fn base_url(&self) -> Option<Result<Url, String>> {
        self.domain.as_deref().map(|domain| {
            let text = if domain.contains("://") {
                domain.to_owned()
            } else {
                format!("https://{domain}/")
            };
            Url::parse(&text)
                .map_err(|e| format!("AUTH0_DOMAIN ({domain:?}) is not a domain or URL: {e}"))
        })
    }
}

impl Config {
    /// Settings that only make sense together; each message says what to set.
    pub fn check(&self) -> Result<(), String> {
        if let Some(smtp) = &self.provider.smtp {
            smtp.check()?;
        }
        let identity = &self.identity;
        match identity.base_url() {
            None if !self.provider.enabled => Err(
                "no identity provider: set AUTH0_DOMAIN (with AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, \
                 AUTH0_M2M_CLIENT_ID, AUTH0_M2M_CLIENT_SECRET) or enable the built-in provider \
                 (ORGDESK_PROVIDER__ENABLED=true)"
                    .into(),
            ),
            None => Ok(()),
            Some(Err(message)) => Err(message),
            Some(Ok(_)) => {
                let missing: Vec<&str> = [
                    ("AUTH0_CLIENT_ID", identity.client_id.is_none()),
                    ("AUTH0_CLIENT_SECRET", identity.client_secret.is_none()),
                    ("AUTH0_M2M_CLIENT_ID", identity.m2m_client_id.is_none()),
                    ("AUTH0_M2M_CLIENT_SECRET", identity.m2m_client_secret.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, missing)| missing.then_some(name))
                .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!("AUTH0_DOMAIN is set, so set {} too", missing.join(", ")))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
