//! The organization switcher in the header, for people who belong to
//! several organizations. Acting in another organization takes a new
//! sign-in for it, so each choice is a plain link to the sign-in.

use leptos::prelude::*;

use crate::{
    CurrentUser,
    api::Me,
    links::{org_label, switch_url},
};

/// Nothing for staff and the help desk (no organization of their own); the
/// organization's name when there is one; otherwise a disclosure (works
/// without JavaScript) listing the others as "Switch to …" links.
/// Id `org-switcher`; the current organization carries `data-org-id`.
#[component]
pub fn OrgSwitcher() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    view! {
        <Suspense fallback=|| ()>
            {move || me.0.get().and_then(Result::ok).flatten().map(|me| view! { <Switcher me /> })}
        </Suspense>
    }
}

#[component]
fn Switcher(me: Me) -> impl IntoView {
    let current_id = me.organization.as_ref().map(|o| o.id.clone());
    let current_label = me
        .organization
        .as_ref()
        .map(org_label)
        .unwrap_or_else(|| "Choose an organization".to_owned());
    let others: Vec<_> = me
        .organizations
        .iter()
        .filter(|o| Some(&o.id) != current_id.as_ref())
        .cloned()
        .collect();
    if me.organizations.is_empty() && me.organization.is_none() {
        return ().into_any();
    }
    if others.is_empty() {
        return view! {
            <span id="org-switcher" data-org-id=current_id class="text-sm font-medium">{current_label}</span>
        }
        .into_any();
    }
    view! {
        <details id="org-switcher" data-org-id=current_id class="relative text-sm">
            <summary class="cursor-pointer list-none rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800">
                <span class="sr-only">"Organization: "</span>
                {current_label}
                <span aria-hidden="true" class="ml-1 text-slate-500">"▾"</span>
            </summary>
            <ul aria-label="Switch organization"
                class="absolute right-0 z-10 mt-1 min-w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                {others.into_iter().map(|org| view! {
                    <li>
                        <a rel="external" href=switch_url(&org.id) data-org-id=org.id.clone()
                            class="block px-3 py-2 hover:bg-slate-100 dark:hover:bg-slate-800">
                            "Switch to " {org_label(&org)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}
