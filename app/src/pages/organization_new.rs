//! Creating an organization, with Auth0's limits shown beside each field,
//! and the connections it starts with (by default the tenant's first
//! database connection: an organization without connections cannot be
//! signed in to).
//!
//! Ids: `name`, `display_name`, `metadata`, `connections` (the fieldset),
//! `new-org-connection-{id}` (a checkbox per catalog connection).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    api::{AppError, ConnectionRow, CreateOrganization, list_connections},
    components::notice::{BUTTON, ErrorNotice, FieldError, INPUT},
    links::dom_id,
    pages::connections::strategy_label,
};

/// The catalog as checkboxes; the first database connection starts checked.
/// The form sends the chosen ids in `connections`, comma-separated.
#[component]
fn ConnectionChoice(catalog: Vec<ConnectionRow>, error: Signal<Option<String>>) -> impl IntoView {
    let default = catalog
        .iter()
        .find(|c| c.strategy == "auth0")
        .map(|c| c.id.clone());
    let chosen = RwSignal::new(default.into_iter().collect::<Vec<String>>());
    let value = move || chosen.get().join(",");
    view! {
        <fieldset id="connections" aria-describedby="connections-help connections-error">
            <legend class="block text-sm font-medium">"Connections"</legend>
            <input type="hidden" name="connections" value=value />
            <div class="mt-1 space-y-1">
                {catalog.into_iter().map(|c| {
                    let id = c.id.clone();
                    let checked = chosen.get_untracked().contains(&id);
                    view! {
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" id=dom_id("new-org-connection", &c.id) checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|ids| {
                                        ids.retain(|x| *x != id);
                                        if on { ids.push(id.clone()); }
                                    });
                                } />
                            {format!("{} — {}", c.display_name.clone().unwrap_or(c.name.clone()), strategy_label(&c.strategy))}
                        </label>
                    }
                }).collect_view()}
            </div>
            <p id="connections-help" class="mt-1 text-xs text-slate-500">
                "How people sign in; none chosen means the tenant's password database. Change them later on the Connections tab."
            </p>
            {move || view! { <FieldError id="connections-error" message=error.get() /> }}
        </fieldset>
    }
}

#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/organizations/{id}"), Default::default());
        }
    });
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let general =
        move || error().filter(|e| !matches!(e, AppError::Invalid { field: Some(_), .. }));
    let catalog = Resource::new(|| (), |_| list_connections());
    let connections_error = Signal::derive(field("connections"));

    view! {
        <Title text="New organization · Orgdesk" />
        <h1 class="text-2xl font-bold">"New organization"</h1>
        <ActionForm action=create attr:class="mt-6 max-w-xl space-y-5" attr:novalidate="">
            <div>
                <label for="name" class="block text-sm font-medium">"Name"</label>
                <input id="name" name="name" required maxlength="50" class=INPUT
                    autocomplete="off" aria-describedby="name-help name-error" />
                <p id="name-help" class="mt-1 text-xs text-slate-500">
                    "3 to 50 lowercase letters, digits, '-' or '_'; it appears in sign-in links and cannot be reused."
                </p>
                {move || view! { <FieldError id="name-error" message=field("name")() /> }}
            </div>
            <div>
                <label for="display_name" class="block text-sm font-medium">"Display name"</label>
                <input id="display_name" name="display_name" maxlength="255" class=INPUT
                    aria-describedby="display-name-help display_name-error" />
                <p id="display-name-help" class="mt-1 text-xs text-slate-500">"Up to 255 characters, shown on the login page."</p>
                {move || view! { <FieldError id="display_name-error" message=field("display_name")() /> }}
            </div>
            <div>
                <label for="metadata" class="block text-sm font-medium">"Metadata"</label>
                <textarea id="metadata" name="metadata" rows="4" class=INPUT
                    aria-describedby="metadata-help metadata-error" placeholder="plan=enterprise"></textarea>
                <p id="metadata-help" class="mt-1 text-xs text-slate-500">
                    "One key=value per line; at most 25 entries, values up to 255 characters."
                </p>
                {move || view! { <FieldError id="metadata-error" message=field("metadata")() /> }}
            </div>
            <Suspense fallback=|| ()>
                {move || catalog.get().map(|result| match result {
                    Ok(catalog) => view! { <ConnectionChoice catalog error=connections_error /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </Suspense>
            {move || general().map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" class=BUTTON>"Create organization"</button>
        </ActionForm>
    }
}
