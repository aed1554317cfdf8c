//! `members`: an organization's member list in the console, at N members.
//! Auth0's member list has neither search nor a role filter, so the console
//! keeps a member directory. This seeds one organization of the provider
//! with N members (every tenth an Org Admin), fills a fresh console directory
//! from it over the Management API as the console does (checkpoint pages of
//! 100 with their roles), then times `MemberService::list` in process: the
//! server's share of a members page, without the browser's round trip.

use std::sync::Arc;
use std::time::{Duration, Instant};

use orgdesk_db::Database;
use orgdesk_domain::members::MemberService;
use orgdesk_domain::organizations::Context;
use orgdesk_domain::roles::RoleRules;
use orgdesk_domain::{GlobalRole, Principal};
use orgdesk_management::{ManagementClient, ManagementSettings};
use orgdesk_provider::seed;
use orgdesk_server::adapters::{ManagementApi, ManagementPeople};
use orgdesk_server::identity::MANAGEMENT_SCOPES;
use orgdesk_storage::Storage;
use sqlx::Row;
use url::Url;

use crate::Result;
use crate::provider::{self, Provider};
use crate::scratch::Scratch;
use crate::stats::{print_row, sample};

const WARM_UP: usize = 20;
const PAGE_SIZE: u32 = 50;
/// The target for a members page at 100,000 members.
const TARGET: Duration = Duration::from_millis(50);
/// The organization the members belong to.
const ORG_PREFIX: &str = "members";

struct Case {
    label: String,
    text: String,
    role: String,
    after: Option<String>,
    items: usize,
}

pub async fn run(database_url: &str, count: u64, samples: u64) -> Result<()> {
    let db = provider::open_database(database_url).await?;
    let engine = provider::engine_name(&db);
    seed::organizations(&db, 1, ORG_PREFIX).await?;
    let org_id: String = sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1")
        .bind(format!("{ORG_PREFIX}-000001"))
        .fetch_one(db.pool())
        .await?;
    let started = Instant::now();
    let added = seed::members(&db, &org_id, count).await?;
    println!(
        "members on {engine}: seeded {added} new members of one organization in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let provider = Provider::start(db).await?;
    let console = Scratch::create(database_url).await?;
    let result = measure(&provider, &console.url, &org_id, engine, count, samples).await;
    let removed = console.remove().await;
    result?;
    removed
}

async fn measure(
    provider: &Provider,
    console_url: &str,
    org_id: &str,
    engine: &str,
    count: u64,
    samples: u64,
) -> Result<()> {
    let console_db = orgdesk_storage::open(console_url).await?;
    let result = async {
        let credentials = provider.m2m_client(MANAGEMENT_SCOPES).await?;
        let settings = ManagementSettings::new(
            Url::parse(&provider.url(""))?,
            credentials.client_id,
            credentials.secret,
        );
        let api = ManagementApi {
            client: ManagementClient::new(settings)?,
        };
        let storage = Arc::new(Storage::new(console_db.clone()));
        let service = MemberService::new(
            Arc::new(api.clone()),
            Arc::new(ManagementPeople {
                api,
                invitation_client_id: String::new(),
            }),
            storage.clone(),
            storage.clone(),
            RoleRules {
                staff: "Orgdesk Staff".into(),
                help_desk: "Orgdesk Help Desk".into(),
                org_admin: seed::ADMIN_ROLE.into(),
                delegable: vec![seed::ADMIN_ROLE.into()],
            },
        );
        let started = Instant::now();
        let read = service.sync().run(org_id).await?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "members on {engine}: directory sync of {read} members from the provider \
             (Management API pages of 100 with roles) in {seconds:.2} s ({:.0} per second)",
            read as f64 / seconds.max(1e-9)
        );
        if read != count {
            return Err(format!("the sync read {read} members, not {count}").into());
        }
        let deep = cursor_at(&console_db, org_id, count * 9 / 10).await?;
        time_cases(
            &service,
            org_id,
            &cases(count, deep),
            engine,
            count,
            samples,
        )
        .await
    }
    .await;
    console_db.close().await;
    result
}

/// The console's cursor (email, then id) of the member at `position` by email.
async fn cursor_at(db: &Database, org_id: &str, position: u64) -> Result<String> {
    let row = sqlx::query(
        "SELECT email, user_id FROM member_directory WHERE org_id = $1 \
         ORDER BY email, user_id LIMIT 1 OFFSET $2",
    )
    .bind(org_id)
    .bind(position as i64)
    .fetch_one(db.pool())
    .await?;
    let email: String = row.try_get("email")?;
    let user_id: String = row.try_get("user_id")?;
    Ok(format!("{email}\u{1f}{user_id}"))
}

/// Seeded members are `member-{n}@bench.example`, named "Member {n}".
fn cases(count: u64, deep: String) -> Vec<Case> {
    let one = count.min(12_345);
    let case = |label: String, text: &str, role: &str, after: Option<String>, items| Case {
        label,
        text: text.into(),
        role: role.into(),
        after,
        items,
    };
    vec![
        case("first page".into(), "", "", None, PAGE_SIZE as usize),
        case(
            "after the member at 90%".into(),
            "",
            "",
            Some(deep),
            PAGE_SIZE as usize,
        ),
        case(
            format!("search \"member-{one}@\" (1 match)"),
            &format!("member-{one}@"),
            "",
            None,
            1,
        ),
        case(
            "search \"member 1\" (many)".into(),
            "member 1",
            "",
            None,
            PAGE_SIZE as usize,
        ),
        case(
            "role Org Admin (1 in 10)".into(),
            "",
            seed::ADMIN_ROLE,
            None,
            PAGE_SIZE as usize,
        ),
    ]
}

async fn time_cases(
    service: &MemberService,
    org_id: &str,
    cases: &[Case],
    engine: &str,
    count: u64,
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
        "console members on {engine}, N = {count}: MemberService::list for staff, limit \
         {PAGE_SIZE}, {samples} sequential calls per case after {WARM_UP} untimed \
         (each call also reads the organization and the roles from the provider)"
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
        let (_, items) = list(service, cx, org_id, case).await?;
        if items != case.items {
            return Err(format!("{}: {items} members, not {}", case.label, case.items).into());
        }
        let summary = sample(WARM_UP - 1, samples, || async {
            Ok::<_, crate::BoxError>(list(service, cx, org_id, case).await?.0)
        })
        .await?;
        print_row(&case.label, &summary, Some(TARGET));
    }
    Ok(())
}

async fn list(
    service: &MemberService,
    cx: Context<'_>,
    org_id: &str,
    case: &Case,
) -> Result<(Duration, usize)> {
    let started = Instant::now();
    let page = service
        .list(
            cx,
            org_id,
            &case.text,
            Some(case.role.as_str()),
            case.after.as_deref(),
            PAGE_SIZE,
        )
        .await?;
    Ok((started.elapsed(), page.members.items.len()))
}
