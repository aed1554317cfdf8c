//! The Orgdesk server: the console (Leptos pages and server functions on axum)
//! and, in the embedded default, the built-in provider on its own port.
//!
//! [`app`] builds the console's router from its state, so tests call it
//! in-process; [`start`] binds, migrates and serves both origins.

pub mod cli;
mod health;
mod startup;
pub mod telemetry;

use axum::{Router, extract::FromRef, routing::get};
use leptos::config::LeptosOptions;
use leptos_axum::LeptosRoutes;
use orgdesk_app::shell;
use orgdesk_db::Database;

pub use startup::{Running, StartupError, start};

/// What the console's handlers and server functions share.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Database,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The console's router: health checks, the pages, and the built site's files.
pub fn app(state: AppState) -> Router {
    let routes = orgdesk_app::ssr::routes();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(telemetry::request_id))
}
