//! Provisioning, and the user endpoints the console reads at sign-in.

use serde_json::json;

use super::TestProvider;
use crate::{
    MemberSpec, OrganizationSpec, Provisioning, RoleSpec, UserSpec, provision::ProvisionError,
};
use orgdesk_config::Secret;

fn travel0() -> Provisioning {
    let role = |name: &str| RoleSpec {
        name: name.into(),
        description: String::new(),
    };
    let user = |email: &str, roles: &[&str]| UserSpec {
        email: email.into(),
        name: email.split('@').next().unwrap().into(),
        password: Some(Secret::new("a long demo password")),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    };
    let member = |email: &str, roles: &[&str]| MemberSpec {
        email: email.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    };
    Provisioning {
        connections: vec![],
        clients: vec![],
        roles: vec![role("Orgdesk Staff"), role("Org Admin"), role("Org Member")],
        users: vec![
            user("Staff@Travel0.example", &["Orgdesk Staff"]),
            user("sumana@adventurez.example", &[]),
        ],
        organizations: vec![
            OrganizationSpec {
                branding: None,
                enabled_connections: None,
                name: "adventurez".into(),
                display_name: Some("AdventureZ".into()),
                members: vec![member("sumana@adventurez.example", &["Org Admin"])],
            },
            OrganizationSpec {
                branding: None,
                enabled_connections: None,
                name: "rocky-mountain".into(),
                display_name: None,
                members: vec![member("SUMANA@adventurez.example", &["Org Member"])],
            },
        ],
    }
}

#[tokio::test]
async fn provisioning_twice_gives_the_same_people_roles_and_memberships() {
    let provider = TestProvider::new().await;
    provider.state.apply(&travel0()).await.unwrap();
    provider.state.apply(&travel0()).await.unwrap();
    let token = provider
        .token(&[
            "read:users",
            "read:roles",
            "read:organizations",
            "read:organization_member_roles",
        ])
        .await;

    let (sumana, _) = crate::store::users::with_password(&provider.db, "sumana@adventurez.example")
        .await
        .unwrap()
        .expect("provisioned once, found by email in any case");
    let id = sumana.user_id;
    assert!(id.starts_with("auth0|") && id.len() == 30, "{id}");

    let orgs = provider
        .api(
            "GET",
            &format!("/users/{id}/organizations"),
            Some(&token),
            None,
        )
        .await;
    let names: Vec<&str> = orgs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["adventurez", "rocky-mountain"],
        "one identity, two organizations"
    );

    let global = provider
        .api("GET", &format!("/users/{id}/roles"), Some(&token), None)
        .await;
    assert_eq!(global.body, json!([]), "no roles outside organizations");
    for (org, role) in [(&orgs.body[0], "Org Admin"), (&orgs.body[1], "Org Member")] {
        let path = format!(
            "/organizations/{}/members/{id}/roles",
            org["id"].as_str().unwrap()
        );
        let roles = provider.api("GET", &path, Some(&token), None).await;
        assert_eq!(
            roles.body[0]["name"], role,
            "different roles per organization"
        );
        assert!(roles.body[0]["id"].as_str().unwrap().starts_with("rol_"));
    }
}

