//! Orgdesk's built-in OpenID Connect provider. It serves, on its own origin, the
//! protocols the console speaks to Auth0: OpenID Connect for sign-in and the
//! Management API v2 for identity data. It has its own router and its own
//! database, and knows nothing of the console.

mod discovery;

use axum::{Router, extract::State, http::StatusCode, routing::get};
use orgdesk_db::{Database, Migrations};
use url::Url;

/// The provider's schema, per engine.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: sqlx::migrate!("./migrations/sqlite"),
        postgres: sqlx::migrate!("./migrations/postgres"),
    }
}

/// What the provider's handlers share.
#[derive(Clone, Debug)]
pub struct ProviderState {
    issuer: Issuer,
    db: Database,
}

impl ProviderState {
    pub fn new(issuer: Issuer, db: Database) -> Self {
        Self { issuer, db }
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }
}

/// The provider's issuer: its public origin with a trailing slash, as Auth0
/// writes issuers (`https://tenant.auth0.com/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer(Url);

impl Issuer {
    /// The issuer of a provider served at `public_url` (path and query dropped).
    pub fn from_public_url(public_url: &Url) -> Self {
        let mut url = public_url.clone();
        url.set_path("/");
        url.set_query(None);
        url.set_fragment(None);
        Self(url)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// An endpoint of this provider, such as `oauth/token`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.0, path.trim_start_matches('/'))
    }
}

/// Every route of the provider.
pub fn router(state: ProviderState) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
}

/// Ready when the provider's database answers.
async fn readyz(State(state): State<ProviderState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "provider database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[cfg(test)]
mod tests;
