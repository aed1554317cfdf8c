//! Signing keys: published, rotated, and the previous key kept for a while.

use axum::body::Body;
use http::Request;

use super::{ALL_ORG_SCOPES, TestProvider};
use crate::keys::rotate;

async fn published_kids(provider: &TestProvider) -> Vec<String> {
    let jwks = provider
        .call(
            Request::get("/.well-known/jwks.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .body;
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert_eq!(
                (k["kty"].as_str(), k["alg"].as_str(), k["use"].as_str()),
                (Some("RSA"), Some("RS256"), Some("sig"))
            );
            k["kid"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn rotation_keeps_the_previous_key_published_and_its_tokens_valid() {
    let provider = TestProvider::new().await;
    let first = published_kids(&provider).await;
    assert_eq!(first.len(), 1, "a new provider publishes one key");
    let old_token = provider.token(ALL_ORG_SCOPES).await;

    let new_kid = rotate(&provider.db).await.unwrap();
    provider.state.reload_keys().await.unwrap();
    assert_eq!(
        published_kids(&provider).await,
        [new_kid.clone(), first[0].clone()]
    );
    let still = provider
        .api("GET", "/organizations", Some(&old_token), None)
        .await;
    assert_eq!(
        still.status, 200,
        "a token of the previous key still verifies"
    );
    let new_token = provider.token(&["read:organizations"]).await;
    let header = jsonwebtoken::decode_header(&new_token).unwrap();
    assert_eq!(
        header.kid.as_deref(),
        Some(new_kid.as_str()),
        "the new key signs"
    );

    rotate(&provider.db).await.unwrap();
    provider.state.reload_keys().await.unwrap();
    assert!(
        !published_kids(&provider).await.contains(&first[0]),
        "two rotations retire a key for good"
    );
    let gone = provider
        .api("GET", "/organizations", Some(&old_token), None)
        .await;
    assert_eq!(gone.status, 401);
}
