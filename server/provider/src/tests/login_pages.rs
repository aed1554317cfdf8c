//! An organization's login page by its enabled connections: what it shows,
//! `connection=`, open sign-up, membership on login, branding and the
//! Content-Security-Policy.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use http::{StatusCode, header};
use orgdesk_config::Secret;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    TestProvider,
    browser::{Browser, Page, param},
};
use crate::{
    ClientSpec, MemberSpec, OrganizationSpec, Provisioning, UserSpec,
    clients::{AppType, OrganizationUsage},
    ids::DATABASE_CONNECTION_ID,
    store::{organizations, users},
};

const APP: &str = "b2b-app";
const CALLBACK: &str = "https://b2b.example/callback";
const PASSWORD: &str = "correct horse battery";

/// `acme` (password database, with `corp-sso` as a button and `hidden-sso`
/// not), `globex` (password database only), `initech` (nothing usable);
/// `other-sso` exists but no organization enables it. Known is a member of
/// no organization.
async fn provider() -> TestProvider {
    let provider = TestProvider::new().await;
    let org = |name: &str, display: &str| OrganizationSpec {
        name: name.into(),
        display_name: Some(display.into()),
        members: Vec::<MemberSpec>::new(),
        branding: None,
        // None enabled here: each test's connections are inserted below.
        enabled_connections: Some(vec![]),
    };
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: APP.into(),
                name: "B2B App".into(),
                client_secret: Some(Secret::new("b2b-secret")),
                app_type: AppType::RegularWeb,
                redirect_uris: vec![CALLBACK.into()],
                logout_urls: vec![],
                organization_usage: OrganizationUsage::Allow,
                initiate_login_uri: None,
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            users: vec![UserSpec {
                email: "known@example.com".into(),
                name: "Known".into(),
                password: Some(Secret::new(PASSWORD)),
                roles: vec![],
            }],
            organizations: vec![
                org("acme", "Acme"),
                org("globex", "Globex"),
                org("initech", "Initech"),
            ],
            ..Provisioning::default()
        })
        .await
        .unwrap();
    for (id, name, display) in [
        ("con_Corp", "corp-sso", "Corp <b>SSO</b>"),
        ("con_Hidden", "hidden-sso", "Hidden"),
        ("con_Other", "other-sso", "Other"),
    ] {
        sqlx::query(
            "INSERT INTO connections (id, name, display_name, strategy, options, client_secret, created_at) \
             VALUES ($1, $2, $3, 'oidc', $4, 's3cr3t', 1)",
        )
        .bind(id)
        .bind(name)
        .bind(display)
        .bind(json!({"issuer": "https://127.0.0.1:9/", "client_id": "x"}).to_string())
        .execute(provider.db.pool())
        .await
        .unwrap();
    }
    enable(&provider, "acme", DATABASE_CONNECTION_ID, false, false).await;
    enable(&provider, "acme", "con_Corp", true, false).await;
    enable(&provider, "acme", "con_Hidden", false, false).await;
    enable(&provider, "globex", DATABASE_CONNECTION_ID, false, true).await;
    enable(&provider, "initech", "con_Hidden", false, false).await;
    provider
}

async fn org_id(provider: &TestProvider, name: &str) -> String {
    organizations::by_name(&provider.db, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// `show_as_button` for enterprise connections; for the database, the flags.
async fn enable(provider: &TestProvider, org: &str, connection: &str, button: bool, flag: bool) {
    sqlx::query(
        "INSERT INTO organization_connections (org_id, connection_id, assign_membership_on_login, \
         show_as_button, is_signup_enabled, created_at) VALUES ($1, $2, $3, $4, $5, 1)",
    )
    .bind(org_id(provider, org).await)
    .bind(connection)
    .bind(i64::from(flag))
    .bind(i64::from(button))
    .bind(i64::from(flag))
    .execute(provider.db.pool())
    .await
    .unwrap();
}

fn params<'a>(org: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("client_id", APP),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", "st"),
        ("organization", org),
    ];
    params.extend_from_slice(extra);
    params
}

/// The login page a sign-in to `org` shows, and its transaction.
async fn login_page(
    browser: &mut Browser<'_>,
    org: &str,
    extra: &[(&str, &str)],
) -> (Page, String) {
    let start = browser.authorize(&params(org, extra)).await;
    let location = start
        .location
        .unwrap_or_else(|| panic!("{} {}", start.status, start.text));
    assert_eq!(location.path(), "/u/login", "{location}");
    let tx = param(&location, "state").unwrap();
    (browser.get(&format!("/u/login?state={tx}")).await, tx)
}

