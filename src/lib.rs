//! The WASM entry of the Orgdesk console: it hydrates the pages the server rendered.
//! Everything else lives in the `orgdesk-app` crate.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(orgdesk_app::App);
}
