//! The connection catalog (staff): every connection of the tenant, with a
//! link to each and to a new one.
//!
//! Ids: `new-connection` (link), `connections` (table), `connections-empty`,
//! and per row `connection-{id}` (the row, id as `links::dom_id` writes it)
//! with a link to the connection's page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{ConnectionRow, list_connections},
    components::notice::{BUTTON, ErrorNotice, LINK},
    links::{dom_id, urlencode},
};

/// What a strategy is called on the page.
pub fn strategy_label(strategy: &str) -> &'static str {
    match strategy {
        "auth0" => "Database (passwords)",
        "oidc" => "OpenID Connect (enterprise)",
        _ => "Other",
    }
}

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_connections());
    view! {
        <Title text="Connections · Orgdesk" />
        <div class="flex items-center justify-between">
            <h1 class="text-2xl font-bold">"Connections"</h1>
            <a id="new-connection" href="/connections/new" class=BUTTON>"New connection"</a>
        </div>
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
            "The tenant's connections. Organizations enable them on their Connections tab."
        </p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || list.get().map(|result| match result {
                Ok(items) if items.is_empty() => view! {
                    <p id="connections-empty" class="mt-6">"No connections yet."</p>
                }.into_any(),
                Ok(items) => view! { <ConnectionTable items /> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ConnectionTable(items: Vec<ConnectionRow>) -> impl IntoView {
    view! {
        <table id="connections" class="mt-6 w-full text-left text-sm">
            <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                <tr>
                    <th scope="col" class="py-2 pr-3">"Name"</th>
                    <th scope="col" class="pr-3">"Display name"</th>
                    <th scope="col" class="pr-3">"Strategy"</th>
                    <th scope="col" class="pr-3">"Issuer"</th>
                </tr>
            </thead>
            <tbody>
                {items.into_iter().map(|c| view! {
                    <tr id=dom_id("connection", &c.id) class="border-b border-slate-100 dark:border-slate-900">
                        <td class="py-2 pr-3">
                            <a href=format!("/connections/{}", urlencode(&c.id)) class=LINK>{c.name.clone()}</a>
                        </td>
                        <td class="pr-3">{c.display_name.clone().unwrap_or_default()}</td>
                        <td class="pr-3">{strategy_label(&c.strategy)}</td>
                        <td class="pr-3 font-mono text-xs">{c.issuer.clone().unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
