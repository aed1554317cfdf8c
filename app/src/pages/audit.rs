//! The audit log: every change, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::audit_log, components::notice::ErrorNotice};

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_log(None));
    view! {
        <Title text="Audit log · Orgdesk" />
        <h1 class="text-2xl font-bold">"Audit log"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || entries.get().map(|result| match result {
                Ok(rows) if rows.is_empty() => view! { <p class="mt-6">"Nothing has changed yet."</p> }.into_any(),
                Ok(rows) => view! {
                    <table class="mt-6 w-full text-left text-sm">
                        <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                            <tr>
                                <th scope="col" class="py-2">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"As"</th>
                                <th scope="col">"Organization"</th><th scope="col">"Action"</th><th scope="col">"Outcome"</th>
                                <th scope="col">"Change"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr class="border-b border-slate-100 align-top dark:border-slate-900">
                                    <td class="py-2 whitespace-nowrap">{row.at}</td>
                                    <td>{row.actor}</td>
                                    <td>{row.persona}</td>
                                    <td>{row.organization.unwrap_or_default()}</td>
                                    <td class="font-mono text-xs">{row.action}</td>
                                    <td>{row.outcome}</td>
                                    <td class="max-w-md break-all font-mono text-xs">
                                        {row.before.map(|b| format!("before: {b}"))}<br />
                                        {row.after.map(|a| format!("after: {a}"))}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(error) => view! { <div class="mt-6"><ErrorNotice error /></div> }.into_any(),
            })}
        </Transition>
    }
}
