//! Federation to an enterprise (`oidc`) connection, end to end over real
//! HTTP: a second built-in provider on 127.0.0.1:0 is the customer's
//! identity provider, admitted through the fetch policy's test origins. A
//! small fake identity provider serves hand-made ID tokens for the checks a
//! real one never fails.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::{Json, Router, extract::State as AxumState, routing::get};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http::StatusCode;
use orgdesk_config::Secret;
use orgdesk_fetch::FetchPolicy;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use super::{
    ISSUER, TestProvider,
    browser::{Browser, Page, claims, exchange, param},
};
use crate::{
    ClientSpec, MemberSpec, OrganizationSpec, ProviderOptions, Provisioning, UserSpec,
    clients::{AppType, OrganizationUsage},
    store::{organizations, users},
};

pub(super) const APP: &str = "b2b-app";
pub(super) const APP_SECRET: &str = "b2b-secret";
pub(super) const CALLBACK: &str = "https://b2b.example/callback";
pub(super) const PASSWORD: &str = "correct horse battery";
/// The connection's client secret at the upstream: must never be shown or logged.
pub(super) const UPSTREAM_SECRET: &str = "UPSTREAM-SECRET-never-shown-7f3a";
pub(super) const UPSTREAM_CLIENT: &str = "corp-app";

/// The customer's identity provider: a built-in provider on a real port.
pub(super) struct Upstream {
    pub provider: TestProvider,
    pub issuer: String,
}

pub(super) async fn listener() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

pub(super) async fn upstream(employees: &[&str]) -> Upstream {
    let (listener, addr) = listener().await;
    let issuer = format!("http://{addr}/");
    let provider = TestProvider::with_issuer(&issuer, ProviderOptions::default()).await;
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: UPSTREAM_CLIENT.into(),
                name: "Orgdesk".into(),
                client_secret: Some(Secret::new(UPSTREAM_SECRET)),
                app_type: AppType::RegularWeb,
                redirect_uris: vec![format!("{ISSUER}login/callback")],
                logout_urls: vec![],
                organization_usage: OrganizationUsage::Deny,
                initiate_login_uri: None,
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            users: employees
                .iter()
                .map(|email| UserSpec {
                    email: (*email).into(),
                    name: format!("Employee {email}"),
                    password: Some(Secret::new(PASSWORD)),
                    roles: vec![],
                })
                .collect(),
            ..Provisioning::default()
        })
        .await
        .unwrap();
    let app = provider.app.clone();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Upstream { provider, issuer }
}

/// Orgdesk's provider, admitting `origins`, with the application, the
/// organizations `acme` and `globex` (password database enabled) and a
/// provisioned user.
pub(super) async fn downstream(origins: Vec<String>, timeout: Duration) -> TestProvider {
    let provider = TestProvider::with_options(ProviderOptions {
        outbound: FetchPolicy {
            timeout,
            test_origins: origins,
            ..FetchPolicy::default()
        },
        ..ProviderOptions::default()
    })
    .await;
    let org = |name: &str, members: Vec<MemberSpec>| OrganizationSpec {
        name: name.into(),
        display_name: Some(format!("{name} Inc")),
        members,
        branding: None,
        // A new organization gets the password database.
        enabled_connections: None,
    };
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: APP.into(),
                name: "B2B App".into(),
                client_secret: Some(Secret::new(APP_SECRET)),
                app_type: AppType::RegularWeb,
                redirect_uris: vec![CALLBACK.into()],
                logout_urls: vec![],
                organization_usage: OrganizationUsage::Allow,
                initiate_login_uri: Some("https://b2b.example/login".into()),
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            users: vec![UserSpec {
                email: "known@corp.example".into(),
                name: "Known".into(),
                password: Some(Secret::new(PASSWORD)),
                roles: vec![],
            }],
            organizations: vec![org("acme", vec![]), org("globex", vec![])],
            ..Provisioning::default()
        })
        .await
        .unwrap();
    provider
}

