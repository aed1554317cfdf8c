//! The organizations list: search by name or display name, paged by name.
//! The search is a plain GET form, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    CurrentUser,
    api::{OrganizationPage, list_organizations},
    components::notice::{BUTTON, ErrorNotice, INPUT},
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
            <input id="q" name="q" type="search" class=INPUT prop:value=q
                placeholder="Search by name or display name" />
            <button type="submit" class=BUTTON>"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="mt-6 text-sm">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <OrganizationTable page q=q() /> }.into_any(),
                Err(error) => view! { <div class="mt-6"><ErrorNotice error /></div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn OrganizationTable(page: OrganizationPage, q: String) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="mt-6 text-slate-600 dark:text-slate-400">"No organization matches."</p> }.into_any();
    }
    let next = page.next.map(|after| {
        let href = format!(
            "/organizations?q={}&after={}",
            urlencode(&q),
            urlencode(&after)
        );
        view! { <a href=href class="text-indigo-600 hover:underline dark:text-indigo-400" rel="next">"Next page →"</a> }
    });
    view! {
        <table class="mt-6 w-full text-left text-sm">
            <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                <tr><th scope="col" class="py-2">"Name"</th><th scope="col">"Display name"</th><th scope="col">"ID"</th></tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|org| view! {
                    <tr class="border-b border-slate-100 dark:border-slate-900">
                        <td class="py-2"><a href=format!("/organizations/{}", org.id) class="font-medium text-indigo-600 hover:underline dark:text-indigo-400">{org.name}</a></td>
                        <td>{org.display_name.unwrap_or_default()}</td>
                        <td class="font-mono text-xs text-slate-500">{org.id}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <div class="mt-4">{next}</div>
    }
    .into_any()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
