//! Audit log entries as a table: when, who, as which persona, what, why,
//! the outcome and the change.

use leptos::prelude::*;

use crate::api::AuditRow;

/// The entries, newest first. `show_organization` adds the organization
/// column (the whole log). Table id `audit-log`; rows carry `data-action`.
#[component]
pub fn AuditTable(rows: Vec<AuditRow>, show_organization: bool) -> impl IntoView {
    view! {
        <div class="mt-6 overflow-x-auto">
            <table id="audit-log" class="w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"When (UTC)"</th>
                        <th scope="col" class="pr-3">"Who"</th>
                        <th scope="col" class="pr-3">"As"</th>
                        {show_organization.then(|| view! { <th scope="col" class="pr-3">"Organization"</th> })}
                        <th scope="col" class="pr-3">"Action"</th>
                        <th scope="col" class="pr-3">"Reason"</th>
                        <th scope="col" class="pr-3">"Outcome"</th>
                        <th scope="col">"Change"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| { let action = row.action.clone(); view! {
                        <tr class="border-b border-slate-100 align-top dark:border-slate-900" data-action=action>
                            <td class="whitespace-nowrap py-2 pr-3">{row.at}</td>
                            <td class="py-2 pr-3">{row.actor}</td>
                            <td class="py-2 pr-3">{row.persona}</td>
                            {show_organization.then(|| view! { <td class="py-2 pr-3">{row.organization.unwrap_or_default()}</td> })}
                            <td class="py-2 pr-3 font-mono text-xs">{row.action}</td>
                            <td class="max-w-xs py-2 pr-3">{row.reason.unwrap_or_default()}</td>
                            <td class="py-2 pr-3">{row.outcome}</td>
                            <td class="max-w-md break-all py-2 font-mono text-xs">
                                {row.before.map(|b| view! { <div>"before: " {b}</div> })}
                                {row.after.map(|a| view! { <div>"after: " {a}</div> })}
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
