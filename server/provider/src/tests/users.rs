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
        clients: vec![],
        roles: vec![role("Orgdesk Staff"), role("Org Admin"), role("Org Member")],
        users: vec![
            user("Staff@Travel0.example", &["Orgdesk Staff"]),
            user("sumana@adventurez.example", &[]),
        ],
        organizations: vec![
            OrganizationSpec {
                name: "adventurez".into(),
                display_name: Some("AdventureZ".into()),
                members: vec![member("sumana@adventurez.example", &["Org Admin"])],
            },
            OrganizationSpec {
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
