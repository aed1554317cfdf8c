//! Retries against a server that fails on purpose: the part of the behaviour
//! the built-in provider never shows by itself (5xx answers).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use orgdesk_config::Secret;
use orgdesk_management::{ManagementClient, ManagementError, ManagementSettings, NewOrganization};
use serde_json::{Value, json};
use url::Url;

fn busy() -> (StatusCode, Json<Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"statusCode": 503, "error": "Service Unavailable", "message": "busy"})),
    )
}

/// Answers 503 to the first `failures` reads and to every write; then an empty page.
async fn flaky(failures: u32) -> (Url, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let app = Router::new()
        .route(
            "/oauth/token",
            post(|| async {
                Json(json!({"access_token": "t", "token_type": "Bearer", "expires_in": 86400}))
            }),
        )
        .route(
            "/api/v2/organizations",
            get(move |State(calls): State<Arc<AtomicU32>>| async move {
                if calls.fetch_add(1, Ordering::SeqCst) < failures {
                    busy()
                } else {
                    (StatusCode::OK, Json(json!({"organizations": []})))
                }
            })
            .post(|State(calls): State<Arc<AtomicU32>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                busy()
            }),
        )
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

fn client(url: &Url) -> ManagementClient {
    ManagementClient::new(ManagementSettings::new(url.clone(), "c", Secret::new("s"))).unwrap()
}

#[tokio::test]
async fn reads_retry_through_passing_5xx_answers() {
    let (url, calls) = flaky(2).await;
    client(&url)
        .organizations_page(None, 5)
        .await
        .expect("third try succeeds");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn reads_give_up_after_the_last_attempt() {
    let (url, calls) = flaky(100).await;
    let error = client(&url).organizations_page(None, 5).await.unwrap_err();
    assert!(
        matches!(error, ManagementError::Unavailable(_)),
        "{error:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4, "four attempts in all");
}

#[tokio::test]
async fn writes_are_not_repeated_after_a_5xx() {
    let (url, calls) = flaky(100).await;
    let error = client(&url)
        .create_organization(&NewOrganization {
            name: "x-y-z".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(error, ManagementError::Unavailable(_)),
        "{error:?}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a create may have happened: never sent twice"
    );
}
