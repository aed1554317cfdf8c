//! An organization's members: search by email or name, filter by role, page
//! by email (a plain GET form, so it works without JavaScript); add people,
//! give and take roles, remove a member with a reason where one is required.
//! After every successful change the list is read again.

use leptos::{
    html::{Button, Form, Textarea},
    prelude::*,
};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AddMembers, AssignMemberRole, MemberPage, MemberRow, RemoveMember, RoleOption,
        UnassignMemberRole, list_members,
    },
    components::{
        notice::{
            BUTTON, Confirmation, DANGER, ErrorNotice, FieldError, INPUT, LINK, SECONDARY, general,
        },
        org_tabs::{OrgTabs, Tab, TabFlags},
        reason::ReasonField,
        role_choice::RoleChoice,
    },
    links::{count, dom_id, join_roles, org_label, with_query},
};

/// What every row needs from the page.
#[derive(Clone)]
struct RowContext {
    org_id: String,
    org_name: String,
    grantable: Vec<RoleOption>,
    can_change_roles: bool,
    can_remove: bool,
    reason_required: bool,
    /// Bumped after each successful change: the list is read again.
    changes: RwSignal<usize>,
    /// What the last successful change did.
    status: RwSignal<Option<String>>,
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let q = move || query.read().get("q").unwrap_or_default();
    let role = move || query.read().get("role").unwrap_or_default();
    let after = move || query.read().get("after").filter(|a| !a.is_empty());

