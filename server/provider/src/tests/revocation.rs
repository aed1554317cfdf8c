//! Revocation: rights end when they are taken away. Removing a member,
//! deleting their organization, blocking or deleting the user ends the
//! organization's refresh tokens, codes and access tokens at once, and a
//! refresh always carries the member's current roles.

use axum::body::Body;
use http::{Request, StatusCode, header};
use orgdesk_config::Secret;
use serde_json::{Value, json};

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
const PASSWORD: &str = "correct horse battery";
const SALLY: &str = "sally@metahexa.example";

pub(super) async fn provider() -> TestProvider {
    let provider = TestProvider::new().await;
    let role = |name: &str| RoleSpec {
        name: name.into(),
        description: String::new(),
    };
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: WEB.into(),
                name: "Orgdesk console".into(),
                client_secret: Some(Secret::new(WEB_SECRET)),
                app_type: AppType::RegularWeb,
                redirect_uris: vec![CALLBACK.into()],
                logout_urls: vec!["http://console.test/".into()],
                organization_usage: OrganizationUsage::Allow,
                initiate_login_uri: None,
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            roles: vec![role("Org Admin"), role("Org Member")],
            users: vec![UserSpec {
                email: SALLY.into(),
                name: "Sally".into(),
                password: Some(Secret::new(PASSWORD)),
                roles: vec![],
            }],
            organizations: vec![
                OrganizationSpec {
                    branding: None,
                    enabled_connections: None,
                    name: "metahexa-bank".into(),
                    display_name: None,
                    members: vec![MemberSpec {
                        email: SALLY.into(),
                        roles: vec!["Org Admin".into()],
                    }],
                },
                OrganizationSpec {
                    branding: None,
                    enabled_connections: None,
                    name: "adventurez".into(),
                    display_name: None,
                    members: vec![MemberSpec {
                        email: SALLY.into(),
                        roles: vec![],
                    }],
                },
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    provider
}

fn params(org: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_id", WEB),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid profile email offline_access"),
        ("state", "st"),
        ("organization", org),
    ]
}

/// Signs Sally in to `org` (or rides her session) and returns the code.
async fn code_for(browser: &mut Browser<'_>, org: &str) -> String {
    let first = browser.authorize(&params(org)).await;
    let back = match &first.location {
        Some(l) if l.path() == "/u/login" => browser.login(&first, SALLY, PASSWORD).await,
        _ => first,
    };
    let location = back.location.expect("back to the client");
    param(&location, "code").unwrap_or_else(|| panic!("a code: {location}"))
}

async fn redeem(provider: &TestProvider, code: &str) -> (StatusCode, Value) {
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

async fn refresh(provider: &TestProvider, token: &Value) -> (StatusCode, Value) {
    exchange(
        provider,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("refresh_token", token.as_str().unwrap()),
        ],
    )
    .await
}

async fn userinfo(provider: &TestProvider, tokens: &Value) -> (StatusCode, Value) {
    let answer = provider
        .call(
            Request::get("/userinfo")
                .header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", tokens["access_token"].as_str().unwrap()),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    (answer.status, answer.body)
}

async fn org_id(provider: &TestProvider, name: &str) -> String {
    crate::store::organizations::by_name(&provider.db, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn sally_id(provider: &TestProvider) -> String {
    crate::store::users::by_email(&provider.db, SALLY)
        .await
        .unwrap()
        .unwrap()
        .user_id
}

/// Tokens for Sally in `org`, plus a second, unredeemed code for the same
/// organization (issued before the change under test).
async fn signed_in(provider: &TestProvider, org: &str) -> (Value, String) {
    let mut browser = Browser::new(provider);
    let code = code_for(&mut browser, org).await;
    let (status, tokens) = redeem(provider, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens["refresh_token"].is_string());
    let (status, me) = userinfo(provider, &tokens).await;
    assert_eq!((status, me["org_id"].is_string()), (StatusCode::OK, true));
    let pending = code_for(&mut browser, org).await;
    (tokens, pending)
}

/// What ends the rights under test, through the Management API.
#[derive(Clone, Copy, Debug)]
enum Change {
    RemoveMember,
    DeleteOrganization,
    BlockUser,
    DeleteUser,
}

async fn apply(provider: &TestProvider, change: Change, org: &str, user: &str) {
    let (method, path, body, scope) = match change {
        Change::RemoveMember => (
            "DELETE",
            format!("/organizations/{org}/members"),
            Some(json!({"members": [user]})),
            "delete:organization_members",
        ),
        Change::DeleteOrganization => (
            "DELETE",
            format!("/organizations/{org}"),
            None,
            "delete:organizations",
        ),
        Change::BlockUser => (
            "PATCH",
            format!("/users/{}", user.replace('|', "%7C")),
            Some(json!({"blocked": true})),
            "update:users",
        ),
        Change::DeleteUser => (
            "DELETE",
            format!("/users/{}", user.replace('|', "%7C")),
            None,
            "delete:users",
        ),
    };
    let token = provider.token(&[scope]).await;
    let answer = provider.api(method, &path, Some(&token), body).await;
    assert!(answer.status.is_success(), "{change:?}: {}", answer.body);
}

#[tokio::test]
async fn removing_deleting_or_blocking_ends_the_organizations_tokens_at_once() {
    for change in [
        Change::RemoveMember,
        Change::DeleteOrganization,
        Change::BlockUser,
        Change::DeleteUser,
    ] {
        let provider = provider().await;
        let org = org_id(&provider, "metahexa-bank").await;
        let user = sally_id(&provider).await;
        let (tokens, pending_code) = signed_in(&provider, "metahexa-bank").await;
        apply(&provider, change, &org, &user).await;

        let (status, body) = refresh(&provider, &tokens["refresh_token"]).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("invalid_grant")),
            "{change:?}: the refresh is refused: {body}"
        );
        let (status, me) = userinfo(&provider, &tokens).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{change:?}: /userinfo refuses the access token: {me}"
        );
        let (status, body) = redeem(&provider, &pending_code).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("invalid_grant")),
            "{change:?}: a code issued before the change is worthless: {body}"
        );
    }
}

