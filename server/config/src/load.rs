//! Reading the layers and turning every failure into a message a person can act on.

use std::path::{Path, PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Toml},
    value::Value,
};

use crate::Config;

/// Prefix of the environment variables Orgdesk reads.
pub const ENV_PREFIX: &str = "ORGDESK_";
/// Auth0's names for the identity settings.
const AUTH0_VARIABLES: [&str; 5] = [
    "AUTH0_DOMAIN",
    "AUTH0_CLIENT_ID",
    "AUTH0_CLIENT_SECRET",
    "AUTH0_M2M_CLIENT_ID",
    "AUTH0_M2M_CLIENT_SECRET",
];

/// The file read when it exists in the working directory.
pub const DEFAULT_FILE: &str = "orgdesk.toml";

/// A configuration and what was noticed while reading it.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// Keys that no setting reads (a typo, or a setting of another version).
    pub unknown_keys: Vec<String>,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path} was named but cannot be read: {reason}")]
    FileMissing { path: PathBuf, reason: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Reads defaults, then `file` (or `orgdesk.toml` if it exists here), then the
/// process environment.
pub fn load(file: Option<&Path>) -> Result<Loaded, ConfigError> {
    load_from(file, Env::prefixed(ENV_PREFIX))
}

/// Like [`load`], with the environment layer given (tests use a scoped one).
pub fn load_from(file: Option<&Path>, env: Env) -> Result<Loaded, ConfigError> {
    let mut figment = Figment::new();
    match file {
        Some(path) => {
            if let Err(e) = std::fs::metadata(path) {
                return Err(ConfigError::FileMissing {
                    path: path.to_owned(),
                    reason: e.to_string(),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        None => figment = figment.merge(Toml::file(DEFAULT_FILE)),
    }
    // `ORGDESK_CONFIG` names the file; `ORGDESK_TEST_*` belong to the test harness.
    let env = env
        .split("__")
        .filter(|key| key != "config" && !key.as_str().to_ascii_lowercase().starts_with("test_"));
    figment = figment.merge(env);
    // Auth0's own variable names, as Auth0's guides write them.
    figment = figment.merge(Env::raw().only(&AUTH0_VARIABLES).map(|key| {
        let field = key.as_str().to_ascii_lowercase().replace("auth0_", "");
        format!("identity.{field}").into()
    }));

    let mut config: Config = figment
        .extract_lossy()
        .map_err(|e| ConfigError::Invalid(describe(e)))?;
    config.outbound.check().map_err(ConfigError::Invalid)?;
    config.check().map_err(ConfigError::Invalid)?;
    let unknown_keys = unknown_keys(&figment)?;
    Ok(Loaded {
        config,
        unknown_keys,
    })
}

/// Every key in the layers that the `Config` structure does not read.
fn unknown_keys(figment: &Figment) -> Result<Vec<String>, ConfigError> {
    let value: Value = figment
        .extract_lossy()
        .map_err(|e| ConfigError::Invalid(describe(e)))?;
    let mut unknown = Vec::new();
    let _: Result<Config, _> = serde_ignored::deserialize(&value, |path| {
        unknown.push(path.to_string());
    });
    Ok(unknown)
}

/// One line per problem: the key, what is wrong, and where the value came from
/// (which file, or which environment variable to change).
fn describe(errors: figment::Error) -> String {
    errors
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let source = e
                .metadata
                .as_ref()
                .map(|m| match &m.source {
                    Some(source) => format!(" (from {source})"),
                    None => format!(" (from {})", m.name),
                })
                .unwrap_or_default();
            let env_name = format!("{ENV_PREFIX}{}", key.to_uppercase().replace('.', "__"));
            if key.is_empty() {
                format!("{}{source}", e.kind)
            } else {
                format!(
                    "`{key}`: {}{source}; set `{key}` in the file or {env_name}",
                    e.kind
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
