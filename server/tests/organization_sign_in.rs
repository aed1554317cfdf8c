//! Signing in to an organization, checked as seed 002 asks: the ID token is
//! verified (JWKS, RS256, issuer, audience) and then its `org_id` is
//! compared with the organization the console asked for.

mod support;

/// Sumana asks the console to sign her in to AdventureZ, then edits the
/// provider's authorization URL to Rocky Mountain High (where she is also an
/// admin). The provider issues a perfectly valid token for Rocky Mountain
/// High; the console refuses it, since it is not the organization it asked for.
#[tokio::test]
async fn a_token_of_another_organization_than_the_one_asked_for_is_refused() {
    let orgdesk = support::start_demo().await;
    let password = orgdesk
        .running
        .demo_sign_ins
        .iter()
        .find(|(e, _)| e == "sumana@adventurez.example")
        .map(|(_, p)| p.clone())
        .unwrap();
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let manual = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let browser = orgdesk.browser_with(jar, None);

    let start = manual
        .get(orgdesk.console("/auth/login?organization=adventurez"))
        .send()
        .await
        .unwrap();
    let authorize = url::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let asked = authorize
        .query_pairs()
        .find(|(k, _)| k == "organization")
        .map(|(_, v)| v.into_owned())
        .expect("the console asks for the organization by id");
    assert!(asked.starts_with("org_"));

    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let page: serde_json::Value = staff
        .post(orgdesk.console("/api/organizations/list"))
        .form(&[("query", "rocky-mountain-high")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rocky = page["items"][0]["id"].as_str().unwrap().to_owned();
    let mut tampered = authorize.clone();
    let pairs: Vec<(String, String)> = authorize
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "organization" {
                rocky.clone()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);

    let login = browser.get(tampered).send().await.unwrap();
    assert_eq!(login.url().path(), "/u/login");
    let state = login
        .url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let back = browser
        .post(orgdesk.provider("u/login"))
        .form(&[
            ("state", state.as_str()),
            ("email", "sumana@adventurez.example"),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        back.url().path(),
        "/auth/callback",
        "the provider issued a code"
    );
    assert_eq!(back.status(), 403);
    let body = back.text().await.unwrap();
    assert!(body.contains("another organization"), "{body}");
    // No session came of it.
    let me: serde_json::Value = browser
        .post(orgdesk.console("/api/current-user"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, serde_json::Value::Null);
}
