//! An organization's invitations: send them (one or many, with roles, a
//! connection and a lifetime), see where each stands, resend or revoke
//! pending and expired ones with a reason where one is required. After every
//! successful change the list is read again.

use leptos::{
    html::{Button, Form, Textarea},
    prelude::*,
};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        CreateInvitations, InvitationPage, InvitationRow, ResendInvitation, RevokeInvitation,
        RoleOption, list_invitations,
    },
    components::{
        notice::{
            BUTTON, Confirmation, DANGER, ErrorNotice, FieldError, INPUT, SECONDARY, general,
        },
        org_tabs::{OrgTabs, Tab, TabFlags},
        reason::ReasonField,
        role_choice::RoleChoice,
    },
    links::{count, dom_id, join_roles, org_label},
};

/// Auth0's default and longest invitation lifetimes, in days.
const DEFAULT_TTL_DAYS: &str = "7";
const MAX_TTL_DAYS: &str = "30";

/// What every row needs from the page.
#[derive(Clone)]
struct RowContext {
    org_id: String,
    can_revoke: bool,
    can_resend: bool,
    reason_required: bool,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let create = ServerAction::<CreateInvitations>::new();
    let changes = RwSignal::new(0usize);
    let status = RwSignal::new(None::<String>);
    // Only successes refetch: after a failure the form keeps what was typed.
    Effect::new(move |_| match create.value().get() {
        Some(Ok(sent)) => {
            status.set(Some(format!(
                "Sent {}.",
                count(sent.len(), "invitation", "invitations")
            )));
            changes.update(|n| *n += 1);
        }
        Some(Err(_)) => status.set(None),
        None => {}
    });
    let page = Resource::new(
        move || (id(), changes.get()),
        |(id, _)| list_invitations(id),
    );

    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <Invitations page create changes status /> }.into_any(),
                Err(error) => view! { <Title text="Invitations · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Invitations(
    page: InvitationPage,
    create: ServerAction<CreateInvitations>,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let org = page.organization.clone();
    let name = org_label(&org);
    let rows = RowContext {
        org_id: org.id.clone(),
        can_revoke: page.can_revoke,
        can_resend: page.can_resend,
        reason_required: page.reason_required,
        changes,
        status,
    };
    let form = page.can_create.then(|| {
        view! { <InviteForm org_id=org.id.clone() grantable=page.grantable.clone() connections=page.connections.clone() create /> }
    });
    view! {
        <Title text=format!("Invitations · {name} · Orgdesk") />
        <h1 class="text-2xl font-bold">{name.clone()}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::from_server(page.tabs) current=Tab::Invitations />
        {form}
        <h2 class="mt-10 text-lg font-semibold">"Invitations"</h2>
        <div id="invitations-status" class="mt-2 min-h-6">
            {move || status.get().map(|text| view! { <Confirmation text /> })}
        </div>
        {if page.items.is_empty() {
            view! { <p id="invitations-empty" class="mt-2 text-slate-600 dark:text-slate-400">"No invitations have been sent yet."</p> }.into_any()
        } else {
            view! { <InvitationTable items=page.items rows /> }.into_any()
        }}
    }
    .into_any()
}

