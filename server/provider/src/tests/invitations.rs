//! `/api/v2/organizations/{id}/invitations` as Auth0 serves it: shapes,
//! rules, isolation between organizations, paging, and the email.

use serde_json::{Value, json};

use super::{Answer, TestProvider};
use crate::{
    ClientSpec, OrganizationSpec, Provisioning, RoleSpec,
    clients::{AppType, OrganizationUsage},
    ids::DATABASE_CONNECTION_ID,
    store::{organizations, users},
    timestamp::iso8601,
};

pub const APP: &str = "travel0-app";
pub const LOGIN_URI: &str = "https://app.travel0.example/login";
pub const APP_CALLBACK: &str = "https://app.travel0.example/callback";
pub const APP_SECRET: &str = "travel0-app-secret";
const SCOPES: &[&str] = &[
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
];

/// A provider with an application that has a login URI, one without, roles,
/// and two organizations; returns the provider, a token with the invitation
/// scopes, and the organizations' ids.
pub async fn setup() -> (TestProvider, String, String, String) {
    setup_with(TestProvider::new().await).await
}

/// [`setup`] on a provider made with its own options.
pub async fn setup_with(provider: TestProvider) -> (TestProvider, String, String, String) {
    let client = |id: &str, login: Option<&str>| ClientSpec {
        client_id: id.into(),
        name: "Travel0".into(),
        client_secret: Some(orgdesk_config::Secret::new(APP_SECRET)),
        app_type: AppType::RegularWeb,
        redirect_uris: vec![APP_CALLBACK.into()],
        logout_urls: vec![],
        organization_usage: OrganizationUsage::Allow,
        initiate_login_uri: login.map(str::to_owned),
        management_api_scopes: vec![],
        require_pkce: false,
    };
    let org = |name: &str, display: &str| OrganizationSpec {
        branding: None,
        enabled_connections: None,
        name: name.into(),
        display_name: Some(display.into()),
        members: vec![],
    };
    let role = |name: &str| RoleSpec {
        name: name.into(),
        description: String::new(),
    };
    provider
        .state
        .apply(&Provisioning {
            clients: vec![client(APP, Some(LOGIN_URI)), client("no-login-uri", None)],
            roles: vec![role("Org Admin"), role("Org Member")],
            organizations: vec![
                org("adventurez", "AdventureZ <Tours>"),
                org("rocky-mountain", "Rocky Mountain"),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    let token = provider.token(SCOPES).await;
    let id = |name: &'static str| {
        let db = provider.db.clone();
        async move { organizations::by_name(&db, name).await.unwrap().unwrap().id }
    };
    let (adventurez, rocky) = (id("adventurez").await, id("rocky-mountain").await);
    (provider, token, adventurez, rocky)
}

pub async fn role_id(provider: &TestProvider, name: &str) -> String {
    users::ensure_role(&provider.db, name, "").await.unwrap()
}

pub async fn invite(provider: &TestProvider, token: &str, org: &str, body: Value) -> Answer {
    provider
        .api(
            "POST",
            &format!("/organizations/{org}/invitations"),
            Some(token),
            Some(body),
        )
        .await
}

pub fn body_for(email: &str) -> Value {
    json!({
        "inviter": { "name": "Sumana" },
        "invitee": { "email": email },
        "client_id": APP,
    })
}

async fn list(provider: &TestProvider, token: &str, org: &str, query: &str) -> Answer {
    provider
        .api(
            "GET",
            &format!("/organizations/{org}/invitations{query}"),
            Some(token),
            None,
        )
        .await
}

async fn outbox(provider: &TestProvider) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT recipient, subject, text_body FROM outbox ORDER BY created_at")
        .fetch_all(provider.db.pool())
        .await
        .unwrap()
}

/// The stored creation and expiry times (milliseconds) of an invitation.
async fn stored_times(provider: &TestProvider, id: &str) -> (i64, i64) {
    sqlx::query_as("SELECT created_at, expires_at FROM invitations WHERE id = $1")
        .bind(id)
        .fetch_one(provider.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_has_auth0s_shape_and_a_link_from_the_applications_login_uri() {
    let (provider, token, org, _) = setup().await;
    let admin = role_id(&provider, "Org Admin").await;
    let created = invite(
        &provider,
        &token,
        &org,
        json!({
            "inviter": { "name": "Sumana" },
            "invitee": { "email": "New.Hire@AdventureZ.example" },
            "client_id": APP,
            "connection_id": DATABASE_CONNECTION_ID,
            "roles": [admin],
            "app_metadata": { "plan": "gold" },
            "user_metadata": { "locale": "fr" },
        }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let inv = &created.body;
    let id = inv["id"].as_str().unwrap();
    let rest = id.strip_prefix("uinv_").expect("uinv_ prefix");
    assert!(
        rest.len() == 16 && rest.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(inv["organization_id"], org);
    assert_eq!(inv["inviter"], json!({ "name": "Sumana" }));
    assert_eq!(
        inv["invitee"],
        json!({ "email": "new.hire@adventurez.example" })
    );
    assert_eq!(inv["client_id"], APP);
    assert_eq!(inv["connection_id"], DATABASE_CONNECTION_ID);
    assert_eq!(inv["roles"], json!([admin]));
    assert_eq!(inv["app_metadata"], json!({ "plan": "gold" }));
    assert_eq!(inv["user_metadata"], json!({ "locale": "fr" }));
    let ticket = inv["ticket_id"].as_str().unwrap();
    assert_eq!(
        inv["invitation_url"],
        format!("{LOGIN_URI}?invitation={ticket}&organization={org}&organization_name=adventurez")
    );
    let (created_at, expires_at) = stored_times(&provider, id).await;
    assert_eq!(
        inv["created_at"],
        iso8601(created_at),
        "ISO 8601 with milliseconds"
    );
    assert_eq!(inv["expires_at"], iso8601(expires_at));
    assert_eq!(
        expires_at - created_at,
        7 * 24 * 3600 * 1000,
        "seven days by default"
    );

    let read = provider
        .api(
            "GET",
            &format!("/organizations/{org}/invitations/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(&read.body, inv, "read back as created");
    let listed = list(&provider, &token, &org, "").await;
    assert_eq!(listed.body, json!([inv]));

    let mails = outbox(&provider).await;
    assert_eq!(mails.len(), 1, "no SMTP server: the email is kept");
    let (to, subject, text) = &mails[0];
    assert_eq!(to, "new.hire@adventurez.example");
    assert_eq!(subject, "Sumana invited you to join AdventureZ <Tours>");
    assert!(
        text.contains(inv["invitation_url"].as_str().unwrap()),
        "{text}"
    );
}

#[tokio::test]
async fn ttl_is_seven_days_for_0_and_at_most_thirty() {
    let (provider, token, org, _) = setup().await;
    for (ttl, days) in [(0, 7), (2_592_000, 30)] {
        let mut body = body_for("ttl@adventurez.example");
        body["ttl_sec"] = ttl.into();
        let inv = invite(&provider, &token, &org, body).await.body;
        let (created_at, expires_at) = stored_times(&provider, inv["id"].as_str().unwrap()).await;
        assert_eq!(
            expires_at - created_at,
            days * 24 * 3600 * 1000,
            "ttl_sec {ttl}"
        );
    }
    let mut body = body_for("ttl@adventurez.example");
    body["ttl_sec"] = 2_592_001.into();
    let refused = invite(&provider, &token, &org, body).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("ttl_sec")
    );
}

#[tokio::test]
async fn bad_input_gets_a_400_that_says_why_and_creates_nothing() {
    let (provider, token, org, _) = setup().await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = body_for("someone@adventurez.example");
        change(&mut body);
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "no inviter",
            with(&|b| {
                b.as_object_mut().unwrap().remove("inviter");
            }),
            "inviter",
        ),
        (
            "empty inviter name",
            with(&|b| b["inviter"]["name"] = "".into()),
            "inviter.name",
        ),
        (
            "inviter name too long",
            with(&|b| b["inviter"]["name"] = "x".repeat(301).into()),
            "inviter.name",
        ),
        (
            "no invitee",
            with(&|b| {
                b.as_object_mut().unwrap().remove("invitee");
            }),
            "invitee",
        ),
        (
            "not an email",
            with(&|b| b["invitee"]["email"] = "someone".into()),
            "invitee.email",
        ),
        (
            "header injection",
            with(&|b| b["invitee"]["email"] = "a@b.example\r\nBcc: c@d.example".into()),
            "invitee.email",
        ),
        (
            "no client",
            with(&|b| {
                b.as_object_mut().unwrap().remove("client_id");
            }),
            "client_id",
        ),
        (
            "unknown client",
            with(&|b| b["client_id"] = "ghost".into()),
            "client_id does not exist",
        ),
        (
            "client without a login URI",
            with(&|b| b["client_id"] = "no-login-uri".into()),
            "login route",
        ),
        (
            "unknown connection",
            with(&|b| b["connection_id"] = "con_0000000000000000".into()),
            "connection does not exist",
        ),
        (
            "unknown role",
            with(&|b| b["roles"] = json!(["rol_doesnotexist00"])),
            "rol_doesnotexist00",
        ),
        (
            "negative ttl",
            with(&|b| b["ttl_sec"] = (-5).into()),
            "ttl_sec",
        ),
        (
            "ttl as text",
            with(&|b| b["ttl_sec"] = "60".into()),
            "ttl_sec",
        ),
        (
            "unknown field",
            with(&|b| b["color"] = "red".into()),
            "color",
        ),
        (
            "metadata not an object",
            with(&|b| b["app_metadata"] = json!([1])),
            "app_metadata",
        ),
    ];
    for (case, body, says) in cases {
        let answer = invite(&provider, &token, &org, body).await;
        assert_eq!(answer.status, 400, "{case}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], "invalid_body", "{case}");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(says), "{case}: {message}");
    }
    let missing_org = invite(
        &provider,
        &token,
        "org_doesnotexist0000",
        body_for("someone@adventurez.example"),
    )
    .await;
    assert_eq!(missing_org.status, 404);
    assert_eq!(list(&provider, &token, &org, "").await.body, json!([]));
    assert!(outbox(&provider).await.is_empty(), "no email either");
}

#[tokio::test]
async fn another_organizations_invitation_is_not_found_exactly_like_a_missing_one() {
    let (provider, token, adventurez, rocky) = setup().await;
    let inv = invite(
        &provider,
        &token,
        &adventurez,
        body_for("a@adventurez.example"),
    )
    .await
    .body;
    let id = inv["id"].as_str().unwrap();
    let missing = provider
        .api(
            "GET",
            &format!("/organizations/{rocky}/invitations/uinv_0000000000000000"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    for method in ["GET", "DELETE"] {
        let other = provider
            .api(
                method,
                &format!("/organizations/{rocky}/invitations/{id}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(other.status, 404, "{method}");
        assert_eq!(other.body, missing.body, "{method}: the same answer");
    }
    assert_eq!(list(&provider, &token, &rocky, "").await.body, json!([]));
    assert_eq!(
        list(&provider, &token, &adventurez, "").await.body[0]["id"],
        id,
        "still there"
    );
}

#[tokio::test]
async fn delete_revokes_and_a_second_delete_is_404() {
    let (provider, token, org, _) = setup().await;
    let inv = invite(&provider, &token, &org, body_for("a@adventurez.example"))
        .await
        .body;
    let path = format!(
        "/organizations/{org}/invitations/{}",
        inv["id"].as_str().unwrap()
    );
    let deleted = provider.api("DELETE", &path, Some(&token), None).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.body, Value::Null, "no body");
    assert_eq!(
        provider.api("GET", &path, Some(&token), None).await.status,
        404
    );
    assert_eq!(
        provider
            .api("DELETE", &path, Some(&token), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn lists_page_newest_first_keep_expired_invitations_and_pick_fields() {
    let (provider, token, org, rocky) = setup().await;
    let mut ids = Vec::new();
    for (n, created_at) in [1_000_i64, 2_000, 3_000].into_iter().enumerate() {
        let inv = invite(
            &provider,
            &token,
            &org,
            body_for(&format!("p{n}@adventurez.example")),
        )
        .await
        .body;
        let id = inv["id"].as_str().unwrap().to_owned();
        // Distinct creation times; the oldest one expired long ago.
        sqlx::query("UPDATE invitations SET created_at = $1, expires_at = $2 WHERE id = $3")
            .bind(created_at)
            .bind(if n == 0 { 2_000 } else { i64::MAX / 2 })
            .bind(&id)
            .execute(provider.db.pool())
            .await
            .unwrap();
        ids.push(id);
    }
    let ids_of = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest_first = list(&provider, &token, &org, "").await.body;
    assert_eq!(
        ids_of(&newest_first),
        [ids[2].clone(), ids[1].clone(), ids[0].clone()],
        "expired ones list too"
    );
    let oldest_first = list(&provider, &token, &org, "?sort=created_at:1")
        .await
        .body;
    assert_eq!(
        ids_of(&oldest_first),
        [ids[0].clone(), ids[1].clone(), ids[2].clone()]
    );

    let page = list(
        &provider,
        &token,
        &org,
        "?page=0&per_page=2&include_totals=true",
    )
    .await;
    assert_eq!(
        ids_of(&page.body["invitations"]),
        [ids[2].clone(), ids[1].clone()]
    );
    assert_eq!(
        (page.body["start"].clone(), page.body["limit"].clone()),
        (json!(0), json!(2))
    );
    let second = list(&provider, &token, &org, "?page=1&per_page=2")
        .await
        .body;
    assert_eq!(
        ids_of(&second),
        [ids[0].clone()],
        "a bare array without include_totals"
    );

    let some = list(
        &provider,
        &token,
        &org,
        "?fields=id,invitee&include_fields=true",
    )
    .await;
    let keys: Vec<&String> = some.body[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "invitee"]);
    let without = list(
        &provider,
        &token,
        &org,
        "?fields=ticket_id&include_fields=false",
    )
    .await;
    assert!(without.body[0].get("ticket_id").is_none());
    assert!(without.body[0].get("invitation_url").is_some());

    for (query, status) in [
        ("?sort=name:1", 400),
        ("?fields=password", 400),
        ("?per_page=101", 400),
        ("?from=abc&take=5", 400),
        ("?include_fields=maybe", 400),
    ] {
        let answer = list(&provider, &token, &org, query).await;
        assert_eq!(answer.status, status, "{query}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], "invalid_query_string", "{query}");
    }
    assert_eq!(list(&provider, &token, &rocky, "").await.body, json!([]));
    assert_eq!(
        list(&provider, &token, "org_doesnotexist0000", "")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn without_send_invitation_email_no_email_is_kept() {
    let (provider, token, org, _) = setup().await;
    let mut body = body_for("quiet@adventurez.example");
    body["send_invitation_email"] = false.into();
    assert_eq!(invite(&provider, &token, &org, body).await.status, 201);
    assert!(outbox(&provider).await.is_empty());
}
