//! The organization switcher in the header, for people who belong to
//! several organizations. Acting in another organization takes a new
//! sign-in for it, so each choice is a plain link to the sign-in.

use leptos::prelude::*;

use crate::{
    CurrentUser,
    api::Me,
    links::{org_label, switch_url},
};

/// Nothing for staff and the help desk (no organization of their own); the
/// organization's name when there is one; otherwise a disclosure (works
/// without JavaScript) listing the others as "Switch to …" links.
/// Id `org-switcher`; the current organization carries `data-org-id`.
#[component]
pub fn OrgSwitcher() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    view! {
        <Suspense fallback=|| ()>
            {move || me.0.get().and_then(Result::ok).flatten().map(|me| view! { <Switcher me /> })}
        </Suspense>
    }
}

#[component]
fn Switcher(me: Me) -> impl IntoView {
    let current_id = me.organization.as_ref().map(|o| o.id.clone());
    let current_label = me
        .organization
        .as_ref()
        .map(org_label)
        .unwrap_or_else(|| "Choose an organization".to_owned());
    let others: Vec<_> = me
        .organizations
        .iter()
        .filter(|o| Some(&o.id) != current_id.as_ref())
        .cloned()
        .collect();
    if me.organizations.is_empty() && me.organization.is_none() {
        return ().into_any();
    }
    if others.is_empty() {
        return view! {
            <span id="org-switcher" data-org-id=current_id class="text-sm font-medium">{current_label}</span>
        }
        .into_any();
    }
    view! {
        <details id="org-switcher" data-org-id=current_id class="relative text-sm">
            <summary class="cursor-pointer list-none rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800">
                <span class="sr-only">"Organization: "</span>
                {current_label}
                <span aria-hidden="true" class="ml-1 text-slate-500">"▾"</span>
            </summary>
            <ul aria-label="Switch organization"
                class="absolute right-0 z-10 mt-1 min-w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                {others.into_iter().map(|org| view! {
                    <li>
                        <a rel="external" href=switch_url(&org.id) data-org-id=org.id.clone()
                            class="block px-3 py-2 hover:bg-slate-100 dark:hover:bg-slate-800">
                            "Switch to " {org_label(&org)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::api::OrganizationRow;

    fn org(id: &str, name: &str) -> OrganizationRow {
        OrganizationRow {
            id: id.into(),
            name: name.into(),
            display_name: None,
        }
    }

    fn me(current: Option<OrganizationRow>, all: Vec<OrganizationRow>) -> Me {
        Me {
            name: "Sumana".into(),
            email: "sumana@adventurez.example".into(),
            persona: "customer admin".into(),
            can_create_organizations: false,
            can_read_audit_log: false,
            can_manage_connections: false,
            can_look_up_people: false,
            organization: current,
            organizations: all,
            request_token: String::new(),
        }
    }

    fn render(me: Me) -> String {
        Owner::new().with(|| view! { <Switcher me /> }.to_html())
    }

    #[test]
    fn staff_get_no_switcher() {
        assert!(!render(me(None, vec![])).contains("org-switcher"));
    }

    #[test]
    fn one_organization_is_just_its_name() {
        let html = render(me(Some(org("org_a", "alpha")), vec![org("org_a", "alpha")]));
        assert!(html.contains(r#"id="org-switcher""#), "{html}");
        assert!(html.contains("alpha"));
        assert!(!html.contains("/auth/login"));
    }

    #[test]
    fn several_organizations_link_to_a_new_sign_in_for_the_others() {
        let html = render(me(
            Some(org("org_a", "alpha")),
            vec![org("org_a", "alpha"), org("org_b", "beta")],
        ));
        assert!(html.contains(r#"<details id="org-switcher""#), "{html}");
        assert!(
            html.contains(
                r#"href="/auth/login?organization=org_b&amp;return_to=/organizations/org_b""#
            ),
            "{html}"
        );
        assert!(html.contains(r#"rel="external""#));
        assert!(!html.contains("organization=org_a"));
    }
}
