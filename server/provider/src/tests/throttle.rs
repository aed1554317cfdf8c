//! The throttle on passwords and client secrets stops the attacker, not the
//! owner: per (principal, address) and per address it refuses, per
//! principal it only slows, a little.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::{body::Body, extract::ConnectInfo};
use http::{Request, StatusCode, header};
use orgdesk_config::Secret;

use super::{AUDIENCE, TestProvider, basic, browser::Browser};
use crate::{
    ClientSpec, ProviderOptions, Provisioning, ThrottleOptions, UserSpec, clients::AppType,
};

const CALLBACK: &str = "http://console.test/callback";
const PASSWORD: &str = "correct horse battery";
const OWNER: &str = "staff@travel0.example";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// Limits small enough to reach, with a short delay, so that nothing sleeps long.
fn options(throttle: ThrottleOptions) -> ProviderOptions {
    ProviderOptions {
        throttle,
        ..Default::default()
    }
}

fn fast() -> ThrottleOptions {
    ThrottleOptions {
        delay_base: Duration::from_millis(20),
        delay_cap: Duration::from_millis(80),
        ..Default::default()
    }
}

async fn provider(options: ProviderOptions) -> TestProvider {
    let provider = TestProvider::with_options(options).await;
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: "console".into(),
                name: "Console".into(),
                client_secret: Some(Secret::new("console-secret")),
                app_type: AppType::RegularWeb,
                redirect_uris: vec![CALLBACK.into()],
                logout_urls: vec![],
                organization_usage: Default::default(),
                initiate_login_uri: None,
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            users: [OWNER, "other@travel0.example"]
                .iter()
                .map(|email| UserSpec {
                    email: email.to_string(),
                    name: email.to_string(),
                    password: Some(Secret::new(PASSWORD)),
                    roles: vec![],
                })
                .collect(),
            ..Default::default()
        })
        .await
        .unwrap();
    provider
}

const AUTHORIZE: &[(&str, &str)] = &[
    ("client_id", "console"),
    ("redirect_uri", CALLBACK),
    ("response_type", "code"),
    ("scope", "openid"),
];

/// One password attempt from `from`; the status and whether a code came back.
async fn attempt(
    provider: &TestProvider,
    from: IpAddr,
    email: &str,
    password: &str,
) -> (StatusCode, bool) {
    let mut browser = Browser::at(provider, from);
    let to_login = browser.authorize(AUTHORIZE).await;
    let page = browser.login(&to_login, email, password).await;
    let code = page.location.as_ref().is_some_and(|l| {
        l.as_str().starts_with(CALLBACK) && l.query().unwrap_or("").contains("code=")
    });
    (page.status, code)
}