pub(super) async fn org_id(provider: &TestProvider, name: &str) -> String {
    organizations::by_name(&provider.db, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The `oidc` connection `corp-sso` to `issuer`, enabled for `org`.
pub(super) async fn connect(provider: &TestProvider, org: &str, issuer: &str, assign: bool) {
    add_connection(provider, "con_CorpSso", "corp-sso", issuer, UPSTREAM_CLIENT).await;
    enable(provider, org, "con_CorpSso", assign, true).await;
}

/// The connection speaks for these domains (`domain_aliases`).
pub(super) async fn vouch_for(provider: &TestProvider, issuer: &str, domains: &[&str]) {
    sqlx::query("UPDATE connections SET options = $1 WHERE id = 'con_CorpSso'")
        .bind(
            json!({"issuer": issuer, "client_id": UPSTREAM_CLIENT,
                   "scope": "openid profile email", "domain_aliases": domains})
            .to_string(),
        )
        .execute(provider.db.pool())
        .await
        .unwrap();
}

pub(super) async fn add_connection(
    provider: &TestProvider,
    id: &str,
    name: &str,
    issuer: &str,
    client_id: &str,
) {
    sqlx::query(
        "INSERT INTO connections (id, name, display_name, strategy, options, client_secret, created_at) \
         VALUES ($1, $2, $3, 'oidc', $4, $5, 1)",
    )
    .bind(id)
    .bind(name)
    .bind(format!("{name} login"))
    .bind(json!({"issuer": issuer, "client_id": client_id, "scope": "openid profile email"}).to_string())
    .bind(UPSTREAM_SECRET)
    .execute(provider.db.pool())
    .await
    .unwrap();
}

pub(super) async fn enable(
    provider: &TestProvider,
    org: &str,
    connection_id: &str,
    assign: bool,
    button: bool,
) {
    sqlx::query(
        "INSERT INTO organization_connections (org_id, connection_id, assign_membership_on_login, \
         show_as_button, is_signup_enabled, created_at) VALUES ($1, $2, $3, $4, 0, 1)",
    )
    .bind(org_id(provider, org).await)
    .bind(connection_id)
    .bind(i64::from(assign))
    .bind(i64::from(button))
    .execute(provider.db.pool())
    .await
    .unwrap();
}

pub(super) fn authorize_params(org: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_id", APP),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", "app-state"),
        ("organization", org),
    ]
}

pub(super) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// From `/authorize` to the upstream's authorization request (the button).
pub(super) async fn to_upstream(down: &mut Browser<'_>, org: &str) -> Url {
    let start = down.authorize(&authorize_params(org)).await;
    let login = start.location.expect("to the login page");
    let tx = param(&login, "state").unwrap();
    let page = down.get(&path_and_query(&login)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("data-connection=\"corp-sso\""),
        "{}",
        page.text
    );
    let go = down
        .get(&format!("/u/federate?state={tx}&connection=corp-sso"))
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.text);
    go.location.expect("to the upstream")
}

/// The employee signs in at the upstream; returns the callback URL it sends
/// the browser to.
pub(super) async fn upstream_sign_in(upstream: &Upstream, authorize: &Url, email: &str) -> Url {
    let mut up = Browser::new(&upstream.provider);
    let page = up.get(&path_and_query(authorize)).await;
    assert!(page.location.is_some(), "{} {}", page.status, page.text);
    let back = up.login(&page, email, PASSWORD).await;
    let back = back.location.unwrap_or_else(|| panic!("{}", back.text));
    assert!(
        back.as_str()
            .starts_with(&format!("{ISSUER}login/callback")),
        "{back}"
    );
    back
}

/// The whole federation for `email`; returns the downstream's last answer.
pub(super) async fn federate(
    down: &TestProvider,
    upstream: &Upstream,
    org: &str,
    email: &str,
) -> Page {
    let mut browser = Browser::new(down);
    let authorize = to_upstream(&mut browser, org).await;
    let callback = upstream_sign_in(upstream, &authorize, email).await;
    browser.get(&path_and_query(&callback)).await
}

