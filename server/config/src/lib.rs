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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            log: LogConfig::default(),
            console: ConsoleConfig::default(),
            provider: ProviderConfig::default(),
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
        }
    }
}

#[cfg(test)]
mod tests;