#[tokio::test]
async fn removal_from_one_organization_leaves_the_others_tokens_alone() {
    let provider = provider().await;
    let metahexa = org_id(&provider, "metahexa-bank").await;
    let user = sally_id(&provider).await;
    let (in_metahexa, _) = signed_in(&provider, "metahexa-bank").await;
    let (in_adventurez, _) = signed_in(&provider, "adventurez").await;
    apply(&provider, Change::RemoveMember, &metahexa, &user).await;

    assert_eq!(
        refresh(&provider, &in_metahexa["refresh_token"]).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, tokens) = refresh(&provider, &in_adventurez["refresh_token"]).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["org_name"], "adventurez");
}

#[tokio::test]
async fn a_refresh_checks_membership_even_when_nothing_revoked_the_grant() {
    // A membership ended by a path that revokes nothing (here: a row
    // deleted with the revocation trigger out of the way) still ends the
    // organization's rights at the next refresh.
    let provider = provider().await;
    let org = org_id(&provider, "metahexa-bank").await;
    let user = sally_id(&provider).await;
    let (tokens, _) = signed_in(&provider, "metahexa-bank").await;
    let drop = match provider.db.engine() {
        orgdesk_db::Engine::Sqlite => "DROP TRIGGER members_end_revokes_grants",
        orgdesk_db::Engine::Postgres => "DROP TRIGGER members_end_revokes_grants ON members",
    };
    sqlx::query(drop).execute(provider.db.pool()).await.unwrap();
    sqlx::query("DELETE FROM members WHERE org_id = $1 AND user_id = $2")
        .bind(&org)
        .bind(&user)
        .execute(provider.db.pool())
        .await
        .unwrap();
    let revoked: Option<i64> =
        sqlx::query_scalar("SELECT MAX(revoked_at) FROM grants WHERE user_id = $1")
            .bind(&user)
            .fetch_one(provider.db.pool())
            .await
            .unwrap();
    assert_eq!(revoked, None, "nothing revoked the grant");
    let (status, body) = refresh(&provider, &tokens["refresh_token"]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_grant"))
    );
    assert_eq!(
        userinfo(&provider, &tokens).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_refreshed_token_carries_the_members_current_roles() {
    let provider = provider().await;
    let org = org_id(&provider, "metahexa-bank").await;
    let user = sally_id(&provider).await;
    let (tokens, _) = signed_in(&provider, "metahexa-bank").await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id[crate::oidc::grants::ROLES_CLAIM], json!(["Org Admin"]));

    let token = provider
        .token(&[
            "delete:organization_member_roles",
            "create:organization_member_roles",
        ])
        .await;
    let role_id = |name: &'static str| {
        sqlx::query_scalar::<_, String>("SELECT id FROM roles WHERE name = $1")
            .bind(name)
            .fetch_one(provider.db.pool())
    };
    let member = role_id("Org Member").await.unwrap();
    let admin = role_id("Org Admin").await.unwrap();
    let path = format!(
        "/organizations/{org}/members/{}/roles",
        user.replace('|', "%7C")
    );
    let given = provider
        .api(
            "POST",
            &path,
            Some(&token),
            Some(json!({"roles": [member]})),
        )
        .await;
    assert!(given.status.is_success(), "{}", given.body);
    let taken = provider
        .api(
            "DELETE",
            &path,
            Some(&token),
            Some(json!({"roles": [admin]})),
        )
        .await;
    assert!(taken.status.is_success(), "{}", taken.body);

    let (status, refreshed) = refresh(&provider, &tokens["refresh_token"]).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let id = claims(refreshed["id_token"].as_str().unwrap());
    assert_eq!(id[crate::oidc::grants::ROLES_CLAIM], json!(["Org Member"]));
}

#[tokio::test]
async fn a_blocked_user_cannot_sign_in_and_their_session_ends() {
    let provider = provider().await;
    let org = org_id(&provider, "metahexa-bank").await;
    let user = sally_id(&provider).await;
    let mut browser = Browser::new(&provider);
    code_for(&mut browser, "metahexa-bank").await;
    apply(&provider, Change::BlockUser, &org, &user).await;

    let again = browser.authorize(&params("metahexa-bank")).await;
    assert_eq!(
        again.location.as_ref().map(|l| l.path()),
        Some("/u/login"),
        "the session ended"
    );
    let refused = browser.login(&again, SALLY, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.text.contains("user is blocked"), "{}", refused.text);
    assert!(refused.location.is_none(), "no code");

    let token = provider.token(&["read:users", "update:users"]).await;
    let path = format!("/users/{}", user.replace('|', "%7C"));
    let shown = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(shown.body["blocked"], true);
    let unblocked = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"blocked": false})),
        )
        .await;
    assert_eq!(unblocked.status, StatusCode::OK);
    let back = browser.login(&again, SALLY, PASSWORD).await;
    assert!(
        back.location.is_some_and(|l| param(&l, "code").is_some()),
        "unblocked, she signs in again"
    );
}
