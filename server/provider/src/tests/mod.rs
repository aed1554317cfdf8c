//! The provider's router called in-process, on a fresh database of the test
//! engine (`ORGDESK_TEST_DATABASE`).

mod browser;
mod connections;
mod discovery;
mod federation;
mod federation_trust;
mod invitation_signin;
mod invitations;
mod keys;
mod login_pages;
mod logout;
mod mail;
mod matrix;
mod members;
mod organization_signin;
mod organizations;
mod pkce;
mod provisioning;
mod revocation;
mod roles;
mod signin;
mod throttle;
mod token;
mod users;

use axum::body::{Body, to_bytes};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use http::{Request, StatusCode, header};
use orgdesk_db::{
    Database,
    testing::{TestDatabase, fresh_database},
};
use serde_json::{Value, json};
use tower::ServiceExt;
use url::Url;

use crate::{
    ClientSpec, Issuer, ProviderOptions, ProviderState, clients::AppType, migrations, router,
};

/// Where test requests come from unless a test says otherwise.
pub const LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

pub const ISSUER: &str = "http://127.0.0.1:4444/";
pub const AUDIENCE: &str = "http://127.0.0.1:4444/api/v2/";
pub const ALL_ORG_SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
];

/// A provider on a fresh database.
pub struct TestProvider {
    pub app: axum::Router,
    pub state: ProviderState,
    pub db: Database,
    _test_db: TestDatabase,
}

/// An answer: status, headers and the body as JSON (Null when empty).
pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
}

impl TestProvider {
    pub async fn new() -> Self {
        Self::with_options(ProviderOptions::default()).await
    }

    pub async fn with_options(options: ProviderOptions) -> Self {
        Self::with_issuer(ISSUER, options).await
    }

    /// A provider with another issuer (one served on a real port).
    pub async fn with_issuer(issuer: &str, options: ProviderOptions) -> Self {
        let test_db = fresh_database().await;
        let db = Database::open(&test_db.url, &migrations())
            .await
            .expect("open");
        let issuer = Issuer::from_public_url(&Url::parse(issuer).unwrap());
        let state = ProviderState::open(issuer, db.clone(), options)
            .await
            .expect("state");
        Self {
            app: router(state.clone()),
            state,
            db,
            _test_db: test_db,
        }
    }

    /// Registers a machine-to-machine client with these Management API scopes.
    pub async fn m2m_client(&self, client_id: &str, scopes: &[&str]) -> (String, String) {
        let secret = format!("{client_id}-secret");
        self.state
            .provision(&[ClientSpec {
                client_id: client_id.into(),
                name: client_id.into(),
                client_secret: Some(orgdesk_config::Secret::new(&secret)),
                app_type: AppType::NonInteractive,
                redirect_uris: vec![],
                logout_urls: vec![],
                organization_usage: Default::default(),
                initiate_login_uri: None,
                management_api_scopes: scopes.iter().map(|s| s.to_string()).collect(),
                require_pkce: false,
            }])
            .await
            .expect("provision");
        (client_id.into(), secret)
    }

    /// A Management API access token with exactly these scopes.
    pub async fn token(&self, scopes: &[&str]) -> String {
        let client = format!("m2m-{}", scopes.join("-").replace(':', "_"));
        let (id, secret) = self.m2m_client(&client, scopes).await;
        let answer = self
            .call(
                Request::post("/oauth/token")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        json!({"grant_type": "client_credentials", "client_id": id,
                               "client_secret": secret, "audience": AUDIENCE})
                        .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.body["access_token"].as_str().unwrap().to_owned()
    }

    /// Calls the router as the server does: with the connection's peer
    /// (`ConnectInfo`), loopback unless the request carries one.
    pub async fn call(&self, mut request: Request<Body>) -> Answer {
        if request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .is_none()
        {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                    LOOPBACK, 40_000,
                )));
        }
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), 1 << 22).await.unwrap();
        Answer {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// A Management API call with a bearer token (or none).
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v2{path}"));
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.call(request.body(body).unwrap()).await
    }
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}
