//! The few plain pages sign-in shows when it cannot go on. They say what
//! happened and how to start again; internals stay in the logs.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Orgdesk</title>\
         <link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head>\
         <body class=\"bg-slate-50 text-slate-900\"><main class=\"mx-auto max-w-lg p-8\">\
         <h1 class=\"text-2xl font-bold\">{title}</h1><p class=\"mt-2\" role=\"alert\">{text}</p>\
         <p class=\"mt-4\"><a class=\"text-indigo-600 underline\" href=\"/auth/login\">Sign in again</a></p>\
         </main></body></html>",
        title = escape(title),
        text = escape(text)
    );
    (status, Html(html)).into_response()
}

pub fn expired() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Sign-in expired",
        "This sign-in was started in another browser or too long ago.",
    )
}

pub fn refused(error: &str, description: &str) -> Response {
    tracing::info!(%error, %description, "the identity provider refused a sign-in");
    let text = match error {
        "access_denied" => {
            "The identity provider did not let you in. If you belong to an organization, sign in through it."
        }
        _ => "The identity provider stopped the sign-in.",
    };
    page(StatusCode::FORBIDDEN, "Sign-in refused", text)
}

pub fn unavailable(cause: &str) -> Response {
    tracing::warn!(%cause, "sign-in could not finish");
    page(
        StatusCode::BAD_GATEWAY,
        "Sign-in unavailable",
        "Signing in is not possible right now. Try again in a moment.",
    )
}

/// A refusal of the console's own, with its fixed explanation.
pub fn refused_because(text: &str) -> Response {
    page(StatusCode::FORBIDDEN, "Sign-in refused", text)
}
