//! The audit log: every change, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::audit_log,
    components::{audit_table::AuditTable, notice::ErrorNotice},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_log(None));
    view! {
        <Title text="Audit log · Orgdesk" />
        <h1 class="text-2xl font-bold">"Audit log"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || entries.get().map(|result| match result {
                Ok(rows) if rows.is_empty() => view! { <p class="mt-6">"Nothing has changed yet."</p> }.into_any(),
                Ok(rows) => view! { <AuditTable rows show_organization=true /> }.into_any(),
                Err(error) => view! { <div class="mt-6"><ErrorNotice error /></div> }.into_any(),
            })}
        </Transition>
    }
}