    let add = ServerAction::<AddMembers>::new();
    let changes = RwSignal::new(0usize);
    let status = RwSignal::new(None::<String>);
    // Only successes refetch: after a failure the forms keep what was typed.
    Effect::new(move |_| match add.value().get() {
        Some(Ok(added)) => {
            status.set(Some(format!(
                "Added {}.",
                count(added.len(), "person", "people")
            )));
            changes.update(|n| *n += 1);
        }
        Some(Err(_)) => status.set(None),
        None => {}
    });
    let page = Resource::new(
        move || (id(), q(), role(), after(), changes.get()),
        |(id, q, role, after, _)| list_members(id, q, role, after),
    );

    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <Members page q=q() role=role() add changes status /> }.into_any(),
                Err(error) => view! { <Title text="Members · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Members(
    page: MemberPage,
    q: String,
    role: String,
    add: ServerAction<AddMembers>,
    changes: RwSignal<usize>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let org = page.organization.clone();
    let name = org_label(&org);
    let path = format!("/organizations/{}/members", org.id);
    let synced = match &page.synced_at {
        Some(at) => format!("Last synced with the identity provider {at} UTC."),
        None => "Not yet synced in full with the identity provider.".to_owned(),
    };
    let next = page.next.clone().map(|after| {
        let href = with_query(&path, &[("q", &q), ("role", &role), ("after", &after)]);
        view! { <a id="members-next" href=href rel="next" class=LINK>"Next page →"</a> }
    });
    let filtered = !q.is_empty() || !role.is_empty();
    let rows = RowContext {
        org_id: org.id.clone(),
        org_name: name.clone(),
        grantable: page.grantable.clone(),
        can_change_roles: page.can_change_roles,
        can_remove: page.can_remove,
        reason_required: page.reason_required,
        changes,
        status,
    };
    let add_form = page.can_add.then(|| {
        let staff = page.persona == "staff";
        view! { <AddPeople org_id=org.id.clone() grantable=page.grantable.clone() staff add /> }
    });

    view! {
        <Title text=format!("Members · {name} · Orgdesk") />
        <h1 class="text-2xl font-bold">{name.clone()}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::from_server(page.tabs) current=Tab::Members />
        <div class="mt-6 flex flex-wrap items-baseline justify-between gap-2">
            <h2 class="text-lg font-semibold">"Members"</h2>
            <p id="members-synced" class="text-xs text-slate-500 dark:text-slate-400">{synced}</p>
        </div>
        <form id="member-search" method="get" action=path.clone() role="search" aria-label="Members"
            class="mt-4 flex flex-wrap items-end gap-3">
            <div class="min-w-64 flex-1">
                <label for="member-q" class="block text-sm font-medium">"Email or name"</label>
                <input id="member-q" name="q" type="search" class=INPUT value=q.clone() />
            </div>
            <div>
                <label for="member-role" class="block text-sm font-medium">"Role"</label>
                <select id="member-role" name="role" class=INPUT>
                    <option value="" selected=role.is_empty()>"Any role"</option>
                    {page.roles.iter().map(|r| view! {
                        <option value=r.name.clone() selected=r.name == role>{r.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class=BUTTON>"Search"</button>
            {filtered.then(|| view! { <a href=path.clone() class=format!("{LINK} py-2 text-sm")>"Clear"</a> })}
        </form>
        <div id="members-status" class="mt-4 min-h-6">
            {move || status.get().map(|text| view! { <Confirmation text /> })}
        </div>
        {if page.items.is_empty() {
            let text = if filtered { "No member matches." } else { "This organization has no members yet." };
            view! { <p id="members-empty" class="mt-4 text-slate-600 dark:text-slate-400">{text}</p> }.into_any()
        } else {
            view! { <MemberTable items=page.items rows /> }.into_any()
        }}
        <div class="mt-4">{next}</div>
        {add_form}
    }
    .into_any()
}

#[component]
fn MemberTable(items: Vec<MemberRow>, rows: RowContext) -> impl IntoView {
    let actions = rows.can_remove;
    view! {
        <div class="mt-2 overflow-x-auto">
            <table id="members" class="w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-slate-600 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Email"</th>
                        <th scope="col" class="pr-3">"Name"</th>
                        <th scope="col" class="pr-3">"Roles"</th>
                        {actions.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|member| view! { <Member member rows=rows.clone() /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// One member's row, and below it, once "Remove" is pressed, the confirmation.
#[component]
fn Member(member: MemberRow, rows: RowContext) -> impl IntoView {
    let remove = ServerAction::<RemoveMember>::new();
    let assign = ServerAction::<AssignMemberRole>::new();
    let unassign = ServerAction::<UnassignMemberRole>::new();
    let confirming = RwSignal::new(false);
    let remove_button = NodeRef::<Button>::new();
    let reason_ref = NodeRef::<Textarea>::new();

    let RowContext {
        org_id,
        org_name,
        grantable,
        can_change_roles,
        can_remove,
        reason_required,
        changes,
        status,
    } = rows;
    let MemberRow {
        user_id,
        email,
        name,
        roles,
    } = member;
    // Someone an enterprise connection does not vouch for has no address:
    // the row, its labels and its messages name them so.
    let email = if email.is_empty() {
        "(no email address)".to_owned()
    } else {
        email
    };

    {
        let email = email.clone();
        let org_name = org_name.clone();
        Effect::new(move |_| match remove.value().get() {
            Some(Ok(())) => {
                status.set(Some(format!("Removed {email} from {org_name}.")));
                changes.update(|n| *n += 1);
            }
            Some(Err(_)) => status.set(None),
            None => {}
        });
    }
    for action in [assign.value(), unassign.value()] {
        Effect::new(move |_| match action.get() {
            Some(Ok(row)) => {
                status.set(Some(role_summary(&row)));
                changes.update(|n| *n += 1);
            }
            Some(Err(_)) => status.set(None),
            None => {}
        });
    }
    // Opening the confirmation moves focus to its reason.
    Effect::new(move |_| {
        if let Some(reason) = reason_ref.get() {
            let _ = reason.focus();
        }
    });

    let role_error = move || {
        [assign.value().get(), unassign.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    };
    let remove_error = move || remove.value().get().and_then(Result::err);

    let row_id = dom_id("member", &user_id);
    let panel_id = dom_id("remove-member", &user_id);
    let columns = if can_remove { 4 } else { 3 };

    let chips = roles
        .iter()
        .map(|role| {
            let takeable = can_change_roles
                .then(|| grantable.iter().find(|g| &g.name == role))
                .flatten()
                .map(|g| {
                    view! {
                        <UnassignButton action=unassign org_id=org_id.clone() user_id=user_id.clone()
                            role_id=g.id.clone() label=format!("Remove role {role} from {email}") />
                    }
                });
            view! {
                <li data-role=role.clone()
                    class="inline-flex items-center rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
                    {role.clone()}
                    {takeable}
                </li>
            }
        })
        .collect_view();

    let assignable: Vec<RoleOption> = grantable
        .iter()
        .filter(|g| !roles.contains(&g.name))
        .cloned()
        .collect();
    let assign_form = (can_change_roles && !assignable.is_empty()).then(|| {
        view! {
            <AssignForm action=assign org_id=org_id.clone() user_id=user_id.clone()
                email=email.clone() roles=assignable />
        }
    });

    let remove_cell = can_remove.then(|| {
        view! {
            <td class="py-2 text-right">
                <button type="button" node_ref=remove_button data-action="remove"
                    aria-label=format!("Remove {email}")
                    aria-expanded=move || confirming.get().to_string()
                    aria-controls=panel_id.clone()
                    on:click=move |_| confirming.update(|open| *open = !*open)
                    class="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950">
                    "Remove"
                </button>
            </td>
        }
    });

    let question = format!("Remove {email} from {org_name}? They lose access at once.");
    let question_id = format!("{panel_id}-question");
    let reason_id = dom_id("remove-reason", &user_id);
    let cancel = move |_| {
        confirming.set(false);
        if let Some(button) = remove_button.get() {
            let _ = button.focus();
        }
    };
    let confirmation = {
        let (email, user_id, org_id) = (email.clone(), user_id.clone(), org_id.clone());
        move || {
            confirming.get().then(|| {
                let (panel_id, email, user_id, org_id) =
                    (panel_id.clone(), email.clone(), user_id.clone(), org_id.clone());
                let (question, question_id, labelled_by, reason_id) = (
                    question.clone(),
                    question_id.clone(),
                    question_id.clone(),
                    reason_id.clone(),
                );
                let reason_error =
                    Signal::derive(move || remove_error().and_then(|e| e.for_field("reason")));
                view! {
                    <tr id=panel_id data-confirm-for=email
                        class="border-b border-red-100 bg-red-50/60 dark:border-red-950 dark:bg-red-950/30">
                        <td colspan=columns class="p-3">
                            <ActionForm action=remove attr:novalidate="" attr:class="max-w-xl space-y-3"
                                attr:aria-labelledby=labelled_by>
                                <p id=question_id class="text-sm font-medium">{question}</p>
                                <input type="hidden" name="org_id" value=org_id />
                                <input type="hidden" name="user_id" value=user_id />
                                <ReasonField id=reason_id required=reason_required node_ref=reason_ref
                                    error=reason_error />
                                {move || general(remove_error(), &["reason"]).map(|error| view! { <ErrorNotice error /> })}
                                <div class="flex gap-2">
                                    <button type="submit" data-action="confirm-remove" class=DANGER
                                        disabled=move || remove.pending().get()>
                                        "Remove member"
                                    </button>
                                    <button type="button" class=SECONDARY on:click=cancel>"Cancel"</button>
                                </div>
                            </ActionForm>
                        </td>
                    </tr>
                }
            })
        }
    };

    let (data_email, data_user_id) = (email.clone(), user_id.clone());
    view! {
        <tr id=row_id data-email=data_email data-user-id=data_user_id
            class="border-b border-slate-100 align-top dark:border-slate-900">
            <td class="py-2 pr-3 font-medium">{email}</td>
            <td class="py-2 pr-3">{name}</td>
            <td class="py-2 pr-3">
                <ul class="flex flex-wrap gap-1" aria-label="Roles">{chips}</ul>
                {assign_form}
                {move || role_error().map(|error| view! { <div class="mt-2"><ErrorNotice error /></div> })}
            </td>
            {remove_cell}
        </tr>
        {confirmation}
    }
    .into_any()
}

/// The "×" on a role chip: takes the role from the member.
#[component]
fn UnassignButton(
    action: ServerAction<UnassignMemberRole>,
    org_id: String,
    user_id: String,
    role_id: String,
    label: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="org_id" value=org_id />
            <input type="hidden" name="user_id" value=user_id />
            <input type="hidden" name="role_id" value=role_id />
            <button type="submit" data-action="unassign" aria-label=label title="Remove role"
                class="ml-1 rounded px-1 leading-none text-slate-500 hover:bg-slate-200 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-700 dark:hover:text-slate-100">
                "×"
            </button>
        </ActionForm>
    }
}

/// A select of the roles the member does not hold, and "Assign".
#[component]
fn AssignForm(
    action: ServerAction<AssignMemberRole>,
    org_id: String,
    user_id: String,
    email: String,
    roles: Vec<RoleOption>,
) -> impl IntoView {
    let select_id = dom_id("assign-role", &user_id);
    let label_for = select_id.clone();
    view! {
        <ActionForm action attr:class="mt-2 flex items-center gap-2">
            <input type="hidden" name="org_id" value=org_id />
            <input type="hidden" name="user_id" value=user_id />
            <label for=label_for class="sr-only">{format!("Role to give {email}")}</label>
            <select id=select_id name="role_id"
                class="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs dark:border-slate-700 dark:bg-slate-900">
                {roles.into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
            </select>
            <button type="submit" data-action="assign" class=SECONDARY>"Assign"</button>
        </ActionForm>
    }
}

/// The form for adding people who already have an account: anyone, for
/// staff; for a customer admin, only people at the email domains of the
/// organization's own enterprise connections (everyone else is invited).
#[component]
fn AddPeople(
    org_id: String,
    grantable: Vec<RoleOption>,
    staff: bool,
    add: ServerAction<AddMembers>,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<String>::new());
    let offered = grantable.clone();
    // After a success the form starts afresh (the refetched page reuses its elements).
    let form = NodeRef::<Form>::new();
    Effect::watch(
        move || add.version().get(),
        move |_, _, _| {
            if matches!(add.value().get_untracked(), Some(Ok(_))) {
                chosen.set(Vec::new());
                if let Some(form) = form.get_untracked() {
                    form.reset();
                }
            }
        },
        false,
    );
    let roles_value = move || join_roles(&offered, &chosen.read());
    let error = move || add.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let invitations = format!("/organizations/{org_id}/invitations");
    let invite_link = invitations.clone();
    view! {
        <section aria-labelledby="add-people-title" class="mt-10 max-w-xl">
            <h2 id="add-people-title" class="text-lg font-semibold">"Add people"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {if staff {
                    "For people who already have an account. To bring in someone new, "
                } else {
                    "For people at your organization's own email domains (those of its \
                     single sign-on connection) who already have an account. Anyone else: "
                }}
                <a href=invitations class=LINK>"send an invitation"</a> "."
            </p>
            <ActionForm action=add node_ref=form attr:novalidate="" attr:id="add-members" attr:class="mt-4 space-y-5">
                <input type="hidden" name="org_id" value=org_id />
                <div>
                    <label for="add-emails" class="block text-sm font-medium">"Emails"</label>
                    <textarea id="add-emails" name="emails" rows="3" required class=INPUT
                        aria-describedby="add-emails-help add-emails-error"
                        placeholder="pat@example.com, sam@example.com"></textarea>
                    <p id="add-emails-help" class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                        "One or more, separated by commas, spaces or new lines."
                    </p>
                    {move || view! { <FieldError id="add-emails-error" message=field("emails")() /> }}
                    {move || (!staff && field("emails")().is_some()).then(|| view! {
                        <p class="mt-1 text-sm">
                            <a href=invite_link.clone() class=LINK>"Invite them instead"</a>
                            ": they join when they accept."
                        </p>
                    })}
                </div>
                <RoleChoice prefix="add-role" grantable chosen error=Signal::derive(field("roles")) />
                <input type="hidden" name="roles" value=roles_value />
                {move || general(error(), &["emails", "roles"]).map(|error| view! { <ErrorNotice error /> })}
                <button type="submit" class=BUTTON disabled=move || add.pending().get()>"Add people"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// "pat@example.com now has: admin, viewer." after a role change.
fn role_summary(row: &MemberRow) -> String {
    if row.roles.is_empty() {
        format!("{} now has no role.", row.email)
    } else {
        format!("{} now has: {}.", row.email, row.roles.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_summaries_name_the_member() {
        let mut row = MemberRow {
            user_id: "auth0|1".into(),
            email: "pat@example.com".into(),
            name: "Pat".into(),
            roles: vec!["admin".into(), "viewer".into()],
        };
        assert_eq!(
            role_summary(&row),
            "pat@example.com now has: admin, viewer."
        );
        row.roles.clear();
        assert_eq!(role_summary(&row), "pat@example.com now has no role.");
    }

    #[cfg(feature = "ssr")]
    fn page(can: bool, reason_required: bool) -> MemberPage {
        use crate::api::OrganizationRow;
        let role = |id: &str, name: &str| RoleOption {
            id: id.into(),
            name: name.into(),
        };
        MemberPage {
            tabs: Default::default(),
            organization: OrganizationRow {
                id: "org_1".into(),
                name: "metahexa-bank".into(),
                display_name: Some("Metahexa Bank".into()),
            },
            persona: "customer admin".into(),
            items: vec![MemberRow {
                user_id: "auth0|pat".into(),
                email: "pat@metahexa.example".into(),
                name: "Pat".into(),
                roles: vec!["admin".into()],
            }],
            next: Some("pat@metahexa.example".into()),
            roles: vec![role("rol_a", "admin"), role("rol_v", "viewer")],
            grantable: vec![role("rol_a", "admin"), role("rol_v", "viewer")],
            can_add: can,
            can_remove: can,
            can_change_roles: can,
            reason_required,
            synced_at: None,
        }
    }

    #[cfg(feature = "ssr")]
    fn render(page: MemberPage, q: &str, role: &str) -> String {
        Owner::new().with(|| {
            let add = ServerAction::<AddMembers>::new();
            let (changes, status) = (RwSignal::new(0), RwSignal::new(None));
            view! { <Members page q=q.to_owned() role=role.to_owned() add changes status /> }
                .to_html()
        })
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn rows_offer_what_the_caller_may_do() {
        let html = render(page(true, false), "pat", "admin");
        assert!(html.contains(r#"<table id="members""#), "{html}");
        assert!(html.contains(r#"data-email="pat@metahexa.example""#));
        assert!(html.contains(r#"aria-label="Remove role admin from pat@metahexa.example""#));
        // Only the role not held is offered.
        assert!(
            html.contains(r#"<option value="rol_v">viewer</option>"#),
            "{html}"
        );
        assert!(!html.contains(r#"<option value="rol_a">"#));
        assert!(html.contains(r#"data-action="remove""#));
        assert!(html.contains(r#"id="add-members""#));
        // A customer admin is told plainly whom they may add, and to invite the rest.
        assert!(
            html.contains("your organization&#x27;s own email domains")
                || html.contains("your organization's own email domains"),
            "{html}"
        );
        assert!(html.contains(
            r#"href="/organizations/org_1/members?q=pat&amp;role=admin&amp;after=pat%40metahexa.example""#
        ), "{html}");
        // The filter keeps its choice.
        assert!(html.contains(r#"<option value="admin" selected"#), "{html}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn readers_see_the_list_only() {
        let html = render(page(false, true), "", "");
        assert!(html.contains(r#"data-email="pat@metahexa.example""#));
        for hook in ["data-action", "add-members", "assign-role"] {
            assert!(!html.contains(hook), "{hook} in {html}");
        }
    }
}
