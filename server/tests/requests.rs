//! What the console accepts as a request and promises in its responses,
//! over HTTP against a running Orgdesk with the Travel0 demo: forged
//! cross-origin and same-site requests are refused and change nothing;
//! malformed input gets a 4xx, never a 500; sign-in returns only to the
//! console's own paths; every page carries the security headers.

mod support;

use reqwest::{StatusCode, header};
use serde_json::Value;
use support::TestOrgdesk;

async fn primary_color(orgdesk: &TestOrgdesk, client: &reqwest::Client, org: &str) -> Value {
    let (status, page) = orgdesk
        .call(client, "branding/get", &[("org_id", org)])
        .await;
    assert_eq!(status, 200, "{page}");
    page["primary"].clone()
}

/// What a case is, the headers that differ from the console's own client's, and the answer.
type ForgeryCase = (&'static str, Vec<(&'static str, String)>, StatusCode);
/// What a case is, who sends it, to which server function, the raw body, and the answer.
type InputCase<'a> = (
    &'static str,
    &'a reqwest::Client,
    &'static str,
    Vec<u8>,
    StatusCode,
);

#[tokio::test]
async fn forged_state_changes_are_refused_and_change_nothing() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let (sally, _) = orgdesk
        .sign_in_into(
            "sally@metahexa.example",
            "/auth/login?organization=metahexa-bank",
            jar.clone(),
        )
        .await;
    let before = primary_color(&orgdesk, &sally, &bank).await;
    let form = [
        ("org_id", bank.as_str()),
        ("logo_url", ""),
        ("primary", "#ff0000"),
        ("page_background", ""),
    ];
    let url = orgdesk.console("/api/branding/update");
    let other_port = {
        let mut u = orgdesk.running.console_url.clone();
        u.set_port(Some(u.port().unwrap() + 1)).unwrap();
        u.origin().ascii_serialization()
    };
    // Each case changes one thing of what the console's own client sends.
    let cases: Vec<ForgeryCase> = vec![
        (
            "another site",
            vec![("origin", "http://evil.example".into())],
            StatusCode::FORBIDDEN,
        ),
        (
            "an opaque origin",
            vec![("origin", "null".into())],
            StatusCode::FORBIDDEN,
        ),
        (
            "another port of the same host",
            vec![("origin", other_port)],
            StatusCode::FORBIDDEN,
        ),
        (
            "another session's token",
            vec![(
                "x-orgdesk-request-token",
                "0123456789abcdef0123456789abcdef".into(),
            )],
            StatusCode::FORBIDDEN,
        ),
        (
            "a text/plain body",
            vec![("content-type", "text/plain".into())],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "a JSON body",
            vec![("content-type", "application/json".into())],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    for (what, headers, expected) in cases {
        let mut request = sally.post(&url).body(body.clone());
        if !headers.iter().any(|(name, _)| *name == "content-type") {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), expected, "{what}");
        assert_eq!(
            primary_color(&orgdesk, &sally, &bank).await,
            before,
            "{what}: nothing changed"
        );
    }

    // Sally's cookie with the console's Origin but no token (a page of
    // another origin can send neither; this shows the token alone is
    // required), and the cookie with no Origin at all.
    let cookie_only = |origin: Option<&str>| {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(origin) = origin {
            headers.insert("origin", origin.parse().unwrap());
        }
        reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(headers)
            .build()
            .unwrap()
    };
    let console_origin = orgdesk.running.console_url.origin().ascii_serialization();
    for client in [cookie_only(Some(&console_origin)), cookie_only(None)] {
        let response = client.post(&url).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    // Sign-out is a state change too.
    let response = cookie_only(Some("http://evil.example"))
        .post(orgdesk.console("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        primary_color(&orgdesk, &sally, &bank).await,
        before,
        "still signed in, unchanged"
    );

    // The console's own client, with everything a page sends, goes through.
    let (status, page) = orgdesk.call(&sally, "branding/update", &form).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["primary"], "#ff0000");
}

#[tokio::test]
async fn malformed_input_gets_a_short_4xx_and_changes_nothing() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let sally = orgdesk
        .signed_in_to("sally@metahexa.example", "metahexa-bank")
        .await;
    let raw = |client: &reqwest::Client, endpoint: &str, body: Vec<u8>| {
        client
            .post(orgdesk.console(&format!("/api/{endpoint}")))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let name_before = orgdesk
        .call(&staff, "organizations/get", &[("id", bank.as_str())])
        .await
        .1["display_name"]
        .clone();

    let cases: Vec<InputCase> = vec![
        (
            "a negative lifetime",
            &sally,
            "invitations/create",
            format!("org_id={bank}&emails=a%40b.example&roles=&connection_id=&ttl_days=-1")
                .into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a cursor that is not a number",
            &staff,
            "audit/list",
            b"before=abc".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a field missing",
            &staff,
            "organizations/update",
            format!("id={bank}").into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "ten megabytes",
            &staff,
            "organizations/update",
            format!("id={bank}&metadata=&display_name={}", "x".repeat(10 << 20)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "raw bytes that are not UTF-8",
            &staff,
            "organizations/update",
            [
                format!("id={bank}&metadata=&display_name=").as_bytes(),
                b"\xff\xfe",
            ]
            .concat(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "percent-encoded bytes that are not UTF-8",
            &staff,
            "organizations/update",
            format!("id={bank}&metadata=&display_name=Bank%FF").into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, client, endpoint, body, expected) in cases {
        let response = raw(client, endpoint, body).await.unwrap();
        assert_eq!(response.status(), expected, "{what}");
        let text = response.text().await.unwrap();
        assert!(text.len() < 200, "{what}: a short message: {text}");
        for internal in [
            "invalid digit",
            "serde",
            "Deserializ",
            "missing field",
            "utf-8 sequence",
        ] {
            assert!(!text.contains(internal), "{what}: no decoder text: {text}");
        }
    }
    let name_after = orgdesk
        .call(&staff, "organizations/get", &[("id", bank.as_str())])
        .await
        .1["display_name"]
        .clone();
    assert_eq!(name_after, name_before, "nothing was changed");
    let (_, log) = orgdesk
        .call(&sally, "invitations/list", &[("org_id", bank.as_str())])
        .await;
    assert!(
        !log.to_string().contains("a@b.example"),
        "no invitation was sent"
    );
}

#[tokio::test]
async fn sign_in_returns_only_to_the_consoles_own_paths() {
    let orgdesk = support::start_demo().await;
    let console = orgdesk.running.console_url.origin();
    let hostile = [
        "%2F%09%2Fevil.example%2F",
        "%2F%0a%2Fevil.example%2F",
        "%2F%0d%0a%2Fevil.example%2F",
        "%2F%5Cevil.example%2F",
        "%2F%2Fevil.example%2F",
        "%2F.%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2Forganizations%0a",
        "%2Forganizations%0d",
        "%2Forganizations%0b",
        "%2Forganizations%7f",
        "%2Forganizations%00",
        "%2Forg%00anizations",
    ];
    for return_to in hostile {
        let (_, back) = orgdesk
            .sign_in_at(
                "sally@metahexa.example",
                &format!("/auth/login?organization=metahexa-bank&return_to={return_to}"),
            )
            .await;
        assert_eq!(back.origin(), console, "{return_to}: stays on the console");
        assert!(
            back.path() == "/" || back.path().starts_with("/org"),
            "{return_to}: {back}"
        );
    }
    let (_, back) = orgdesk
        .sign_in_at(
            "sally@metahexa.example",
            "/auth/login?organization=metahexa-bank&return_to=%2Forganizations%3Fq%3Dbank",
        )
        .await;
    assert_eq!(back.path(), "/organizations");
    assert_eq!(
        back.query(),
        Some("q=bank"),
        "a path of the console is kept"
    );
}

#[tokio::test]
async fn every_page_carries_a_strict_policy_and_cannot_be_framed() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let page = staff
        .get(orgdesk.console("/organizations"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    for directive in [
        "default-src 'none'",
        "'strict-dynamic'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "strict-origin");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "plain http"
    );
    assert!(
        headers.get("x-orgdesk-script-nonce").is_none(),
        "stays on the server"
    );

    // Two renders, two nonces.
    let again = staff
        .get(orgdesk.console("/organizations"))
        .send()
        .await
        .unwrap();
    assert_ne!(again.headers()[header::CONTENT_SECURITY_POLICY], csp);

    // A server function's answer: personal data, never cached, no script.
    let answer = staff
        .post(orgdesk.console("/api/current-user"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
    let csp = answer.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
}

/// A free loopback port, for a configuration that names its public URL.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn on_https_both_origins_send_hsts_and_the_cookies_carry_the_host_prefix() {
    let (mut config, _databases) = support::test_config().await;
    let (console, provider) = (free_port(), free_port());
    config.console.addr = format!("127.0.0.1:{console}").parse().unwrap();
    config.provider.addr = format!("127.0.0.1:{provider}").parse().unwrap();
    config.console.public_url = Some("https://console.orgdesk.test".parse().unwrap());
    config.provider.public_url = Some(format!("http://127.0.0.1:{provider}").parse().unwrap());
    let running = orgdesk_server::start(&config).await.unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let health = client
        .get(format!("http://127.0.0.1:{console}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let login = client
        .get(format!("http://127.0.0.1:{console}/auth/login"))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-orgdesk_login="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/;"),
        "{cookie}"
    );
    running.stop().await.unwrap();

    // The provider on https too.
    let (mut config, _databases) = support::test_config().await;
    let provider = free_port();
    config.provider.addr = format!("127.0.0.1:{provider}").parse().unwrap();
    config.provider.public_url = Some("https://id.orgdesk.test".parse().unwrap());
    let running = orgdesk_server::start(&config).await.unwrap();
    let health = client
        .get(format!("http://127.0.0.1:{provider}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    running.stop().await.unwrap();
}
