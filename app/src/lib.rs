//! The Orgdesk console: Leptos pages and components, rendered on the server and
//! hydrated in the browser.
//!
//! Server-only code lives in the one gated module [`ssr`]; browser-only code in
//! [`client`]. Everything else compiles for both sides.

pub mod components;
pub mod pages;
pub mod theme;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

use crate::components::layout::Layout;
use crate::pages::{home::HomePage, not_found::NotFound};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The console's root component: routes inside the common layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="orgdesk-css" href="/pkg/orgdesk.css" />
        <Title text="Orgdesk" />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                </Routes>
            </Layout>
        </Router>
    }
}
