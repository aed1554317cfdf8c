//! A customer's identity provider is trusted for its own domains and its own
//! organizations only: it cannot plant an account with someone else's
//! address, and its sessions do not open organizations that do not enable it.

use std::time::Duration;

use http::StatusCode;
use serde_json::{Value, json};

use super::{
    TestProvider,
    browser::{Browser, Page, param},
    federation::{
        Upstream, app_claims, authorize_params, connect, downstream, federate, org_id,
        path_and_query, to_upstream, upstream, upstream_sign_in, vouch_for,
    },
};
use crate::store::users;

/// The upstream says every address is verified (as a careless or hostile IdP may).
async fn all_verified(upstream: &Upstream) {
    sqlx::query("UPDATE users SET email_verified = 1")
        .execute(upstream.provider.db.pool())
        .await
        .unwrap();
}

async fn user_of(down: &TestProvider, back: &Page) -> (String, Value) {
    let claims = app_claims(down, back).await;
    (claims["sub"].as_str().unwrap().to_owned(), claims)
}

#[tokio::test]
async fn a_connection_vouches_only_for_its_own_domains() {
    let upstream = upstream(&[
        "cfo@metahexa.example",
        "dev@corp.example",
        "known@corp.example",
    ])
    .await;
    all_verified(&upstream).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    vouch_for(&down, &upstream.issuer, &["corp.example"]).await;

    // Outside its domains: an account of the connection, with no address.
    let back = federate(&down, &upstream, "acme", "cfo@metahexa.example").await;
    let (planted, claims) = user_of(&down, &back).await;
    assert!(planted.starts_with("oidc|corp-sso|"), "{planted}");
    assert!(
        claims.get("email").is_none(),
        "no address in tokens: {claims}"
    );
    let user = users::by_id(&down.db, &planted).await.unwrap().unwrap();
    assert_eq!(user.email, "", "no claim on the address");
    assert!(
        users::by_email(&down.db, "cfo@metahexa.example")
            .await
            .unwrap()
            .is_none(),
        "the address finds nobody"
    );
    let token = down.token(&["read:users", "create:users"]).await;
    let shown = down
        .api(
            "GET",
            &format!("/users/{}", planted.replace('|', "%7C")),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.get("email").is_none(), "{}", shown.body);

    // The address's owner can still have it.
    let owner = down
        .api(
            "POST",
            "/users",
            Some(&token),
            Some(json!({"connection": "Username-Password-Authentication",
                        "email": "cfo@metahexa.example", "password": "a long password"})),
        )
        .await;
    assert_eq!(owner.status, StatusCode::CREATED, "{}", owner.body);
    assert_ne!(owner.body["user_id"], json!(planted));
    // The planted identity stays its own account, even now.
    let again = user_of(
        &down,
        &federate(&down, &upstream, "acme", "cfo@metahexa.example").await,
    )
    .await
    .0;
    assert_eq!(again, planted);

    // Inside its domains: the address is the user's, or links to its owner.
    let (dev, claims) = user_of(
        &down,
        &federate(&down, &upstream, "acme", "dev@corp.example").await,
    )
    .await;
    assert_eq!(claims["email"], "dev@corp.example");
    assert!(dev.starts_with("oidc|corp-sso|"));
    let known = users::by_email(&down.db, "known@corp.example")
        .await
        .unwrap()
        .unwrap();
    let (linked, _) = user_of(
        &down,
        &federate(&down, &upstream, "acme", "known@corp.example").await,
    )
    .await;
    assert_eq!(linked, known.user_id);
}

#[tokio::test]
async fn a_connection_without_domain_aliases_vouches_for_no_address() {
    let upstream = upstream(&["known@corp.example", "new@corp.example"]).await;
    all_verified(&upstream).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    let known = users::by_email(&down.db, "known@corp.example")
        .await
        .unwrap()
        .unwrap();

    for email in ["known@corp.example", "new@corp.example"] {
        let (user_id, claims) =
            user_of(&down, &federate(&down, &upstream, "acme", email).await).await;
        assert!(user_id.starts_with("oidc|corp-sso|"), "{email}: {user_id}");
        assert_ne!(user_id, known.user_id, "{email}: never linked");
        assert!(claims.get("email").is_none(), "{email}: {claims}");
    }
    assert!(
        users::by_email(&down.db, "new@corp.example")
            .await
            .unwrap()
            .is_none(),
        "no address claimed"
    );
}