#[tokio::test]
async fn the_user_endpoints_need_their_scopes_and_name_missing_things() {
    let provider = TestProvider::new().await;
    provider.state.apply(&travel0()).await.unwrap();
    let (staff, _) = crate::store::users::with_password(&provider.db, "staff@travel0.example")
        .await
        .unwrap()
        .unwrap();
    let id = staff.user_id;
    let read_roles = provider.token(&["read:roles"]).await;
    let read_users = provider.token(&["read:users"]).await;

    let roles = provider
        .api(
            "GET",
            &format!("/users/{id}/roles"),
            Some(&read_roles),
            None,
        )
        .await;
    assert_eq!(roles.body[0]["name"], "Orgdesk Staff");
    let user = provider
        .api("GET", &format!("/users/{id}"), Some(&read_users), None)
        .await;
    assert_eq!(user.body["email"], "staff@travel0.example");
    assert!(
        user.body.get("password_hash").is_none(),
        "hashes never leave the provider"
    );

    let cases = [
        (format!("/users/{id}/roles"), &read_users, 403),
        (format!("/users/{id}"), &read_roles, 403),
        ("/users/auth0%7Cnobody/roles".to_owned(), &read_roles, 404),
        ("/users/auth0%7Cnobody".to_owned(), &read_users, 404),
    ];
    for (path, token, status) in cases {
        assert_eq!(
            provider.api("GET", &path, Some(token), None).await.status,
            status,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_description_naming_unknown_roles_or_members_writes_nothing() {
    let provider = TestProvider::new().await;
    let mut unknown_role = travel0();
    unknown_role.users[1].roles = vec!["Root".into()];
    let mut unknown_member = travel0();
    unknown_member.organizations[0].members.push(MemberSpec {
        email: "ghost@x.example".into(),
        roles: vec![],
    });
    assert!(
        matches!(provider.state.apply(&unknown_role).await, Err(ProvisionError::UnknownRole(r)) if r == "Root")
    );
    assert!(matches!(
        provider.state.apply(&unknown_member).await,
        Err(ProvisionError::UnknownUser(_))
    ));
    let token = provider.token(&["read:organizations"]).await;
    let orgs = provider
        .api("GET", "/organizations", Some(&token), None)
        .await;
    assert_eq!(orgs.body, json!([]));
}

const USER_SCOPES: &[&str] = &["read:users", "create:users", "update:users", "delete:users"];

async fn create_user(
    provider: &TestProvider,
    token: &str,
    body: serde_json::Value,
) -> super::Answer {
    provider
        .api("POST", "/users", Some(token), Some(body))
        .await
}

fn database_user(email: &str) -> serde_json::Value {
    json!({
        "connection": "Username-Password-Authentication",
        "email": email,
        "password": "correct horse battery",
    })
}

#[tokio::test]
async fn a_created_user_has_auth0s_shape_and_is_found_by_email_in_any_case() {
    let provider = TestProvider::new().await;
    let token = provider.token(USER_SCOPES).await;
    let created = create_user(
        &provider,
        &token,
        json!({
            "connection": "Username-Password-Authentication",
            "email": "Ana.Lopez@Adventurez.example",
            "password": "correct horse battery",
            "name": "Ana López",
            "email_verified": true,
            "app_metadata": {"plan": "gold"},
            "user_metadata": {"theme": "dark"},
        }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let user = created.body;
    let id = user["user_id"].as_str().unwrap();
    let hex = id.strip_prefix("auth0|").expect("auth0| prefix");
    assert!(
        hex.len() == 24 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    assert_eq!(
        user["email"], "ana.lopez@adventurez.example",
        "kept in lower case"
    );
    assert_eq!(user["email_verified"], true);
    assert_eq!(user["name"], "Ana López");
    assert_eq!(user["app_metadata"], json!({"plan": "gold"}));
    assert_eq!(user["user_metadata"], json!({"theme": "dark"}));
    assert_eq!(
        user["identities"],
        json!([{"connection": "Username-Password-Authentication", "provider": "auth0",
                "user_id": hex, "isSocial": false}])
    );
    let created_at = user["created_at"].as_str().unwrap();
    assert!(
        created_at.len() == 24
            && created_at.ends_with(".000Z")
            && created_at.as_bytes()[10] == b'T',
        "ISO 8601 as Auth0 writes it: {created_at}"
    );
    let text = user.to_string();
    assert!(
        !text.contains("password") && !text.contains("argon2"),
        "{text}"
    );

    let found = provider
        .api(
            "GET",
            "/users-by-email?email=ANA.LOPEZ%40adventurez.EXAMPLE",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(found.status, 200);
    assert_eq!(found.body, json!([user]));
    let by_id = provider
        .api(
            "GET",
            &format!("/users/{}", id.replace('|', "%7C")),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(by_id.body, user);
    let nobody = provider
        .api(
            "GET",
            "/users-by-email?email=nobody%40x.example",
            Some(&token),
            None,
        )
        .await;
    assert_eq!((nobody.status.as_u16(), nobody.body), (200, json!([])));
    let no_email = provider
        .api("GET", "/users-by-email", Some(&token), None)
        .await;
    assert_eq!(no_email.status, 400);
    assert_eq!(no_email.body["errorCode"], "invalid_query_string");

    let (stored, hash) =
        crate::store::users::with_password(&provider.db, "ana.lopez@adventurez.example")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(stored.user_id, id);
    let hash = hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "Argon2id");
    assert!(crate::password::verify(Some(hash), "correct horse battery".into()).await);
}

#[tokio::test]
async fn creating_a_user_refuses_bad_input_and_taken_emails_and_writes_nothing() {
    let provider = TestProvider::new().await;
    let token = provider.token(USER_SCOPES).await;
    assert_eq!(
        create_user(&provider, &token, database_user("taken@x.example"))
            .await
            .status,
        201
    );
    let with = |change: serde_json::Value| {
        let mut body = database_user("new@x.example");
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body
    };
    let cases = [
        (
            with(json!({"connection": "google-oauth2"})),
            400,
            "inexistent_connection",
        ),
        (with(json!({"connection": null})), 400, "invalid_body"),
        (with(json!({"email": null})), 400, "invalid_body"),
        (with(json!({"email": "not-an-email"})), 400, "invalid_body"),
        (with(json!({"password": null})), 400, "invalid_body"),
        (with(json!({"password": "short"})), 400, "invalid_body"),
        (with(json!({"name": ""})), 400, "invalid_body"),
        (with(json!({"given_name": "Ana"})), 400, "invalid_body"),
        (
            with(json!({"app_metadata": {"blocked": true}})),
            400,
            "invalid_body",
        ),
        (
            with(json!({"user_metadata": {"a.b": 1}})),
            400,
            "invalid_body",
        ),
        (with(json!({"email_verified": "yes"})), 400, "invalid_body"),
        (database_user("TAKEN@x.example"), 409, "auth0_idp_error"),
    ];
    for (body, status, code) in cases {
        let answer = create_user(&provider, &token, body.clone()).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.body["statusCode"], status, "{body}");
        assert_eq!(answer.body["errorCode"], code, "{body}");
        assert!(answer.body["message"].is_string(), "{body}");
    }
    let new = provider
        .api(
            "GET",
            "/users-by-email?email=new%40x.example",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(new.body, json!([]), "no refused request created a user");
}

#[tokio::test]
async fn patch_merges_metadata_at_the_top_level_and_null_removes_a_key() {
    let provider = TestProvider::new().await;
    let token = provider.token(USER_SCOPES).await;
    let mut body = database_user("meta@x.example");
    body["user_metadata"] = json!({"theme": "dark", "lang": "en", "prefs": {"a": 1}});
    body["app_metadata"] = json!({"plan": "gold"});
    let user = create_user(&provider, &token, body).await.body;
    let path = format!(
        "/users/{}",
        user["user_id"].as_str().unwrap().replace('|', "%7C")
    );

    let patched = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"user_metadata": {"lang": null, "prefs": {"b": 2}, "tz": "UTC"}})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.body["user_metadata"],
        json!({"theme": "dark", "prefs": {"b": 2}, "tz": "UTC"}),
        "top-level keys merge; a nested object is replaced; null removes"
    );
    assert_eq!(
        patched.body["app_metadata"],
        json!({"plan": "gold"}),
        "untouched"
    );
    assert_eq!(patched.body["created_at"], user["created_at"]);

    let cleared = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"user_metadata": {}})),
        )
        .await;
    assert_eq!(
        cleared.body["user_metadata"],
        json!({}),
        "an empty object clears it"
    );
    let refused = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"app_metadata": {"user_id": "x"}})),
        )
        .await;
    assert_eq!(refused.status, 400);
    let after = provider.api("GET", &path, Some(&token), None).await.body;
    assert_eq!(
        after["app_metadata"],
        json!({"plan": "gold"}),
        "a refused PATCH changes nothing"
    );
}

