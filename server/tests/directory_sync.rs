//! The directory follows the identity provider: a pass adds what is new,
//! follows renames and drops what the provider no longer has.

use orgdesk_config::Secret;
use orgdesk_db::{Database, testing::fresh_database};
use orgdesk_domain::ports::{Directory, IdentityProvider, OrganizationFields};
use orgdesk_management::{ManagementClient, ManagementSettings};
use orgdesk_provider::{ClientSpec, Issuer, ProviderOptions, ProviderState, clients::AppType};
use orgdesk_server::{adapters::ManagementApi, identity::MANAGEMENT_SCOPES, sync::directory_once};
use orgdesk_storage::Storage;
use url::Url;

#[tokio::test]
async fn a_pass_adds_renames_and_removes() {
    let provider_db = fresh_database().await;
    let db = Database::open(&provider_db.url, &orgdesk_provider::migrations())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let state = ProviderState::open(
        Issuer::from_public_url(&url),
        db.clone(),
        ProviderOptions::default(),
    )
    .await
    .unwrap();
    state
        .provision(&[ClientSpec {
            client_id: "m2m".into(),
            name: "console".into(),
            client_secret: Some(Secret::new("m2m-secret")),
            app_type: AppType::NonInteractive,
            redirect_uris: vec![],
            logout_urls: vec![],
            organization_usage: Default::default(),
            initiate_login_uri: None,
            management_api_scopes: MANAGEMENT_SCOPES.iter().map(|s| s.to_string()).collect(),
            require_pkce: false,
        }])
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, orgdesk_provider::router(state)).await });
    orgdesk_provider::seed::organizations(&db, 250, "sync")
        .await
        .unwrap();
    let idp = ManagementApi {
        client: ManagementClient::new(ManagementSettings::new(
            url,
            "m2m",
            Secret::new("m2m-secret"),
        ))
        .unwrap(),
    };
    let console_db = fresh_database().await;
    let storage = Storage::new(orgdesk_storage::open(&console_db.url).await.unwrap());

    assert_eq!(
        directory_once(&idp, &storage).await.unwrap(),
        250,
        "three pages and a half"
    );
    assert_eq!(storage.search("", None, 1000).await.unwrap().len(), 250);

    let gone = storage
        .search("sync-000007", None, 10)
        .await
        .unwrap()
        .remove(0);
    idp.delete_organization(&gone.id).await.unwrap();
    let renamed = storage
        .search("sync-000008", None, 10)
        .await
        .unwrap()
        .remove(0);
    let fields = OrganizationFields {
        name: Some("renamed-eight".into()),
        ..Default::default()
    };
    idp.update_organization(&renamed.id, &fields).await.unwrap();

    assert_eq!(directory_once(&idp, &storage).await.unwrap(), 249);
    assert!(
        storage
            .search("sync-000007", None, 10)
            .await
            .unwrap()
            .is_empty(),
        "deleted at the provider"
    );
    assert!(
        storage
            .search("sync-000008", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let found = storage.search("renamed-eight", None, 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, renamed.id, "the same organization, renamed");
    assert_eq!(storage.search("", None, 1000).await.unwrap().len(), 249);
}
