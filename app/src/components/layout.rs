//! The frame around every page: header, theme and main content.

use leptos::prelude::*;

use crate::CurrentUser;
use crate::components::{
    org_switcher::OrgSwitcher, theme_toggle::ThemeToggle, user_menu::UserMenu,
};
use crate::theme::Theme;

const NAV_LINK: &str = "text-sm hover:text-indigo-600 dark:hover:text-indigo-400";

/// The common page frame. Once the browser has hydrated it, the root carries
/// `data-hydrated` (effects run only in the browser), which end2end tests wait for.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let theme = RwSignal::new(Theme::current());
    let hydrated = RwSignal::new(false);
    let me = expect_context::<CurrentUser>();
    let may = move |what: fn(&crate::api::Me) -> bool| matches!(me.0.get(), Some(Ok(Some(me))) if what(&me));
    Effect::new(move |_| hydrated.set(true));

    let root_class = move || {
        let mode = match theme.get() {
            Theme::Dark => "dark",
            Theme::Light => "",
        };
        format!(
            "{mode} min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100"
        )
    };

    view! {
        <div id="orgdesk" class=root_class data-hydrated=move || hydrated.get().then_some("true")>
            <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
                <div class="mx-auto flex max-w-6xl items-center justify-between px-4 py-3 md:px-8">
                    <nav aria-label="Main" class="flex items-center gap-6">
                        <a href="/" class="text-lg font-semibold tracking-tight hover:text-indigo-600 dark:hover:text-indigo-400">
                            "Orgdesk"
                        </a>
                        <a href="/organizations" class=NAV_LINK>"Organizations"</a>
                        <Suspense fallback=|| ()>
                            {move || may(|me| me.can_look_up_people).then(|| view! {
                                <a href="/people" class=NAV_LINK>"People"</a>
                            })}
                            {move || may(|me| me.can_manage_connections).then(|| view! {
                                <a href="/connections" id="nav-connections" class=NAV_LINK>"Connections"</a>
                            })}
                            {move || may(|me| me.can_read_audit_log).then(|| view! {
                                <a href="/audit" class=NAV_LINK>"Audit log"</a>
                            })}
                        </Suspense>
                    </nav>
                    <div class="flex items-center gap-4">
                        <OrgSwitcher />
                        <UserMenu />
                        <ThemeToggle theme />
                    </div>
                </div>
            </header>
            <main id="main" class="mx-auto max-w-6xl px-4 py-8 md:px-8">{children()}</main>
        </div>
    }
}
