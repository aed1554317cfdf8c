//! `orgdesk provider …`: maintenance of the built-in provider's database,
//! run beside (or without) a serving process.

use std::path::Path;

use orgdesk_config::Config;
use orgdesk_provider::{Issuer, ProviderOptions, ProviderState, Provisioning};
use url::Url;

/// The provider's state over its configured database (its first signing key
/// made if needed), without serving.
async fn open(config: &Config) -> Result<(ProviderState, orgdesk_db::Database), String> {
    let db = orgdesk_db::Database::open(
        config.provider_database_url().expose(),
        &orgdesk_provider::migrations(),
    )
    .await
    .map_err(|e| format!("{e} (set ORGDESK_PROVIDER__DATABASE_URL)"))?;
    let public = config.provider.public_url.clone().unwrap_or_else(|| {
        Url::parse(&format!("http://{}", config.provider.addr)).expect("address URL")
    });
    let state = ProviderState::open(
        Issuer::from_public_url(&public),
        db.clone(),
        ProviderOptions::default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok((state, db))
}

/// Reads a provisioning file (TOML: `[[clients]]`, `[[roles]]`, `[[users]]`,
/// `[[organizations]]`).
pub fn read_provisioning(file: &Path) -> Result<Provisioning, String> {
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("read {}: {e}", file.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

/// Creates a new signing key; the previous one stays published. Serving
/// processes pick it up within a minute.
pub async fn rotate_keys(config: &Config) -> Result<(), String> {
    let (_, db) = open(config).await?;
    let kid = orgdesk_provider::keys::rotate(&db)
        .await
        .map_err(|e| e.to_string())?;
    println!("New signing key {kid}; the previous key stays published until the next rotation.");
    Ok(())
}

pub async fn provision(config: &Config, file: &Path) -> Result<(), String> {
    let provisioning = read_provisioning(file)?;
    let (state, _) = open(config).await?;
    state
        .apply(&provisioning)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Provisioned {} clients, {} roles, {} users, {} organizations.",
        provisioning.clients.len(),
        provisioning.roles.len(),
        provisioning.users.len(),
        provisioning.organizations.len()
    );
    Ok(())
}

pub async fn seed_organizations(config: &Config, count: u64, prefix: &str) -> Result<(), String> {
    let (_, db) = open(config).await?;
    let started = std::time::Instant::now();
    let inserted = orgdesk_provider::seed::organizations(&db, count, prefix)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Inserted {inserted} organizations ({prefix}-000001 …) in {:.2} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
