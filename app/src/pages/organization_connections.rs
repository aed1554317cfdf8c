//! An organization's connections: the ones it enables with their three
//! flags (changed by staff; where a flag does not apply, the rule says why),
//! enabling another from the catalog, and disabling one after seeing how
//! many members sign in through it.
//!
//! Ids: `org-connections` (table), `org-connections-empty`,
//! `org-connections-status`; per enabled connection (`{c}` is the connection
//! id as `links::dom_id` writes it): `org-connection-{c}` (row),
//! `membership-{c}`, `button-{c}`, `signup-{c}` (checkboxes), `save-{c}`,
//! `disable-{c}`, `impact-{c}` (the member count), `confirm-disable-{c}`,
//! `flags-error-{c}`; the enable form `enable-connection` with
//! `enable-connection-id`, `enable-membership`, `enable-button`,
//! `enable-signup`, `enable-submit` and `enable-error`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        ConnectionRow, DisableConnection, DisableImpact, EnableConnection, EnabledConnectionRow,
        OrganizationConnectionsPage, UpdateEnabledConnection, organization_connections,
    },
    components::{
        notice::{BUTTON, Confirmation, DANGER, ErrorNotice, INPUT, SECONDARY},
        org_tabs::{OrgTabs, Tab, TabFlags},
    },
    links::{dom_id, org_label},
    pages::connections::strategy_label,
};

/// Auth0's rules, as the page explains them.
pub const BUTTON_RULE: &str = "Buttons apply to enterprise connections only.";
pub const SIGNUP_RULE: &str = "Sign-up applies to database connections only.";
pub const SIGNUP_NEEDS_MEMBERSHIP: &str = "Sign-up requires membership on login.";

