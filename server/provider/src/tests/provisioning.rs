//! Provisioning of connections, organizations' branding and enabled
//! connections: checked by the Management API's rules, and applying the
//! same description twice changes nothing.

use orgdesk_config::Secret;
use serde_json::json;

use super::TestProvider;
use crate::{
    BrandingSpec, ConnectionOptionsSpec, ConnectionSpec, EnabledConnectionSpec, OrganizationSpec,
    Provisioning,
    ids::DATABASE_CONNECTION_ID,
    store::{connections, organizations},
};

const SECRET: &str = "provisioned-upstream-SECRET";
const DATABASE: &str = "Username-Password-Authentication";

fn sso(secret: Option<&str>) -> ConnectionSpec {
    ConnectionSpec {
        name: "acme-sso".into(),
        strategy: "oidc".into(),
        display_name: Some("Acme SSO".into()),
        options: ConnectionOptionsSpec {
            issuer: Some("https://idp.acme.example/".into()),
            client_id: Some("orgdesk".into()),
            client_secret: secret.map(Secret::new),
            ..Default::default()
        },
    }
}

fn enabled(connection: &str, assign: bool, signup: Option<bool>) -> EnabledConnectionSpec {
    EnabledConnectionSpec {
        connection: connection.into(),
        assign_membership_on_login: Some(assign),
        show_as_button: None,
        is_signup_enabled: signup,
    }
}

fn org(name: &str) -> OrganizationSpec {
    OrganizationSpec {
        name: name.into(),
        display_name: None,
        members: vec![],
        branding: None,
        enabled_connections: None,
    }
}

fn description() -> Provisioning {
    Provisioning {
        connections: vec![sso(Some(SECRET))],
        organizations: vec![
            OrganizationSpec {
                branding: Some(BrandingSpec {
                    logo_url: Some("https://acme.example/logo.svg".into()),
                    primary: Some("#0B5CAB".into()),
                    page_background: Some("#eef4fb".into()),
                }),
                enabled_connections: Some(vec![
                    enabled(DATABASE, true, Some(true)),
                    enabled("acme-sso", true, None),
                ]),
                ..org("acme")
            },
            org("plain"),
        ],
        ..Default::default()
    }
}

/// (connection name, assign, button, signup) of an organization.
async fn enabled_of(provider: &TestProvider, name: &str) -> Vec<(String, bool, bool, bool)> {
    let org = organizations::by_name(&provider.db, name)
        .await
        .unwrap()
        .unwrap();
    connections::enabled_for(&provider.db, &org.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.connection.name,
                e.assign_membership_on_login,
                e.show_as_button && e.connection.strategy.is_enterprise(),
                e.is_signup_enabled,
            )
        })
        .collect()
}

