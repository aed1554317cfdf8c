//! Browser-only parts of the app.

use wasm_bindgen::JsCast;

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

/// The document's cookies, as a `Cookie` header would carry them.
pub(crate) fn cookie_header() -> String {
    html_document()
        .and_then(|doc| doc.cookie().ok())
        .unwrap_or_default()
}

/// Stores a cookie for a year, for the whole site.
pub(crate) fn set_cookie(name: &str, value: &str) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&format!(
            "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
}
