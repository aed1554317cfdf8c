use axum::body::Body;
use http::{Request, StatusCode};
use url::Url;

use super::{ISSUER, TestProvider};
use crate::Issuer;

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
    let provider = TestProvider::new().await;
    let doc = provider
        .call(
            Request::get("/.well-known/openid-configuration")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.body;
    assert_eq!(doc["issuer"], ISSUER);
    assert_eq!(doc["authorization_endpoint"], format!("{ISSUER}authorize"));
    assert_eq!(doc["token_endpoint"], format!("{ISSUER}oauth/token"));
    assert_eq!(doc["jwks_uri"], format!("{ISSUER}.well-known/jwks.json"));
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
    let provider = TestProvider::new().await;
    let ready = provider
        .call(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(ready.status, StatusCode::OK);
    provider.db.close().await;
    let ready = provider
        .call(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}