/// The ID token the application gets for the code it was sent back with.
pub(super) async fn app_claims(provider: &TestProvider, back: &Page) -> Value {
    let location = back
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", back.status, back.text));
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    let code = param(location, "code").unwrap_or_else(|| panic!("no code: {location}"));
    let (status, tokens) = exchange(
        provider,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", APP),
            ("client_secret", APP_SECRET),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    claims(tokens["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn a_new_employee_becomes_a_member_where_the_connection_assigns_membership() {
    let upstream = upstream(&["new@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    vouch_for(&down, &upstream.issuer, &["corp.example"]).await;

    let back = federate(&down, &upstream, "acme", "new@corp.example").await;
    // Back to the application through a page, not a redirect: the upstream's
    // login form restricts form-action, which browsers apply to every
    // redirect after its post.
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert!(back.refreshes, "{}", back.text);
    assert!(back.text.contains("id=\"continue\""), "{}", back.text);
    let claims = app_claims(&down, &back).await;
    let user_id = claims["sub"].as_str().unwrap().to_owned();
    assert!(user_id.starts_with("oidc|corp-sso|"), "{user_id}");
    assert_eq!(claims["org_id"], json!(org_id(&down, "acme").await));
    let acme = org_id(&down, "acme").await;
    assert!(users::is_member(&down.db, &acme, &user_id).await.unwrap());
    let user = users::by_id(&down.db, &user_id).await.unwrap().unwrap();
    assert_eq!(user.email, "new@corp.example");
    // The identity keeps the profile and the time of the sign-in.
    let (profile, last): (String, Option<i64>) =
        sqlx::query_as("SELECT profile, last_login_at FROM identities WHERE user_id = $1")
            .bind(&user_id)
            .fetch_one(down.db.pool())
            .await
            .unwrap();
    assert!(profile.contains("new@corp.example"), "{profile}");
    assert!(last.is_some());
}

#[tokio::test]
async fn an_invitation_for_the_enterprise_connection_goes_straight_there_and_is_accepted() {
    let upstream = upstream(&["invited@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    // No membership on login: the invitation is what makes them a member.
    connect(&down, "acme", &upstream.issuer, false).await;
    // The connection vouches for the invited address.
    vouch_for(&down, &upstream.issuer, &["corp.example"]).await;
    let acme = org_id(&down, "acme").await;
    let token = down.token(&["create:organization_invitations"]).await;
    let created = super::invitations::invite(
        &down,
        &token,
        &acme,
        json!({
            "inviter": {"name": "Ann"},
            "invitee": {"email": "invited@corp.example"},
            "client_id": APP,
            "connection_id": "con_CorpSso",
        }),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let ticket = created.body["ticket_id"].as_str().unwrap().to_owned();

    // The invitation link skips the login page for the upstream.
    let mut browser = Browser::new(&down);
    let mut params = authorize_params("acme");
    params.push(("invitation", &ticket));
    let start = browser.authorize(&params).await;
    let authorize = start.location.expect("a redirect");
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{}authorize", upstream.issuer)),
        "{authorize}"
    );
    let callback = upstream_sign_in(&upstream, &authorize, "invited@corp.example").await;
    let back = browser.get(&path_and_query(&callback)).await;
    let claims = app_claims(&down, &back).await;
    let user_id = claims["sub"].as_str().unwrap().to_owned();
    assert!(users::is_member(&down.db, &acme, &user_id).await.unwrap());
    // Accepted: the invitation is gone, as Auth0 deletes it.
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE org_id = $1")
        .bind(&acme)
        .fetch_one(down.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_non_member_is_refused_where_the_connection_does_not_assign_membership() {
    let upstream = upstream(&["new@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, false).await;

    let back = federate(&down, &upstream, "acme", "new@corp.example").await;
    let location = back.location.expect("back to the application");
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert!(param(&location, "code").is_none());
}

#[tokio::test]
async fn a_returning_person_is_found_by_subject_even_after_their_email_changed() {
    let upstream = upstream(&["ann@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;

    let first = app_claims(
        &down,
        &federate(&down, &upstream, "acme", "ann@corp.example").await,
    )
    .await;
    sqlx::query(
        "UPDATE users SET email = 'ann.smith@corp.example' WHERE email = 'ann@corp.example'",
    )
    .execute(upstream.provider.db.pool())
    .await
    .unwrap();
    let second = app_claims(
        &down,
        &federate(&down, &upstream, "acme", "ann.smith@corp.example").await,
    )
    .await;
    assert_eq!(first["sub"], second["sub"]);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE user_id LIKE 'oidc|%'")
        .fetch_one(down.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_taken_email_links_only_when_verified_in_the_connections_domains_and_never_to_staff() {
    let upstream = upstream(&["known@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    let known = users::by_email(&down.db, "known@corp.example")
        .await
        .unwrap()
        .unwrap();
    let linked = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM identities WHERE connection_id = 'con_CorpSso'",
        )
        .fetch_one(down.db.pool())
        .await
        .unwrap()
    };
    let refused_because = |expected: &'static str| {
        let down = &down;
        let upstream = &upstream;
        async move {
            let page = federate(down, upstream, "acme", "known@corp.example").await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text);
            assert!(page.text.contains(expected), "{expected}: {}", page.text);
        }
    };

    // (Outside the connection's domains nothing is ever linked: see
    // a_connection_vouches_only_for_its_own_domains.)
    vouch_for(&down, &upstream.issuer, &["corp.example"]).await;

    // The upstream does not say the address is verified.
    sqlx::query("UPDATE users SET email_verified = 0")
        .execute(upstream.provider.db.pool())
        .await
        .unwrap();
    refused_because("does not confirm that this address is yours").await;
    assert_eq!(linked().await, 0, "never linked by an unverified email");
    sqlx::query("UPDATE users SET email_verified = 1")
        .execute(upstream.provider.db.pool())
        .await
        .unwrap();

    // Its domain, but the account holds a tenant-wide role.
    sqlx::query("INSERT INTO roles (id, name, description) VALUES ('rol_Staff', 'Staff', '')")
        .execute(down.db.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, 'rol_Staff')")
        .bind(&known.user_id)
        .execute(down.db.pool())
        .await
        .unwrap();
    refused_because("cannot be linked").await;
    assert_eq!(
        linked().await,
        0,
        "never linked to an account with a tenant-wide role"
    );

    // A verified address of its domain, on an ordinary account: linked.
    sqlx::query("DELETE FROM user_roles")
        .execute(down.db.pool())
        .await
        .unwrap();
    let claims = app_claims(
        &down,
        &federate(&down, &upstream, "acme", "known@corp.example").await,
    )
    .await;
    assert_eq!(
        claims["sub"],
        json!(known.user_id),
        "linked to the existing user"
    );
    assert_eq!(linked().await, 1);
}

#[tokio::test]
async fn the_state_is_single_use_and_bound_to_the_browser() {
    let upstream = upstream(&["new@corp.example"]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;

    // Without the cookie: refused, and the state stays unused.
    let mut browser = Browser::new(&down);
    let authorize = to_upstream(&mut browser, "acme").await;
    let callback = upstream_sign_in(&upstream, &authorize, "new@corp.example").await;
    let cookie = browser.cookie("od_fed").expect("the federation cookie");
    browser.set_cookie("od_fed", None);
    let refused = browser.get(&path_and_query(&callback)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("another browser"), "{}", refused.text);

    // Another browser's cookie does not fit either.
    browser.set_cookie("od_fed", Some("someone-elses-state"));
    let refused = browser.get(&path_and_query(&callback)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    // With it: signed in; then the same answer again is refused.
    browser.set_cookie("od_fed", Some(&cookie));
    let back = browser.get(&path_and_query(&callback)).await;
    assert!(
        param(back.location.as_ref().unwrap(), "code").is_some(),
        "{}",
        back.text
    );
    browser.set_cookie("od_fed", Some(&cookie));
    let replay = browser.get(&path_and_query(&callback)).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert!(replay.text.contains("already used"), "{}", replay.text);
}

#[tokio::test]
async fn an_error_from_the_upstream_shows_a_clear_page() {
    let upstream = upstream(&[]).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    let mut browser = Browser::new(&down);
    let authorize = to_upstream(&mut browser, "acme").await;
    let state = param(&authorize, "state").unwrap();
    let page = browser
        .get(&format!(
            "/login/callback?error=access_denied&error_description=%3Cscript%3E&state={state}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text.contains("did not sign you in (access_denied)"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("<script>"));
}

#[tokio::test]
async fn an_issuer_at_loopback_without_the_allow_list_is_refused_and_other_organizations_sign_in() {
    // A server that accepts and never answers, admitted: the timeout bounds it.
    let (silent, silent_addr) = listener().await;
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let timeout = Duration::from_secs(1);
    let down = downstream(vec![format!("http://{silent_addr}")], timeout).await;
    // acme's issuer is at loopback and not allow-listed; globex's never answers.
    add_connection(
        &down,
        "con_Loop",
        "corp-sso",
        &format!("https://{silent_addr}/"),
        "x",
    )
    .await;
    enable(&down, "acme", "con_Loop", true, true).await;
    add_connection(
        &down,
        "con_Silent",
        "silent-sso",
        &format!("http://{silent_addr}/"),
        "x",
    )
    .await;
    enable(&down, "globex", "con_Silent", true, true).await;

    let mut browser = Browser::new(&down);
    let start = browser.authorize(&authorize_params("acme")).await;
    let tx = param(start.location.as_ref().unwrap(), "state").unwrap();
    let started = Instant::now();
    let refused = browser
        .get(&format!("/u/federate?state={tx}&connection=corp-sso"))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.text);
    assert!(
        refused.text.contains("non-public address"),
        "{}",
        refused.text
    );
    assert!(started.elapsed() < timeout * 2);

    let mut other = Browser::new(&down);
    let start = other.authorize(&authorize_params("globex")).await;
    let tx = param(start.location.as_ref().unwrap(), "state").unwrap();
    let started = Instant::now();
    let slow = other
        .get(&format!("/u/federate?state={tx}&connection=silent-sso"))
        .await;
    assert_eq!(slow.status, StatusCode::BAD_GATEWAY, "{}", slow.text);
    assert!(slow.text.contains("did not answer"), "{}", slow.text);
    assert!(started.elapsed() < timeout * 2, "{:?}", started.elapsed());

    // Meanwhile another organization's password sign-in is unaffected.
    let mut third = Browser::new(&down);
    let start = third.authorize(&authorize_params("globex")).await;
    let page = third
        .get(&path_and_query(start.location.as_ref().unwrap()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("name=\"password\""));
}

// ---- A fake identity provider whose ID tokens the test makes. ----

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Good,
    Tampered,
    Forged,
    WrongNonce,
    WrongAudience,
    Expired,
    Alien,
}

struct Fake {
    issuer: String,
    kid: String,
    key: jsonwebtoken::EncodingKey,
    other_key: jsonwebtoken::EncodingKey,
    jwk: Value,
    mode: Mutex<Mode>,
    /// The nonce and code challenge of the last authorization request.
    nonce: Mutex<String>,
    challenge: Mutex<String>,
    /// What the token endpoint received: (authorization header, form).
    received: Mutex<Vec<(Option<String>, String)>>,
    /// How many times its JWKS was read.
    jwks_fetches: std::sync::atomic::AtomicUsize,
}

fn rsa_key() -> (jsonwebtoken::EncodingKey, rsa::RsaPublicKey) {
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
    let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    (
        jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        key.to_public_key(),
    )
}

async fn fake_idp() -> Arc<Fake> {
    let (listener, addr) = listener().await;
    let issuer = format!("http://{addr}");
    let ((key, public), (other_key, _)) = tokio::task::spawn_blocking(|| (rsa_key(), rsa_key()))
        .await
        .unwrap();
    let kid = "fake-kid".to_owned();
    let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())});
    let fake = Arc::new(Fake {
        issuer,
        kid,
        key,
        other_key,
        jwk,
        mode: Mutex::new(Mode::Good),
        nonce: Mutex::default(),
        challenge: Mutex::default(),
        received: Mutex::default(),
        jwks_fetches: Default::default(),
    });
    let router = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(|AxumState(fake): AxumState<Arc<Fake>>| async move {
                let i = &fake.issuer;
                Json(json!({
                    "issuer": i,
                    "authorization_endpoint": format!("{i}/authorize"),
                    "token_endpoint": format!("{i}/token"),
                    "jwks_uri": format!("{i}/jwks"),
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "code_challenge_methods_supported": ["S256"],
                }))
            }),
        )
        .route(
            "/jwks",
            get(|AxumState(fake): AxumState<Arc<Fake>>| async move {
                fake.jwks_fetches
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Json(json!({"keys": [fake.jwk]}))
            }),
        )
        .route(
            "/token",
            axum::routing::post(
                |AxumState(fake): AxumState<Arc<Fake>>, headers: http::HeaderMap, body: String| async move {
                    let auth = headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned());
                    fake.received.lock().unwrap().push((auth, body));
                    Json(json!({"access_token": "at", "token_type": "Bearer", "id_token": fake.id_token()}))
                },
            ),
        )
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    fake
}

impl Fake {
    fn id_token(&self) -> String {
        let mode = *self.mode.lock().unwrap();
        let now = crate::now();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": UPSTREAM_CLIENT,
            "sub": "fake-subject-1",
            "email": "fake@corp.example",
            "email_verified": true,
            "nonce": *self.nonce.lock().unwrap(),
            "iat": now,
            "exp": now + 300,
        });
        match mode {
            Mode::WrongNonce => claims["nonce"] = json!("not-the-nonce"),
            Mode::WrongAudience => claims["aud"] = json!("another-app"),
            Mode::Expired => {
                claims["iat"] = json!(now - 1000);
                claims["exp"] = json!(now - 600);
            }
            Mode::Alien => claims["iss"] = json!("https://alien.example"),
            _ => {}
        }
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        let key = if mode == Mode::Forged {
            &self.other_key
        } else {
            &self.key
        };
        let token = jsonwebtoken::encode(&header, &claims, key).unwrap();
        if mode == Mode::Tampered {
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let mut payload: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
            payload["sub"] = json!("someone-else");
            parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
            return parts.join(".");
        }
        token
    }
}

/// A sign-in through the fake provider in `mode`; returns the last page.
async fn through_fake(down: &TestProvider, fake: &Fake, mode: Mode) -> Page {
    *fake.mode.lock().unwrap() = mode;
    let mut browser = Browser::new(down);
    let authorize = to_upstream(&mut browser, "acme").await;
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{}/authorize", fake.issuer))
    );
    *fake.nonce.lock().unwrap() = param(&authorize, "nonce").unwrap();
    *fake.challenge.lock().unwrap() = param(&authorize, "code_challenge").unwrap();
    assert_eq!(
        param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        param(&authorize, "redirect_uri").as_deref(),
        Some(format!("{ISSUER}login/callback").as_str())
    );
    let state = param(&authorize, "state").unwrap();
    browser
        .get(&format!(
            "/login/callback?code=the-upstream-code&state={state}"
        ))
        .await
}

#[tokio::test]
async fn id_tokens_that_fail_a_check_are_refused() {
    let fake = fake_idp().await;
    let down = downstream(vec![fake.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &fake.issuer, true).await;

    for (mode, reason) in [
        (Mode::Tampered, "signature is invalid"),
        (Mode::Forged, "signature is invalid"),
        (Mode::WrongNonce, "nonce"),
        (Mode::WrongAudience, "another application"),
        (Mode::Expired, "expired"),
        (Mode::Alien, "issuer is wrong"),
    ] {
        let page = through_fake(&down, &fake, mode).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_GATEWAY,
            "{reason}: {}",
            page.text
        );
        assert!(page.text.contains(reason), "{reason}: {}", page.text);
    }
    let users: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM identities WHERE connection_id = 'con_CorpSso'")
            .fetch_one(down.db.pool())
            .await
            .unwrap();
    assert_eq!(users, 0, "no identity from a refused token");

    let page = through_fake(&down, &fake, Mode::Good).await;
    let claims = app_claims(&down, &page).await;
    assert_eq!(claims["sub"], json!("oidc|corp-sso|fake-subject-1"));
    // Every one of these sign-ins checked a token; the upstream's keys were
    // fetched once and kept.
    assert_eq!(
        fake.jwks_fetches.load(std::sync::atomic::Ordering::SeqCst),
        1
    );

    // client_secret_post, as the fake's discovery asks, with the PKCE verifier.
    let (auth, form) = fake.received.lock().unwrap().last().cloned().unwrap();
    assert!(auth.is_none());
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&form).unwrap();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field("client_secret"), UPSTREAM_SECRET);
    assert_eq!(field("code"), "the-upstream-code");
    let verifier = field("code_verifier");
    assert_eq!(
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        *fake.challenge.lock().unwrap()
    );
}

/// Log lines, captured.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_client_secret_never_appears_in_pages_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake_idp().await;
    let upstream = upstream(&["new@corp.example"]).await;
    let down = downstream(
        vec![fake.issuer.clone(), upstream.issuer.clone()],
        Duration::from_secs(5),
    )
    .await;
    connect(&down, "acme", &fake.issuer, true).await;
    let mut pages = Vec::new();
    for mode in [Mode::Good, Mode::Forged, Mode::WrongAudience] {
        pages.push(through_fake(&down, &fake, mode).await);
    }
    // The real upstream refuses a wrong secret: the token endpoint's refusal
    // is shown, the secret is not.
    sqlx::query("UPDATE connections SET client_secret = $1, options = $2 WHERE id = 'con_CorpSso'")
        .bind(format!("{UPSTREAM_SECRET}-wrong"))
        .bind(json!({"issuer": upstream.issuer, "client_id": UPSTREAM_CLIENT}).to_string())
        .execute(down.db.pool())
        .await
        .unwrap();
    let refused = federate(&down, &upstream, "acme", "new@corp.example").await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.text);
    assert!(
        refused.text.contains("refused the code"),
        "{}",
        refused.text
    );
    pages.push(refused);

    for page in &pages {
        assert!(!page.text.contains(UPSTREAM_SECRET), "{}", page.text);
        if let Some(location) = &page.location {
            assert!(!location.as_str().contains(UPSTREAM_SECRET));
        }
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("federation"),
        "the refusals were logged: {logs}"
    );
    assert!(!logs.contains(UPSTREAM_SECRET), "{logs}");
    assert!(!logs.contains("the-upstream-code"), "{logs}");
}
