//! When the identity provider does not answer, the console says so and
//! changes nothing: no organization in the directory, and an audit entry that
//! records the failed attempt.

use std::sync::Arc;

use orgdesk_config::Secret;
use orgdesk_db::testing::fresh_database;
use orgdesk_domain::{
    GlobalRole, Principal, ServiceError,
    audit::Outcome,
    organizations::{Context, OrganizationService},
    ports::{AuditLog, Directory, OrganizationFields},
};
use orgdesk_management::{ManagementClient, ManagementSettings};
use orgdesk_server::adapters::ManagementApi;
use orgdesk_storage::Storage;
use url::Url;

#[tokio::test]
async fn a_create_while_the_provider_is_down_fails_cleanly_and_is_audited_as_failed() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut settings = ManagementSettings::new(
        Url::parse(&format!("http://{closed}/")).unwrap(),
        "console-m2m",
        Secret::new("secret"),
    );
    settings.max_attempts = 2;
    let idp = ManagementApi {
        client: ManagementClient::new(settings).unwrap(),
    };
    let test_db = fresh_database().await;
    let storage = Storage::new(orgdesk_storage::open(&test_db.url).await.unwrap());
    let service = OrganizationService::new(
        Arc::new(idp),
        Arc::new(storage.clone()),
        Arc::new(storage.clone()),
    );
    let staff = Principal {
        user_id: "auth0|staff".into(),
        email: "staff@travel0.example".into(),
        name: "Staff".into(),
        global_role: Some(GlobalRole::Staff),
        admin_of: vec![],
        member_of: vec![],
        organization: None,
    };
    let cx = Context {
        principal: Some(&staff),
        request_id: "req-down",
    };

    let result = service
        .create(
            cx,
            OrganizationFields {
                name: Some("acme-corp".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(result, Err(ServiceError::Unavailable));
    assert!(
        ServiceError::Unavailable
            .to_string()
            .contains("nothing was changed")
    );

    assert!(
        storage.search("", None, 10).await.unwrap().is_empty(),
        "nothing in the directory"
    );
    let log = storage.list(None, None, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action.as_str(), log[0].outcome),
        ("organization.create", Outcome::Failed)
    );
    assert_eq!(log[0].request_id, "req-down");

    let update = service
        .update(cx, "org_0000000000000000", OrganizationFields::default())
        .await;
    assert_eq!(update, Err(ServiceError::Unavailable));
    assert_eq!(
        storage.list(None, None, 10).await.unwrap().len(),
        1,
        "an update that could not load writes nothing"
    );
}
