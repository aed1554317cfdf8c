//! The page for an address the console does not have.

use leptos::prelude::*;
use leptos_meta::Title;

/// Answers 404 with a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Not found · Orgdesk" />
        <h1 class="text-2xl font-bold">"This page does not exist"</h1>
        <p class="mt-2">
            <a href="/" class="text-indigo-600 underline hover:text-indigo-800 dark:text-indigo-400">
                "Back to the console"
            </a>
        </p>
    }
}
