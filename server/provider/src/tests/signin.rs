//! Sign-in: `/authorize`, the login page, codes, refresh tokens, `/userinfo`
//! and logout, driven as a browser and a client would.

use axum::body::Body;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http::{Request, StatusCode, header};
use orgdesk_config::Secret;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{
    TestProvider,
    browser::{Browser, claims, exchange, param},
};
use crate::{
    ClientSpec, MemberSpec, OrganizationSpec, Provisioning, RoleSpec, UserSpec,
    clients::{AppType, OrganizationUsage},
};

const WEB: &str = "console";
const WEB_SECRET: &str = "console-secret";
const CALLBACK: &str = "http://console.test/callback";
const SPA: &str = "spa";
const PASSWORD: &str = "correct horse battery";

async fn provider() -> TestProvider {
    let provider = TestProvider::new().await;
    let client = |id: &str, secret: Option<&str>, app_type| ClientSpec {
        client_id: id.into(),
        name: "Orgdesk console".into(),
        client_secret: secret.map(Secret::new),
        app_type,
        redirect_uris: vec![CALLBACK.into()],
        logout_urls: vec!["http://console.test/".into()],
        organization_usage: OrganizationUsage::Allow,
        initiate_login_uri: None,
        management_api_scopes: vec![],
        require_pkce: false,
    };
    let user = |email: &str| UserSpec {
        email: email.into(),
        name: email.into(),
        password: Some(Secret::new(PASSWORD)),
        roles: vec![],
    };
    provider
        .state
        .apply(&Provisioning {
            connections: vec![],
            clients: vec![
                client(WEB, Some(WEB_SECRET), AppType::RegularWeb),
                client(SPA, None, AppType::Spa),
            ],
            roles: vec![RoleSpec {
                name: "Org Admin".into(),
                description: String::new(),
            }],
            users: vec![
                user("staff@travel0.example"),
                user("sally@metahexa.example"),
            ],
            organizations: vec![OrganizationSpec {
                branding: None,
                enabled_connections: None,
                name: "metahexa-bank".into(),
                display_name: Some("MetaHexa <Bank>".into()),
                members: vec![MemberSpec {
                    email: "sally@metahexa.example".into(),
                    roles: vec!["Org Admin".into()],
                }],
            }],
        })
        .await
        .unwrap();
    provider
}

fn web_params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("client_id", WEB),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid profile email offline_access"),
        ("state", "st-123"),
        ("nonce", "n-456"),
    ];
    // A parameter given in `extra` replaces the default: OAuth forbids repeats.
    params.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    params.extend_from_slice(extra);
    params
}