#[tokio::test]
async fn an_attacker_cannot_lock_the_owner_out_from_another_address() {
    let provider = provider(options(fast())).await;
    let attacker = ip("203.0.113.66");
    for _ in 0..5 {
        let (status, _) = attempt(&provider, attacker, OWNER, "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt(&provider, attacker, OWNER, PASSWORD).await,
        (StatusCode::TOO_MANY_REQUESTS, false),
        "the attacker's address waits, even with the right password"
    );
    let started = Instant::now();
    assert_eq!(
        attempt(&provider, ip("198.51.100.7"), OWNER, PASSWORD).await,
        (StatusCode::SEE_OTHER, true),
        "the owner signs in from their own address"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "at most a short delay"
    );
}

#[tokio::test]
async fn failures_from_many_addresses_only_slow_the_account_down() {
    let provider = provider(options(ThrottleOptions {
        delay_base: Duration::from_millis(150),
        delay_cap: Duration::from_millis(150),
        ..Default::default()
    }))
    .await;
    for n in 1..=12 {
        let (status, _) = attempt(&provider, ip(&format!("203.0.113.{n}")), OWNER, "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n} is checked");
    }
    let started = Instant::now();
    assert_eq!(
        attempt(&provider, ip("198.51.100.7"), OWNER, PASSWORD).await,
        (StatusCode::SEE_OTHER, true),
        "never refused for the account's sake"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "but slowed by the account's delay"
    );
    // The right password forgets the account's failures: no delay after.
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auth_failures WHERE subject = $1")
        .bind(crate::ids::sha256_hex(&format!("account:{OWNER}")))
        .fetch_one(provider.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 0);
}

#[tokio::test]
async fn an_address_that_fails_too_often_is_refused_for_every_account() {
    let provider = provider(options(ThrottleOptions {
        per_address: 6,
        ..fast()
    }))
    .await;
    let sprayer = ip("203.0.113.99");
    for n in 0..6 {
        let (status, _) = attempt(
            &provider,
            sprayer,
            &format!("guess{n}@travel0.example"),
            "guess",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt(&provider, sprayer, "other@travel0.example", PASSWORD)
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(
        attempt(
            &provider,
            ip("198.51.100.1"),
            "other@travel0.example",
            PASSWORD
        )
        .await
        .1
    );
}

#[tokio::test]
async fn failures_older_than_the_window_no_longer_count() {
    let provider = provider(options(fast())).await;
    let attacker = ip("203.0.113.66");
    for _ in 0..5 {
        attempt(&provider, attacker, OWNER, "guess").await;
    }
    assert_eq!(
        attempt(&provider, attacker, OWNER, PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The window (15 minutes) passes.
    sqlx::query("UPDATE auth_failures SET at = at - 901")
        .execute(provider.db.pool())
        .await
        .unwrap();
    assert!(attempt(&provider, attacker, OWNER, PASSWORD).await.1);
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let provider = provider(ProviderOptions {
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        ..options(fast())
    })
    .await;
    let login = |peer: &'static str, forwarded: &'static str, password: &'static str| {
        let provider = &provider;
        async move {
            let mut browser = Browser::at(provider, ip(peer));
            let to_login = browser.authorize(AUTHORIZE).await;
            let tx = super::browser::param(to_login.location.as_ref().unwrap(), "state").unwrap();
            let form = serde_urlencoded::to_string([
                ("state", tx.as_str()),
                ("email", OWNER),
                ("password", password),
            ])
            .unwrap();
            browser
                .send(
                    Request::post("/u/login")
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .header("x-forwarded-for", forwarded),
                    Body::from(form),
                )
                .await
                .status
        }
    };
    // Behind the proxy, the attacker is 203.0.113.66 whatever they prepend.
    for n in 0..5 {
        let forged: &'static str = ["1.1.1.1, 203.0.113.66", "2.2.2.2, 203.0.113.66"][n % 2];
        assert_eq!(
            login("10.0.0.5", forged, "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login("10.0.0.5", "203.0.113.66", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login("10.0.0.5", "198.51.100.7", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "another client behind the same proxy signs in"
    );
    // A peer that is not a trusted proxy cannot choose its address.
    for _ in 0..5 {
        login("203.0.113.77", "198.51.100.200", "guess").await;
    }
    assert_eq!(
        login("203.0.113.77", "198.51.100.201", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A client-credentials request with this secret, from `from`.
async fn client_credentials(provider: &TestProvider, from: IpAddr, secret: &str) -> super::Answer {
    let form = format!(
        "grant_type=client_credentials&audience={}",
        percent_encoding::utf8_percent_encode(AUDIENCE, percent_encoding::NON_ALPHANUMERIC)
    );
    provider
        .call(
            Request::post("/oauth/token")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::AUTHORIZATION, basic("m2m", secret))
                .extension(ConnectInfo(SocketAddr::new(from, 41_000)))
                .body(Body::from(form))
                .unwrap(),
        )
        .await
}

#[tokio::test]
async fn wrong_client_secrets_are_throttled_per_client_and_address() {
    let provider = provider(options(fast())).await;
    let (_, secret) = provider.m2m_client("m2m", &["read:organizations"]).await;
    let attacker = ip("203.0.113.66");
    for _ in 0..5 {
        let answer = client_credentials(&provider, attacker, "wrong-secret").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body["error"], "invalid_client");
    }
    let refused = client_credentials(&provider, attacker, &secret).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.body["error"], "too_many_attempts");
    assert!(refused.body["error_description"].is_string());
    assert!(refused.headers.contains_key(header::RETRY_AFTER));
    assert!(
        !refused.body.to_string().contains(&secret),
        "no secret echoed"
    );

    let started = Instant::now();
    let ok = client_credentials(&provider, ip("198.51.100.7"), &secret).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn unknown_clients_count_as_failures_too() {
    let provider = provider(options(fast())).await;
    let attacker = ip("203.0.113.66");
    let answer = |secret: &'static str| {
        let provider = &provider;
        async move {
            provider
                .call(
                    Request::post("/oauth/token")
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .header(header::AUTHORIZATION, basic("ghost", secret))
                        .extension(ConnectInfo(SocketAddr::new(attacker, 41_000)))
                        .body(Body::from(format!(
                            "grant_type=client_credentials&audience={AUDIENCE}"
                        )))
                        .unwrap(),
                )
                .await
                .status
        }
    };
    for _ in 0..5 {
        assert_eq!(answer("x").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(answer("x").await, StatusCode::TOO_MANY_REQUESTS);
}