#[tokio::test]
async fn an_organization_accepts_only_sessions_of_connections_it_enables() {
    let upstream = upstream(&["cfo@metahexa.example"]).await;
    all_verified(&upstream).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    // AdventureZ (acme) enables its IdP; MetaHexa (globex) only passwords.
    connect(&down, "acme", &upstream.issuer, true).await;
    let mut browser = Browser::new(&down);
    let to = to_upstream(&mut browser, "acme").await;
    let callback = upstream_sign_in(&upstream, &to, "cfo@metahexa.example").await;
    let back = browser.get(&path_and_query(&callback)).await;
    let (user_id, _) = user_of(&down, &back).await;

    // MetaHexa's admin makes that account a member (by its id).
    let globex = org_id(&down, "globex").await;
    let token = down.token(&["create:organization_members"]).await;
    let added = down
        .api(
            "POST",
            &format!("/organizations/{globex}/members"),
            Some(&token),
            Some(json!({"members": [user_id]})),
        )
        .await;
    assert!(added.status.is_success(), "{}", added.body);

    // MetaHexa's sign-in does not ride the IdP's session: its own login page.
    let page = browser.authorize(&authorize_params("globex")).await;
    let location = page.location.expect("a redirect");
    assert_eq!(location.path(), "/u/login", "{location}");
    let mut silent = authorize_params("globex");
    silent.push(("prompt", "none"));
    let refused = browser.authorize(&silent).await.location.unwrap();
    assert_eq!(param(&refused, "error").as_deref(), Some("login_required"));
    assert!(param(&refused, "code").is_none());

    // AdventureZ, which enables the connection, still does.
    let again = browser.authorize(&authorize_params("acme")).await;
    let location = again.location.unwrap();
    assert!(param(&location, "code").is_some(), "{location}");
}

#[tokio::test]
async fn an_organization_chosen_after_sign_in_must_accept_the_session_too() {
    use crate::{
        ClientSpec,
        clients::{AppType, OrganizationUsage},
    };
    use orgdesk_config::Secret;

    let upstream = upstream(&["cfo@metahexa.example"]).await;
    all_verified(&upstream).await;
    let down = downstream(vec![upstream.issuer.clone()], Duration::from_secs(5)).await;
    connect(&down, "acme", &upstream.issuer, true).await;
    // An application that requires an organization and names none.
    down.state
        .provision(&[ClientSpec {
            client_id: "org-app".into(),
            name: "Org app".into(),
            client_secret: Some(Secret::new("org-app-secret")),
            app_type: AppType::RegularWeb,
            redirect_uris: vec![super::federation::CALLBACK.into()],
            logout_urls: vec![],
            organization_usage: OrganizationUsage::Require,
            initiate_login_uri: None,
            management_api_scopes: vec![],
            require_pkce: false,
        }])
        .await
        .unwrap();
    let mut browser = Browser::new(&down);
    let to = to_upstream(&mut browser, "acme").await;
    let callback = upstream_sign_in(&upstream, &to, "cfo@metahexa.example").await;
    let (user_id, _) = user_of(&down, &browser.get(&path_and_query(&callback)).await).await;

    // Now a member of globex only (which does not enable the connection).
    let token = down
        .token(&["create:organization_members", "delete:organization_members"])
        .await;
    let (acme, globex) = (org_id(&down, "acme").await, org_id(&down, "globex").await);
    for (method, org) in [("DELETE", &acme), ("POST", &globex)] {
        let done = down
            .api(
                method,
                &format!("/organizations/{org}/members"),
                Some(&token),
                Some(json!({"members": [user_id]})),
            )
            .await;
        assert!(done.status.is_success(), "{}", done.body);
    }
    let page = browser
        .authorize(&[
            ("client_id", "org-app"),
            ("redirect_uri", super::federation::CALLBACK),
            ("response_type", "code"),
            ("scope", "openid"),
        ])
        .await;
    let location = page.location.expect("a redirect");
    assert_eq!(
        location.path(),
        "/u/login",
        "globex's own login page: {location}"
    );
    assert!(param(&location, "code").is_none());
}
