//! `organizations`: the three ways to list organizations, timed at the HTTP
//! client, on a database seeded to N organizations.

use std::time::{Duration, Instant};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use orgdesk_provider::seed;
use serde_json::Value;

use crate::provider::Provider;
use crate::stats::{print_row, sample};
use crate::{Result, open_seeded};

/// Untimed requests per case first, so connections, caches and the database's
/// plans are warm before anything is measured.
const WARM_UP: usize = 20;
const PAGE_SIZE: usize = 50;

/// Seeds to `count` organizations if fewer exist, then times `samples`
/// sequential requests of each case and prints p50, p99 and max.
pub async fn run(database_url: &str, count: u64, samples: u64) -> Result<()> {
    let (db, engine, total) = open_seeded(database_url, count).await?;
    // A checkpoint is the base64url (unpadded) name of the last organization
    // seen, as the provider encodes them; this one is 90% through the list.
    let deep_name = seed::name_at(&db, total * 9 / 10)
        .await?
        .ok_or("the database has no organizations")?;
    let checkpoint = URL_SAFE_NO_PAD.encode(deep_name);

    let provider = Provider::start(db).await?;
    let credentials = provider.m2m_client(&["read:organizations"]).await?;
    let token = provider.access_token(&credentials).await?;

    let cases = [
        (
            "first page (take=50)",
            format!("api/v2/organizations?take={PAGE_SIZE}"),
        ),
        (
            "checkpoint at 90% (from, take=50)",
            format!("api/v2/organizations?from={checkpoint}&take={PAGE_SIZE}"),
        ),
        (
            "offset page 19 (per_page=50)",
            format!("api/v2/organizations?page=19&per_page={PAGE_SIZE}"),
        ),
    ];
    println!(
        "organizations on {engine}, N = {total}: {samples} sequential requests per case \
         after {WARM_UP} untimed"
    );
    println!(
        "  {:<36} {:>8} {:>8} {:>8}",
        "case", "p50 ms", "p99 ms", "max ms"
    );
    for (label, path) in &cases {
        let url = provider.url(path);
        check_page(&provider, &url, &token).await?;
        let summary = sample(WARM_UP - 1, samples, || get(&provider, &url, &token)).await?;
        print_row(label, &summary, None);
    }
    Ok(())
}

/// One request, read to the end of its body: its wall time.
async fn get(provider: &Provider, url: &str, token: &str) -> Result<Duration> {
    let started = Instant::now();
    let response = provider.http.get(url).bearer_auth(token).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    let elapsed = started.elapsed();
    if !status.is_success() {
        return Err(format!(
            "{} answered {status}: {}",
            path_of(url),
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(elapsed)
}

/// Makes sure a case measures what it claims: a full page of organizations.
async fn check_page(provider: &Provider, url: &str, token: &str) -> Result<()> {
    let response = provider.http.get(url).bearer_auth(token).send().await?;
    let status = response.status();
    let body: Value = response.json().await?;
    // Offset pages are a bare array; checkpoint pages are `{organizations, next}`.
    let items = body
        .as_array()
        .or_else(|| body["organizations"].as_array())
        .map_or(0, Vec::len);
    if !status.is_success() || items != PAGE_SIZE {
        return Err(format!(
            "{} answered {status} with {items} organizations, not {PAGE_SIZE}",
            path_of(url)
        )
        .into());
    }
    Ok(())
}

/// The path and query of a URL, for messages.
fn path_of(url: &str) -> &str {
    url.find("/api/").map_or(url, |at| &url[at..])
}
