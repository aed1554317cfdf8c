//! The organizations list: search by name or display name, paged by name.
//! The search is a plain GET form, so it works without JavaScript. Someone of
//! a customer organization acts only in the one they signed in to: the
//! others link to a new sign-in for them ("Switch to …").

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    CurrentUser,
    api::{OrganizationPage, list_organizations},
    components::notice::{BUTTON, ErrorNotice, INPUT, LINK},
    links::{switch_url, with_query},
};

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let after = move || query.read().get("after").filter(|a| !a.is_empty());
    let page = Resource::new(
        move || (q(), after()),
        |(q, after)| list_organizations(q, after),
    );
    let me = expect_context::<CurrentUser>();
    let can_create =
        move || matches!(me.0.get(), Some(Ok(Some(me))) if me.can_create_organizations);
    // `Some(current)` for someone without a global role: only `current` opens here.
    let acting_in = move || match me.0.get() {
        Some(Ok(Some(me))) if me.organization.is_some() || !me.organizations.is_empty() => {
            Some(me.organization.map(|o| o.id))
        }
        _ => None,
    };

    view! {
        <Title text="Organizations · Orgdesk" />
        <div class="flex items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Organizations"</h1>
            <Suspense fallback=|| ()>
                {move || can_create().then(|| view! {
                    <a href="/organizations/new" class=BUTTON>"New organization"</a>
                })}
            </Suspense>
        </div>
        <form method="get" action="/organizations" role="search" class="mt-6 flex max-w-xl gap-2">
            <label for="q" class="sr-only">"Search organizations"</label>
            <input id="q" name="q" type="search" class=INPUT value=q
                placeholder="Search by name or display name" />
            <button type="submit" class=BUTTON>"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="mt-6 text-sm">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <OrganizationTable page q=q() acting_in=acting_in() /> }.into_any(),
                Err(error) => view! { <div class="mt-6"><ErrorNotice error /></div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn OrganizationTable(
    page: OrganizationPage,
    q: String,
    acting_in: Option<Option<String>>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="mt-6 text-slate-600 dark:text-slate-400">"No organization matches."</p> }.into_any();
    }
    let next = page.next.map(|after| {
        let href = with_query("/organizations", &[("q", &q), ("after", &after)]);
        view! { <a href=href class="text-indigo-600 hover:underline dark:text-indigo-400" rel="next">"Next page →"</a> }
    });
    view! {
        <table class="mt-6 w-full text-left text-sm">
            <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                <tr><th scope="col" class="py-2">"Name"</th><th scope="col">"Display name"</th><th scope="col">"ID"</th></tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|org| {
                    let elsewhere = matches!(&acting_in, Some(current) if current.as_deref() != Some(org.id.as_str()));
                    let link = if elsewhere {
                        view! {
                            <a rel="external" href=switch_url(&org.id) data-switch="true" class=format!("{LINK} font-medium")>
                                "Switch to " {org.name.clone()}
                            </a>
                        }.into_any()
                    } else {
                        view! {
                            <a href=format!("/organizations/{}", org.id) class=format!("{LINK} font-medium")>{org.name.clone()}</a>
                        }.into_any()
                    };
                    let data_id = org.id.clone();
                    view! {
                    <tr data-org-id=data_id class="border-b border-slate-100 dark:border-slate-900">
                        <td class="py-2">{link}</td>
                        <td>{org.display_name.unwrap_or_default()}</td>
                        <td class="font-mono text-xs text-slate-500">{org.id}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
        <div class="mt-4">{next}</div>
    }
    .into_any()
}
