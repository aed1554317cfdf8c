//! RP-initiated logout ends the session at once only for a request that
//! proves it comes from the session's application (a valid `id_token_hint`
//! of the session's user); anything else asks the person first, with a form
//! bound to the session (no logout CSRF).

use axum::body::Body;
use http::{Request, StatusCode, header};
use serde_json::json;

use super::{
    TestProvider,
    browser::{Browser, Page, exchange, param},
};

const WEB: &str = "console";
const WEB_SECRET: &str = "console-secret";
const CALLBACK: &str = "http://console.test/callback";
const HOME: &str = "http://console.test/";
const PASSWORD: &str = "correct horse battery";

fn authorize<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", WEB),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
    ]
}

/// Signs `email` in; returns their ID token.
async fn sign_in(provider: &TestProvider, browser: &mut Browser<'_>, email: &str) -> String {
    let to_login = browser.authorize(&authorize()).await;
    let back = browser.login(&to_login, email, PASSWORD).await;
    let code = param(&back.location.expect("back"), "code").expect("a code");
    let (status, tokens) = exchange(
        provider,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens["id_token"].as_str().unwrap().to_owned()
}

async fn signed_in(browser: &mut Browser<'_>) -> bool {
    let again = browser.authorize(&authorize()).await;
    again
        .location
        .is_some_and(|l| l.as_str().starts_with(CALLBACK) && param(&l, "code").is_some())
}

/// The hidden fields of the confirmation page's form.
fn form_fields(page: &Page) -> Vec<(String, String)> {
    page.text
        .split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|input| {
            let name = input.split("name=\"").nth(1)?.split('"').next()?;
            let value = input.split("value=\"").nth(1)?.split('"').next()?;
            Some((
                name.to_owned(),
                value.replace("&amp;", "&").replace("&#x2F;", "/"),
            ))
        })
        .collect()
}

async fn provider() -> TestProvider {
    let provider = super::revocation::provider().await;
    let token = provider.token(&["create:users"]).await;
    let created = provider
        .api(
            "POST",
            "/users",
            Some(&token),
            Some(json!({"connection": "Username-Password-Authentication",
                        "email": "other@travel0.example", "password": PASSWORD})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    provider
}

#[tokio::test]
async fn a_bare_logout_link_asks_before_ending_the_session() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    sign_in(&provider, &mut browser, "sally@metahexa.example").await;

    for planted in [
        "/oidc/logout".to_owned(),
        format!("/oidc/logout?client_id={WEB}&post_logout_redirect_uri={HOME}"),
        format!("/v2/logout?client_id={WEB}&returnTo={HOME}"),
        "/oidc/logout?id_token_hint=not.a.token".to_owned(),
    ] {
        let page = browser.get(&planted).await;
        assert_eq!(page.status, StatusCode::OK, "{planted}");
        assert!(page.location.is_none(), "{planted}: no redirect");
        assert!(
            page.text.contains("Sign out?"),
            "{planted}: a confirmation page"
        );
        assert!(
            signed_in(&mut browser).await,
            "{planted}: the session lives on"
        );
    }

    // Confirming (the form posts back with its token) ends it.
    let page = browser
        .get(&format!(
            "/oidc/logout?client_id={WEB}&post_logout_redirect_uri={HOME}&state=s1"
        ))
        .await;
    let fields = form_fields(&page);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = browser.post_form("/oidc/logout", &form).await;
    let back = done.location.expect("back to the registered logout URL");
    assert_eq!(
        (back.host_str(), param(&back, "state").as_deref()),
        (Some("console.test"), Some("s1"))
    );
    assert!(!signed_in(&mut browser).await, "the session is over");
}

#[tokio::test]
async fn a_confirmation_without_the_sessions_token_changes_nothing() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    sign_in(&provider, &mut browser, "sally@metahexa.example").await;
    // Another site posting the form blindly: no token, or another session's.
    let mut other = Browser::new(&provider);
    sign_in(&provider, &mut other, "other@travel0.example").await;
    let theirs = form_fields(&other.get("/oidc/logout").await);
    let their_token = theirs.iter().find(|(k, _)| k == "csrf").unwrap().1.clone();
    for csrf in ["", "forged", their_token.as_str()] {
        let page = browser.post_form("/oidc/logout", &[("csrf", csrf)]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{csrf:?}");
        assert!(
            signed_in(&mut browser).await,
            "{csrf:?}: the session lives on"
        );
    }
    let bare = browser
        .send(
            Request::post("/oidc/logout")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::empty(),
        )
        .await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST);
    assert!(signed_in(&mut browser).await);
}

#[tokio::test]
async fn a_hint_must_name_the_sessions_user_and_the_asking_client() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let sallys = sign_in(&provider, &mut browser, "sally@metahexa.example").await;
    let mut other = Browser::new(&provider);
    let others = sign_in(&provider, &mut other, "other@travel0.example").await;

    for (case, query) in [
        ("another person's hint", format!("id_token_hint={others}")),
        (
            "another client than the hint's audience",
            format!("id_token_hint={sallys}&client_id=someone-else"),
        ),
    ] {
        let page = browser.get(&format!("/oidc/logout?{query}")).await;
        assert!(page.text.contains("Sign out?"), "{case}: asks first");
        assert!(
            signed_in(&mut browser).await,
            "{case}: the session lives on"
        );
    }

    // The console's own logout: its client, its user's hint (expired ones
    // too), a registered URL: ended at once, as before.
    let mut expired = super::browser::claims(&sallys);
    expired["exp"] = json!(1_000);
    expired["iat"] = json!(900);
    let expired = provider.state.keys.sign(&expired);
    let out = browser
        .get(&format!(
            "/oidc/logout?id_token_hint={expired}&client_id={WEB}&post_logout_redirect_uri={HOME}"
        ))
        .await;
    assert_eq!(out.location.map(|l| l.to_string()).as_deref(), Some(HOME));
    assert!(!signed_in(&mut browser).await, "ended at once");
}
