//! `console`: the console's organization list, as staff browse it. The
//! console keeps its own directory of organizations for search (Auth0's list
//! has none); this fills one from a provider seeded to N organizations, over
//! the Management API as the console's sync does, then times
//! `OrganizationService::list` in process: the server's share of a list page,
//! without the browser's round trip.

use std::sync::Arc;
use std::time::{Duration, Instant};

use orgdesk_domain::organizations::{Context, OrganizationService};
use orgdesk_domain::{GlobalRole, Principal};
use orgdesk_management::{ManagementClient, ManagementSettings};
use orgdesk_provider::seed;
use orgdesk_server::{adapters::ManagementApi, identity::MANAGEMENT_SCOPES, sync};
use orgdesk_storage::Storage;
use url::Url;

use crate::provider::{Credentials, Provider};
use crate::scratch::Scratch;
use crate::stats::{print_row, sample};
use crate::{Result, open_seeded};

/// Untimed calls per case first, so the pool's connections, the database's
/// cache and its plans are warm before anything is measured.
const WARM_UP: usize = 20;
/// The console's page size.
const PAGE_SIZE: u32 = 50;
/// The README's target for a list page at 100,000 organizations.
const TARGET: Duration = Duration::from_millis(50);
/// The organization the narrow search looks for, by its zero-padded number.
const NARROW: u64 = 12_345;

/// One timed case: a call of `list` and the page size it must answer.
struct Case {
    label: String,
    query: String,
    after: Option<String>,
    items: usize,
}

/// Seeds the provider to `count` organizations if it has fewer, fills a fresh
/// console directory from it and prints how long that took, then times
/// `samples` sequential calls of each case and prints p50, p99 and max.
pub async fn run(database_url: &str, count: u64, samples: u64) -> Result<()> {
    refuse_proxies()?;
    let (db, engine, total) = open_seeded(database_url, count).await?;
    let deep_name = seed::name_at(&db, total * 9 / 10)
        .await?
        .ok_or("the database has no organizations")?;
    let provider = Provider::start(db).await?;
    let credentials = provider.m2m_client(MANAGEMENT_SCOPES).await?;

    let console = Scratch::create(database_url).await?;
    let result = measure(
        &provider,
        credentials,
        &console.url,
        engine,
        total,
        deep_name,
        samples,
    )
    .await;
    // The scratch database goes even when the benchmark failed.
    let removed = console.remove().await;
    result?;
    removed
}

/// Opens the console's database, fills it and times the cases, then closes it.
async fn measure(
    provider: &Provider,
    credentials: Credentials,
    console_url: &str,
    engine: &str,
    total: u64,
    deep_name: String,
    samples: u64,
) -> Result<()> {
    let console_db = orgdesk_storage::open(console_url).await?;
    let storage = Storage::new(console_db.clone());
    let result = async {
        let service = fill(provider, credentials, storage, engine, total).await?;
        let cases = cases(total, deep_name);
        time_cases(&service, &cases, engine, total, samples).await
    }
    .await;
    console_db.close().await;
    result
}

/// Runs one directory sync pass against the provider, as the console does at
/// start, and prints its wall time; returns the console's service over it.
async fn fill(
    provider: &Provider,
    credentials: Credentials,
    storage: Storage,
    engine: &str,
    total: u64,
) -> Result<OrganizationService> {
    let settings = ManagementSettings::new(
        Url::parse(&provider.url(""))?,
        credentials.client_id,
        credentials.secret,
    );
    let idp = ManagementApi {
        client: ManagementClient::new(settings)?,
    };
    let started = Instant::now();
    let seen = sync::directory_once(&idp, &storage).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "console on {engine}: directory sync of {seen} organizations from the provider \
         (Management API pages of 100) in {seconds:.2} s ({:.0} per second)",
        seen as f64 / seconds.max(1e-9)
    );
    if seen != total {
        return Err(format!("the sync saw {seen} organizations, not {total}").into());
    }
    Ok(OrganizationService::new(
        Arc::new(idp),
        Arc::new(storage.clone()),
        Arc::new(storage),
    ))
}

/// The first page, a search with one match, a search with many, and a page
/// 90% of the way through the list. Seeded organizations are `bench-012345`,
/// displayed "Benchmark Org 12345", so "012345" matches that one alone.
fn cases(total: u64, deep_name: String) -> [Case; 4] {
    let narrow = format!("{:06}", total.min(NARROW));
    [
        Case {
            label: "first page".into(),
            query: String::new(),
            after: None,
            items: PAGE_SIZE as usize,
        },
        Case {
            label: format!("search {narrow:?} (1 match)"),
            query: narrow,
            after: None,
            items: 1,
        },
        Case {
            label: "search \"benchmark org 1\" (many)".into(),
            query: "benchmark org 1".into(),
            after: None,
            items: PAGE_SIZE as usize,
        },
        Case {
            label: "after the name at 90%".into(),
            query: String::new(),
            after: Some(deep_name),
            items: PAGE_SIZE as usize,
        },
    ]
}

async fn time_cases(
    service: &OrganizationService,
    cases: &[Case],
    engine: &str,
    total: u64,
    samples: u64,
) -> Result<()> {
    let staff = Principal {
        user_id: "bench|staff".into(),
        email: "staff@bench.invalid".into(),
        name: "Benchmark staff".into(),
        global_role: Some(GlobalRole::Staff),
        admin_of: vec![],
        member_of: vec![],
        organization: None,
    };
    let cx = Context {
        principal: Some(&staff),
        request_id: "orgdesk-bench",
    };
    println!(
        "console list on {engine}, N = {total}: OrganizationService::list for staff, \
         limit {PAGE_SIZE}, {samples} sequential calls per case after {WARM_UP} untimed"
    );
    println!(
        "  {:<36} {:>8} {:>8} {:>8}  p99 < {} ms",
        "case",
        "p50 ms",
        "p99 ms",
        "max ms",
        TARGET.as_millis()
    );
    for case in cases {
        // The first call checks that the case measures what it claims.
        let (_, items) = list(service, cx, case).await?;
        if items != case.items {
            return Err(
                format!("{}: {items} organizations, not {}", case.label, case.items).into(),
            );
        }
        let summary = sample(WARM_UP - 1, samples, || async {
            Ok::<_, crate::BoxError>(list(service, cx, case).await?.0)
        })
        .await?;
        print_row(&case.label, &summary, Some(TARGET));
    }
    Ok(())
}

/// One call: its wall time and how many organizations it answered.
async fn list(
    service: &OrganizationService,
    cx: Context<'_>,
    case: &Case,
) -> Result<(Duration, usize)> {
    let started = Instant::now();
    let page = service
        .list(cx, &case.query, case.after.as_deref(), PAGE_SIZE)
        .await?;
    Ok((started.elapsed(), page.items.len()))
}

/// The Management API client follows the proxy variables (this benchmark's
/// own HTTP client ignores them); rather than let the sync's traffic leave
/// 127.0.0.1 through a proxy, refuse unless `NO_PROXY` exempts it.
fn refuse_proxies() -> Result<()> {
    let exempt = ["NO_PROXY", "no_proxy"].iter().any(|name| {
        std::env::var(name).is_ok_and(|hosts| {
            hosts
                .split(',')
                .any(|host| matches!(host.trim(), "127.0.0.1" | "*"))
        })
    });
    let set = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    match set {
        Some(name) if !exempt => Err(format!(
            "{name} is set: unset it or add 127.0.0.1 to NO_PROXY, so that the \
             Management API calls stay on 127.0.0.1"
        )
        .into()),
        _ => Ok(()),
    }
}
