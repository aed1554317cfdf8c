//! `token`: `POST /oauth/token` with client credentials, at 1 and at 16
//! concurrent clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::Result;
use crate::provider::{Credentials, Provider, engine_name, open_database};
use crate::stats::{Summary, ms};

const CONCURRENCY: [u64; 2] = [1, 16];
/// Untimed requests first, so connections and the database are warm.
const WARM_UP: usize = 20;

/// Times `requests` token requests per concurrency level, split among that
/// many tasks sharing one HTTP client, and prints throughput and latency.
pub async fn run(database_url: &str, requests: u64) -> Result<()> {
    let db = open_database(database_url).await?;
    let engine = engine_name(&db);
    let provider = Arc::new(Provider::start(db).await?);
    let credentials = Arc::new(provider.m2m_client(&["read:organizations"]).await?);
    for _ in 0..WARM_UP {
        request(&provider, &credentials).await?;
    }

    println!(
        "token on {engine}: {requests} client-credentials requests per level after {WARM_UP} untimed"
    );
    println!(
        "  {:<12} {:>10} {:>8} {:>8}",
        "clients", "req/s", "p50 ms", "p99 ms"
    );
    for clients in CONCURRENCY {
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for client in 0..clients {
            // The first `requests % clients` tasks take one more, so the total is exact.
            let share = requests / clients + u64::from(client < requests % clients);
            let provider = Arc::clone(&provider);
            let credentials = Arc::clone(&credentials);
            tasks.spawn(async move {
                let mut times = Vec::with_capacity(share as usize);
                for _ in 0..share {
                    times.push(request(&provider, &credentials).await?);
                }
                Ok::<_, crate::BoxError>(times)
            });
        }
        let mut times = Vec::with_capacity(requests as usize);
        while let Some(joined) = tasks.join_next().await {
            times.extend(joined??);
        }
        let wall = started.elapsed().as_secs_f64();
        let summary = Summary::of(times);
        println!(
            "  {clients:<12} {:>10.0} {:>8.2} {:>8.2}",
            requests as f64 / wall,
            ms(summary.p50),
            ms(summary.p99)
        );
    }
    Ok(())
}

/// One token request, read to the end of its body: its wall time.
async fn request(provider: &Provider, credentials: &Credentials) -> Result<Duration> {
    let started = Instant::now();
    let response = provider
        .http
        .post(provider.url("oauth/token"))
        .json(&provider.token_request(credentials))
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    let elapsed = started.elapsed();
    if !status.is_success() {
        // The body of a refusal is an OAuth error, never a token or a secret.
        return Err(format!(
            "/oauth/token answered {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(elapsed)
}
