//! Every Management API endpoint against every kind of caller: no token, a
//! token with every scope but the endpoint's, and a token with exactly it.
//! The router is built from the same list, so a new route cannot miss a row.

use serde_json::{Value, json};

use super::TestProvider;
use crate::{
    ClientSpec, ConnectionOptionsSpec, ConnectionSpec, MemberSpec, OrganizationSpec, Provisioning,
    RoleSpec, UserSpec,
    clients::{AppType, OrganizationUsage},
    management::endpoints,
    store::invitations::{self, Invitation},
    timestamp::now_millis,
};

const APP: &str = "matrix-app";

/// A pending invitation to the organization, written directly.
async fn invitation(provider: &TestProvider, org_id: &str, n: usize) -> String {
    let now = now_millis();
    let invitation = Invitation {
        id: crate::ids::invitation_id(),
        org_id: org_id.into(),
        ticket_id: crate::ids::invitation_ticket(),
        inviter_name: "Matrix".into(),
        invitee_email: format!("invitee-{n}@matrix.example"),
        client_id: APP.into(),
        connection_id: None,
        invitation_url: "https://app.matrix.example/login".into(),
        roles: vec![],
        app_metadata: Default::default(),
        user_metadata: Default::default(),
        created_at: now,
        expires_at: now + 60_000,
    };
    let mut conn = provider.db.pool().acquire().await.unwrap();
    invitations::insert(&mut conn, &invitation).await.unwrap();
    invitation.id
}