/// Sending invitations: emails, roles, connection and lifetime.
#[component]
fn InviteForm(
    org_id: String,
    grantable: Vec<RoleOption>,
    /// (connection id, label) of the connections the organization enables.
    connections: Vec<(String, String)>,
    create: ServerAction<CreateInvitations>,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<String>::new());
    let offered = grantable.clone();
    // After a success the form starts afresh (the refetched page reuses its elements).
    let form = NodeRef::<Form>::new();
    Effect::watch(
        move || create.version().get(),
        move |_, _, _| {
            if matches!(create.value().get_untracked(), Some(Ok(_))) {
                chosen.set(Vec::new());
                if let Some(form) = form.get_untracked() {
                    form.reset();
                }
            }
        },
        false,
    );
    let roles_value = move || join_roles(&offered, &chosen.read());
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    view! {
        <section aria-labelledby="invite-title" class="mt-6 max-w-xl">
            <h2 id="invite-title" class="text-lg font-semibold">"Invite people"</h2>
            <ActionForm action=create node_ref=form attr:novalidate="" attr:id="invite" attr:class="mt-4 space-y-5">
                <input type="hidden" name="org_id" value=org_id />
                <div>
                    <label for="invite-emails" class="block text-sm font-medium">"Emails"</label>
                    <textarea id="invite-emails" name="emails" rows="3" required class=INPUT
                        aria-describedby="invite-emails-help invite-emails-error"
                        placeholder="pat@example.com, sam@example.com"></textarea>
                    <p id="invite-emails-help" class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                        "One or more, separated by commas, spaces or new lines. Each gets its own link."
                    </p>
                    {move || view! { <FieldError id="invite-emails-error" message=field("emails")() /> }}
                </div>
                <RoleChoice prefix="invite-role" grantable chosen error=Signal::derive(field("roles")) />
                <input type="hidden" name="roles" value=roles_value />
                <div>
                    <label for="invite-connection" class="block text-sm font-medium">"Connection"</label>
                    <select id="invite-connection" name="connection_id" class=INPUT
                        aria-describedby="invite-connection-help invite-connection-error">
                        <option value="" selected>"Any: the login page of the organization"</option>
                        {connections
                            .into_iter()
                            .map(|(id, label)| view! { <option value=id>{label}</option> })
                            .collect_view()}
                    </select>
                    <p id="invite-connection-help" class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                        "How the invited person signs in. An enterprise connection sends them straight to their organization's identity provider; otherwise they sign up with a password."
                    </p>
                    {move || view! { <FieldError id="invite-connection-error" message=field("connection_id")() /> }}
                </div>
                <div>
                    <label for="invite-ttl" class="block text-sm font-medium">"Valid for (days)"</label>
                    <input id="invite-ttl" name="ttl_days" type="number" min="1" max=MAX_TTL_DAYS step="1"
                        value=DEFAULT_TTL_DAYS required class=format!("{INPUT} max-w-32")
                        aria-describedby="invite-ttl-help invite-ttl-error" />
                    <p id="invite-ttl-help" class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                        "From 1 to 30 days; 7 by default."
                    </p>
                    {move || view! { <FieldError id="invite-ttl-error" message=field("ttl_days")() /> }}
                </div>
                {move || general(error(), &["emails", "roles", "connection_id", "ttl_days"])
                    .map(|error| view! { <ErrorNotice error /> })}
                <button type="submit" class=BUTTON disabled=move || create.pending().get()>"Send invitations"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn InvitationTable(items: Vec<InvitationRow>, rows: RowContext) -> impl IntoView {
    let actions = rows.can_revoke || rows.can_resend;
    view! {
        <div class="mt-2 overflow-x-auto">
            <table id="invitations" class="w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Email"</th>
                        <th scope="col" class="pr-3">"Roles"</th>
                        <th scope="col" class="pr-3">"Invited by"</th>
                        <th scope="col" class="pr-3">"Created (UTC)"</th>
                        <th scope="col" class="pr-3">"Expires (UTC)"</th>
                        <th scope="col" class="pr-3">"Status"</th>
                        {actions.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|invitation| view! { <Invitation invitation rows=rows.clone() /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Which confirmation a row shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Resend,
    Revoke,
}

/// One invitation's row and, below it, the open confirmation.
#[component]
fn Invitation(invitation: InvitationRow, rows: RowContext) -> impl IntoView {
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let open = RwSignal::new(None::<Confirm>);
    let resend_button = NodeRef::<Button>::new();
    let revoke_button = NodeRef::<Button>::new();
    let reason_ref = NodeRef::<Textarea>::new();

    let RowContext {
        org_id,
        can_revoke,
        can_resend,
        reason_required,
        changes,
        status,
    } = rows;
    let InvitationRow {
        id,
        email,
        roles,
        invited_by,
        created_at,
        expires_at,
        status: state,
        replaced_by,
    } = invitation;

    {
        let email = email.clone();
        Effect::new(move |_| match resend.value().get() {
            Some(Ok(_)) => {
                status.set(Some(format!("Sent a new invitation to {email}.")));
                changes.update(|n| *n += 1);
            }
            Some(Err(_)) => status.set(None),
            None => {}
        });
    }
    {
        let email = email.clone();
        Effect::new(move |_| match revoke.value().get() {
            Some(Ok(())) => {
                status.set(Some(format!("Revoked the invitation of {email}.")));
                changes.update(|n| *n += 1);
            }
            Some(Err(_)) => status.set(None),
            None => {}
        });
    }
    Effect::new(move |_| {
        if let Some(reason) = reason_ref.get() {
            let _ = reason.focus();
        }
    });

    let actionable = matches!(state.as_str(), "pending" | "expired");
    let columns = if can_revoke || can_resend { 7 } else { 6 };
    let panel_id = dom_id("invitation-confirm", &id);
    let toggle = move |which: Confirm| {
        open.update(|o| *o = if *o == Some(which) { None } else { Some(which) })
    };
    let buttons = (can_revoke || can_resend).then(|| {
        let controls = panel_id.clone();
        let resend_btn = (actionable && can_resend).then(|| {
            let controls = controls.clone();
            view! {
                <button type="button" node_ref=resend_button data-action="resend" class=SECONDARY
                    aria-label=format!("Resend the invitation of {email}")
                    aria-expanded=move || (open.get() == Some(Confirm::Resend)).to_string()
                    aria-controls=controls on:click=move |_| toggle(Confirm::Resend)>
                    "Resend"
                </button>
            }
        });
        let revoke_btn = (actionable && can_revoke).then(|| {
            view! {
                <button type="button" node_ref=revoke_button data-action="revoke"
                    aria-label=format!("Revoke the invitation of {email}")
                    aria-expanded=move || (open.get() == Some(Confirm::Revoke)).to_string()
                    aria-controls=controls on:click=move |_| toggle(Confirm::Revoke)
                    class="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950">
                    "Revoke"
                </button>
            }
        });
        view! { <td class="py-2"><div class="flex justify-end gap-2">{resend_btn}{revoke_btn}</div></td> }
    });

    let close = move |_| {
        let button = match open.get_untracked() {
            Some(Confirm::Resend) => resend_button.get(),
            _ => revoke_button.get(),
        };
        open.set(None);
        if let Some(button) = button {
            let _ = button.focus();
        }
    };
    let resend_error = move || resend.value().get().and_then(Result::err);
    let revoke_error = move || revoke.value().get().and_then(Result::err);
    let reason_id = dom_id("invitation-reason", &id);
    let confirmation = {
        let (email, id, org_id) = (email.clone(), id.clone(), org_id.clone());
        move || {
            open.get().map(|which| {
                let (panel_id, email, id, org_id, reason_id) = (
                    panel_id.clone(),
                    email.clone(),
                    id.clone(),
                    org_id.clone(),
                    reason_id.clone(),
                );
                let question_id = format!("{panel_id}-question");
                let question = match which {
                    Confirm::Resend => format!(
                        "Send a new invitation to {email}? The current link stops working."
                    ),
                    Confirm::Revoke => {
                        format!("Revoke the invitation of {email}? Its link stops working at once.")
                    }
                };
                let labelled_by = question_id.clone();
                let form = match which {
                    Confirm::Resend => {
                        let error = Signal::derive(move || {
                            resend_error().and_then(|e| e.for_field("reason"))
                        });
                        view! {
                            <ActionForm action=resend attr:novalidate="" attr:class="max-w-xl space-y-3" attr:aria-labelledby=labelled_by>
                                <p id=question_id class="text-sm font-medium">
                                    {question}
                                </p>
                                <input type="hidden" name="org_id" value=org_id />
                                <input type="hidden" name="id" value=id />
                                <ReasonField id=reason_id required=reason_required node_ref=reason_ref error />
                                {move || general(resend_error(), &["reason"]).map(|error| view! { <ErrorNotice error /> })}
                                <div class="flex gap-2">
                                    <button type="submit" data-action="confirm-resend" class=BUTTON
                                        disabled=move || resend.pending().get()>
                                        "Resend invitation"
                                    </button>
                                    <button type="button" class=SECONDARY on:click=close>"Cancel"</button>
                                </div>
                            </ActionForm>
                        }
                        .into_any()
                    }
                    Confirm::Revoke => {
                        let error = Signal::derive(move || {
                            revoke_error().and_then(|e| e.for_field("reason"))
                        });
                        view! {
                            <ActionForm action=revoke attr:novalidate="" attr:class="max-w-xl space-y-3" attr:aria-labelledby=labelled_by>
                                <p id=question_id class="text-sm font-medium">
                                    {question}
                                </p>
                                <input type="hidden" name="org_id" value=org_id />
                                <input type="hidden" name="id" value=id />
                                <ReasonField id=reason_id required=reason_required node_ref=reason_ref error />
                                {move || general(revoke_error(), &["reason"]).map(|error| view! { <ErrorNotice error /> })}
                                <div class="flex gap-2">
                                    <button type="submit" data-action="confirm-revoke" class=DANGER
                                        disabled=move || revoke.pending().get()>
                                        "Revoke invitation"
                                    </button>
                                    <button type="button" class=SECONDARY on:click=close>"Cancel"</button>
                                </div>
                            </ActionForm>
                        }
                        .into_any()
                    }
                };
                let tone = match which {
                    Confirm::Resend => "border-b border-indigo-100 bg-indigo-50/60 dark:border-indigo-950 dark:bg-indigo-950/30",
                    Confirm::Revoke => "border-b border-red-100 bg-red-50/60 dark:border-red-950 dark:bg-red-950/30",
                };
                view! {
                    <tr id=panel_id data-confirm-for=email class=tone>
                        <td colspan=columns class="p-3">{form}</td>
                    </tr>
                }
            })
        }
    };

    let replaced = replaced_by.map(|new_id| {
        let data = new_id.clone();
        view! {
            <div class="mt-1 text-xs text-slate-500 dark:text-slate-400" data-replaced-by=data>
                "Replaced by " <span class="font-mono">{new_id}</span>
            </div>
        }
    });
    let (data_email, data_id, data_status) = (email.clone(), id.clone(), state.clone());
    view! {
        <tr data-email=data_email data-invitation-id=data_id data-status=data_status
            class="border-b border-slate-100 align-top dark:border-slate-900">
            <td class="py-2 pr-3 font-medium">{email}</td>
            <td class="py-2 pr-3">{if roles.is_empty() { "none".to_owned() } else { roles.join(", ") }}</td>
            <td class="py-2 pr-3">{invited_by}</td>
            <td class="whitespace-nowrap py-2 pr-3">{created_at}</td>
            <td class="whitespace-nowrap py-2 pr-3">{expires_at}</td>
            <td class="py-2 pr-3">
                <span class=format!("status inline-block rounded-full px-2 py-0.5 text-xs font-medium {}", status_class(&state))>
                    {state.clone()}
                </span>
                {replaced}
            </td>
            {buttons}
        </tr>
        {confirmation}
    }
    .into_any()
}

/// The colours of a status badge.
fn status_class(status: &str) -> &'static str {
    match status {
        "pending" => "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
        "accepted" => "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
        "revoked" => "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
        _ => "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_has_its_own_colour() {
        let classes = ["pending", "accepted", "expired", "revoked"].map(status_class);
        for (i, a) in classes.iter().enumerate() {
            for b in &classes[i + 1..] {
                assert_ne!(a, b);
            }
            assert!(a.contains("dark:"));
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn only_pending_and_expired_invitations_offer_resend_and_revoke() {
        use crate::api::OrganizationRow;
        let row = |id: &str, status: &str| InvitationRow {
            id: id.into(),
            email: format!("{id}@example.com"),
            roles: vec!["viewer".into()],
            invited_by: "Sally".into(),
            created_at: "2026-01-01 10:00".into(),
            expires_at: "2026-01-08 10:00".into(),
            status: status.into(),
            replaced_by: (status == "revoked").then(|| "uinv_new".into()),
        };
        let page = InvitationPage {
            tabs: Default::default(),
            organization: OrganizationRow {
                id: "org_1".into(),
                name: "metahexa-bank".into(),
                display_name: None,
            },
            persona: "help desk".into(),
            items: ["pending", "accepted", "expired", "revoked"]
                .into_iter()
                .map(|s| row(&format!("uinv_{s}"), s))
                .collect(),
            grantable: vec![],
            connections: vec![(
                "con_1".into(),
                "corp-sso (enterprise: straight to it)".into(),
            )],
            can_create: true,
            can_revoke: true,
            can_resend: true,
            reason_required: true,
        };
        let html = Owner::new().with(|| {
            let create = ServerAction::<CreateInvitations>::new();
            let (changes, status) = (RwSignal::new(0), RwSignal::new(None));
            view! { <Invitations page create changes status /> }.to_html()
        });
        assert!(html.contains(r#"<table id="invitations""#), "{html}");
        assert_eq!(html.matches(r#"data-action="resend""#).count(), 2, "{html}");
        assert_eq!(html.matches(r#"data-action="revoke""#).count(), 2);
        assert!(html.contains(r#"aria-label="Revoke the invitation of uinv_expired@example.com""#));
        assert!(html.contains(r#"data-status="accepted""#));
        assert!(html.contains(r#"data-replaced-by="uinv_new""#));
        assert!(
            html.contains(r#"name="ttl_days" type="number" min="1" max="30""#),
            "{html}"
        );
        assert!(html.contains(r#"value="7""#));
        // The organization's connections; none chosen means its login page.
        assert!(
            html.contains(
                r#"<option value="" selected>Any: the login page of the organization</option>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<option value="con_1">corp-sso (enterprise: straight to it)</option>"#
            ),
            "{html}"
        );
    }
}
