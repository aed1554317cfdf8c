//! One organization's audit log, newest first, 50 entries at a time; its
//! customer admins read here what staff and the help desk did, and why.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{OrganizationAudit, organization_audit_log},
    components::{
        audit_table::AuditTable,
        notice::{ErrorNotice, LINK},
        org_tabs::{OrgTabs, Tab, TabFlags},
    },
    links::{org_label, with_query},
};

#[component]
pub fn OrganizationAuditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let log = Resource::new(
        move || (id(), before()),
        |(id, before)| organization_audit_log(id, before),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || log.get().map(|result| match result {
                Ok(log) => view! { <OrganizationLog log older=before().is_some() /> }.into_any(),
                Err(error) => view! { <Title text="Audit log · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn OrganizationLog(log: OrganizationAudit, older: bool) -> impl IntoView {
    let org = log.organization;
    let name = org_label(&org);
    let path = format!("/organizations/{}/audit", org.id);
    let next = log.next.map(|before| {
        let href = with_query(&path, &[("before", &before.to_string())]);
        view! { <a id="audit-older" href=href rel="next" class=LINK>"Older entries →"</a> }
    });
    let newest = older.then(|| {
        view! { <a id="audit-newest" href=path.clone() class=LINK>"← Newest entries"</a> }
    });
    let empty = if older {
        "No older entries."
    } else {
        "Nothing has changed in this organization yet."
    };
    view! {
        <Title text=format!("Audit log · {name} · Orgdesk") />
        <h1 class="text-2xl font-bold">{name}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::from_server(log.tabs) current=Tab::Audit />
        <h2 class="mt-6 text-lg font-semibold">"Audit log"</h2>
        {if log.entries.is_empty() {
            view! { <p class="mt-6 text-slate-600 dark:text-slate-400">{empty}</p> }.into_any()
        } else {
            view! { <AuditTable rows=log.entries show_organization=false /> }.into_any()
        }}
        <div class="mt-4 flex gap-6">{newest}{next}</div>
    }
}