/// A fresh organization with a member, and the concrete path and body for `path`.
async fn target(
    provider: &TestProvider,
    n: usize,
    path: &str,
    method: &str,
) -> (String, Option<Value>) {
    let name = format!("matrix-{n}");
    provider
        .state
        .apply(&Provisioning {
            clients: vec![ClientSpec {
                client_id: APP.into(),
                name: "Matrix app".into(),
                client_secret: None,
                app_type: AppType::Spa,
                redirect_uris: vec!["https://app.matrix.example/callback".into()],
                logout_urls: vec![],
                organization_usage: OrganizationUsage::Allow,
                initiate_login_uri: Some("https://app.matrix.example/login".into()),
                management_api_scopes: vec![],
                require_pkce: false,
            }],
            roles: vec![RoleSpec {
                name: "Org Admin".into(),
                description: String::new(),
            }],
            users: vec![UserSpec {
                email: "member@matrix.example".into(),
                name: "Member".into(),
                password: None,
                roles: vec![],
            }],
            connections: vec![ConnectionSpec {
                name: format!("matrix-sso-{n}"),
                strategy: "oidc".into(),
                display_name: None,
                options: ConnectionOptionsSpec {
                    issuer: Some("https://idp.matrix.example/".into()),
                    client_id: Some("matrix".into()),
                    client_secret: Some(orgdesk_config::Secret::new("matrix-upstream-secret")),
                    ..Default::default()
                },
            }],
            organizations: vec![OrganizationSpec {
                branding: None,
                enabled_connections: None,
                name: name.clone(),
                display_name: None,
                members: vec![MemberSpec {
                    email: "member@matrix.example".into(),
                    roles: vec!["Org Admin".into()],
                }],
            }],
        })
        .await
        .unwrap();
    let org = crate::store::organizations::by_name(&provider.db, &name)
        .await
        .unwrap()
        .unwrap();
    let (user, _) = crate::store::users::with_password(&provider.db, "member@matrix.example")
        .await
        .unwrap()
        .unwrap();
    let role_id = crate::store::users::ensure_role(&provider.db, "Org Admin", "")
        .await
        .unwrap();
    let connection = crate::store::connections::by_name(&provider.db, &format!("matrix-sso-{n}"))
        .await
        .unwrap()
        .unwrap();
    let id = if path.starts_with("/users/") {
        &user.user_id
    } else if path.starts_with("/connections/") {
        &connection.id
    } else if path.starts_with("/roles/") {
        &role_id
    } else {
        &org.id
    };
    let mut concrete = path
        .replace("{id}", &urlencode(id))
        .replace("{name}", &org.name)
        .replace("{user_id}", &urlencode(&user.user_id))
        // Provisioned organizations enable the password database.
        .replace("{connection_id}", crate::ids::DATABASE_CONNECTION_ID);
    if path == "/users-by-email" {
        concrete.push_str("?email=member%40matrix.example");
    }
    if (method, path) == ("GET", "/users") {
        concrete.push_str(&format!(
            "?search_engine=v3&q={}",
            urlencode("identities.connection:\"Username-Password-Authentication\"")
        ));
    }
    if concrete.contains("{invitation_id}") {
        let invitation_id = invitation(provider, &org.id, n).await;
        concrete = concrete.replace("{invitation_id}", &invitation_id);
    }
    let body = match (method, path) {
        ("POST", "/users") => Some(json!({
            "connection": crate::management::DATABASE_CONNECTION,
            "email": format!("made-{n}@matrix.example"),
            "password": "a long matrix password",
        })),
        ("POST" | "DELETE", "/organizations/{id}/members") => {
            Some(json!({ "members": [user.user_id] }))
        }
        ("POST" | "DELETE", "/organizations/{id}/members/{user_id}/roles") => {
            Some(json!({ "roles": [role_id] }))
        }
        ("POST", p) if p.ends_with("/invitations") => Some(json!({
            "inviter": { "name": "Matrix" },
            "invitee": { "email": format!("new-{n}@matrix.example") },
            "client_id": APP,
        })),
        ("POST", "/connections") => {
            Some(json!({ "name": format!("made-{n}"), "strategy": "auth0" }))
        }
        ("POST", "/organizations/{id}/enabled_connections") => {
            Some(json!({ "connection_id": connection.id }))
        }
        ("PATCH", "/organizations/{id}/enabled_connections/{connection_id}") => {
            Some(json!({ "assign_membership_on_login": true }))
        }
        ("PATCH", "/users/{id}") => Some(json!({ "name": "Changed" })),
        ("PATCH", "/roles/{id}") => Some(json!({ "description": "Changed" })),
        ("POST", _) => Some(json!({ "name": format!("made-{n}") })),
        ("PATCH", _) => Some(json!({ "display_name": "Changed" })),
        _ => None,
    };
    (concrete, body)
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn every_endpoint_wants_a_token_and_exactly_its_scope() {
    let provider = TestProvider::new().await;
    let all_scopes: Vec<&str> = {
        let mut s: Vec<&str> = endpoints().iter().map(|e| e.scope).collect();
        s.sort();
        s.dedup();
        s
    };
    for (n, endpoint) in endpoints().into_iter().enumerate() {
        let (path, body) = target(&provider, n, endpoint.path, endpoint.method).await;
        let case = format!("{} {}", endpoint.method, endpoint.path);

        let anonymous = provider
            .api(endpoint.method, &path, None, body.clone())
            .await;
        assert_eq!(anonymous.status, 401, "{case} without a token");

        let others: Vec<&str> = all_scopes
            .iter()
            .copied()
            .filter(|s| *s != endpoint.scope)
            .collect();
        let without = provider.token(&others).await;
        let refused = provider
            .api(endpoint.method, &path, Some(&without), body.clone())
            .await;
        assert_eq!(refused.status, 403, "{case} without {}", endpoint.scope);
        assert_eq!(refused.body["errorCode"], "insufficient_scope", "{case}");
        assert!(
            refused.body["message"]
                .as_str()
                .unwrap()
                .contains(endpoint.scope),
            "{case}"
        );

        let with = provider.token(&[endpoint.scope]).await;
        let allowed = provider
            .api(endpoint.method, &path, Some(&with), body)
            .await;
        assert!(
            allowed.status.is_success(),
            "{case} with {}: {} {}",
            endpoint.scope,
            allowed.status,
            allowed.body
        );
    }
}
