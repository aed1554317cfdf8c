//! Signing in (or up) with an invitation: `/authorize?organization=…&
//! invitation=…`, as the application forwards the invitation link. Success
//! accepts the invitation in one transaction; every refusal leaves it as it was.

use http::StatusCode;
use orgdesk_config::Secret;
use serde_json::{Value, json};

use super::{
    TestProvider,
    browser::{Browser, Page, claims, exchange, param},
    invitations::{APP, APP_CALLBACK, APP_SECRET, body_for, invite, role_id, setup},
};
use crate::{Provisioning, UserSpec, store::users};

const PASSWORD: &str = "correct horse battery";
const EXISTING: &str = "existing@rocky.example";

/// The invitation fixture, plus two people with accounts: Sumana and
/// someone without any membership.
async fn provider() -> (TestProvider, String, String, String) {
    let (provider, token, adventurez, rocky) = setup().await;
    let user = |email: &str| UserSpec {
        email: email.into(),
        name: email.split('@').next().unwrap().into(),
        password: Some(Secret::new(PASSWORD)),
        roles: vec![],
    };
    provider
        .state
        .apply(&Provisioning {
            users: vec![user("sumana@adventurez.example"), user(EXISTING)],
            ..Default::default()
        })
        .await
        .unwrap();
    (provider, token, adventurez, rocky)
}

/// Invites `email` to `org` with `roles`; returns the invitation.
async fn invitation(
    provider: &TestProvider,
    token: &str,
    org: &str,
    email: &str,
    roles: &[&str],
) -> Value {
    let mut body = body_for(email);
    let mut ids = Vec::new();
    for role in roles {
        ids.push(role_id(provider, role).await);
    }
    body["roles"] = json!(ids);
    let created = invite(provider, token, org, body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body
}

/// The `/authorize` parameters the application sends for an invitation link.
fn link_params<'a>(org: &'a str, ticket: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", APP),
        ("redirect_uri", APP_CALLBACK),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "st-inv"),
        ("organization", org),
        ("invitation", ticket),
    ]
}

fn ticket(invitation: &Value) -> &str {
    invitation["ticket_id"].as_str().unwrap()
}

fn tx_of(page: &Page) -> String {
    param(page.location.as_ref().expect("a redirect"), "state").unwrap()
}

/// The OAuth error a refused request sends back to the application.
fn oauth_error(page: &Page) -> (String, String) {
    let location = page
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.text));
    assert!(location.as_str().starts_with(APP_CALLBACK), "{location}");
    assert!(param(location, "code").is_none(), "no code");
    assert_eq!(param(location, "state").as_deref(), Some("st-inv"));
    (
        param(location, "error").unwrap(),
        param(location, "error_description").unwrap(),
    )
}

