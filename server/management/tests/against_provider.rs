//! The console's Management API client against the built-in provider, over
//! real HTTP, on the test engine's database.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use orgdesk_config::Secret;
use orgdesk_db::{
    Database,
    testing::{TestDatabase, fresh_database},
};
use orgdesk_management::{
    Branding, Colors, ConnectionFlags, ConnectionOptions, ConnectionUpdate, Invitee, Inviter,
    ManagementClient, ManagementError, ManagementSettings, NewConnection, NewEnabledConnection,
    NewInvitation, NewOrganization, NewUser, OidcOptions, OrganizationUpdate,
};
use orgdesk_provider::{
    ClientSpec, Issuer, ProviderOptions, ProviderState, Provisioning, RateLimit, RoleSpec,
    clients::{AppType, OrganizationUsage},
    seed,
};
use url::Url;

const SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "read:users",
    "create:users",
    "delete:users",
    "read:roles",
    "create:roles",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
];
/// An application people are invited to, and its login URI.
const APP: &str = "travel0-app";
const LOGIN_URI: &str = "https://app.travel0.example/login";

struct Provider {
    url: Url,
    db: Database,
    _db: TestDatabase,
}

async fn provider(options: ProviderOptions) -> Provider {
    let test_db = fresh_database().await;
    let db = Database::open(&test_db.url, &orgdesk_provider::migrations())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let state = ProviderState::open(Issuer::from_public_url(&url), db.clone(), options)
        .await
        .unwrap();
    state
        .apply(&Provisioning {
            clients: vec![
                ClientSpec {
                    client_id: "console-m2m".into(),
                    name: "Orgdesk console".into(),
                    client_secret: Some(Secret::new("m2m-secret-value")),
                    app_type: AppType::NonInteractive,
                    redirect_uris: vec![],
                    logout_urls: vec![],
                    organization_usage: Default::default(),
                    initiate_login_uri: None,
                    management_api_scopes: SCOPES.iter().map(|s| s.to_string()).collect(),
                    require_pkce: false,
                },
                ClientSpec {
                    client_id: APP.into(),
                    name: "Travel0".into(),
                    client_secret: Some(Secret::new("app-secret-value")),
                    app_type: AppType::RegularWeb,
                    redirect_uris: vec!["https://app.travel0.example/callback".into()],
                    logout_urls: vec![],
                    organization_usage: OrganizationUsage::Allow,
                    initiate_login_uri: Some(LOGIN_URI.into()),
                    management_api_scopes: vec![],
                    require_pkce: false,
                },
            ],
            roles: vec![RoleSpec {
                name: "Org Member".into(),
                description: String::new(),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, orgdesk_provider::router(state)).await });
    Provider {
        url,
        db,
        _db: test_db,
    }
}

fn client(url: &Url, secret: &str) -> ManagementClient {
    ManagementClient::new(ManagementSettings::new(
        url.clone(),
        "console-m2m",
        Secret::new(secret),
    ))
    .unwrap()
}

#[tokio::test]
async fn many_concurrent_calls_share_one_token() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.organizations_page(None, 10).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("call succeeds");
    }
    assert_eq!(
        client.token_requests(),
        1,
        "one token for twenty concurrent calls"
    );
    client.organizations_page(None, 10).await.unwrap();
    assert_eq!(client.token_requests(), 1, "the cached token is reused");
}