fn csp(page_headers: &http::HeaderMap) -> String {
    page_headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_login_page_shows_only_the_enabled_connections() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let (page, _) = login_page(&mut browser, "acme", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("name=\"password\""), "{}", page.text);
    assert!(page.text.contains("data-connection=\"corp-sso\""));
    assert!(
        page.text
            .contains("Continue with Corp &lt;b&gt;SSO&lt;/b&gt;"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("<b>SSO"),
        "markup in a display name is text"
    );
    assert!(!page.text.contains("hidden-sso"), "not shown as a button");
    assert!(!page.text.contains("other-sso"), "not enabled");
    assert!(!page.text.contains("signup-link"), "sign-up is not enabled");

    let (page, _) = login_page(&mut browser, "globex", &[]).await;
    assert!(page.text.contains("name=\"password\""));
    assert!(!page.text.contains("data-connection"));
    assert!(page.text.contains("signup-link"), "{}", page.text);
}

#[tokio::test]
async fn an_organization_without_a_usable_connection_says_so() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let (page, _) = login_page(&mut browser, "initech", &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text.contains("Initech has no way to sign in"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn connection_goes_straight_to_that_connection() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let (page, tx) = login_page(
        &mut browser,
        "acme",
        &[("connection", "Username-Password-Authentication")],
    )
    .await;
    assert!(page.text.contains("name=\"password\""));
    assert!(!page.text.contains("data-connection"), "{}", page.text);
    let elsewhere = browser
        .get(&format!("/u/federate?state={tx}&connection=corp-sso"))
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::BAD_REQUEST,
        "{}",
        elsewhere.text
    );
    assert!(elsewhere.text.contains("another sign-in method"));

    // An enterprise connection: no login page; here its issuer (loopback,
    // not allow-listed) is refused at once.
    let start = browser
        .authorize(&params("acme", &[("connection", "corp-sso")]))
        .await;
    assert_eq!(start.status, StatusCode::BAD_GATEWAY, "{}", start.text);
    assert!(start.text.contains("non-public address"), "{}", start.text);
    assert!(!start.text.contains("s3cr3t"));

    // Not enabled for the organization: an error back to the application.
    let refused = browser
        .authorize(&params("acme", &[("connection", "other-sso")]))
        .await;
    let location = refused.location.unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("invalid_request")
    );
    let refused = browser
        .authorize(&params("acme", &[("connection", "no-such")]))
        .await;
    assert!(
        refused
            .location
            .unwrap()
            .as_str()
            .contains("error=invalid_request")
    );
}

