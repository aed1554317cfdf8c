//! Orgdesk's built-in OpenID Connect provider. It serves, on its own origin, the
//! protocols the console speaks to Auth0: OpenID Connect for sign-in and the
//! Management API v2 for identity data. It has its own router and its own
//! database, and knows nothing of the console.

pub mod client_address;
pub mod clients;
mod discovery;
mod error;
mod ids;
pub mod keys;
mod mail;
pub mod management;
mod oauth;
mod oidc;
mod password;
pub mod provision;
pub mod seed;
mod store;
pub mod throttle;
mod timestamp;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use orgdesk_db::{Database, Migrations};
use url::Url;

pub use client_address::Cidr;
pub use clients::ClientSpec;
pub use mail::{MailSettingsError, SmtpSettings};
pub use management::RateLimit;
pub use provision::{
    BrandingSpec, ConnectionOptionsSpec, ConnectionSpec, EnabledConnectionSpec, MemberSpec,
    OrganizationSpec, Provisioning, RoleSpec, UserSpec,
};
pub use throttle::ThrottleOptions;

/// The provider's schema, per engine.
pub fn migrations() -> Migrations {
    Migrations {
        sqlite: sqlx::migrate!("./migrations/sqlite"),
        postgres: sqlx::migrate!("./migrations/postgres"),
    }
}

/// Seconds since the UNIX epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// A UNIX time as Auth0 writes dates: `2026-05-22T12:00:00.000Z` (UTC).
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let second_of_day = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days: days since 1970-01-01 to a Gregorian date.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60
    )
}

/// How the provider behaves where Auth0 lets a tenant choose.
#[derive(Clone, Debug)]
pub struct ProviderOptions {
    /// Lifetime of Management API access tokens (Auth0's default: a day).
    pub management_token_ttl_secs: i64,
    /// The Management API's rate limit; `None` (the default) never refuses.
    pub rate_limit: Option<RateLimit>,
    /// Where invitation emails go; `None` (the default) keeps them in the
    /// provider's database (its outbox).
    pub smtp: Option<SmtpSettings>,
    /// Serve `GET /dev/outbox`, the kept emails (development and demos only:
    /// it shows invitation links). Off by default.
    pub outbox_page: bool,
    /// What requests to customers' issuers (enterprise connections) may do.
    pub outbound: orgdesk_fetch::FetchPolicy,
    /// The limits on failed passwords and client secrets (see `throttle`).
    pub throttle: ThrottleOptions,
    /// Proxies whose `X-Forwarded-For` is believed (addresses or ranges).
    /// Empty (the default): the connection's peer is the client.
    pub trusted_proxies: Vec<Cidr>,
}

impl Default for ProviderOptions {
    fn default() -> Self {
        Self {
            management_token_ttl_secs: 86_400,
            rate_limit: None,
            smtp: None,
            outbox_page: false,
            outbound: orgdesk_fetch::FetchPolicy::default(),
            throttle: ThrottleOptions::default(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// What the provider's handlers share.
#[derive(Clone)]
pub struct ProviderState {
    issuer: Issuer,
    db: Database,
    keys: Arc<keys::Keys>,
    limiter: Arc<management::rate_limit::Limiter>,
    mailer: Arc<mail::Mailer>,
    verified_tokens: Arc<management::VerifiedTokens>,
    options: Arc<ProviderOptions>,
    /// Requests to customers' issuers (enterprise connections).
    fetcher: Arc<orgdesk_fetch::SafeFetcher>,
    /// Customers' signing keys, kept a while.
    upstream_keys: Arc<oidc::upstream_keys::UpstreamKeys>,
}

impl ProviderState {
    /// Loads the signing keys (creating the first on a new database).
    pub async fn open(
        issuer: Issuer,
        db: Database,
        options: ProviderOptions,
    ) -> Result<Self, sqlx::Error> {
        let keys = keys::Keys::load(db.clone()).await?;
        Ok(Self {
            issuer,
            db,
            keys: Arc::new(keys),
            limiter: Arc::new(management::rate_limit::Limiter::new(options.rate_limit)),
            mailer: Arc::new(mail::Mailer::new(options.smtp.as_ref())),
            verified_tokens: Default::default(),
            fetcher: Arc::new(orgdesk_fetch::SafeFetcher::new(options.outbound.clone())),
            upstream_keys: Default::default(),
            options: Arc::new(options),
        })
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// Creates or updates clients (with their Management API grants).
    pub async fn provision(&self, clients: &[ClientSpec]) -> Result<(), provision::ProvisionError> {
        self.apply(&Provisioning {
            clients: clients.to_vec(),
            ..Default::default()
        })
        .await
    }

    /// Re-reads the signing keys, to pick up a rotation by another process.
    pub async fn reload_keys(&self) -> Result<(), sqlx::Error> {
        self.keys.reload().await
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

    /// The audience of Management API tokens: `{issuer}api/v2/`, as Auth0's.
    pub fn management_audience(&self) -> String {
        self.endpoint("api/v2/")
    }
}

/// Every route of the provider.
pub fn router(state: ProviderState) -> Router {
    let mut router = Router::new();
    if state.options.outbox_page {
        router = router.route("/dev/outbox", get(mail::outbox_page));
    }
    router
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/authorize", get(oidc::authorize::authorize))
        .route("/u/login", get(oidc::login::show).post(oidc::login::submit))
        .route("/u/federate", get(oidc::federation::start))
        .route("/login/callback", get(oidc::federation::callback))
        .route(
            "/u/signup",
            get(oidc::signup::show).post(oidc::signup::submit),
        )
        .route(
            "/u/organization",
            get(oidc::picker::show).post(oidc::picker::choose),
        )
        .route("/oauth/token", post(oauth::token::token))
        .route(
            "/userinfo",
            get(oidc::userinfo::userinfo).post(oidc::userinfo::userinfo),
        )
        .route(
            "/oidc/logout",
            get(oidc::logout::logout).post(oidc::logout::confirm),
        )
        .route("/v2/logout", get(oidc::logout::logout))
        .nest("/api/v2", management::router(&state))
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

#[cfg(test)]
mod time_tests {
    #[test]
    fn dates_are_written_as_auth0_writes_them() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(super::iso8601(1_779_451_200), "2026-05-22T12:00:00.000Z");
        assert_eq!(super::iso8601(4_107_542_399), "2100-02-28T23:59:59.000Z");
    }
}
