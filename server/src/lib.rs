//! The Orgdesk server: the console (Leptos pages and server functions on axum)
//! and, in the embedded default, the built-in provider on its own port.
//!
//! [`app`] builds the console's router from its state, so tests call it
//! in-process; [`start`] binds, migrates, wires and serves both origins.

pub mod adapters;
pub mod auth;
pub mod cli;
mod demo;
mod health;
pub mod identity;
pub mod provider_admin;
mod startup;
pub mod sync;
pub mod telemetry;
pub mod web;

use std::sync::Arc;

use axum::{
    Router,
    extract::{FromRef, Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::LeptosRoutes;
use orgdesk_app::{shell, ssr::ServerContext};
use orgdesk_db::Database;

pub use startup::{Running, StartOptions, StartupError, outbound_policy, start, start_with};

/// What the console's handlers and server functions share.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Database,
    pub auth: Arc<auth::Auth>,
    pub context: ServerContext,
    /// The origins the request guard and the security headers name.
    pub web: web::WebPolicy,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[async_trait::async_trait]
impl orgdesk_app::ssr::SessionSource for auth::Auth {
    async fn principal(&self, headers: &http::HeaderMap) -> Option<orgdesk_domain::Principal> {
        self.session(headers).await.map(|s| s.principal)
    }
}

/// The console's router: health checks, sign-in, the pages and server
/// functions (with the services in their context), and the built site.
/// Every request passes the request guard (forgery and input checks) before
/// anything else runs, and every response gets the security headers.
pub fn app(state: AppState) -> Router {
    let routes = orgdesk_app::ssr::routes();
    let options = state.leptos_options.clone();
    let context = state.context.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(auth::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::guard::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::headers::security_headers,
        ))
        .with_state(state)
        .layer(middleware::from_fn(telemetry::request_id))
}

/// Pages behind sign-in send an anonymous visitor to sign in, and back.
/// (Server functions refuse on their own: the services check the principal.)
async fn require_session(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let guarded = ["/organizations", "/audit", "/connections"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if guarded && state.auth.session(request.headers()).await.is_none() {
        let back = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let mut target = url::form_urlencoded::Serializer::new(String::new());
        target.append_pair("return_to", back);
        return Redirect::to(&format!("/auth/login?{}", target.finish())).into_response();
    }
    next.run(request).await
}