#[tokio::test]
async fn the_organization_calls_round_trip_and_fail_with_typed_errors() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let created = client
        .create_organization(&NewOrganization {
            name: "rocky-mountain".into(),
            display_name: Some("Rocky Mountain High Adventures".into()),
            metadata: BTreeMap::from([("tier".into(), "startup".into())]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(client.organization(&created.id).await.unwrap(), created);
    assert_eq!(
        client.organization_by_name("rocky-mountain").await.unwrap(),
        created
    );

    let updated = client
        .update_organization(
            &created.id,
            &OrganizationUpdate {
                display_name: Some("Rocky Mountain".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("Rocky Mountain"));
    assert_eq!(updated.metadata, created.metadata, "absent fields stay");

    let again = client
        .create_organization(&NewOrganization {
            name: "rocky-mountain".into(),
            ..Default::default()
        })
        .await;
    assert!(
        matches!(again, Err(ManagementError::Conflict { .. })),
        "{again:?}"
    );
    let bad = client
        .create_organization(&NewOrganization {
            name: "Not A Slug".into(),
            ..Default::default()
        })
        .await;
    assert!(
        matches!(&bad, Err(ManagementError::Invalid { code: Some(c), .. }) if c == "invalid_body"),
        "{bad:?}"
    );

    client.delete_organization(&created.id).await.unwrap();
    let gone = client.organization(&created.id).await;
    assert!(
        matches!(gone, Err(ManagementError::NotFound { .. })),
        "{gone:?}"
    );
}

#[tokio::test]
async fn a_429_waits_until_the_reset_time_then_succeeds() {
    let provider = provider(ProviderOptions {
        rate_limit: Some(RateLimit {
            burst: 1,
            per_second: 1.0,
        }),
        ..Default::default()
    })
    .await;
    let client = client(&provider.url, "m2m-secret-value");
    let started = Instant::now();
    for _ in 0..3 {
        client
            .organizations_page(None, 5)
            .await
            .expect("a 429 is waited out");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "three calls against one call per second had to wait"
    );
}

#[tokio::test]
async fn wrong_credentials_are_a_typed_error_without_the_secret() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "not-the-secret");
    let error = client.organizations_page(None, 5).await.unwrap_err();
    assert!(
        matches!(error, ManagementError::Credentials { .. }),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("not-the-secret"), "{shown}");
}

#[tokio::test]
async fn a_provider_that_is_down_is_reported_as_unavailable() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let url = Url::parse(&format!("http://{closed}/")).unwrap();
    let client = client(&url, "m2m-secret-value");
    let error = client.organizations_page(None, 5).await.unwrap_err();
    assert!(
        matches!(error, ManagementError::Unavailable(_)),
        "{error:?}"
    );
    assert!(!format!("{error}").contains("m2m-secret-value"));
}

fn new_invitation(email: &str) -> NewInvitation {
    NewInvitation {
        inviter: Inviter {
            name: "Sumana".into(),
        },
        invitee: Invitee {
            email: email.into(),
        },
        client_id: APP.into(),
        connection_id: None,
        ttl_sec: None,
        roles: vec![],
        send_invitation_email: false,
    }
}

#[tokio::test]
async fn the_invitation_calls_round_trip_list_every_page_and_fail_with_typed_errors() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let org = client
        .create_organization(&NewOrganization {
            name: "adventurez".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let other = client
        .create_organization(&NewOrganization {
            name: "rocky-mountain".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let role = client
        .roles()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Org Member")
        .unwrap()
        .id;
    // An invitation names a connection the organization enables; created
    // through the API, an organization enables none (as in Auth0).
    sqlx::query(
        "INSERT INTO organization_connections (org_id, connection_id, created_at) \
         VALUES ($1, 'con_OrgdeskDatabase1', 0)",
    )
    .bind(&org.id)
    .execute(provider.db.pool())
    .await
    .unwrap();

    let created = client
        .create_invitation(
            &org.id,
            &NewInvitation {
                connection_id: Some("con_OrgdeskDatabase1".into()),
                ttl_sec: Some(3600),
                roles: vec![role.clone()],
                ..new_invitation("new.hire@adventurez.example")
            },
        )
        .await
        .unwrap();
    assert!(created.id.starts_with("uinv_"), "{}", created.id);
    assert_eq!(created.organization_id, org.id);
    assert_eq!(created.invitee.email, "new.hire@adventurez.example");
    assert_eq!(created.roles, [role]);
    assert_eq!(
        created.connection_id.as_deref(),
        Some("con_OrgdeskDatabase1")
    );
    assert_eq!(
        created.invitation_url,
        format!(
            "{LOGIN_URI}?invitation={}&organization={}&organization_name=adventurez",
            created.ticket_id, org.id
        )
    );
    assert!(created.expires_at > created.created_at);
    assert_eq!(
        client.invitation(&org.id, &created.id).await.unwrap(),
        created
    );

    for n in 0..100 {
        client
            .create_invitation(
                &org.id,
                &new_invitation(&format!("p{n}@adventurez.example")),
            )
            .await
            .unwrap();
    }
    let all = client.invitations(&org.id).await.unwrap();
    assert_eq!(all.len(), 101, "every page");
    assert!(all.contains(&created));
    assert!(client.invitations(&other.id).await.unwrap().is_empty());

    let elsewhere = client.invitation(&other.id, &created.id).await;
    assert!(
        matches!(elsewhere, Err(ManagementError::NotFound { .. })),
        "{elsewhere:?}"
    );
    let unknown_role = client
        .create_invitation(
            &org.id,
            &NewInvitation {
                roles: vec!["rol_doesnotexist00".into()],
                ..new_invitation("x@adventurez.example")
            },
        )
        .await;
    assert!(
        matches!(&unknown_role, Err(ManagementError::Invalid { code: Some(c), message }) if c == "invalid_body" && message.contains("rol_doesnotexist00")),
        "{unknown_role:?}"
    );
    let no_login_uri = client
        .create_invitation(
            &org.id,
            &NewInvitation {
                client_id: "console-m2m".into(),
                ..new_invitation("x@adventurez.example")
            },
        )
        .await;
    assert!(
        matches!(&no_login_uri, Err(ManagementError::Invalid { .. })),
        "{no_login_uri:?}"
    );

    client
        .delete_invitation(&org.id, &created.id)
        .await
        .unwrap();
    let gone = client.invitation(&org.id, &created.id).await;
    assert!(
        matches!(gone, Err(ManagementError::NotFound { .. })),
        "{gone:?}"
    );
    let again = client.delete_invitation(&org.id, &created.id).await;
    assert!(
        matches!(again, Err(ManagementError::NotFound { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn users_are_created_found_by_email_and_deleted() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let mut new = NewUser::database(
        "Ana.Lopez@Adventurez.example",
        "Ana López",
        Secret::new("correct horse battery"),
    );
    new.email_verified = true;
    let ana = client.create_user(&new).await.unwrap();
    assert!(ana.user_id.starts_with("auth0|"), "{}", ana.user_id);
    assert_eq!(ana.email, "ana.lopez@adventurez.example");
    assert!(ana.email_verified);
    assert!(ana.created_at.as_deref().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        client
            .users_by_email("ANA.LOPEZ@adventurez.example")
            .await
            .unwrap(),
        std::slice::from_ref(&ana)
    );
    assert_eq!(client.user(&ana.user_id).await.unwrap(), ana);

    let again = client.create_user(&new).await;
    assert!(
        matches!(again, Err(ManagementError::Conflict { .. })),
        "{again:?}"
    );
    let elsewhere = client
        .create_user(&NewUser {
            connection: "google-oauth2".into(),
            ..NewUser::database("x@x.example", "X", Secret::new("correct horse battery"))
        })
        .await;
    assert!(
        matches!(&elsewhere, Err(ManagementError::Invalid { code: Some(c), .. }) if c == "inexistent_connection"),
        "{elsewhere:?}"
    );

    client.delete_user(&ana.user_id).await.unwrap();
    let gone = client.user(&ana.user_id).await;
    assert!(
        matches!(gone, Err(ManagementError::NotFound { .. })),
        "{gone:?}"
    );
    let twice = client.delete_user(&ana.user_id).await;
    assert!(
        matches!(twice, Err(ManagementError::NotFound { .. })),
        "{twice:?}"
    );
    assert!(client.users_by_email(&ana.email).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_role_is_listed_across_pages() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    for n in 0..120 {
        client
            .create_role(&format!("Role {n:03}"), &format!("Role number {n}"))
            .await
            .unwrap();
    }
    let all = client.roles().await.unwrap();
    assert_eq!(
        all.len(),
        121,
        "past the first page of 100 (with the fixture's Org Member)"
    );
    let roles: Vec<_> = all.iter().filter(|r| r.name.starts_with("Role ")).collect();
    assert_eq!(roles.len(), 120);
    assert_eq!(roles[119].name, "Role 119");
    assert_eq!(roles[0].description, "Role number 0");
    let taken = client.create_role("Role 007", "").await;
    assert!(
        matches!(taken, Err(ManagementError::Conflict { .. })),
        "{taken:?}"
    );
}

#[tokio::test]
async fn members_are_added_in_batches_and_read_a_page_at_a_time_with_their_roles() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let org = client
        .create_organization(&NewOrganization {
            name: "adventurez".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let people = seed::users(&provider.db, 25, "person").await.unwrap();
    client.add_members(&org.id, &people).await.unwrap();
    let admin = client.create_role("Org Admin", "").await.unwrap();
    client
        .assign_member_roles(&org.id, &people[0], std::slice::from_ref(&admin.id))
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let page = client
            .members_page(&org.id, from.as_deref(), 10, true)
            .await
            .unwrap();
        seen.extend(page.members);
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25, "three pages, every member once");
    let first = seen.iter().find(|m| m.user_id == people[0]).unwrap();
    assert_eq!(
        first
            .roles
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Org Admin"]
    );
    assert_eq!(first.email, "person-1@bench.example");
    assert!(
        seen.iter()
            .filter(|m| m.user_id != people[0])
            .all(|m| m.roles.is_empty())
    );
    let plain = client.members_page(&org.id, None, 5, false).await.unwrap();
    assert_eq!(plain.members.len(), 5);

    assert_eq!(
        client.member_roles(&org.id, &people[0]).await.unwrap()[0].id,
        admin.id
    );
    client
        .remove_member_roles(&org.id, &people[0], std::slice::from_ref(&admin.id))
        .await
        .unwrap();
    assert!(
        client
            .member_roles(&org.id, &people[0])
            .await
            .unwrap()
            .is_empty()
    );

    client.remove_members(&org.id, &people[..12]).await.unwrap();
    let rest = client.members_page(&org.id, None, 50, false).await.unwrap();
    assert_eq!(rest.members.len(), 13);
    assert_eq!(client.user_organizations(&people[0]).await.unwrap(), []);

    let ghost = client
        .add_members(&org.id, &["auth0|nobody".to_owned()])
        .await;
    assert!(
        matches!(ghost, Err(ManagementError::Invalid { .. })),
        "{ghost:?}"
    );
    let outsider = client
        .assign_member_roles(&org.id, &people[0], std::slice::from_ref(&admin.id))
        .await;
    assert!(
        matches!(outsider, Err(ManagementError::NotFound { .. })),
        "{outsider:?}"
    );
    let unknown_org = client
        .members_page("org_doesnotexist0000", None, 10, false)
        .await;
    assert!(
        matches!(unknown_org, Err(ManagementError::NotFound { .. })),
        "{unknown_org:?}"
    );
}

#[tokio::test]
async fn a_users_organizations_are_read_past_the_first_page() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    seed::organizations(&provider.db, 120, "many")
        .await
        .unwrap();
    let person = seed::users(&provider.db, 1, "joiner").await.unwrap();
    let mut from: Option<String> = None;
    loop {
        let page = client
            .organizations_page(from.as_deref(), 50)
            .await
            .unwrap();
        for org in &page.organizations {
            client.add_members(&org.id, &person).await.unwrap();
        }
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    let orgs = client.user_organizations(&person[0]).await.unwrap();
    assert_eq!(orgs.len(), 120);
    assert_eq!(
        orgs[119].name, "many-000120",
        "by name, across pages of 100"
    );
    let roles = client.user_roles(&person[0]).await.unwrap();
    assert!(roles.is_empty());
    let nobody = client.user_organizations("auth0|nobody").await;
    assert!(
        matches!(nobody, Err(ManagementError::NotFound { .. })),
        "{nobody:?}"
    );
}

fn bank_idp(secret: Option<&str>) -> OidcOptions {
    OidcOptions {
        issuer: "https://login.metahexa.example/".into(),
        discovery_url: None,
        client_id: "metahexa-console".into(),
        client_secret: secret.map(Secret::new),
        scope: "openid profile email".into(),
        domain_aliases: vec!["metahexa.example".into()],
    }
}

#[tokio::test]
async fn connections_round_trip_without_ever_returning_the_secret() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let created = client
        .create_connection(&NewConnection {
            name: "metahexa-idp".into(),
            display_name: Some("MetaHexa Bank".into()),
            options: ConnectionOptions::Oidc(bank_idp(Some("bank-secret-value"))),
        })
        .await
        .unwrap();
    assert!(created.id.starts_with("con_"), "{}", created.id);
    assert_eq!(created.strategy, "oidc");
    assert_eq!(
        created.option("issuer"),
        Some("https://login.metahexa.example/")
    );
    assert_eq!(created.option("client_secret"), None, "write-only");
    assert_eq!(client.connection(&created.id).await.unwrap(), created);

    let all = client.connections(None).await.unwrap();
    assert!(all.iter().any(|c| c.id == created.id));
    assert!(
        all.iter().any(|c| c.strategy == "auth0"),
        "the database connection"
    );
    let oidc_only = client.connections(Some("oidc")).await.unwrap();
    assert!(oidc_only.iter().all(|c| c.strategy == "oidc"));

    let mut options = bank_idp(None);
    options.scope = "openid email".into();
    let updated = client
        .update_connection(
            &created.id,
            &ConnectionUpdate {
                display_name: Some("MetaHexa".into()),
                options: Some(options),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.option("scope"), Some("openid email"));
    assert_eq!(updated.display_name.as_deref(), Some("MetaHexa"));
    assert_eq!(updated.option("client_secret"), None);

    let again = client
        .create_connection(&NewConnection {
            name: "metahexa-idp".into(),
            display_name: None,
            options: ConnectionOptions::Database,
        })
        .await;
    assert!(
        matches!(again, Err(ManagementError::Conflict { .. })),
        "{again:?}"
    );

    client.delete_connection(&created.id).await.unwrap();
    let gone = client.connection(&created.id).await;
    assert!(
        matches!(gone, Err(ManagementError::NotFound { .. })),
        "{gone:?}"
    );
}

#[tokio::test]
async fn enabled_connections_follow_auth0s_rules_and_users_are_found_by_connection() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let database = client
        .connections(Some("auth0"))
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a database connection");
    let org = client
        .create_organization(&NewOrganization {
            name: "metahexa-bank".into(),
            enabled_connections: vec![NewEnabledConnection {
                connection_id: database.id.clone(),
                assign_membership_on_login: false,
                show_as_button: None,
                is_signup_enabled: Some(false),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let enabled = client.enabled_connections(&org.id).await.unwrap();
    assert_eq!(enabled.len(), 1);
    assert_eq!(enabled[0].connection_id, database.id);
    assert_eq!(enabled[0].connection.strategy, "auth0");

    let idp = client
        .create_connection(&NewConnection {
            name: "metahexa-idp".into(),
            display_name: None,
            options: ConnectionOptions::Oidc(bank_idp(Some("bank-secret-value"))),
        })
        .await
        .unwrap();
    let signup_on_enterprise = client
        .enable_connection(
            &org.id,
            &idp.id,
            ConnectionFlags {
                assign_membership_on_login: true,
                show_as_button: Some(true),
                is_signup_enabled: Some(true),
            },
        )
        .await;
    assert!(
        matches!(signup_on_enterprise, Err(ManagementError::Invalid { .. })),
        "{signup_on_enterprise:?}"
    );
    let flags = ConnectionFlags {
        assign_membership_on_login: true,
        show_as_button: Some(true),
        is_signup_enabled: None,
    };
    let on = client
        .enable_connection(&org.id, &idp.id, flags)
        .await
        .unwrap();
    assert_eq!(on.connection.name, "metahexa-idp");
    assert!(on.show_as_button && on.assign_membership_on_login);
    let changed = client
        .update_enabled_connection(
            &org.id,
            &idp.id,
            ConnectionFlags {
                assign_membership_on_login: false,
                ..flags
            },
        )
        .await
        .unwrap();
    assert!(!changed.assign_membership_on_login);
    assert_eq!(
        client.enabled_connection(&org.id, &idp.id).await.unwrap(),
        changed
    );
    client.disable_connection(&org.id, &idp.id).await.unwrap();
    assert_eq!(client.enabled_connections(&org.id).await.unwrap().len(), 1);

    let mut people = Vec::new();
    for n in 0..3 {
        let new = NewUser::database(
            format!("person-{n}@metahexa.example"),
            "Person",
            Secret::new("correct horse battery"),
        );
        people.push(client.create_user(&new).await.unwrap());
    }
    let found = client
        .users_of_connection(&database.name, 0, 100)
        .await
        .unwrap();
    assert!(found.total >= people.len() as u64, "{}", found.total);
    assert!(
        found
            .users
            .iter()
            .all(|u| u.identities.iter().any(|i| i.connection == database.name))
    );
    let none = client
        .users_of_connection("metahexa-idp", 0, 100)
        .await
        .unwrap();
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn branding_is_set_and_removed() {
    let provider = provider(ProviderOptions::default()).await;
    let client = client(&provider.url, "m2m-secret-value");
    let org = client
        .create_organization(&NewOrganization {
            name: "metahexa-bank".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let branding = Branding {
        logo_url: Some("https://cdn.metahexa.example/logo.png".into()),
        colors: Some(Colors {
            primary: "#0a7d3e".into(),
            page_background: Some("#fafafa".into()),
        }),
    };
    let branded = client
        .update_organization(
            &org.id,
            &OrganizationUpdate {
                branding: Some(Some(branding.clone())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(branded.branding, Some(branding));
    let plain = client
        .update_organization(
            &org.id,
            &OrganizationUpdate {
                branding: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(plain.branding, None);
}
