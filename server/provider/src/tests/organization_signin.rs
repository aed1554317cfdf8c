//! Signing in to organizations: the picker of an application that requires
//! one, and tokens that stay in the organization signed in to (one person,
//! two organizations, different roles: Sumana's case).

use http::StatusCode;
use orgdesk_config::Secret;
use serde_json::{Value, json};

use super::{
    TestProvider,
    browser::{Browser, Page, claims, exchange, param},
};
use crate::{
    ClientSpec, MemberSpec, OrganizationSpec, Provisioning, RoleSpec, UserSpec,
    clients::{AppType, OrganizationUsage},
    store::organizations,
};

const B2B: &str = "b2b-app";
const SECRET: &str = "b2b-secret";
const CALLBACK: &str = "https://b2b.example/callback";
const PASSWORD: &str = "correct horse battery";
const SUMANA: &str = "sumana@adventurez.example";

/// Sumana: Org Admin of AdventureZ, Org Member of Rocky Mountain. Solo: a
/// member of Rocky Mountain only. Nobody: of no organization. `B2B` requires
/// an organization; `b2b-flex` allows one.
async fn provider() -> TestProvider {
    let provider = TestProvider::new().await;
    let client = |id: &str, usage| ClientSpec {
        client_id: id.into(),
        name: "B2B <App>".into(),
        client_secret: Some(Secret::new(SECRET)),
        app_type: AppType::RegularWeb,
        redirect_uris: vec![CALLBACK.into()],
        logout_urls: vec![],
        organization_usage: usage,
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
    let member = |email: &str, role: &str| MemberSpec {
        email: email.into(),
        roles: vec![role.into()],
    };
    let role = |name: &str| RoleSpec {
        name: name.into(),
        description: String::new(),
    };
    provider
        .state
        .apply(&Provisioning {
            connections: vec![],
            clients: vec![
                client(B2B, OrganizationUsage::Require),
                client("b2b-flex", OrganizationUsage::Allow),
            ],
            roles: vec![role("Org Admin"), role("Org Member")],
            users: vec![
                user(SUMANA),
                user("solo@rocky.example"),
                user("nobody@example.com"),
            ],
            organizations: vec![
                OrganizationSpec {
                    branding: None,
                    enabled_connections: None,
                    name: "adventurez".into(),
                    display_name: Some("AdventureZ <Tours>".into()),
                    members: vec![member(SUMANA, "Org Admin")],
                },
                OrganizationSpec {
                    branding: None,
                    enabled_connections: None,
                    name: "rocky-mountain".into(),
                    display_name: Some("Rocky Mountain".into()),
                    members: vec![
                        member(SUMANA, "Org Member"),
                        member("solo@rocky.example", "Org Member"),
                    ],
                },
            ],
        })
        .await
        .unwrap();
    provider
}

async fn org_id(provider: &TestProvider, name: &str) -> String {
    organizations::by_name(&provider.db, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn params<'a>(client: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email offline_access"),
        ("state", "st-org"),
    ];
    params.extend_from_slice(extra);
    params
}

/// Signs in on the login page the request leads to.
async fn sign_in(browser: &mut Browser<'_>, params: &[(&str, &str)], email: &str) -> Page {
    let start = browser.authorize(params).await;
    let location = start.location.expect("a redirect");
    assert_eq!(location.path(), "/u/login", "{location}");
    let tx = param(&location, "state").unwrap();
    browser
        .post_form(
            "/u/login",
            &[("state", &tx), ("email", email), ("password", PASSWORD)],
        )
        .await
}

/// The tokens for the code a page redirected with.
async fn tokens(provider: &TestProvider, client: &str, back: &Page) -> Value {
    let location = back
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", back.status, back.text));
    let code = param(location, "code").unwrap_or_else(|| panic!("no code: {location}"));
    let (status, tokens) = exchange(
        provider,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

async fn refresh(
    provider: &TestProvider,
    refresh_token: &str,
    organization: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", "b2b-flex"),
        ("client_secret", SECRET),
        ("refresh_token", refresh_token),
    ];
    if let Some(organization) = organization {
        form.push(("organization", organization));
    }
    exchange(provider, &form).await
}

fn id_claims(tokens: &Value) -> Value {
    claims(tokens["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn a_member_of_one_organization_gets_it_without_a_picker() {
    let provider = provider().await;
    let rocky = org_id(&provider, "rocky-mountain").await;
    let mut browser = Browser::new(&provider);
    let back = sign_in(&mut browser, &params(B2B, &[]), "solo@rocky.example").await;
    let id = id_claims(&tokens(&provider, B2B, &back).await);
    assert_eq!(id["org_id"], rocky);
    assert_eq!(id["https://orgdesk.dev/roles"], json!(["Org Member"]));
}

#[tokio::test]
async fn a_member_of_several_picks_one_by_display_name_and_gets_its_roles() {
    let provider = provider().await;
    let (adventurez, rocky) = (
        org_id(&provider, "adventurez").await,
        org_id(&provider, "rocky-mountain").await,
    );
    let mut browser = Browser::new(&provider);
    let to_picker = sign_in(&mut browser, &params(B2B, &[]), SUMANA).await;
    let location = to_picker.location.clone().expect("to the picker");
    assert_eq!(location.path(), "/u/organization");
    let tx = param(&location, "state").unwrap();
    let picker = browser.get(&format!("/u/organization?state={tx}")).await;
    assert_eq!(picker.status, StatusCode::OK, "{}", picker.text);
    assert!(picker.text.contains("B2B &lt;App&gt;"));
    assert!(
        picker.text.contains(&format!(
            "value=\"{adventurez}\">AdventureZ &lt;Tours&gt;</button>"
        )) && picker
            .text
            .contains(&format!("value=\"{rocky}\">Rocky Mountain</button>")),
        "by display name, escaped: {}",
        picker.text
    );

    let back = browser
        .post_form(
            "/u/organization",
            &[("state", &tx), ("organization", &rocky)],
        )
        .await;
    let id = id_claims(&tokens(&provider, B2B, &back).await);
    assert_eq!(id["org_id"], rocky);
    assert_eq!(id["org_name"], "rocky-mountain");
    assert_eq!(id["https://orgdesk.dev/roles"], json!(["Org Member"]));
    let again = browser
        .post_form(
            "/u/organization",
            &[("state", &tx), ("organization", &rocky)],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a pick works once");

    // Signed in already: straight to the picker.
    let sso = browser.authorize(&params(B2B, &[])).await;
    assert_eq!(sso.location.unwrap().path(), "/u/organization");
    let silent = browser.authorize(&params(B2B, &[("prompt", "none")])).await;
    assert_eq!(
        param(silent.location.as_ref().unwrap(), "error").as_deref(),
        Some("interaction_required")
    );
}

#[tokio::test]
async fn the_picker_checks_membership_again_and_belongs_to_its_browser_and_person() {
    let provider = provider().await;
    let rocky = org_id(&provider, "rocky-mountain").await;
    let mut browser = Browser::new(&provider);
    let to_picker = sign_in(&mut browser, &params(B2B, &[]), SUMANA).await;
    let tx = param(to_picker.location.as_ref().unwrap(), "state").unwrap();

    let mut stranger = Browser::new(&provider);
    let stolen = stranger
        .post_form(
            "/u/organization",
            &[("state", &tx), ("organization", &rocky)],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::BAD_REQUEST, "another browser");
    assert!(stolen.location.is_none());
    let shown = stranger.get(&format!("/u/organization?state={tx}")).await;
    assert_eq!(shown.status, StatusCode::BAD_REQUEST);

    // Not hers (an organization she left meanwhile).
    sqlx::query("DELETE FROM members WHERE org_id = $1")
        .bind(&rocky)
        .execute(provider.db.pool())
        .await
        .unwrap();
    let refused = browser
        .post_form(
            "/u/organization",
            &[("state", &tx), ("organization", &rocky)],
        )
        .await;
    let location = refused.location.expect("back to the application");
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert!(param(&location, "code").is_none());
}

#[tokio::test]
async fn a_person_of_no_organization_is_denied_access() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let back = sign_in(&mut browser, &params(B2B, &[]), "nobody@example.com").await;
    let location = back.location.expect("back to the application");
    assert!(location.as_str().starts_with(CALLBACK));
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some("st-org"));
    assert!(param(&location, "code").is_none());
}

#[tokio::test]
async fn roles_in_the_id_token_follow_the_organization_signed_in_to() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let mut by_org = Vec::new();
    for (org, role) in [
        ("adventurez", "Org Admin"),
        ("rocky-mountain", "Org Member"),
    ] {
        let back = if by_org.is_empty() {
            sign_in(
                &mut browser,
                &params("b2b-flex", &[("organization", org)]),
                SUMANA,
            )
            .await
        } else {
            browser
                .authorize(&params("b2b-flex", &[("organization", org)]))
                .await
        };
        let tokens = tokens(&provider, "b2b-flex", &back).await;
        let id = id_claims(&tokens);
        assert_eq!(id["org_name"], org);
        assert_eq!(id["https://orgdesk.dev/roles"], json!([role]), "{org}");
        by_org.push((org, role, tokens));
    }
    // Refreshing keeps each token in its organization, with its roles.
    for (org, role, tokens) in &by_org {
        let (status, refreshed) =
            refresh(&provider, tokens["refresh_token"].as_str().unwrap(), None).await;
        assert_eq!(status, StatusCode::OK, "{refreshed}");
        let id = id_claims(&refreshed);
        assert_eq!(id["org_name"], *org);
        assert_eq!(id["https://orgdesk.dev/roles"], json!([role]));
    }
}

#[tokio::test]
async fn a_refresh_token_of_one_organization_is_refused_for_another() {
    let provider = provider().await;
    let (adventurez, rocky) = (
        org_id(&provider, "adventurez").await,
        org_id(&provider, "rocky-mountain").await,
    );
    let mut browser = Browser::new(&provider);
    let back = sign_in(
        &mut browser,
        &params("b2b-flex", &[("organization", adventurez.as_str())]),
        SUMANA,
    )
    .await;
    let first = tokens(&provider, "b2b-flex", &back).await;
    let token = first["refresh_token"].as_str().unwrap();
    for other in [rocky.as_str(), "rocky-mountain"] {
        let (status, body) = refresh(&provider, token, Some(other)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("invalid_grant")),
            "{other}: {body}"
        );
    }
    let (status, same) = refresh(&provider, token, Some("adventurez")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "its own organization, by name: {same}"
    );
    assert_eq!(id_claims(&same)["org_id"], adventurez);
}

#[tokio::test]
async fn a_refresh_token_of_a_revoked_grant_is_refused() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    let back = sign_in(
        &mut browser,
        &params("b2b-flex", &[("organization", "adventurez")]),
        SUMANA,
    )
    .await;
    let first = tokens(&provider, "b2b-flex", &back).await;
    let old = first["refresh_token"].as_str().unwrap();
    let (_, rotated) = refresh(&provider, old, None).await;
    let newest = rotated["refresh_token"].as_str().unwrap();
    // Presenting the used one again revokes the grant, so the newest dies too.
    assert_eq!(refresh(&provider, old, None).await.0, StatusCode::FORBIDDEN);
    let (status, body) = refresh(&provider, newest, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_grant"))
    );
}
