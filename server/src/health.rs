//! Probes for load balancers and orchestrators. Public; they reveal nothing.

use axum::{extract::State, http::StatusCode};

use crate::AppState;

/// Alive: the process answers HTTP.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the console's database answers too.
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "console database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
