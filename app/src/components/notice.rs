//! How errors and confirmations look.

use leptos::prelude::*;

use crate::api::AppError;

/// An error for the person: what happened and, where it helps, what to do.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <div role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
            {error.to_string()}
            {sign_in.then(|| view! { " " <a href="/auth/login" rel="external" class="underline">"Sign in"</a> })}
        </div>
    }
}

/// A short confirmation, read out by screen readers.
#[component]
pub fn Confirmation(text: &'static str) -> impl IntoView {
    view! {
        <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{text}</p>
    }
}

/// The error under a form field, tied to it with `aria-describedby`.
#[component]
pub fn FieldError(id: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p id=id class="mt-1 text-sm text-red-700 dark:text-red-400">{m}</p> })
}

/// Shared class of text inputs.
pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900";
/// Shared class of primary buttons.
pub const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2";
/// Shared class of dangerous buttons.
pub const DANGER: &str = "rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2";
