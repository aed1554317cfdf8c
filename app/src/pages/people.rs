//! Finding a person by email and every organization they belong to, with
//! their roles in each (staff and the help desk). A plain GET form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{AppError, PersonRow, look_up_person},
    components::notice::{BUTTON, ErrorNotice, FieldError, INPUT, LINK, general},
    links::org_label,
};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let query = use_query_map();
    let email = move || query.read().get("email").unwrap_or_default();
    let found = Resource::new(email, |email| async move {
        if email.trim().is_empty() {
            Ok(None)
        } else {
            look_up_person(email).await.map(Some)
        }
    });
    let error = move || found.get().and_then(Result::err);

    view! {
        <Title text="People · Orgdesk" />
        <h1 class="text-2xl font-bold">"People"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Find a person by email and see every organization they belong to."
        </p>
        <form id="people-search" method="get" action="/people" role="search" aria-label="People"
            class="mt-6 flex max-w-xl items-end gap-2">
            <div class="flex-1">
                <label for="people-email" class="block text-sm font-medium">"Email"</label>
                <input id="people-email" name="email" type="email" required class=INPUT value=email
                    autocomplete="off" aria-describedby="people-email-error" />
            </div>
            <button type="submit" class=BUTTON>"Find"</button>
        </form>
        <Transition fallback=|| view! { <p class="mt-6 text-sm">"Searching…"</p> }>
            {move || view! { <FieldError id="people-email-error" message=error().and_then(|e| e.for_field("email")) /> }}
            {move || found.get().map(|result| match result {
                Ok(None) => ().into_any(),
                Ok(Some(people)) if people.is_empty() => view! {
                    <p id="people-none" class="mt-6 text-slate-600 dark:text-slate-400">"No one has this email."</p>
                }.into_any(),
                Ok(Some(people)) => view! {
                    <div id="people" class="mt-6 space-y-6">
                        {people.into_iter().map(|person| view! { <Person person /> }).collect_view()}
                    </div>
                }.into_any(),
                Err(error) => general(Some(error), &["email"])
                    .map(|error: AppError| view! { <div class="mt-6"><ErrorNotice error /></div> })
                    .into_any(),
            })}
        </Transition>
    }
}

/// One person and their organizations. Section `data-user-id`; rows `data-org-id`.
#[component]
fn Person(person: PersonRow) -> impl IntoView {
    let heading_id = crate::links::dom_id("person", &person.user_id);
    let labelled_by = heading_id.clone();
    let user_id = person.user_id.clone();
    let organizations = if person.organizations.is_empty() {
        view! { <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">"They belong to no organization."</p> }.into_any()
    } else {
        view! {
            <table class="mt-3 w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Organization"</th>
                        <th scope="col" class="pr-3">"ID"</th>
                        <th scope="col">"Roles"</th>
                    </tr>
                </thead>
                <tbody>
                    {person.organizations.into_iter().map(|(org, roles)| {
                        let label = org_label(&org);
                        let href = format!("/organizations/{}", org.id);
                        let data_id = org.id.clone();
                        view! {
                            <tr data-org-id=data_id class="border-b border-slate-100 dark:border-slate-900">
                                <td class="py-2 pr-3"><a href=href class=format!("{LINK} font-medium")>{label}</a></td>
                                <td class="pr-3 font-mono text-xs text-slate-500">{org.id}</td>
                                <td>{if roles.is_empty() { "none".to_owned() } else { roles.join(", ") }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any()
    };
    view! {
        <section aria-labelledby=labelled_by data-user-id=user_id
            class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <h2 id=heading_id class="font-semibold">{person.name}</h2>
            <dl class="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                <dt class="text-slate-500">"Email"</dt><dd>{person.email}</dd>
                <dt class="text-slate-500">"User ID"</dt><dd class="font-mono text-xs leading-5">{person.user_id}</dd>
            </dl>
            {organizations}
        </section>
    }
}
