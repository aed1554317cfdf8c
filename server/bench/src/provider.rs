//! The provider under test: served in this process on a loopback port, with
//! one machine-to-machine client and a plain HTTP client to call it.

use orgdesk_config::Secret;
use orgdesk_db::{Database, Engine};
use orgdesk_provider::{
    ClientSpec, Issuer, ProviderOptions, ProviderState, clients::AppType, migrations, router,
};
use rand::{Rng, distr::Alphanumeric};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use url::Url;

use crate::Result;

/// The benchmarks' client. Provisioning updates it in place on a reused
/// database, with a new secret each run.
const CLIENT_ID: &str = "orgdesk-bench";

/// Opens the provider's database, running its migrations.
pub async fn open_database(url: &str) -> Result<Database> {
    Ok(Database::open(url, &migrations()).await?)
}

/// The engine's name as the figures print it.
pub fn engine_name(db: &Database) -> &'static str {
    match db.engine() {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

/// A provider serving on `127.0.0.1` until the process ends.
pub struct Provider {
    issuer: Issuer,
    state: ProviderState,
    /// Shared by every request; it keeps connections alive as real callers do.
    pub http: reqwest::Client,
}

/// A client's credentials. The secret is never printed.
pub struct Credentials {
    pub client_id: String,
    pub secret: Secret,
}

impl Provider {
    /// Binds a free loopback port and serves the provider's router on it,
    /// with the issuer the port gives.
    pub async fn start(db: Database) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let issuer = Issuer::from_public_url(&Url::parse(&format!("http://127.0.0.1:{port}/"))?);
        let state = ProviderState::open(issuer.clone(), db, ProviderOptions::default()).await?;
        let app = router(state.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("orgdesk-bench: the provider stopped: {error}");
            }
        });
        // No proxy, whatever the environment says: the traffic stays on loopback.
        let http = reqwest::Client::builder().no_proxy().build()?;
        Ok(Self {
            issuer,
            state,
            http,
        })
    }

    /// The URL of an endpoint, such as `oauth/token`.
    pub fn url(&self, path: &str) -> String {
        self.issuer.endpoint(path)
    }

    /// Registers the machine-to-machine client with these Management API scopes.
    pub async fn m2m_client(&self, scopes: &[&str]) -> Result<Credentials> {
        let secret: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(43)
            .map(char::from)
            .collect();
        let secret = Secret::new(secret);
        self.state
            .provision(&[ClientSpec {
                client_id: CLIENT_ID.into(),
                name: "Orgdesk benchmarks".into(),
                client_secret: Some(secret.clone()),
                app_type: AppType::NonInteractive,
                redirect_uris: vec![],
                logout_urls: vec![],
                organization_usage: Default::default(),
                initiate_login_uri: None,
                management_api_scopes: scopes.iter().map(|s| s.to_string()).collect(),
                require_pkce: false,
            }])
            .await?;
        Ok(Credentials {
            client_id: CLIENT_ID.into(),
            secret,
        })
    }

    /// The JSON body of a client-credentials request for the Management API.
    pub fn token_request(&self, credentials: &Credentials) -> Value {
        json!({
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.secret.expose(),
            "audience": self.issuer.management_audience(),
        })
    }

    /// Asks `/oauth/token` for a Management API access token.
    pub async fn access_token(&self, credentials: &Credentials) -> Result<String> {
        let response = self
            .http
            .post(self.url("oauth/token"))
            .json(&self.token_request(credentials))
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            return Err(format!("/oauth/token answered {status}: {}", body["error"]).into());
        }
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "/oauth/token answered without an access_token".into())
    }
}
