//! One catalog connection (staff): its settings (an OIDC connection's are
//! editable; a blank secret keeps the stored one), the callback URL to
//! register at the customer's IdP, the organizations known to enable it, and
//! deletion with a typed confirmation.
//!
//! Ids: `connection-title`, `connection-edit` (form), `connection-display-name`,
//! the OIDC fields of `connection_fields`, `connection-save`,
//! `connection-status`, `callback-url`, `connection-used-by` (list; or
//! `connection-unused`), `connection-delete-confirm`, `connection-delete`,
//! `connection-delete-error`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    api::{ConnectionDetail, DeleteConnection, UpdateConnection, get_connection},
    components::notice::{
        BUTTON, Confirmation, DANGER, ErrorNotice, FieldError, INPUT, LINK, general,
    },
    links::{org_label, urlencode},
    pages::{
        connection_fields::{OidcFields, OidcValues},
        connections::strategy_label,
    },
};

const FIELDS: &[&str] = &[
    "display_name",
    "issuer",
    "client_id",
    "client_secret",
    "scope",
    "domains",
];

#[component]
pub fn ConnectionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateConnection>::new();
    let detail = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| get_connection(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <Connection detail update /> }.into_any(),
                Err(error) => view! { <Title text="Connection · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Connection(detail: ConnectionDetail, update: ServerAction<UpdateConnection>) -> impl IntoView {
    let c = detail.connection.clone();
    let oidc = c.strategy == "oidc";
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let field = move |name: &'static str| move || error.get().and_then(|e| e.for_field(name));
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let (delete_id, delete_name) = (c.id.clone(), c.name.clone());
    let values = OidcValues {
        issuer: c.issuer.clone().unwrap_or_default(),
        client_id: detail.client_id.clone().unwrap_or_default(),
        scope: detail.scope.clone().unwrap_or_default(),
        domains: detail.domains.clone().unwrap_or_default(),
    };
    view! {
        <Title text=format!("{} · Connections · Orgdesk", c.name) />
        <p class="text-sm"><a href="/connections" class=LINK>"Connections"</a></p>
        <h1 id="connection-title" class="text-2xl font-bold">{c.name.clone()}</h1>
        <dl class="mt-4 grid max-w-xl grid-cols-3 gap-2 text-sm">
            <dt class="text-slate-500">"ID"</dt><dd class="col-span-2 font-mono">{c.id.clone()}</dd>
            <dt class="text-slate-500">"Kind"</dt><dd class="col-span-2">{strategy_label(&c.strategy)}</dd>
            {oidc.then(|| view! {
                <dt class="text-slate-500">"Callback URL"</dt>
                <dd class="col-span-2">
                    <code id="callback-url" class="break-all">{detail.callback_url.clone()}</code>
                    <p class="text-xs text-slate-500">"Register it as a redirect URI of the client at the customer's IdP."</p>
                </dd>
            })}
        </dl>
        <ActionForm action=update attr:id="connection-edit" attr:class="mt-6 max-w-xl space-y-5" attr:novalidate="">
            <input type="hidden" name="id" value=c.id.clone() />
            <div>
                <label for="connection-display-name" class="block text-sm font-medium">"Display name"</label>
                <input id="connection-display-name" name="display_name" maxlength="128" class=INPUT
                    value=c.display_name.clone().unwrap_or_default() aria-describedby="connection-display_name-error" />
                {move || view! { <FieldError id="connection-display_name-error" message=field("display_name")() /> }}
            </div>
            {oidc.then(|| view! { <OidcFields values error editing=true /> })}
            <div id="connection-status" class="min-h-6">
                {move || saved().then(|| view! { <Confirmation text="Saved." /> })}
            </div>
            {move || general(error.get(), FIELDS).map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" id="connection-save" class=BUTTON disabled=move || update.pending().get()>"Save"</button>
        </ActionForm>
        <UsedBy detail=detail.clone() />
        <DeleteForm id=delete_id name=delete_name in_use=!detail.used_by.is_empty() />
    }
    .into_any()
}

#[component]
fn UsedBy(detail: ConnectionDetail) -> impl IntoView {
    view! {
        <section class="mt-10 max-w-xl" aria-labelledby="used-by-title">
            <h2 id="used-by-title" class="text-lg font-semibold">"Organizations using it"</h2>
            {if detail.used_by.is_empty() {
                view! { <p id="connection-unused" class="mt-2 text-sm">"No organization is known to enable it."</p> }.into_any()
            } else {
                view! {
                    <ul id="connection-used-by" class="mt-2 list-disc pl-6 text-sm">
                        {detail.used_by.iter().map(|org| view! {
                            <li><a href=format!("/organizations/{}/connections", urlencode(&org.id)) class=LINK>{org_label(org)}</a></li>
                        }).collect_view()}
                    </ul>
                    {detail.used_by_more.then(|| view! { <p class="mt-1 text-sm">"…and more."</p> })}
                }.into_any()
            }}
            <p class="mt-2 text-xs text-slate-500">
                "As the console last saw each organization's connections (on its Connections tab or a change made here)."
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn DeleteForm(id: String, name: String, in_use: bool) -> impl IntoView {
    let delete = ServerAction::<DeleteConnection>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/connections", Default::default());
        }
    });
    let error = move || delete.value().get().and_then(Result::err);
    let warning = if in_use {
        "The organizations above will lose this way of signing in, and the connection's users are deleted with it."
    } else {
        "The connection's users are deleted with it."
    };
    view! {
        <section class="mt-10 max-w-xl rounded-md border border-red-200 p-4 dark:border-red-900" aria-labelledby="delete-title">
            <h2 id="delete-title" class="text-lg font-semibold text-red-700 dark:text-red-400">"Delete connection"</h2>
            <p class="mt-1 text-sm">{warning}</p>
            <ActionForm action=delete attr:class="mt-3 space-y-3" attr:novalidate="">
                <input type="hidden" name="id" value=id />
                <label for="connection-delete-confirm" class="block text-sm font-medium">
                    "Type " <code>{name.clone()}</code> " to confirm"
                </label>
                <input id="connection-delete-confirm" name="confirm" class=INPUT autocomplete="off" />
                {move || error().map(|e| view! {
                    <p id="connection-delete-error" role="alert" class="text-sm text-red-700 dark:text-red-400">{e.to_string()}</p>
                })}
                <button type="submit" id="connection-delete" class=DANGER>"Delete connection"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
