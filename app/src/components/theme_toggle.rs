//! A button that switches between the light and the dark theme.

use leptos::prelude::*;

use crate::theme::Theme;

/// Switches the theme and remembers the choice. Screen readers hear it as a
/// toggle button (`aria-pressed`) named "Dark theme".
#[component]
pub fn ThemeToggle(theme: RwSignal<Theme>) -> impl IntoView {
    let toggle = move |_| {
        let next = theme.get_untracked().toggled();
        theme.set(next);
        next.remember();
    };
    let pressed = move || (theme.get() == Theme::Dark).to_string();

    view! {
        <button
            type="button"
            id="theme-toggle"
            aria-pressed=pressed
            on:click=toggle
            class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
        >
            "Dark theme"
        </button>
    }
}
