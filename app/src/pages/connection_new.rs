//! A new catalog connection: a password database or an enterprise OpenID
//! Connect connection to a customer's IdP.
//!
//! Ids: `connection-form`, `connection-name`, `connection-display-name`,
//! `connection-strategy` (each with `{id}-error`), the OIDC fields of
//! `connection_fields`, `connection-submit`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    api::CreateConnection,
    components::notice::{BUTTON, ErrorNotice, FieldError, INPUT, general},
    pages::connection_fields::{OidcFields, OidcValues},
};

const FIELDS: &[&str] = &[
    "name",
    "display_name",
    "strategy",
    "issuer",
    "client_id",
    "client_secret",
    "scope",
    "domains",
];

#[component]
pub fn NewConnectionPage() -> impl IntoView {
    let create = ServerAction::<CreateConnection>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/connections/{id}"), Default::default());
        }
    });
    let strategy = RwSignal::new("oidc".to_owned());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let field = move |name: &'static str| move || error.get().and_then(|e| e.for_field(name));
    view! {
        <Title text="New connection · Orgdesk" />
        <h1 class="text-2xl font-bold">"New connection"</h1>
        <ActionForm action=create attr:id="connection-form" attr:class="mt-6 max-w-xl space-y-5" attr:novalidate="">
            <div>
                <label for="connection-strategy" class="block text-sm font-medium">"Kind"</label>
                <select id="connection-strategy" name="strategy" class=INPUT
                    on:change=move |ev| strategy.set(event_target_value(&ev))>
                    <option value="oidc" selected>"OpenID Connect (a customer's IdP)"</option>
                    <option value="auth0">"Database (passwords)"</option>
                </select>
                {move || view! { <FieldError id="connection-strategy-error" message=field("strategy")() /> }}
            </div>
            <div>
                <label for="connection-name" class="block text-sm font-medium">"Name"</label>
                <input id="connection-name" name="name" required maxlength="128" class=INPUT autocomplete="off"
                    aria-describedby="connection-name-help connection-name-error" />
                <p id="connection-name-help" class="mt-1 text-xs text-slate-500">
                    "Letters, digits and '-', up to 128; it cannot be changed later."
                </p>
                {move || view! { <FieldError id="connection-name-error" message=field("name")() /> }}
            </div>
            <div>
                <label for="connection-display-name" class="block text-sm font-medium">"Display name"</label>
                <input id="connection-display-name" name="display_name" maxlength="128" class=INPUT
                    aria-describedby="connection-display-name-help connection-display_name-error" />
                <p id="connection-display-name-help" class="mt-1 text-xs text-slate-500">"Shown on login buttons."</p>
                {move || view! { <FieldError id="connection-display_name-error" message=field("display_name")() /> }}
            </div>
            <Show when=move || strategy.get() == "oidc">
                <OidcFields values=OidcValues::default() error editing=false />
            </Show>
            {move || general(error.get(), FIELDS).map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" id="connection-submit" class=BUTTON disabled=move || create.pending().get()>
                "Create connection"
            </button>
        </ActionForm>
    }
    .into_any()
}