async fn count(provider: &TestProvider, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(provider.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn connections_branding_and_enabled_connections_are_provisioned_once() {
    let provider = TestProvider::new().await;
    provider.state.apply(&description()).await.unwrap();
    let connection = connections::by_name(&provider.db, "acme-sso")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(connection.label(), "Acme SSO");
    assert_eq!(
        connection.option("discovery_url"),
        Some("https://idp.acme.example/.well-known/openid-configuration")
    );
    assert_eq!(
        connections::client_secret(&provider.db, &connection.id)
            .await
            .unwrap()
            .as_deref(),
        Some(SECRET)
    );
    let acme = organizations::by_name(&provider.db, "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        acme.branding,
        Some(json!({"logo_url": "https://acme.example/logo.svg",
                    "colors": {"primary": "#0b5cab", "page_background": "#eef4fb"}}))
    );
    let expected_acme = vec![
        (DATABASE.to_owned(), true, false, true),
        ("acme-sso".to_owned(), true, true, false),
    ];
    assert_eq!(enabled_of(&provider, "acme").await, expected_acme);
    // Not naming connections: a new organization gets the password database.
    assert_eq!(
        enabled_of(&provider, "plain").await,
        [(DATABASE.to_owned(), false, false, false)]
    );

    let counts = (
        count(&provider, "connections").await,
        count(&provider, "organization_connections").await,
    );
    provider.state.apply(&description()).await.unwrap();
    assert_eq!(
        (
            count(&provider, "connections").await,
            count(&provider, "organization_connections").await,
        ),
        counts
    );
    let again = connections::by_name(&provider.db, "acme-sso")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, connection.id);
    assert_eq!(enabled_of(&provider, "acme").await, expected_acme);

    // A changed description updates; no secret given keeps the stored one;
    // a connection enabled meanwhile (in the console) stays.
    let mut changed = description();
    changed.connections = vec![ConnectionSpec {
        display_name: Some("Acme".into()),
        ..sso(None)
    }];
    changed.organizations[0].enabled_connections =
        Some(vec![enabled(DATABASE, false, Some(false))]);
    changed.organizations[0].branding = None;
    let plain = organizations::by_name(&provider.db, "plain")
        .await
        .unwrap()
        .unwrap();
    connections::enable(
        &provider.db,
        &plain.id,
        &connection.id,
        connections::Flags {
            assign_membership_on_login: false,
            show_as_button: true,
            is_signup_enabled: false,
        },
    )
    .await
    .unwrap();
    provider.state.apply(&changed).await.unwrap();
    let renamed = connections::by_id(&provider.db, &connection.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.label(), "Acme");
    assert_eq!(
        connections::client_secret(&provider.db, &connection.id)
            .await
            .unwrap()
            .as_deref(),
        Some(SECRET)
    );
    assert_eq!(
        enabled_of(&provider, "acme").await,
        [
            (DATABASE.to_owned(), false, false, false),
            ("acme-sso".to_owned(), true, true, false),
        ]
    );
    assert_eq!(enabled_of(&provider, "plain").await.len(), 2);
    // Branding absent from the description: the stored one stays.
    let acme = organizations::by_name(&provider.db, "acme")
        .await
        .unwrap()
        .unwrap();
    assert!(acme.branding.is_some());
    assert!(
        connections::enabled(&provider.db, &acme.id, DATABASE_CONNECTION_ID)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn provisioning_refuses_what_the_management_api_refuses_and_never_shows_the_secret() {
    let provider = TestProvider::new().await;
    let javascript = ConnectionSpec {
        options: ConnectionOptionsSpec {
            issuer: Some("javascript:alert(1)".into()),
            ..sso(Some(SECRET)).options
        },
        ..sso(Some(SECRET))
    };
    let front_channel = ConnectionSpec {
        options: ConnectionOptionsSpec {
            kind: Some("front_channel".into()),
            ..sso(Some(SECRET)).options
        },
        ..sso(Some(SECRET))
    };
    let long_secret = format!("{SECRET}{}", "x".repeat(300));
    let cases: Vec<(Provisioning, &str)> = vec![
        (
            Provisioning {
                connections: vec![javascript],
                ..Default::default()
            },
            "options.issuer",
        ),
        (
            Provisioning {
                connections: vec![front_channel],
                ..Default::default()
            },
            "back_channel only",
        ),
        (
            Provisioning {
                connections: vec![sso(Some(&long_secret))],
                ..Default::default()
            },
            "options.client_secret",
        ),
        (
            Provisioning {
                connections: vec![sso(None)],
                ..Default::default()
            },
            "options.client_secret",
        ),
        (
            Provisioning {
                organizations: vec![OrganizationSpec {
                    enabled_connections: Some(vec![enabled("nowhere", false, None)]),
                    ..org("acme")
                }],
                ..Default::default()
            },
            "nowhere",
        ),
        (
            Provisioning {
                organizations: vec![OrganizationSpec {
                    enabled_connections: Some(vec![EnabledConnectionSpec {
                        show_as_button: Some(true),
                        ..enabled(DATABASE, false, None)
                    }]),
                    ..org("acme")
                }],
                ..Default::default()
            },
            "enterprise connections only",
        ),
        (
            Provisioning {
                organizations: vec![OrganizationSpec {
                    enabled_connections: Some(vec![enabled(DATABASE, false, Some(true))]),
                    ..org("acme")
                }],
                ..Default::default()
            },
            "assign_membership_on_login",
        ),
        (
            Provisioning {
                organizations: vec![OrganizationSpec {
                    branding: Some(BrandingSpec {
                        logo_url: Some("http://acme.example/logo.svg".into()),
                        ..Default::default()
                    }),
                    ..org("acme")
                }],
                ..Default::default()
            },
            "branding.logo_url",
        ),
    ];
    for (description, needle) in cases {
        let error = provider.state.apply(&description).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        assert!(!message.contains(SECRET), "{message}");
        assert!(!format!("{error:?}").contains(SECRET), "{error:?}");
    }
    assert!(
        connections::by_name(&provider.db, "acme-sso")
            .await
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_description_reads_from_toml_as_documented() {
    let text = r##"
        [[connections]]
        name = "acme-sso"
        strategy = "oidc"
        display_name = "Acme SSO"
        options = { issuer = "https://idp.acme.example/", client_id = "orgdesk", client_secret = "s" }

        [[organizations]]
        name = "acme"
        branding = { logo_url = "https://acme.example/logo.svg", primary = "#0b5cab" }
        enabled_connections = [
          { connection = "Username-Password-Authentication" },
          { connection = "acme-sso", assign_membership_on_login = true },
        ]
    "##;
    let description: Provisioning = toml::from_str(text).unwrap();
    assert_eq!(description.connections[0].name, "acme-sso");
    assert_eq!(
        description.organizations[0]
            .enabled_connections
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    // Unknown keys are refused, as everywhere in provisioning.
    assert!(
        toml::from_str::<Provisioning>(
            "[[connections]]\nname = \"x\"\nstrategy = \"auth0\"\nsecret = 1"
        )
        .is_err()
    );
}
