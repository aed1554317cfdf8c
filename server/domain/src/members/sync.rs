//! Keeping the member directory in line with the identity provider: an
//! organization's members are read in full the first time its member list
//! is opened, and again in the background once the copy is five minutes
//! old. The console's own changes update the directory as they happen.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{
    ServiceError,
    ports::{MemberDirectory, People, PortError},
    service::port_error,
};

/// A copy older than this is read again (in the background).
pub const STALE_AFTER_MS: i64 = 5 * 60 * 1000;
const PAGE: u32 = 100;
/// A pass that reads this many members refreshes the database's statistics.
const BULK: u64 = 10_000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

#[derive(Clone)]
pub struct MemberSync {
    people: Arc<dyn People>,
    directory: Arc<dyn MemberDirectory>,
    /// Organizations being read now: one pass per organization at a time.
    running: Arc<Mutex<HashSet<String>>>,
}

impl MemberSync {
    pub fn new(people: Arc<dyn People>, directory: Arc<dyn MemberDirectory>) -> Self {
        Self {
            people,
            directory,
            running: Arc::default(),
        }
    }

    /// Makes sure the directory holds the organization's members: reads them
    /// now if it never has, starts a background pass if the copy is stale.
    /// Returns when the copy was made.
    pub async fn ensure(&self, org_id: &str) -> Result<Option<i64>, ServiceError> {
        let synced = self
            .directory
            .synced_at(org_id)
            .await
            .map_err(|e| port_error(e, ""))?;
        match synced {
            None => {
                self.run(org_id).await.map_err(|e| port_error(e, ""))?;
                self.directory
                    .synced_at(org_id)
                    .await
                    .map_err(|e| port_error(e, ""))
            }
            Some(at) if now_ms() - at > STALE_AFTER_MS => {
                let this = self.clone();
                let org_id = org_id.to_owned();
                tokio::spawn(async move {
                    if let Err(error) = this.run(&org_id).await {
                        tracing::warn!(%error, org = %org_id, "member directory refresh failed");
                    }
                });
                Ok(Some(at))
            }
            fresh => Ok(fresh),
        }
    }

    /// One full pass over an organization's members; returns how many were
    /// read. Skipped (0) when a pass for the organization is already running.
    pub async fn run(&self, org_id: &str) -> Result<u64, PortError> {
        if !self.running.lock().expect("lock").insert(org_id.to_owned()) {
            return Ok(0);
        }
        let result = self.pass(org_id).await;
        self.running.lock().expect("lock").remove(org_id);
        result
    }

    async fn pass(&self, org_id: &str) -> Result<u64, PortError> {
        let started = now_ms();
        let mut from: Option<String> = None;
        let mut read = 0u64;
        loop {
            let (members, next) = self
                .people
                .members_page(org_id, from.as_deref(), PAGE)
                .await?;
            read += members.len() as u64;
            self.directory.upsert_members(org_id, &members).await?;
            match next {
                Some(next) if !members.is_empty() => from = Some(next),
                _ => break,
            }
        }
        let dropped = self.directory.finish_sync(org_id, started).await?;
        if read + dropped >= BULK {
            self.directory.after_bulk_load().await?;
        }
        tracing::info!(org = %org_id, read, dropped, "member directory synchronized");
        Ok(read)
    }
}