#[tokio::test]
async fn patch_changes_email_name_and_password_and_a_new_email_is_unverified() {
    let provider = TestProvider::new().await;
    let token = provider.token(USER_SCOPES).await;
    let mut body = database_user("old@x.example");
    body["email_verified"] = json!(true);
    let user = create_user(&provider, &token, body).await.body;
    create_user(&provider, &token, database_user("other@x.example")).await;
    let path = format!(
        "/users/{}",
        user["user_id"].as_str().unwrap().replace('|', "%7C")
    );
    let patch = |body: serde_json::Value| provider.api("PATCH", &path, Some(&token), Some(body));

    let moved = patch(json!({"email": "New@X.example", "name": "Renamed"})).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["email"], "new@x.example");
    assert_eq!(moved.body["name"], "Renamed");
    assert_eq!(
        moved.body["email_verified"], false,
        "a new address is unverified"
    );
    let verified = patch(json!({"email_verified": true})).await;
    assert_eq!(verified.body["email_verified"], true);

    assert_eq!(
        patch(json!({"password": "a new long password"}))
            .await
            .status,
        200
    );
    let (_, hash) = crate::store::users::with_password(&provider.db, "new@x.example")
        .await
        .unwrap()
        .unwrap();
    assert!(crate::password::verify(hash.clone(), "a new long password".into()).await);
    assert!(!crate::password::verify(hash, "correct horse battery".into()).await);

    for (body, status) in [
        (json!({"email": "OTHER@x.example"}), 409),
        (json!({"email": "nope"}), 400),
        (json!({"password": "short"}), 400),
        (json!({"connection": "github"}), 400),
        (json!({"blocked": "yes"}), 400),
    ] {
        assert_eq!(patch(body.clone()).await.status, status, "{body}");
    }
    let after = provider.api("GET", &path, Some(&token), None).await.body;
    assert_eq!(
        after["email"], "new@x.example",
        "refused PATCHes change nothing"
    );
    let nobody = provider
        .api(
            "PATCH",
            "/users/auth0%7Cnobody",
            Some(&token),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(nobody.status, 404);
    assert_eq!(nobody.body["errorCode"], "inexistent_user");
}

