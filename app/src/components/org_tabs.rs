//! The tab bar of an organization's pages: Overview · Members · Invitations ·
//! Connections · Branding · Audit log, each shown only to those who may open it.

use leptos::prelude::*;

use crate::api::{OrganizationTabs, OrganizationView};

/// The organization pages a tab bar can point to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Members,
    Invitations,
    Connections,
    Branding,
    Audit,
}

/// Which of the optional tabs the caller may open (Overview always shows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TabFlags {
    pub members: bool,
    pub invitations: bool,
    pub connections: bool,
    pub branding: bool,
    pub audit: bool,
}

impl TabFlags {
    pub fn of(org: &OrganizationView) -> Self {
        TabFlags {
            members: org.can_read_members,
            invitations: org.can_read_invitations,
            connections: org.can_read_connections,
            branding: org.can_read_branding,
            audit: org.can_read_audit_log,
        }
    }

    /// For the sub-pages, from the server's answer.
    pub fn from_server(tabs: OrganizationTabs) -> Self {
        TabFlags {
            members: tabs.members,
            invitations: tabs.invitations,
            connections: tabs.connections,
            branding: tabs.branding,
            audit: tabs.audit_log,
        }
    }

    fn tabs(self) -> impl Iterator<Item = Tab> {
        [
            (Tab::Overview, true),
            (Tab::Members, self.members),
            (Tab::Invitations, self.invitations),
            (Tab::Connections, self.connections),
            (Tab::Branding, self.branding),
            (Tab::Audit, self.audit),
        ]
        .into_iter()
        .filter_map(|(tab, shown)| shown.then_some(tab))
    }
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Members => "Members",
            Tab::Invitations => "Invitations",
            Tab::Connections => "Connections",
            Tab::Branding => "Branding",
            Tab::Audit => "Audit log",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Members => "members",
            Tab::Invitations => "invitations",
            Tab::Connections => "connections",
            Tab::Branding => "branding",
            Tab::Audit => "audit",
        }
    }

    /// The tab's address for organization `org_id`.
    pub fn href(self, org_id: &str) -> String {
        match self {
            Tab::Overview => format!("/organizations/{org_id}"),
            other => format!("/organizations/{org_id}/{}", other.slug()),
        }
    }
}

/// Links to the organization's pages; the current one is marked with
/// `aria-current="page"`. Ids: `org-tabs` and `tab-{overview|members|invitations|connections|branding|audit}`.
#[component]
pub fn OrgTabs(#[prop(into)] org_id: String, flags: TabFlags, current: Tab) -> impl IntoView {
    view! {
        <nav aria-label="Organization" id="org-tabs" class="mt-4 border-b border-slate-200 dark:border-slate-800">
            <ul class="-mb-px flex gap-6 text-sm">
                {flags.tabs().map(|tab| {
                    let active = tab == current;
                    let class = if active {
                        "inline-block border-b-2 border-indigo-600 pb-2 font-semibold text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                    } else {
                        "inline-block border-b-2 border-transparent pb-2 text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
                    };
                    view! {
                        <li>
                            <a id=format!("tab-{}", tab.slug()) href=tab.href(&org_id) class=class
                                aria-current=active.then_some("page")>
                                {tab.label()}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_always_shows_and_the_rest_follow_the_flags() {
        let only = |f: TabFlags| f.tabs().collect::<Vec<_>>();
        assert_eq!(only(TabFlags::default()), [Tab::Overview]);
        assert_eq!(
            only(TabFlags {
                members: true,
                invitations: false,
                connections: true,
                branding: false,
                audit: true
            }),
            [Tab::Overview, Tab::Members, Tab::Connections, Tab::Audit]
        );
        assert_eq!(
            TabFlags::from_server(OrganizationTabs {
                members: true,
                invitations: false,
                audit_log: true,
                connections: false,
                branding: true,
            }),
            TabFlags {
                members: true,
                invitations: false,
                connections: false,
                branding: true,
                audit: true
            }
        );
    }

    #[test]
    fn tabs_link_under_the_organization() {
        assert_eq!(Tab::Overview.href("org_1"), "/organizations/org_1");
        assert_eq!(Tab::Audit.href("org_1"), "/organizations/org_1/audit");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;

    #[test]
    fn the_current_tab_is_marked_and_hidden_tabs_are_absent() {
        let flags = TabFlags {
            members: true,
            invitations: false,
            connections: false,
            branding: false,
            audit: true,
        };
        let html = Owner::new()
            .with(|| view! { <OrgTabs org_id="org_1" flags current=Tab::Members /> }.to_html());
        assert!(
            html.contains(r#"id="tab-members" href="/organizations/org_1/members""#),
            "{html}"
        );
        assert!(html.contains(r#"aria-current="page""#));
        assert_eq!(html.matches("aria-current").count(), 1);
        assert!(!html.contains("tab-invitations"));
    }
}