#[tokio::test]
async fn password_sign_in_by_a_non_member_follows_assign_membership_on_login() {
    let provider = provider().await;
    let known = users::by_email(&provider.db, "known@example.com")
        .await
        .unwrap()
        .unwrap();
    // acme's database connection does not assign membership: refused.
    let mut browser = Browser::new(&provider);
    let (_, tx) = login_page(&mut browser, "acme", &[]).await;
    let back = browser
        .post_form(
            "/u/login",
            &[
                ("state", &tx),
                ("email", "known@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let location = back.location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));

    // globex's does: signed in, and a member now.
    let mut browser = Browser::new(&provider);
    let (_, tx) = login_page(&mut browser, "globex", &[]).await;
    let back = browser
        .post_form(
            "/u/login",
            &[
                ("state", &tx),
                ("email", "known@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(
        param(back.location.as_ref().unwrap(), "code").is_some(),
        "{}",
        back.text
    );
    let globex = org_id(&provider, "globex").await;
    assert!(
        users::is_member(&provider.db, &globex, &known.user_id)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn sign_up_without_an_invitation_only_where_enabled_and_it_makes_a_member() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let (_, tx) = login_page(&mut browser, "acme", &[]).await;
    let refused = browser.get(&format!("/u/signup?state={tx}")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("only through an invitation"));

    let (_, tx) = login_page(&mut browser, "globex", &[]).await;
    let shown = browser.get(&format!("/u/signup?state={tx}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let back = browser
        .post_form(
            "/u/signup",
            &[
                ("state", &tx),
                ("email", "Newbie@Example.com"),
                ("name", "New Bie"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(
        param(back.location.as_ref().unwrap(), "code").is_some(),
        "{}",
        back.text
    );
    let user = users::by_email(&provider.db, "newbie@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(!user.email_verified);
    let globex = org_id(&provider, "globex").await;
    assert!(
        users::is_member(&provider.db, &globex, &user.user_id)
            .await
            .unwrap()
    );

    // The address is taken now.
    let mut browser = Browser::new(&provider);
    let (_, tx) = login_page(&mut browser, "globex", &[]).await;
    let again = browser
        .post_form(
            "/u/signup",
            &[
                ("state", &tx),
                ("email", "newbie@example.com"),
                ("name", "Again"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

fn style_hash(branding: &orgdesk_brand::Branding) -> String {
    STANDARD.encode(Sha256::digest(
        orgdesk_brand::stylesheet(branding).as_bytes(),
    ))
}

#[tokio::test]
async fn branding_is_applied_with_an_exact_policy() {
    let provider = provider().await;
    sqlx::query("UPDATE organizations SET branding = $1 WHERE name = 'globex'")
        .bind(
            json!({"logo_url": "https://cdn.globex.example/logo.png",
                   "colors": {"primary": "#0a7d3e", "page_background": "#fafafa"}})
            .to_string(),
        )
        .execute(provider.db.pool())
        .await
        .unwrap();
    let mut browser = Browser::new(&provider);
    let start = browser.authorize(&params("globex", &[])).await;
    let tx = param(start.location.as_ref().unwrap(), "state").unwrap();
    let response = provider
        .call(
            http::Request::get(format!("/u/login?state={tx}"))
                .header(header::COOKIE, format!("od_tx={tx}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let branding = orgdesk_brand::Branding {
        logo_url: Some("https://cdn.globex.example/logo.png".into()),
        primary: Some("#0a7d3e".into()),
        page_background: Some("#fafafa".into()),
    };
    assert_eq!(
        csp(&response.headers),
        format!(
            "default-src 'none'; style-src 'sha256-{}'; img-src https://cdn.globex.example; \
             form-action 'self' https://b2b.example; frame-ancestors 'none'; base-uri 'none'",
            style_hash(&branding)
        )
    );
    let page = browser.get(&format!("/u/login?state={tx}")).await;
    assert!(page.text.contains("--primary:#0a7d3e;"), "{}", page.text);
    assert!(page.text.contains("--page-background:#fafafa;"));
    assert!(
        page.text
            .contains("src=\"https://cdn.globex.example/logo.png\"")
    );
    assert!(
        page.text.contains(&format!(
            "<style>{}</style>",
            orgdesk_brand::stylesheet(&branding)
        )),
        "the one style is the hashed one"
    );
    // Its sign-up page is branded too.
    let signup = browser.get(&format!("/u/signup?state={tx}")).await;
    assert!(signup.text.contains("--primary:#0a7d3e;"));
    assert!(signup.text.contains("organization-logo"));
}

#[tokio::test]
async fn hostile_branding_is_inert() {
    let provider = provider().await;
    sqlx::query("UPDATE organizations SET branding = $1, display_name = $2 WHERE name = 'globex'")
        .bind(
            json!({"logo_url": "javascript:alert(1)",
               "colors": {"primary": "#000000;}body{background:url(https://evil.example/x)}",
                          "page_background": "</style><script>alert(1)</script>"}})
            .to_string(),
        )
        .bind("<script>alert('org')</script>")
        .execute(provider.db.pool())
        .await
        .unwrap();
    let mut browser = Browser::new(&provider);
    let (page, tx) = login_page(&mut browser, "globex", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("<script>"), "{}", page.text);
    assert!(!page.text.contains("javascript:"));
    assert!(!page.text.contains("evil.example"));
    assert!(!page.text.contains("<img"));
    assert!(page.text.contains("&lt;script&gt;alert(&#x27;org&#x27;)"));

    let start = browser.authorize(&params("globex", &[])).await;
    let tx2 = param(start.location.as_ref().unwrap(), "state").unwrap();
    let response = provider
        .call(
            http::Request::get(format!("/u/login?state={tx2}"))
                .header(header::COOKIE, format!("od_tx={tx2}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        csp(&response.headers),
        format!(
            "default-src 'none'; style-src 'sha256-{}'; img-src 'none'; \
             form-action 'self' https://b2b.example; frame-ancestors 'none'; base-uri 'none'",
            style_hash(&orgdesk_brand::Branding::default())
        ),
        "invalid colors fall back to the defaults, whose stylesheet is hashed"
    );
    let _ = tx;
}

#[tokio::test]
async fn pages_without_an_organization_are_unchanged_but_hashed() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let start = browser
        .authorize(&[
            ("client_id", APP),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("scope", "openid"),
        ])
        .await;
    let tx = param(start.location.as_ref().unwrap(), "state").unwrap();
    let page = browser.get(&format!("/u/login?state={tx}")).await;
    assert!(page.text.contains("name=\"password\""));
    assert!(!page.text.contains("signup-link"));
    assert!(!page.text.contains("unsafe-inline"));
}
