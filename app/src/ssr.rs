//! Server-only parts of the app: what the axum server needs from it, and what
//! pages need from the request while they render on the server.

use leptos::prelude::*;
use leptos_axum::AxumRouteListing;

use crate::App;

/// Every route of the console, for the server's router.
pub fn routes() -> Vec<AxumRouteListing> {
    leptos_axum::generate_route_list(App)
}

/// The `Cookie` header of the request being rendered.
pub(crate) fn cookie_header() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// Marks the response being rendered with a status, such as 404 for a page that does not exist.
pub(crate) fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
