//! `/api/v2/roles`: create, list, filter, rename, delete.

use serde_json::{Value, json};

use super::TestProvider;
use crate::{MemberSpec, OrganizationSpec, Provisioning, RoleSpec, UserSpec};

const ROLE_SCOPES: &[&str] = &["read:roles", "create:roles", "update:roles", "delete:roles"];

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn roles_are_created_listed_by_name_and_filtered_without_case() {
    let provider = TestProvider::new().await;
    let token = provider.token(ROLE_SCOPES).await;
    let created = provider
        .api(
            "POST",
            "/roles",
            Some(&token),
            Some(json!({"name": "Org Admin", "description": "Manages one organization"})),
        )
        .await;
    assert_eq!(created.status, 200, "Auth0 answers a created role with 200");
    let id = created.body["id"].as_str().unwrap();
    let rest = id.strip_prefix("rol_").expect("rol_ prefix");
    assert!(
        rest.len() == 16 && rest.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(
        created.body,
        json!({"id": id, "name": "Org Admin", "description": "Manages one organization"})
    );
    for name in ["Billing Viewer", "Org Member", "Support"] {
        let answer = provider
            .api("POST", "/roles", Some(&token), Some(json!({"name": name})))
            .await;
        assert_eq!(answer.body["description"], "", "{name}");
    }
    let get = |query: &'static str| provider.api("GET", query, Some(&token), None);

    let all = get("/roles").await.body;
    assert_eq!(
        names(&all),
        ["Billing Viewer", "Org Admin", "Org Member", "Support"]
    );
    assert_eq!(
        names(&get("/roles?name_filter=ORG").await.body),
        ["Org Admin", "Org Member"]
    );
    assert_eq!(
        names(&get("/roles?name_filter=%25").await.body),
        Vec::<&str>::new(),
        "literal %"
    );
    let page = get("/roles?page=1&per_page=2&include_totals=true")
        .await
        .body;
    assert_eq!(names(&page["roles"]), ["Org Member", "Support"]);
    assert_eq!(
        (
            page["start"].as_u64(),
            page["limit"].as_u64(),
            page["total"].as_u64()
        ),
        (Some(2), Some(2), Some(4))
    );
    let filtered = get("/roles?name_filter=org&include_totals=true").await.body;
    assert_eq!(filtered["total"], 2);
    assert_eq!(
        get("/roles?take=2").await.status,
        400,
        "roles have no checkpoints"
    );

    let one = provider
        .api("GET", &format!("/roles/{id}"), Some(&token), None)
        .await;
    assert_eq!(one.body, created.body);
    assert_eq!(get("/roles/rol_nothing").await.status, 404);
}

#[tokio::test]
async fn creating_or_renaming_a_role_refuses_bad_input_and_taken_names() {
    let provider = TestProvider::new().await;
    let token = provider.token(ROLE_SCOPES).await;
    let admin = provider
        .api(
            "POST",
            "/roles",
            Some(&token),
            Some(json!({"name": "Org Admin"})),
        )
        .await
        .body;
    provider
        .api(
            "POST",
            "/roles",
            Some(&token),
            Some(json!({"name": "Support"})),
        )
        .await;
    for (body, status) in [
        (json!({"name": "Org Admin"}), 409),
        (json!({"name": ""}), 400),
        (json!({"description": "no name"}), 400),
        (json!({"name": "X", "permissions": []}), 400),
    ] {
        let answer = provider
            .api("POST", "/roles", Some(&token), Some(body.clone()))
            .await;
        assert_eq!(answer.status, status, "{body}");
    }
    let path = format!("/roles/{}", admin["id"].as_str().unwrap());
    let renamed = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"name": "Organization Admin", "description": "Runs one organization"})),
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.body["name"], "Organization Admin");
    assert_eq!(renamed.body["id"], admin["id"]);
    for (body, status) in [
        (json!({"name": "Support"}), 409),
        (json!({"name": ""}), 400),
    ] {
        assert_eq!(
            provider
                .api("PATCH", &path, Some(&token), Some(body.clone()))
                .await
                .status,
            status,
            "{body}"
        );
    }
    let after = provider.api("GET", &path, Some(&token), None).await.body;
    assert_eq!(after, renamed.body, "refused changes write nothing");
    let list = provider.api("GET", "/roles", Some(&token), None).await.body;
    assert_eq!(names(&list), ["Organization Admin", "Support"]);
}

#[tokio::test]
async fn deleting_a_role_removes_every_assignment_of_it() {
    let provider = TestProvider::new().await;
    let role = |name: &str| RoleSpec {
        name: name.into(),
        description: String::new(),
    };
    provider
        .state
        .apply(&Provisioning {
            roles: vec![role("Org Admin"), role("Org Member")],
            users: vec![UserSpec {
                email: "sumana@adventurez.example".into(),
                name: "Sumana".into(),
                password: None,
                roles: vec!["Org Admin".into()],
            }],
            organizations: vec![OrganizationSpec {
                branding: None,
                enabled_connections: None,
                name: "adventurez".into(),
                display_name: None,
                members: vec![MemberSpec {
                    email: "sumana@adventurez.example".into(),
                    roles: vec!["Org Admin".into(), "Org Member".into()],
                }],
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let token = provider
        .token(&[
            "read:roles",
            "delete:roles",
            "read:organization_member_roles",
        ])
        .await;
    let admin = crate::store::users::ensure_role(&provider.db, "Org Admin", "")
        .await
        .unwrap();
    let org = crate::store::organizations::by_name(&provider.db, "adventurez")
        .await
        .unwrap()
        .unwrap();
    let (sumana, _) = crate::store::users::with_password(&provider.db, "sumana@adventurez.example")
        .await
        .unwrap()
        .unwrap();
    let uid = sumana.user_id.replace('|', "%7C");

    let deleted = provider
        .api("DELETE", &format!("/roles/{admin}"), Some(&token), None)
        .await;
    assert_eq!(deleted.status, 204);
    let member_roles = provider
        .api(
            "GET",
            &format!("/organizations/{}/members/{uid}/roles", org.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        names(&member_roles.body),
        ["Org Member"],
        "gone from the organization"
    );
    let global = provider
        .api("GET", &format!("/users/{uid}/roles"), Some(&token), None)
        .await;
    assert_eq!(global.body, json!([]), "gone from the user's global roles");
    for method in ["GET", "DELETE"] {
        let again = provider
            .api(method, &format!("/roles/{admin}"), Some(&token), None)
            .await;
        assert_eq!(again.status, 404, "{method}");
        assert_eq!(again.body["errorCode"], "inexistent_role");
    }
}

#[tokio::test]
async fn a_tenant_holds_at_most_a_thousand_roles() {
    let provider = TestProvider::new().await;
    let rows: Vec<String> = (0..1000)
        .map(|n| format!("('rol_seed{n:012}', 'Seeded {n:04}', '')"))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO roles (id, name, description) VALUES {}",
        rows.join(", ")
    ))
    .execute(provider.db.pool())
    .await
    .unwrap();
    let token = provider.token(ROLE_SCOPES).await;
    let refused = provider
        .api(
            "POST",
            "/roles",
            Some(&token),
            Some(json!({"name": "One Too Many"})),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["errorCode"], "too_many_entities");
    let total = provider
        .api(
            "GET",
            "/roles?include_totals=true&per_page=1",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(total.body["total"], 1000);
}
