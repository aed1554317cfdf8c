//! The provider's router, called in-process on a fresh database of the test engine.

use axum::body::{Body, to_bytes};
use http::{Request, StatusCode};
use orgdesk_db::{Database, testing::fresh_database};
use serde_json::Value;
use tower::ServiceExt;
use url::Url;

use crate::{Issuer, ProviderState, migrations, router};

async fn provider(public_url: &str) -> (axum::Router, orgdesk_db::testing::TestDatabase) {
    let test_db = fresh_database().await;
    let db = Database::open(&test_db.url, &migrations())
        .await
        .expect("open");
    let issuer = Issuer::from_public_url(&Url::parse(public_url).unwrap());
    (router(ProviderState::new(issuer, db)), test_db)
}

async fn get_json(app: axum::Router, path: &str) -> (StatusCode, Value) {
    let response = app
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[test]
fn issuer_is_the_origin_with_a_trailing_slash_as_auth0_writes_it() {
    let cases = [
        ("http://127.0.0.1:3100", "http://127.0.0.1:3100/"),
        ("https://login.example.com/", "https://login.example.com/"),
        (
            "https://login.example.com/some/path?x=1",
            "https://login.example.com/",
        ),
    ];
    for (public_url, issuer) in cases {
        let got = Issuer::from_public_url(&Url::parse(public_url).unwrap());
        assert_eq!(got.as_str(), issuer, "{public_url}");
    }
}

#[tokio::test]
async fn discovery_names_the_issuer_and_auth0_style_endpoints() {
    let (app, _db) = provider("http://127.0.0.1:4444").await;
    let (status, doc) = get_json(app, "/.well-known/openid-configuration").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], "http://127.0.0.1:4444/");
    assert_eq!(
        doc["authorization_endpoint"],
        "http://127.0.0.1:4444/authorize"
    );
    assert_eq!(doc["token_endpoint"], "http://127.0.0.1:4444/oauth/token");
    assert_eq!(
        doc["jwks_uri"],
        "http://127.0.0.1:4444/.well-known/jwks.json"
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
}

#[tokio::test]
async fn ready_when_the_provider_database_answers() {
    let test_db = fresh_database().await;
    let db = Database::open(&test_db.url, &migrations())
        .await
        .expect("open");
    let issuer = Issuer::from_public_url(&Url::parse("http://127.0.0.1:1").unwrap());
    let app = router(ProviderState::new(issuer, db.clone()));

    let response = app
        .clone()
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    db.close().await;
    let response = app
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}
