//! The console and the built-in provider, started as the binary starts them and
//! called over real HTTP.

mod support;

use reqwest::StatusCode;

#[tokio::test]
async fn both_origins_answer_health_and_readiness() {
    let orgdesk = support::start().await;
    for url in [
        orgdesk.console("/healthz"),
        orgdesk.console("/readyz"),
        orgdesk.provider("healthz"),
        orgdesk.provider("readyz"),
    ] {
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
    }
    orgdesk.running.stop().await.unwrap();
}

#[tokio::test]
async fn the_provider_has_its_own_origin_and_names_it_as_issuer() {
    let orgdesk = support::start().await;
    let issuer = orgdesk.running.provider_issuer.clone().unwrap();
    assert_ne!(
        url::Url::parse(issuer.as_str()).unwrap().origin(),
        orgdesk.running.console_url.origin()
    );
    let discovery: serde_json::Value =
        reqwest::get(orgdesk.provider(".well-known/openid-configuration"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert!(
        issuer.as_str().ends_with('/'),
        "Auth0 issuers end with a slash"
    );
    orgdesk.running.stop().await.unwrap();
}

#[tokio::test]
async fn pages_are_rendered_on_the_server() {
    let orgdesk = support::start().await;
    let response = reqwest::get(orgdesk.console("/")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Customer organizations, run from one console"),
        "{html}"
    );
    assert!(
        html.contains("/pkg/orgdesk.js"),
        "loads the hydration bundle"
    );

    let missing = reqwest::get(orgdesk.console("/no-such-page"))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("This page does not exist")
    );
    orgdesk.running.stop().await.unwrap();
}

#[tokio::test]
async fn the_theme_cookie_decides_the_server_rendered_theme() {
    let orgdesk = support::start().await;
    let client = reqwest::Client::new();
    let dark = client
        .get(orgdesk.console("/"))
        .header("cookie", "other=1; orgdesk_theme=dark")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dark.contains(r#"class="dark "#));
    assert!(dark.contains(r#"aria-pressed="true""#));
    let light = reqwest::get(orgdesk.console("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(light.contains(r#"aria-pressed="false""#));
    orgdesk.running.stop().await.unwrap();
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_plain_one_from_the_caller() {
    let orgdesk = support::start().await;
    let client = reqwest::Client::new();
    let cases = [
        (None, None),
        (Some("trace-abc_123"), Some("trace-abc_123")),
        (Some("has spaces and \"quotes\""), None),
    ];
    for url in [orgdesk.console("/healthz"), orgdesk.provider("healthz")] {
        for (sent, kept) in cases {
            let mut request = client.get(&url);
            if let Some(id) = sent {
                request = request.header("x-request-id", id);
            }
            let response = request.send().await.unwrap();
            let id = response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned();
            match kept {
                Some(kept) => assert_eq!(id, kept),
                None => assert_eq!(uuid_len(&id), 36, "a new id replaces {sent:?}: {id}"),
            }
        }
    }
    orgdesk.running.stop().await.unwrap();
}

fn uuid_len(id: &str) -> usize {
    if id.chars().filter(|c| *c == '-').count() == 4 {
        id.len()
    } else {
        0
    }
}

#[tokio::test]
async fn stopping_finishes_and_closes_both_origins() {
    let orgdesk = support::start().await;
    let console = orgdesk.console("/healthz");
    let provider = orgdesk.provider("healthz");
    orgdesk.running.stop().await.expect("a clean stop");
    for url in [console, provider] {
        assert!(reqwest::get(&url).await.is_err(), "{url} no longer answers");
    }
}
