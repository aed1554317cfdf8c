//! `bulk`: the console's bulk member operations through its Management API
//! client, against the provider over HTTP: adding N existing users to one
//! organization (Auth0's batches of ten), then moving every member from one
//! role to another with bounded concurrency, then reading the members back
//! with their roles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use orgdesk_management::{ManagementClient, ManagementSettings, NewOrganization, Role};
use orgdesk_provider::seed;
use tokio::task::JoinSet;
use url::Url;

use crate::Result;
use crate::provider::{Provider, engine_name, open_database};

const SCOPES: &[&str] = &[
    "create:organizations",
    "read:roles",
    "create:roles",
    "read:organization_members",
    "create:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
];
/// Users `bulk-1@bench.example`…, seeded in the store.
const USER_PREFIX: &str = "bulk";
const ROLE_FROM: &str = "Bulk Role A";
const ROLE_TO: &str = "Bulk Role B";
/// Members per page when reading them back.
const PAGE_SIZE: u32 = 100;

/// Seeds `users` users, then times the three steps and prints wall time and
/// requests per second for each.
pub async fn run(database_url: &str, users: u64, concurrency: usize) -> Result<()> {
    let db = open_database(database_url).await?;
    let engine = engine_name(&db);

    let started = Instant::now();
    let user_ids = seed::users(&db, users, USER_PREFIX).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "bulk on {engine}: {} users seeded in the store in {seconds:.2} s ({:.0} per second)",
        user_ids.len(),
        user_ids.len() as f64 / seconds.max(1e-9)
    );

    let provider = Provider::start(db.clone()).await?;
    let credentials = provider.m2m_client(SCOPES).await?;
    let client = ManagementClient::new(ManagementSettings::new(
        Url::parse(&provider.url(""))?,
        credentials.client_id,
        credentials.secret,
    ))?;
    let org = client
        .create_organization(&NewOrganization {
            name: format!("bulk-{}", std::process::id()),
            ..Default::default()
        })
        .await?;
    let from = role(&client, ROLE_FROM).await?;
    let to = role(&client, ROLE_TO).await?;

    // (a) Adding every user, ten per request, one request after another.
    let started = Instant::now();
    client.add_members(&org.id, &user_ids).await?;
    let requests = user_ids
        .len()
        .div_ceil(orgdesk_management::MEMBERS_PER_REQUEST);
    report("add members (batches of 10, sequential)", requests, started);

    // (b) Every member from role A to role B: two requests per member.
    let given = seed::role_for_every_member(&db, &org.id, &from.id).await?;
    if given != user_ids.len() as u64 {
        return Err(format!("{given} members got {ROLE_FROM}, not {}", user_ids.len()).into());
    }
    let started = Instant::now();
    reassign(&client, &org.id, &user_ids, &from.id, &to.id, concurrency).await?;
    report(
        &format!("reassign role ({concurrency} members in flight)"),
        user_ids.len() * 2,
        started,
    );

    // (c) Reading every member back with their roles, and checking the move.
    let started = Instant::now();
    let (members, pages, moved) = read_back(&client, &org.id, &from.id, &to.id).await?;
    report(
        &format!("read members with roles (take={PAGE_SIZE})"),
        pages,
        started,
    );
    if members != user_ids.len() || moved != members {
        return Err(format!(
            "read back {members} members, {moved} holding only {ROLE_TO}; expected {}",
            user_ids.len()
        )
        .into());
    }
    Ok(())
}

/// The role with this name, created if the tenant lacks it.
async fn role(client: &ManagementClient, name: &str) -> Result<Role> {
    if let Some(role) = client.roles().await?.into_iter().find(|r| r.name == name) {
        return Ok(role);
    }
    Ok(client
        .create_role(name, "Moved by the bulk benchmark")
        .await?)
}

/// Gives every member `to` and takes `from`, `concurrency` members at a time.
async fn reassign(
    client: &ManagementClient,
    org_id: &str,
    user_ids: &[String],
    from: &str,
    to: &str,
    concurrency: usize,
) -> Result<()> {
    let user_ids: Arc<Vec<String>> = Arc::new(user_ids.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (client, user_ids, next) = (client.clone(), user_ids.clone(), next.clone());
        let (org_id, from, to) = (
            org_id.to_owned(),
            vec![from.to_owned()],
            vec![to.to_owned()],
        );
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(user_id) = user_ids.get(i) else {
                    return Ok::<_, crate::BoxError>(());
                };
                client.assign_member_roles(&org_id, user_id, &to).await?;
                client.remove_member_roles(&org_id, user_id, &from).await?;
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined??;
    }
    Ok(())
}

/// Walks the members with their roles: (members, pages, members holding `to`
/// and not `from`).
async fn read_back(
    client: &ManagementClient,
    org_id: &str,
    from: &str,
    to: &str,
) -> Result<(usize, usize, usize)> {
    let (mut members, mut pages, mut moved) = (0, 0, 0);
    let mut checkpoint: Option<String> = None;
    loop {
        let page = client
            .members_page(org_id, checkpoint.as_deref(), PAGE_SIZE, true)
            .await?;
        pages += 1;
        members += page.members.len();
        moved += page
            .members
            .iter()
            .filter(|m| m.roles.iter().any(|r| r.id == to) && !m.roles.iter().any(|r| r.id == from))
            .count();
        match page.next {
            Some(next) => checkpoint = Some(next),
            None => return Ok((members, pages, moved)),
        }
    }
}

fn report(case: &str, requests: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  {case:<44} {requests:>6} requests in {seconds:>6.2} s ({:>6.0} requests per second)",
        requests as f64 / seconds.max(1e-9)
    );
}
