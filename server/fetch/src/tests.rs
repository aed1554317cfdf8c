//! Real local servers on 127.0.0.1:0, admitted (or not) through the allow-list.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::{Json, Router, http::StatusCode, response::IntoResponse, routing::get};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use url::Url;

use crate::{
    DiscoveryError, FetchError, FetchPolicy, SafeFetcher, discover, discover_at, is_public,
};

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn allowing(addr: SocketAddr) -> SafeFetcher {
    SafeFetcher::new(FetchPolicy {
        test_origins: vec![format!("http://{addr}")],
        ..FetchPolicy::default()
    })
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

fn hello() -> Router {
    Router::new().route("/hello", get(|| async { Json(json!({"hello": "world"})) }))
}

#[test]
fn the_address_classifier_refuses_every_non_public_range() {
    let refused = [
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.255.0.1",
        "169.254.169.254",
        "169.254.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.1",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "fd00::1",
        "fc00::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "2001::1",
        "100::1",
    ];
    for text in refused {
        let ip: IpAddr = text.parse().unwrap();
        assert!(!is_public(ip), "{text} must be refused");
    }
    let allowed = [
        "1.1.1.1",
        "8.8.8.8",
        "93.184.215.14",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "169.253.0.1",
        "192.169.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "::ffff:8.8.8.8",
        "2002:0808:0808::1",
    ];
    for text in allowed {
        let ip: IpAddr = text.parse().unwrap();
        assert!(is_public(ip), "{text} must be allowed");
    }
}

#[test]
fn origins_are_parsed_and_canonical() {
    assert_eq!(
        crate::parse_origin("http://127.0.0.1:4100").unwrap(),
        "http://127.0.0.1:4100"
    );
    assert_eq!(
        crate::parse_origin("HTTPS://Example.COM:443/").unwrap(),
        "https://example.com"
    );
    for bad in [
        "127.0.0.1:4100",
        "http://x/path",
        "ftp://x",
        "http://x?q=1",
        "nope",
    ] {
        assert!(crate::parse_origin(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn an_allow_listed_test_origin_is_fetched() {
    let addr = serve(hello()).await;
    let value = allowing(addr)
        .get_json(&url(&format!("http://{addr}/hello")))
        .await
        .unwrap();
    assert_eq!(value, json!({"hello": "world"}));
}

#[tokio::test]
async fn loopback_is_refused_without_the_allow_list() {
    let addr = serve(hello()).await;
    let fetcher = SafeFetcher::new(FetchPolicy::default());
    let error = fetcher
        .get_json(&url(&format!("https://{addr}/hello?secret=s3cr3t")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, FetchError::ForbiddenAddress { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(
        !message.contains("s3cr3t") && !message.contains("/hello"),
        "{message}"
    );

    // Another port on the same host is not the allow-listed origin.
    let other = allowing(SocketAddr::from(([127, 0, 0, 1], 1)));
    let error = other
        .get_json(&url(&format!("https://{addr}/hello")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, FetchError::ForbiddenAddress { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused() {
    let addr = serve(hello()).await;
    let fetcher = SafeFetcher::new(FetchPolicy::default());
    let error = fetcher
        .get_json(&url(&format!("https://localhost:{}/hello", addr.port())))
        .await
        .unwrap_err();
    assert!(
        matches!(error, FetchError::ForbiddenAddress { ref host, .. } if host.starts_with("localhost")),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("localhost"), "{message}");
    for resolved in ["127.0.0.1", "::1"] {
        assert!(
            !message.contains(resolved) && !format!("{error:?}").contains(resolved),
            "the resolved address is never named: {message}"
        );
    }
    let error = fetcher
        .get_json(&url("https://[::ffff:169.254.169.254]/latest/meta-data"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, FetchError::ForbiddenAddress { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn plain_http_is_refused() {
    let fetcher = SafeFetcher::new(FetchPolicy::default());
    let error = fetcher
        .get_json(&url(
            "http://93.184.215.14/.well-known/openid-configuration",
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::NotHttps { .. }), "{error:?}");
    let error = fetcher
        .get_json(&url("https://user:pw@93.184.215.14/"))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::Credentials { .. }), "{error:?}");
    assert!(!error.to_string().contains("pw"));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let router = Router::new()
        .route(
            "/jump",
            axum::routing::any(|| async {
                (
                    StatusCode::FOUND,
                    [("location", "http://169.254.169.254/latest/meta-data")],
                )
                    .into_response()
            }),
        )
        .merge(hello());
    let addr = serve(router).await;
    let fetcher = allowing(addr);
    let error = fetcher
        .get_json(&url(&format!("http://{addr}/jump")))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::Redirect { .. }), "{error:?}");
    assert!(
        error.to_string().contains("redirects are not followed"),
        "{error}"
    );
    let error = fetcher
        .post_form(&url(&format!("http://{addr}/jump")), &[("a", "b")], None)
        .await;
    assert!(
        matches!(error, Err(FetchError::Redirect { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_slow_server_times_out_within_bounds() {
    let router = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Json(json!({}))
        }),
    );
    let addr = serve(router).await;
    let timeout = Duration::from_secs(1);
    let fetcher = SafeFetcher::new(FetchPolicy {
        timeout,
        test_origins: vec![format!("http://{addr}")],
        ..FetchPolicy::default()
    });
    let started = Instant::now();
    let error = fetcher
        .get_json(&url(&format!("http://{addr}/slow")))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < timeout * 2, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_trickling_body_times_out_too() {
    // Headers at once, then a byte a second: the total timeout still holds.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n1\r\n[\r\n")
            .await;
        for _ in 0..30 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if socket.write_all(b"1\r\n \r\n").await.is_err() {
                break;
            }
        }
    });
    let timeout = Duration::from_secs(1);
    let fetcher = SafeFetcher::new(FetchPolicy {
        timeout,
        test_origins: vec![format!("http://{addr}")],
        ..FetchPolicy::default()
    });
    let started = Instant::now();
    let error = fetcher
        .get_json(&url(&format!("http://{addr}/")))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < timeout * 2, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_huge_body_is_refused_not_truncated() {
    let router = Router::new().route(
        "/huge",
        get(|| async { Json(json!({"padding": "x".repeat(300 * 1024)})) }),
    );
    let addr = serve(router).await;
    let error = allowing(addr)
        .get_json(&url(&format!("http://{addr}/huge")))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::TooLarge { .. }), "{error:?}");

    // Without a Content-Length: cut off while reading.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            .await;
        let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
        for _ in 0..64 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let fetcher = SafeFetcher::new(FetchPolicy {
        max_bytes: 64 * 1024,
        test_origins: vec![format!("http://{addr}")],
        ..FetchPolicy::default()
    });
    let error = fetcher
        .get_json(&url(&format!("http://{addr}/")))
        .await
        .unwrap_err();
    assert!(matches!(error, FetchError::TooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn post_form_returns_the_status_and_json() {
    let router = Router::new().route(
        "/token",
        axum::routing::post(|headers: axum::http::HeaderMap, body: String| async move {
            let auth = headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned());
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant", "body": body, "auth": auth})),
            )
        }),
    );
    let addr = serve(router).await;
    let (status, value) = allowing(addr)
        .post_form(
            &url(&format!("http://{addr}/token")),
            &[("grant_type", "authorization_code"), ("code", "a b")],
            Some(("client", "se:cret")),
        )
        .await
        .unwrap();
    assert_eq!(status, 400);
    assert_eq!(value["body"], "grant_type=authorization_code&code=a+b");
    // base64("client:se%3Acret")
    assert_eq!(value["auth"], "Basic Y2xpZW50OnNlJTNBY3JldA==");
}

fn discovery_router(document: serde_json::Value) -> Router {
    Router::new().route(
        "/tenant/.well-known/openid-configuration",
        get(move || {
            let document = document.clone();
            async move { Json(document) }
        }),
    )
}

fn document(base: &str) -> serde_json::Value {
    json!({
        "issuer": format!("{base}/tenant/"),
        "authorization_endpoint": format!("{base}/tenant/authorize"),
        "token_endpoint": format!("{base}/tenant/oauth/token"),
        "jwks_uri": format!("{base}/tenant/.well-known/jwks.json"),
        "userinfo_endpoint": format!("{base}/tenant/userinfo"),
        "scopes_supported": ["openid", "email"],
        "code_challenge_methods_supported": ["S256"],
    })
}

/// A server whose document is `make(base)`, where base is its own origin.
async fn discovery_server(make: impl Fn(&str) -> serde_json::Value) -> (SocketAddr, SafeFetcher) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = discovery_router(make(&format!("http://{addr}")));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (addr, allowing(addr))
}

#[tokio::test]
async fn discovery_reads_a_matching_configuration() {
    let (addr, fetcher) = discovery_server(document).await;
    // The configured issuer without its trailing slash is tolerated.
    let found = discover(&fetcher, &url(&format!("http://{addr}/tenant")))
        .await
        .unwrap();
    assert_eq!(found.token_endpoint.path(), "/tenant/oauth/token");
    assert_eq!(found.scopes_supported, ["openid", "email"]);
    assert_eq!(found.code_challenge_methods_supported, ["S256"]);
    assert!(found.token_endpoint_auth_methods_supported.is_empty());
    let found = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap();
    assert!(found.userinfo_endpoint.is_some());
}

#[tokio::test]
async fn a_discovery_url_is_read_only_on_the_issuers_origin() {
    let (addr, fetcher) = discovery_server(document).await;
    let issuer = url(&format!("http://{addr}/tenant/"));
    // A connection's own discovery_url on the issuer's origin is read.
    let at = url(&format!(
        "http://{addr}/tenant/.well-known/openid-configuration"
    ));
    let found = discover_at(&fetcher, &issuer, Some(&at)).await.unwrap();
    assert_eq!(found.token_endpoint.path(), "/tenant/oauth/token");
    // Elsewhere, it is refused before anything is fetched.
    let elsewhere = url("http://169.254.169.254/latest/meta-data/");
    let refused = discover_at(&fetcher, &issuer, Some(&elsewhere))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, DiscoveryError::ForeignOrigin("discovery_url")),
        "{refused}"
    );
}

#[tokio::test]
async fn discovery_refuses_a_mismatched_issuer() {
    let (addr, fetcher) = discovery_server(|base| {
        let mut doc = document(base);
        doc["issuer"] = json!("https://evil.example/tenant/");
        doc
    })
    .await;
    let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::IssuerMismatch { .. }),
        "{error:?}"
    );

    let (addr, fetcher) = discovery_server(|base| {
        let mut doc = document(base);
        doc["issuer"] = json!(format!("{base}/tenant/other"));
        doc
    })
    .await;
    let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::IssuerMismatch { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn discovery_refuses_endpoints_on_another_origin() {
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
    ] {
        let (addr, fetcher) = discovery_server(|base| {
            let mut doc = document(base);
            doc[field] = json!("https://collector.example/steal");
            doc
        })
        .await;
        let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
            .await
            .unwrap_err();
        assert!(
            matches!(error, DiscoveryError::ForeignOrigin(name) if name == field),
            "{field}: {error:?}"
        );
    }
    // Same host, another port, is another origin.
    let (addr, fetcher) = discovery_server(|base| {
        let mut doc = document(base);
        doc["token_endpoint"] = json!("http://127.0.0.1:1/tenant/oauth/token");
        doc
    })
    .await;
    let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::ForeignOrigin("token_endpoint")),
        "{error:?}"
    );

    let (addr, fetcher) = discovery_server(|base| {
        let mut doc = document(base);
        doc.as_object_mut().unwrap().remove("jwks_uri");
        doc
    })
    .await;
    let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::Missing("jwks_uri")),
        "{error:?}"
    );
}

#[tokio::test]
async fn discovery_at_loopback_without_the_allow_list_is_refused() {
    let (addr, _) = discovery_server(document).await;
    let fetcher = SafeFetcher::new(FetchPolicy::default());
    let error = discover(&fetcher, &url(&format!("http://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::Fetch(FetchError::NotHttps { .. })),
        "{error:?}"
    );
    let error = discover(&fetcher, &url(&format!("https://{addr}/tenant/")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            DiscoveryError::Fetch(FetchError::ForbiddenAddress { .. })
        ),
        "{error:?}"
    );
}