async fn tokens(provider: &TestProvider, back: &Page) -> Value {
    let location = back
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", back.status, back.text));
    let code = param(location, "code").unwrap_or_else(|| panic!("no code: {location}"));
    let (status, tokens) = exchange(
        provider,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", APP),
            ("client_secret", APP_SECRET),
            ("code", &code),
            ("redirect_uri", APP_CALLBACK),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    claims(tokens["id_token"].as_str().unwrap())
}

async fn still_there(provider: &TestProvider, token: &str, org: &str, invitation: &Value) -> bool {
    let path = format!(
        "/organizations/{org}/invitations/{}",
        invitation["id"].as_str().unwrap()
    );
    provider.api("GET", &path, Some(token), None).await.status == 200
}

async fn member_roles(provider: &TestProvider, org: &str, email: &str) -> Option<Vec<String>> {
    let (user, _) = users::with_password(&provider.db, email).await.unwrap()?;
    if !users::is_member(&provider.db, org, &user.user_id)
        .await
        .unwrap()
    {
        return None;
    }
    let roles = users::member_roles(&provider.db, org, &user.user_id)
        .await
        .unwrap();
    Some(roles.into_iter().map(|r| r.name).collect())
}

async fn login_as(browser: &mut Browser<'_>, tx: &str, email: &str, password: &str) -> Page {
    browser
        .post_form(
            "/u/login",
            &[("state", tx), ("email", email), ("password", password)],
        )
        .await
}

#[tokio::test]
async fn an_invited_person_without_an_account_signs_up_and_joins_with_the_invited_roles() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(
        &provider,
        &token,
        &org,
        "New.Hire@AdventureZ.example",
        &["Org Member"],
    )
    .await;
    let mut browser = Browser::new(&provider);
    let mut params = link_params(&org, ticket(&inv));
    params.push(("screen_hint", "signup"));
    let start = browser.authorize(&params).await;
    let location = start.location.clone().expect("to the sign-up page");
    assert_eq!(
        location.path(),
        "/u/signup",
        "screen_hint=signup shows sign-up first"
    );
    let tx = tx_of(&start);

    let shown = browser.get(&format!("/u/signup?state={tx}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(
        shown.text.contains("Join AdventureZ &lt;Tours&gt;"),
        "names the organization, escaped"
    );
    assert!(
        shown
            .text
            .contains("Sumana invited <strong>new.hire@adventurez.example</strong>"),
        "says who invited whom: {}",
        shown.text
    );
    assert!(
        shown
            .text
            .contains("value=\"new.hire@adventurez.example\" readonly"),
        "the invited email is fixed"
    );

    let short = browser
        .post_form(
            "/u/signup",
            &[("state", &tx), ("name", "New Hire"), ("password", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short.text.contains("at least 8 characters"),
        "{}",
        short.text
    );
    assert!(
        users::with_password(&provider.db, "new.hire@adventurez.example")
            .await
            .unwrap()
            .is_none()
    );

    let back = browser
        .post_form(
            "/u/signup",
            &[("state", &tx), ("name", "New Hire"), ("password", PASSWORD)],
        )
        .await;
    let id = tokens(&provider, &back).await;
    assert_eq!(id["email"], "new.hire@adventurez.example");
    assert_eq!(
        id["email_verified"], true,
        "the invitation reached the address"
    );
    assert_eq!(id["name"], "New Hire");
    assert_eq!(id["org_id"], org);
    assert_eq!(id["org_name"], "adventurez");
    assert_eq!(id["https://orgdesk.dev/roles"], json!(["Org Member"]));
    assert!(
        !still_there(&provider, &token, &org, &inv).await,
        "accepted: removed"
    );
    assert_eq!(
        member_roles(&provider, &org, "new.hire@adventurez.example").await,
        Some(vec!["Org Member".to_owned()])
    );

    let mut again = vec![
        ("client_id", APP),
        ("redirect_uri", APP_CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
        ("state", "st-inv"),
    ];
    again.push(("organization", org.as_str()));
    let sso = browser.authorize(&again).await;
    assert!(
        param(sso.location.as_ref().unwrap(), "code").is_some(),
        "signed in: the session works"
    );
}

#[tokio::test]
async fn an_invited_person_with_an_account_signs_in_and_joins() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(
        &provider,
        &token,
        &org,
        EXISTING,
        &["Org Admin", "Org Member"],
    )
    .await;
    let mut browser = Browser::new(&provider);
    let start = browser.authorize(&link_params(&org, ticket(&inv))).await;
    assert_eq!(start.location.as_ref().unwrap().path(), "/u/login");
    let tx = tx_of(&start);
    let shown = browser.get(&format!("/u/login?state={tx}")).await;
    assert!(shown.text.contains("Sign in to AdventureZ &lt;Tours&gt;"));
    assert!(
        shown
            .text
            .contains(&format!("Sumana invited <strong>{EXISTING}</strong>"))
    );
    assert!(
        shown
            .text
            .contains(&format!("value=\"{EXISTING}\" readonly"))
    );
    assert!(
        shown.text.contains(&format!("/u/signup?state={tx}")),
        "offers sign-up too"
    );

    let back = login_as(&mut browser, &tx, EXISTING, PASSWORD).await;
    let id = tokens(&provider, &back).await;
    assert_eq!(id["email"], EXISTING);
    assert_eq!(id["org_id"], org);
    assert_eq!(
        id["https://orgdesk.dev/roles"],
        json!(["Org Admin", "Org Member"])
    );
    assert!(!still_there(&provider, &token, &org, &inv).await);
}

#[tokio::test]
async fn an_invitation_works_once() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let mut first = Browser::new(&provider);
    let start = first.authorize(&link_params(&org, ticket(&inv))).await;
    let back = login_as(&mut first, &tx_of(&start), EXISTING, PASSWORD).await;
    tokens(&provider, &back).await;

    let mut second = Browser::new(&provider);
    let reused = second.authorize(&link_params(&org, ticket(&inv))).await;
    let (error, description) = oauth_error(&reused);
    assert_eq!(error, "invalid_request");
    assert!(description.contains("not found"), "{description}");
}

#[tokio::test]
async fn a_revoked_an_edited_or_an_unknown_ticket_is_not_found() {
    let (provider, token, org, _) = provider().await;
    let revoked = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let path = format!(
        "/organizations/{org}/invitations/{}",
        revoked["id"].as_str().unwrap()
    );
    assert_eq!(
        provider
            .api("DELETE", &path, Some(&token), None)
            .await
            .status,
        204
    );
    let kept = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let edited = format!("{}x", ticket(&kept));
    let mut browser = Browser::new(&provider);
    for ticket in [ticket(&revoked), edited.as_str(), "nonsense"] {
        let refused = browser.authorize(&link_params(&org, ticket)).await;
        let (error, description) = oauth_error(&refused);
        assert_eq!(error, "invalid_request", "{ticket}");
        assert!(description.contains("not found"), "{ticket}: {description}");
    }
    assert!(still_there(&provider, &token, &org, &kept).await);
}

#[tokio::test]
async fn an_expired_invitation_is_refused_and_stays_listed() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let mut browser = Browser::new(&provider);
    // Open the page while it is valid; it expires before the person signs in.
    let start = browser.authorize(&link_params(&org, ticket(&inv))).await;
    let expire = sqlx::query("UPDATE invitations SET expires_at = 1");
    expire.execute(provider.db.pool()).await.unwrap();
    let late = login_as(&mut browser, &tx_of(&start), EXISTING, PASSWORD).await;
    let (error, description) = oauth_error(&late);
    assert_eq!(error, "invalid_request");
    assert!(description.contains("expired"), "{description}");
    assert_eq!(
        member_roles(&provider, &org, EXISTING).await,
        None,
        "not a member"
    );

    let mut fresh = Browser::new(&provider);
    let refused = fresh.authorize(&link_params(&org, ticket(&inv))).await;
    assert!(oauth_error(&refused).1.contains("expired"));
    assert!(
        still_there(&provider, &token, &org, &inv).await,
        "listed as expired"
    );
}

#[tokio::test]
async fn an_invitation_for_another_organization_or_application_is_refused() {
    let (provider, token, adventurez, rocky) = provider().await;
    let inv = invitation(&provider, &token, &adventurez, EXISTING, &[]).await;
    let mut browser = Browser::new(&provider);
    let other_org = browser.authorize(&link_params(&rocky, ticket(&inv))).await;
    let (error, description) = oauth_error(&other_org);
    assert_eq!(error, "invalid_request");
    assert!(
        description.contains("another organization"),
        "{description}"
    );

    let missing_org: Vec<_> = link_params(&adventurez, ticket(&inv))
        .into_iter()
        .filter(|(k, _)| *k != "organization")
        .collect();
    let (_, description) = oauth_error(&browser.authorize(&missing_org).await);
    assert!(
        description.contains("organization must be provided"),
        "{description}"
    );
    assert!(still_there(&provider, &token, &adventurez, &inv).await);
    assert_eq!(member_roles(&provider, &rocky, EXISTING).await, None);
}

#[tokio::test]
async fn another_account_cannot_use_the_invitation_page() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let mut browser = Browser::new(&provider);
    let start = browser.authorize(&link_params(&org, ticket(&inv))).await;
    let refused = login_as(
        &mut browser,
        &tx_of(&start),
        "sumana@adventurez.example",
        PASSWORD,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.location.is_none());
    assert!(
        refused
            .text
            .contains(&format!("This invitation is for {EXISTING}")),
        "{}",
        refused.text
    );
    assert!(!browser.has_cookie("od_session"), "nobody signed in");
    assert!(still_there(&provider, &token, &org, &inv).await);

    let signup = browser
        .post_form(
            "/u/signup",
            &[
                ("state", &tx_of(&start)),
                ("email", "sumana@adventurez.example"),
                ("name", "Sumana"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signup.status, StatusCode::FORBIDDEN);
    assert!(still_there(&provider, &token, &org, &inv).await);
}

#[tokio::test]
async fn someone_signed_in_as_another_person_is_told_and_can_switch_accounts() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(&provider, &token, &org, EXISTING, &["Org Member"]).await;
    let mut browser = Browser::new(&provider);
    // Sumana is signed in in this browser (no organization).
    let plain = [
        ("client_id", APP),
        ("redirect_uri", APP_CALLBACK),
        ("response_type", "code"),
        ("state", "st-inv"),
    ];
    let to_login = browser.authorize(&plain).await;
    login_as(
        &mut browser,
        &tx_of(&to_login),
        "sumana@adventurez.example",
        PASSWORD,
    )
    .await;
    assert!(browser.has_cookie("od_session"));

    let mut silent = link_params(&org, ticket(&inv));
    silent.push(("prompt", "none"));
    let (error, _) = oauth_error(&browser.authorize(&silent).await);
    assert_eq!(error, "login_required", "no page with prompt=none");

    let told = browser.authorize(&link_params(&org, ticket(&inv))).await;
    assert_eq!(told.status, StatusCode::OK, "{}", told.text);
    assert!(told.location.is_none(), "no code for the wrong person");
    assert!(
        told.text
            .contains("You are signed in as <strong>sumana@adventurez.example</strong>")
            && told
                .text
                .contains(&format!("is for <strong>{EXISTING}</strong>")),
        "{}",
        told.text
    );
    assert!(still_there(&provider, &token, &org, &inv).await);
    assert_eq!(
        member_roles(&provider, &org, "sumana@adventurez.example").await,
        None
    );

    let switch = told
        .text
        .split("id=\"switch-account\" href=\"")
        .nth(1)
        .unwrap();
    let switch = switch.split('"').next().unwrap().replace("&amp;", "&");
    let tx = switch.split("state=").nth(1).unwrap().to_owned();
    let login = browser.get(&switch).await;
    assert_eq!(login.status, StatusCode::OK);
    let back = login_as(&mut browser, &tx, EXISTING, PASSWORD).await;
    let id = tokens(&provider, &back).await;
    assert_eq!(id["email"], EXISTING, "now the invited person");
    assert_eq!(id["https://orgdesk.dev/roles"], json!(["Org Member"]));
    assert!(!still_there(&provider, &token, &org, &inv).await);
}

#[tokio::test]
async fn the_invited_person_already_signed_in_joins_without_a_password() {
    let (provider, token, org, _) = provider().await;
    let inv = invitation(&provider, &token, &org, EXISTING, &["Org Admin"]).await;
    let mut browser = Browser::new(&provider);
    let plain = [
        ("client_id", APP),
        ("redirect_uri", APP_CALLBACK),
        ("response_type", "code"),
        ("state", "st-inv"),
    ];
    let to_login = browser.authorize(&plain).await;
    login_as(&mut browser, &tx_of(&to_login), EXISTING, PASSWORD).await;
    let back = browser.authorize(&link_params(&org, ticket(&inv))).await;
    let id = tokens(&provider, &back).await;
    assert_eq!(id["org_id"], org);
    assert_eq!(id["https://orgdesk.dev/roles"], json!(["Org Admin"]));
    assert!(!still_there(&provider, &token, &org, &inv).await);
}

#[tokio::test]
async fn sign_up_needs_an_invitation_and_a_free_email() {
    let (provider, token, org, _) = provider().await;
    let mut browser = Browser::new(&provider);
    let plain = [
        ("client_id", APP),
        ("redirect_uri", APP_CALLBACK),
        ("response_type", "code"),
        ("state", "st-inv"),
        ("screen_hint", "signup"),
    ];
    let start = browser.authorize(&plain).await;
    assert_eq!(
        start.location.as_ref().unwrap().path(),
        "/u/login",
        "no invitation: sign-in"
    );
    let refused = browser
        .get(&format!("/u/signup?state={}", tx_of(&start)))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text.contains("only through an invitation"),
        "{}",
        refused.text
    );

    let inv = invitation(&provider, &token, &org, EXISTING, &[]).await;
    let start = browser.authorize(&link_params(&org, ticket(&inv))).await;
    let taken = browser
        .post_form(
            "/u/signup",
            &[
                ("state", &tx_of(&start)),
                ("name", "Someone"),
                ("password", "a new password"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(
        taken.text.contains("already exists. Sign in instead"),
        "{}",
        taken.text
    );
    assert!(still_there(&provider, &token, &org, &inv).await);
    let (user, _) = users::with_password(&provider.db, EXISTING)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.name, "existing", "the account is untouched");
}