async fn code_exchange(provider: &TestProvider, code: &str) -> (StatusCode, Value) {
    exchange(
        provider,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("code", code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await
}

async fn refresh(provider: &TestProvider, token: &str) -> (StatusCode, Value) {
    exchange(
        provider,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("refresh_token", token),
        ],
    )
    .await
}

async fn userinfo(provider: &TestProvider, access_token: &str) -> (StatusCode, Value) {
    let answer = provider
        .call(
            Request::get("/userinfo")
                .header(header::AUTHORIZATION, format!("Bearer {access_token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    (answer.status, answer.body)
}

/// Signs in as `email` (or rides the browser's session) and returns the code.
async fn sign_in(browser: &mut Browser<'_>, params: &[(&str, &str)], email: &str) -> String {
    let to_login = browser.authorize(params).await;
    let back = match &to_login.location {
        Some(location) if location.path() == "/u/login" => {
            browser.login(&to_login, email, PASSWORD).await
        }
        _ => to_login,
    };
    let location = back.location.expect("redirected back");
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    param(&location, "code").expect("a code")
}

#[tokio::test]
async fn a_person_signs_in_and_the_client_gets_tokens_and_userinfo() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let to_login = browser.authorize(&web_params(&[])).await;
    assert!(to_login.location.as_ref().unwrap().path() == "/u/login");
    let back = browser
        .login(&to_login, "Staff@Travel0.example", PASSWORD)
        .await;
    let location = back.location.expect("redirect back to the client");
    assert_eq!(
        param(&location, "state").as_deref(),
        Some("st-123"),
        "state is carried through"
    );
    let code = param(&location, "code").unwrap();

    let (status, tokens) = code_exchange(&provider, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["iss"], "http://127.0.0.1:4444/");
    assert_eq!(id["aud"], WEB);
    assert_eq!(id["nonce"], "n-456", "nonce is carried through");
    assert_eq!(id["email"], "staff@travel0.example");
    assert!(
        tokens["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );

    let (status, me) = userinfo(&provider, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["sub"], id["sub"]);
    assert_eq!(me["email"], "staff@travel0.example");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_one_answer_and_accounts_lock() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let to_login = browser.authorize(&web_params(&[])).await;
    let unknown = browser
        .login(&to_login, "nobody@travel0.example", PASSWORD)
        .await;
    let wrong = browser
        .login(&to_login, "staff@travel0.example", "guess")
        .await;
    for page in [&unknown, &wrong] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.text.contains("Wrong email or password."));
        assert!(page.location.is_none(), "no code");
    }
    for _ in 0..4 {
        browser
            .login(&to_login, "staff@travel0.example", "guess")
            .await;
    }
    let locked = browser
        .login(&to_login, "staff@travel0.example", PASSWORD)
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.text.contains("Too many failed attempts"));
    let other = browser
        .login(&to_login, "sally@metahexa.example", PASSWORD)
        .await;
    assert!(other.location.is_some(), "another account is not locked");
}

#[tokio::test]
async fn bad_clients_and_redirect_uris_get_an_error_page_never_a_redirect() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let cases = [
        vec![
            ("client_id", "ghost"),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
        ],
        vec![
            ("client_id", WEB),
            ("redirect_uri", "http://console.test/callback/evil"),
            ("response_type", "code"),
        ],
        vec![
            ("client_id", WEB),
            ("redirect_uri", "http://console.test/"),
            ("response_type", "code"),
        ],
        vec![
            ("client_id", WEB),
            ("redirect_uri", "http://evil.test/callback"),
            ("response_type", "code"),
        ],
        vec![("client_id", WEB), ("response_type", "code")],
    ];
    for params in cases {
        let page = browser.authorize(&params).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{params:?}");
        assert!(page.location.is_none(), "{params:?} must not redirect");
    }
}

#[tokio::test]
async fn protocol_errors_go_back_to_the_client_with_the_state() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let spa = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![
            ("client_id", SPA),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("state", "s"),
        ];
        p.extend_from_slice(extra);
        p
    };
    let challenge = "E9Melhoa2OwvFrEMTJguCQaoWe7U1bXdgNG-Gx6sSIM";
    let cases = [
        (
            web_params(&[("response_type", "token")]),
            "unsupported_response_type",
        ),
        (spa(&[]), "invalid_request"),
        (
            spa(&[
                ("code_challenge", challenge),
                ("code_challenge_method", "plain"),
            ]),
            "invalid_request",
        ),
        (
            web_params(&[("organization", "no-such-org")]),
            "invalid_request",
        ),
        (web_params(&[("prompt", "none")]), "login_required"),
    ];
    for (params, error) in cases {
        let page = browser.authorize(&params).await;
        let location = page
            .location
            .unwrap_or_else(|| panic!("{params:?}: {}", page.text));
        assert!(location.as_str().starts_with(CALLBACK));
        assert_eq!(
            param(&location, "error").as_deref(),
            Some(error),
            "{params:?}"
        );
        assert!(param(&location, "state").is_some());
        assert!(param(&location, "code").is_none());
    }
}

#[tokio::test]
async fn public_clients_must_prove_the_pkce_verifier() {
    let provider = provider().await;
    let verifier = "a-verifier-of-at-least-forty-three-characters-0123";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let params = [
        ("client_id", SPA),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (given, ok) in [
        (
            "the-wrong-verifier-of-at-least-forty-three-characters",
            false,
        ),
        (verifier, true),
    ] {
        let mut browser = Browser::new(&provider);
        let code = sign_in(&mut browser, &params, "staff@travel0.example").await;
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", given),
        ];
        let (status, body) = exchange(&provider, &form).await;
        assert_eq!(status.is_success(), ok, "{given}: {body}");
        if !ok {
            assert_eq!(body["error"], "invalid_grant");
        }
    }
}

