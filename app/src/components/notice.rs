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
pub fn Confirmation(#[prop(into)] text: String) -> impl IntoView {
    view! {
        <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{text}</p>
    }
}

/// The error under a form field, tied to it with `aria-describedby`.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p id=id class="mt-1 text-sm text-red-700 dark:text-red-400">{m}</p> })
}

/// An error not shown beside one of `fields`: the form shows it as a notice.
pub fn general(error: Option<AppError>, fields: &[&str]) -> Option<AppError> {
    error.filter(|e| fields.iter().all(|f| e.for_field(f).is_none()))
}

/// Shared class of text inputs.
pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900";
/// Shared class of primary buttons.
pub const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2";
/// Shared class of dangerous buttons.
pub const DANGER: &str = "rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2";
/// Shared class of secondary (outlined) buttons.
pub const SECONDARY: &str = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800";
/// Shared class of links in text.
pub const LINK: &str = "text-indigo-600 hover:underline dark:text-indigo-400";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_stay_beside_their_fields() {
        let field = |f: &str| AppError::Invalid {
            field: Some(f.into()),
            message: "bad".into(),
        };
        assert_eq!(general(Some(field("reason")), &["reason"]), None);
        assert_eq!(
            general(Some(field("member")), &["reason"]),
            Some(field("member"))
        );
        assert_eq!(
            general(Some(AppError::Forbidden), &["emails", "roles"]),
            Some(AppError::Forbidden)
        );
        assert_eq!(general(None, &["reason"]), None);
    }
}
