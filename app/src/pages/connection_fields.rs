//! The OpenID Connect settings of a connection form, the "Test connection"
//! button and what it found.
//!
//! Ids: `connection-issuer`, `connection-client-id`,
//! `connection-client-secret`, `connection-scope`, `connection-domains`
//! (each with `{id}-error`),
//! `connection-test` (button), `connection-test-result` (what discovery
//! found) and `connection-test-error` (the refusal).

use leptos::prelude::*;

use crate::{
    api::{AppError, DiscoveryView, TestConnection},
    components::notice::{FieldError, INPUT, SECONDARY},
};

/// The values a form starts with (an edit: the stored ones; no secret).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcValues {
    pub issuer: String,
    pub client_id: String,
    pub scope: String,
    /// Email domains, comma-separated.
    pub domains: String,
}

#[component]
pub fn OidcFields(
    values: OidcValues,
    /// The form's last error, for the fields' messages.
    error: Signal<Option<AppError>>,
    /// An edit: a blank secret keeps the stored one.
    editing: bool,
) -> impl IntoView {
    let issuer = RwSignal::new(values.issuer.clone());
    let test = ServerAction::<TestConnection>::new();
    let field = move |name: &'static str| move || error.get().and_then(|e| e.for_field(name));
    let secret_help = if editing {
        "Leave blank to keep the stored secret. It is never shown again."
    } else {
        "Issued by the customer's IdP. It is stored at the identity provider and never shown again."
    };
    view! {
        <div>
            <label for="connection-issuer" class="block text-sm font-medium">"Issuer"</label>
            <input id="connection-issuer" name="issuer" type="url" class=INPUT autocomplete="off"
                placeholder="https://login.customer.example/" prop:value=move || issuer.get()
                on:input=move |ev| issuer.set(event_target_value(&ev))
                aria-describedby="connection-issuer-help connection-issuer-error" />
            <p id="connection-issuer-help" class="mt-1 text-xs text-slate-500">
                "The customer's OpenID provider, an https URL; its discovery document is read from it."
            </p>
            {move || view! { <FieldError id="connection-issuer-error" message=field("issuer")() /> }}
        </div>
        <div>
            <button type="button" id="connection-test" class=SECONDARY
                disabled=move || test.pending().get()
                on:click=move |_| { test.dispatch(TestConnection { issuer: issuer.get_untracked() }); }>
                "Test connection"
            </button>
            {move || test.value().get().map(|result| match result {
                Ok(found) => view! { <Found found /> }.into_any(),
                Err(error) => view! {
                    <p id="connection-test-error" role="alert" class="mt-2 text-sm text-red-700 dark:text-red-400">
                        {error.to_string()}
                    </p>
                }.into_any(),
            })}
        </div>
        <div>
            <label for="connection-client-id" class="block text-sm font-medium">"Client id"</label>
            <input id="connection-client-id" name="client_id" class=INPUT autocomplete="off"
                value=values.client_id aria-describedby="connection-client-id-error" />
            {move || view! { <FieldError id="connection-client-id-error" message=field("client_id")() /> }}
        </div>
        <div>
            <label for="connection-client-secret" class="block text-sm font-medium">"Client secret"</label>
            <input id="connection-client-secret" name="client_secret" type="password" class=INPUT
                autocomplete="new-password" aria-describedby="connection-client-secret-help connection-client-secret-error" />
            <p id="connection-client-secret-help" class="mt-1 text-xs text-slate-500">{secret_help}</p>
            {move || view! { <FieldError id="connection-client-secret-error" message=field("client_secret")() /> }}
        </div>
        <div>
            <label for="connection-scope" class="block text-sm font-medium">"Scope"</label>
            <input id="connection-scope" name="scope" class=INPUT autocomplete="off"
                value=if values.scope.is_empty() { "openid profile email".to_owned() } else { values.scope }
                aria-describedby="connection-scope-help connection-scope-error" />
            <p id="connection-scope-help" class="mt-1 text-xs text-slate-500">"Separated by spaces; must contain openid."</p>
            {move || view! { <FieldError id="connection-scope-error" message=field("scope")() /> }}
        </div>
        <div>
            <label for="connection-domains" class="block text-sm font-medium">"Email domains (optional)"</label>
            <input id="connection-domains" name="domains" class=INPUT autocomplete="off"
                placeholder="metahexa.example" value=values.domains
                aria-describedby="connection-domains-help connection-domains-error" />
            <p id="connection-domains-help" class="mt-1 text-xs text-slate-500">
                "The customer's own email domains, separated by commas: the IdP speaks only for addresses in them. A verified address there is the person's (an existing account signs in through this connection; staff and help-desk accounts never do); anyone else, and everyone when this is empty, gets an account with no email address."
            </p>
            {move || view! { <FieldError id="connection-domains-error" message=field("domains")() /> }}
        </div>
    }
    .into_any()
}

/// What discovery found.
#[component]
fn Found(found: DiscoveryView) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! {
            <dt class="text-slate-500">{label}</dt>
            <dd class="col-span-2 break-all font-mono text-xs">{value.unwrap_or_else(|| "—".into())}</dd>
        }
    };
    view! {
        <div id="connection-test-result" role="status" class="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm dark:border-emerald-900 dark:bg-emerald-950">
            <p class="font-medium">"The issuer answered with a valid OpenID configuration."</p>
            <dl class="mt-2 grid grid-cols-3 gap-1">
                {row("Issuer", Some(found.issuer))}
                {row("Authorization", found.authorization_endpoint)}
                {row("Token", found.token_endpoint)}
                {row("User info", found.userinfo_endpoint)}
                {row("Keys (JWKS)", found.jwks_uri)}
                {row("Scopes", Some(found.scopes.join(" ")))}
                {row("Signing algorithms", Some(found.signing_algs.join(", ")))}
            </dl>
        </div>
    }
    .into_any()
}