#[tokio::test]
async fn a_code_works_once_and_a_replay_revokes_what_it_issued() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let code = sign_in(&mut browser, &web_params(&[]), "staff@travel0.example").await;
    let (_, first) = code_exchange(&provider, &code).await;
    let (status, again) = code_exchange(&provider, &code).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(again["error"], "invalid_grant");
    let (status, _) = refresh(&provider, first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the refresh token of the first use is revoked"
    );
    let (status, _) = userinfo(&provider, first["access_token"].as_str().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "and so is its access token"
    );

    let late = sign_in(&mut browser, &web_params(&[]), "staff@travel0.example").await;
    sqlx::query("UPDATE authorization_codes SET expires_at = 0")
        .execute(provider.db.pool())
        .await
        .unwrap();
    let (status, body) = code_exchange(&provider, &late).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_grant")),
        "expired"
    );

    let wrong_uri = sign_in(&mut browser, &web_params(&[]), "staff@travel0.example").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
        ("code", wrong_uri.as_str()),
        ("redirect_uri", "http://console.test/other"),
    ];
    assert_eq!(exchange(&provider, &form).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let code = sign_in(&mut browser, &web_params(&[]), "staff@travel0.example").await;
    let (_, tokens) = code_exchange(&provider, &code).await;
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = refresh(&provider, &first).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "a new refresh token each time");

    let (status, reuse) = refresh(&provider, &first).await;
    assert_eq!(
        (status, reuse["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_grant"))
    );
    let (status, _) = refresh(&provider, &second).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "reuse of an old token revokes the newest too"
    );
}

#[tokio::test]
async fn a_session_signs_in_again_without_a_password_until_logout() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let code = sign_in(&mut browser, &web_params(&[]), "staff@travel0.example").await;
    let (_, tokens) = code_exchange(&provider, &code).await;

    let again = browser.authorize(&web_params(&[])).await;
    let location = again.location.unwrap();
    assert!(
        location.as_str().starts_with(CALLBACK),
        "single sign-on: straight back with a code"
    );
    assert!(param(&location, "code").is_some());
    let forced = browser.authorize(&web_params(&[("prompt", "login")])).await;
    assert_eq!(
        forced.location.unwrap().path(),
        "/u/login",
        "prompt=login asks again"
    );

    let hint = tokens["id_token"].as_str().unwrap();
    let out = browser
        .get(&format!(
            "/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri=http%3A%2F%2Fconsole.test%2F&state=bye"
        ))
        .await;
    let back = out.location.expect("back to a registered logout URL");
    assert_eq!(
        (back.host_str(), param(&back, "state").as_deref()),
        (Some("console.test"), Some("bye"))
    );
    let after = browser.authorize(&web_params(&[])).await;
    assert_eq!(
        after.location.unwrap().path(),
        "/u/login",
        "the session is over"
    );

    let elsewhere = browser
        .get(&format!(
            "/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri=http%3A%2F%2Fevil.test%2F"
        ))
        .await;
    assert!(elsewhere.location.is_none(), "never to an unregistered URL");
    assert!(elsewhere.text.contains("You are signed out"));
}

#[tokio::test]
async fn signing_in_to_an_organization_needs_membership_and_puts_it_in_the_tokens() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let to_login = browser
        .authorize(&web_params(&[("organization", "metahexa-bank")]))
        .await;
    let page = browser
        .get(to_login.location.as_ref().unwrap().as_str())
        .await;
    assert!(
        page.text.contains("Sign in to MetaHexa &lt;Bank&gt;"),
        "names the organization, escaped"
    );
    let code = {
        let back = browser
            .login(&to_login, "sally@metahexa.example", PASSWORD)
            .await;
        param(&back.location.unwrap(), "code").unwrap()
    };
    let (_, tokens) = code_exchange(&provider, &code).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["org_name"], "metahexa-bank");
    assert!(id["org_id"].as_str().unwrap().starts_with("org_"));
    assert_eq!(
        id["https://orgdesk.dev/roles"],
        serde_json::json!(["Org Admin"])
    );

    let (status, body) = exchange(
        &provider,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("organization", "org_someotherorg00000"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_grant"))
    );

    let mut stranger = Browser::new(&provider);
    let to_login = stranger
        .authorize(&web_params(&[("organization", "metahexa-bank")]))
        .await;
    let refused = stranger
        .login(&to_login, "staff@travel0.example", PASSWORD)
        .await;
    let location = refused.location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert!(
        param(&location, "code").is_none(),
        "a non-member gets no code"
    );
}

#[tokio::test]
async fn a_login_form_from_another_browser_is_refused() {
    let provider = provider().await;
    let mut victim = Browser::new(&provider);
    let to_login = victim.authorize(&web_params(&[])).await;
    let tx = param(to_login.location.as_ref().unwrap(), "state").unwrap();
    let mut attacker = Browser::new(&provider);
    let form = serde_urlencoded::to_string([
        ("state", tx.as_str()),
        ("email", "staff@travel0.example"),
        ("password", PASSWORD),
    ])
    .unwrap();
    let page = attacker
        .send(
            Request::post("/u/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(form),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.location.is_none());
}
