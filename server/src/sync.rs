//! Keeps the organization directory (the console's copy, for search) in line
//! with the identity provider: a full pass at start and then every few
//! minutes. Changes made through the console update it at once.

use std::sync::Arc;
use std::time::Duration;

use orgdesk_domain::ports::{Directory, IdentityProvider};
use orgdesk_storage::Storage;

const EVERY: Duration = Duration::from_secs(300);
const PAGE: u32 = 100;

/// One full pass; returns how many organizations it saw.
pub async fn directory_once(idp: &dyn IdentityProvider, storage: &Storage) -> Result<u64, String> {
    let started = storage.directory_clock();
    let mut from: Option<String> = None;
    let mut seen = 0;
    loop {
        let (orgs, next) = idp
            .organizations_page(from.as_deref(), PAGE)
            .await
            .map_err(|e| e.to_string())?;
        for org in &orgs {
            storage
                .upsert(&org.as_ref())
                .await
                .map_err(|e| e.to_string())?;
        }
        seen += orgs.len() as u64;
        match next {
            Some(next) if !orgs.is_empty() => from = Some(next),
            _ => break,
        }
    }
    // What the pass did not see is gone from the provider.
    storage
        .remove_unseen_since(started)
        .await
        .map_err(|e| e.to_string())?;
    Ok(seen)
}

/// Runs passes forever in the background.
pub fn spawn_directory(idp: Arc<dyn IdentityProvider>, storage: Storage) {
    tokio::spawn(async move {
        loop {
            match directory_once(idp.as_ref(), &storage).await {
                Ok(seen) => {
                    tracing::info!(organizations = seen, "organization directory synchronized")
                }
                Err(error) => {
                    tracing::warn!(%error, "organization directory synchronization failed; will retry")
                }
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
