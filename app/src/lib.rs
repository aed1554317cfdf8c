//! The Orgdesk console: Leptos pages and components, rendered on the server and
//! hydrated in the browser.
//!
//! Server-only code lives in the one gated module [`ssr`]; browser-only code in
//! [`client`]. Everything else compiles for both sides.

pub mod api;
pub mod components;
pub mod links;
pub mod pages;
pub mod theme;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::api::{AppError, Me, current_user};
use crate::components::layout::Layout;
use crate::pages::{
    audit::AuditPage, connection::ConnectionPage, connection_new::NewConnectionPage,
    connections::ConnectionsPage, home::HomePage, invitations::InvitationsPage,
    members::MembersPage, not_found::NotFound, organization::OrganizationPage,
    organization_audit::OrganizationAuditPage, organization_branding::OrganizationBrandingPage,
    organization_connections::OrganizationConnectionsPage, organization_new::NewOrganizationPage,
    organizations::OrganizationsPage, people::PeoplePage,
};

/// The signed-in person, loaded once per page and shared through context.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, AppError>>);

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::report_nonce();
    #[cfg(feature = "ssr")]
    let request_token = ssr::request_token();
    #[cfg(not(feature = "ssr"))]
    let request_token: Option<String> = None;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                {request_token.map(|token| view! { <meta name=api::REQUEST_TOKEN_META content=token /> })}
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
    provide_context(CurrentUser(Resource::new(|| (), |_| current_user())));
    view! {
        <Stylesheet id="orgdesk-css" href="/pkg/orgdesk.css" />
        <Title text="Orgdesk" />
        <Router>
            <Layout>
                // Pages with GET forms and paging links render in full on the server
                // (`Async`), so they work, with their titles, before or without WASM.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/organizations") view=OrganizationsPage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/new") view=NewOrganizationPage />
                    <Route path=path!("/organizations/:id") view=OrganizationPage />
                    <Route path=path!("/organizations/:id/members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/:id/invitations") view=InvitationsPage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/:id/connections") view=OrganizationConnectionsPage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/:id/branding") view=OrganizationBrandingPage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/:id/audit") view=OrganizationAuditPage ssr=SsrMode::Async />
                    <Route path=path!("/connections") view=ConnectionsPage ssr=SsrMode::Async />
                    <Route path=path!("/connections/new") view=NewConnectionPage />
                    <Route path=path!("/connections/:id") view=ConnectionPage ssr=SsrMode::Async />
                    <Route path=path!("/people") view=PeoplePage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage />
                </Routes>
            </Layout>
        </Router>
    }
}