#[component]
pub fn OrganizationConnectionsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let changes = RwSignal::new(0usize);
    let status = RwSignal::new(None::<String>);
    let page = Resource::new(
        move || (id(), changes.get()),
        |(id, _)| organization_connections(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <Connections page changes status /> }.into_any(),
                Err(error) => view! { <Title text="Connections · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Connections(
    page: OrganizationConnectionsPage,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let org = page.organization.clone();
    let name = org_label(&org);
    let can_change = page.can_change;
    let enable_form = (can_change && !page.available.is_empty()).then(|| {
        view! { <EnableForm org_id=org.id.clone() available=page.available.clone() changes status /> }
    });
    view! {
        <Title text=format!("Connections · {name} · Orgdesk") />
        <h1 class="text-2xl font-bold">{name.clone()}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::from_server(page.tabs) current=Tab::Connections />
        <p class="mt-4 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
            "How people sign in to this organization. Its login page offers only these connections."
        </p>
        <div id="org-connections-status" class="mt-2 min-h-6">
            {move || status.get().map(|text| view! { <Confirmation text /> })}
        </div>
        {if page.enabled.is_empty() {
            view! { <p id="org-connections-empty" class="mt-2">"No connection is enabled: nobody can sign in to this organization."</p> }.into_any()
        } else {
            view! {
                <table id="org-connections" class="mt-2 w-full text-left text-sm">
                    <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                        <tr>
                            <th scope="col" class="py-2 pr-3">"Connection"</th>
                            <th scope="col" class="pr-3">"Kind"</th>
                            <th scope="col" class="pr-3">"Flags"</th>
                            {can_change.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {page.enabled.into_iter().map(|enabled| view! {
                            <Enabled org_id=org.id.clone() enabled can_change changes status />
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {enable_form}
    }
    .into_any()
}

/// The three flag checkboxes, each disabled with its rule where it does not apply.
#[component]
fn FlagBoxes(
    prefix: &'static str,
    suffix: String,
    database: bool,
    enterprise: bool,
    values: (bool, bool, bool),
    editable: bool,
) -> impl IntoView {
    let membership = RwSignal::new(values.0);
    let id = |what: &str| {
        if suffix.is_empty() {
            format!("{prefix}-{what}")
        } else {
            format!("{what}-{suffix}")
        }
    };
    let (m_id, b_id, s_id) = (id("membership"), id("button"), id("signup"));
    view! {
        <div class="space-y-1">
            <label class="flex items-start gap-2">
                <input type="checkbox" id=m_id name="assign_membership_on_login" value="true"
                    checked=values.0 disabled=!editable
                    on:change=move |ev| membership.set(event_target_checked(&ev)) />
                <span>"Membership on login"
                    <span class="block text-xs text-slate-500">"Anyone who signs in through it becomes a member."</span>
                </span>
            </label>
            <label class="flex items-start gap-2">
                <input type="checkbox" id=b_id name="show_as_button" value="true"
                    checked={values.1 && enterprise} disabled={!editable || !enterprise} />
                <span>"Show as a button"
                    {(!enterprise).then(|| view! { <span class="block text-xs text-slate-500">{BUTTON_RULE}</span> })}
                </span>
            </label>
            <label class="flex items-start gap-2">
                <input type="checkbox" id=s_id name="is_signup_enabled" value="true"
                    checked={values.2 && database}
                    disabled=move || !editable || !database || !membership.get() />
                <span>"Sign-up"
                    <span class="block text-xs text-slate-500">
                        {if !database { SIGNUP_RULE } else { SIGNUP_NEEDS_MEMBERSHIP }}
                    </span>
                </span>
            </label>
        </div>
    }
    .into_any()
}

#[component]
fn Enabled(
    org_id: String,
    enabled: EnabledConnectionRow,
    can_change: bool,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let update = ServerAction::<UpdateEnabledConnection>::new();
    let impact = ServerAction::<DisableImpact>::new();
    let disable = ServerAction::<DisableConnection>::new();
    let key = dom_id("x", &enabled.connection_id)[2..].to_owned();
    {
        let name = enabled.name.clone();
        Effect::new(move |_| {
            if let Some(Ok(_)) = update.value().get() {
                status.set(Some(format!("Saved the flags of {name}.")));
            }
        });
    }
    {
        let name = enabled.name.clone();
        Effect::new(move |_| {
            if let Some(Ok(())) = disable.value().get() {
                status.set(Some(format!("Disabled {name}.")));
                changes.update(|n| *n += 1);
            }
        });
    }
    let values = (
        enabled.assign_membership_on_login,
        enabled.show_as_button,
        enabled.is_signup_enabled,
    );
    let (database, enterprise) = (enabled.is_database(), enabled.is_enterprise());
    let update_error = move || update.value().get().and_then(Result::err);
    let (row_id, error_id, save_id) = (
        format!("org-connection-{key}"),
        format!("flags-error-{key}"),
        format!("save-{key}"),
    );
    let actions = can_change.then(|| {
        let (org_id, connection_id, key) = (org_id.clone(), enabled.connection_id.clone(), key.clone());
        let name = enabled.name.clone();
        let impact_text = move || {
            impact.value().get().map(|result| match result {
                Ok(found) => {
                    let n = if found.at_least {
                        format!("At least {}", found.members)
                    } else {
                        found.members.to_string()
                    };
                    format!("{n} of the organization's members sign in through it; they will no longer be able to.")
                }
                Err(e) => e.to_string(),
            })
        };
        let (org_a, conn_a) = (org_id.clone(), connection_id.clone());
        view! {
            <td class="py-2 align-top">
                <button type="button" id=format!("disable-{key}") class=SECONDARY
                    on:click=move |_| { impact.dispatch(DisableImpact { org_id: org_a.clone(), connection_id: conn_a.clone() }); }>
                    "Disable…"
                </button>
                {move || impact_text().map(|text| {
                    let (org_id, connection_id, confirm) = (org_id.clone(), connection_id.clone(), name.clone());
                    view! {
                        <div class="mt-2 max-w-xs space-y-2">
                            <p id=format!("impact-{key}") role="status" class="text-sm">{text}</p>
                            <button type="button" id=format!("confirm-disable-{key}") class=DANGER
                                on:click=move |_| { disable.dispatch(DisableConnection { org_id: org_id.clone(), connection_id: connection_id.clone(), confirm: confirm.clone() }); }>
                                "Disable connection"
                            </button>
                            {move || disable.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
                        </div>
                    }
                })}
            </td>
        }
    });
    view! {
        <tr id=row_id class="border-b border-slate-100 align-top dark:border-slate-900">
            <td class="py-2 pr-3 font-medium">{enabled.name.clone()}</td>
            <td class="py-2 pr-3">{strategy_label(&enabled.strategy)}</td>
            <td class="py-2 pr-3">
                <ActionForm action=update attr:novalidate="">
                    <input type="hidden" name="org_id" value=org_id.clone() />
                    <input type="hidden" name="connection_id" value=enabled.connection_id.clone() />
                    <FlagBoxes prefix="" suffix=key.clone() database enterprise values editable=can_change />
                    {move || update_error().map(|e| view! {
                        <p id=error_id.clone() role="alert" class="mt-1 text-sm text-red-700 dark:text-red-400">{e.to_string()}</p>
                    })}
                    {can_change.then(|| view! {
                        <button type="submit" id=save_id class=format!("{SECONDARY} mt-2")>"Save flags"</button>
                    })}
                </ActionForm>
            </td>
            {actions}
        </tr>
    }
    .into_any()
}

#[component]
fn EnableForm(
    org_id: String,
    available: Vec<ConnectionRow>,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let enable = ServerAction::<EnableConnection>::new();
    let first = available.first().map(|c| c.id.clone()).unwrap_or_default();
    let chosen = RwSignal::new(first);
    let strategies: Vec<(String, String)> = available
        .iter()
        .map(|c| (c.id.clone(), c.strategy.clone()))
        .collect();
    let strategy = move || {
        let id = chosen.get();
        strategies
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        if let Some(Ok(enabled)) = enable.value().get() {
            status.set(Some(format!("Enabled {}.", enabled.name)));
            changes.update(|n| *n += 1);
        }
    });
    let error = move || enable.value().get().and_then(Result::err);
    view! {
        <section class="mt-10 max-w-xl" aria-labelledby="enable-title">
            <h2 id="enable-title" class="text-lg font-semibold">"Enable a connection"</h2>
            <ActionForm action=enable attr:id="enable-connection" attr:class="mt-4 space-y-4" attr:novalidate="">
                <input type="hidden" name="org_id" value=org_id />
                <div>
                    <label for="enable-connection-id" class="block text-sm font-medium">"Connection"</label>
                    <select id="enable-connection-id" name="connection_id" class=INPUT
                        on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {available.iter().map(|c| view! {
                            <option value=c.id.clone()>
                                {format!("{} — {}", c.display_name.clone().unwrap_or_else(|| c.name.clone()), strategy_label(&c.strategy))}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                {move || {
                    let s = strategy();
                    view! {
                        <FlagBoxes prefix="enable" suffix=String::new() database={s == "auth0"}
                            enterprise={s == "oidc"} values={(false, s == "oidc", false)} editable=true />
                    }
                }}
                {move || error().map(|e| view! {
                    <p id="enable-error" role="alert" class="text-sm text-red-700 dark:text-red-400">{e.to_string()}</p>
                })}
                <button type="submit" id="enable-submit" class=BUTTON disabled=move || enable.pending().get()>"Enable"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