#[tokio::test]
async fn deleting_a_user_removes_their_memberships_and_roles() {
    let provider = TestProvider::new().await;
    provider.state.apply(&travel0()).await.unwrap();
    let token = provider.token(&["delete:users", "read:users"]).await;
    let (sumana, _) = crate::store::users::with_password(&provider.db, "sumana@adventurez.example")
        .await
        .unwrap()
        .unwrap();
    let org = crate::store::organizations::by_name(&provider.db, "adventurez")
        .await
        .unwrap()
        .unwrap();
    let path = format!("/users/{}", sumana.user_id.replace('|', "%7C"));

    let deleted = provider.api("DELETE", &path, Some(&token), None).await;
    assert_eq!(deleted.status, 204);
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
    assert!(
        !crate::store::users::is_member(&provider.db, &org.id, &sumana.user_id)
            .await
            .unwrap()
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE user_id = $1")
        .bind(&sumana.user_id)
        .fetch_one(provider.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "their roles went with them");
}

#[tokio::test]
async fn a_users_organizations_and_roles_come_in_offset_pages() {
    let provider = TestProvider::new().await;
    let mut description = travel0();
    description.organizations.push(OrganizationSpec {
        branding: None,
        enabled_connections: None,
        name: "metahexa".into(),
        display_name: None,
        members: vec![MemberSpec {
            email: "sumana@adventurez.example".into(),
            roles: vec![],
        }],
    });
    description.users[1].roles = vec!["Org Admin".into(), "Org Member".into()];
    provider.state.apply(&description).await.unwrap();
    let token = provider.token(&["read:organizations", "read:roles"]).await;
    let (sumana, _) = crate::store::users::with_password(&provider.db, "sumana@adventurez.example")
        .await
        .unwrap()
        .unwrap();
    let base = format!("/users/{}", sumana.user_id.replace('|', "%7C"));
    let get = async |path: String| provider.api("GET", &path, Some(&token), None).await;

    let first = get(format!(
        "{base}/organizations?page=0&per_page=2&include_totals=true"
    ))
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        (
            first.body["start"].clone(),
            first.body["limit"].clone(),
            first.body["total"].clone()
        ),
        (json!(0), json!(2), json!(3))
    );
    let names: Vec<&str> = first.body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["adventurez", "metahexa"], "by name");
    let second = get(format!("{base}/organizations?page=1&per_page=2")).await;
    assert_eq!(
        second.body[0]["name"], "rocky-mountain",
        "without totals, a bare array"
    );

    let roles = get(format!("{base}/roles?per_page=1&include_totals=true")).await;
    assert_eq!(roles.body["total"], 2);
    assert_eq!(roles.body["roles"][0]["name"], "Org Admin");

    for path in [
        format!("{base}/organizations?take=10"),
        format!("{base}/roles?per_page=101"),
    ] {
        assert_eq!(get(path.clone()).await.status, 400, "{path}");
    }
    for path in [
        "/users/auth0%7Cnobody/organizations",
        "/users/auth0%7Cnobody/roles",
    ] {
        assert_eq!(get(path.into()).await.status, 404, "{path}");
    }
}
