//! The console's tables on a fresh database of the test engine.

use orgdesk_db::testing::fresh_database;
use orgdesk_domain::{
    OrgRef, Persona,
    audit::{NewEntry, Outcome},
    ports::{AuditLog, Directory},
};
use serde_json::json;

use crate::{PendingLogin, Storage};

async fn storage() -> (Storage, orgdesk_db::testing::TestDatabase) {
    let test_db = fresh_database().await;
    let db = crate::open(&test_db.url).await.expect("open migrates");
    (Storage::new(db), test_db)
}

fn org(id: &str, name: &str, display: Option<&str>) -> OrgRef {
    OrgRef {
        id: id.into(),
        name: name.into(),
        display_name: display.map(str::to_owned),
    }
}

#[tokio::test]
async fn opening_twice_is_a_no_op() {
    let test_db = fresh_database().await;
    crate::open(&test_db.url).await.unwrap().close().await;
    crate::open(&test_db.url)
        .await
        .expect("second open")
        .ping()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_directory_searches_both_names_without_case_and_pages_by_name() {
    let (storage, _db) = storage().await;
    for (id, name, display) in [
        ("org_1", "hoekstra", Some("Hoekstra & Associates")),
        ("org_2", "gupta-smith", Some("Gupta & Smith Law")),
        ("org_3", "metahexa-bank", Some("MetaHexa Bank")),
        ("org_4", "many-student-u", None),
        ("org_5", "rate_100%", Some("Percent")),
    ] {
        storage.upsert(&org(id, name, display)).await.unwrap();
    }
    let names = |orgs: Vec<OrgRef>| orgs.into_iter().map(|o| o.name).collect::<Vec<_>>();
    assert_eq!(
        names(storage.search("", None, 10).await.unwrap()),
        [
            "gupta-smith",
            "hoekstra",
            "many-student-u",
            "metahexa-bank",
            "rate_100%"
        ]
    );
    assert_eq!(
        names(storage.search("BANK", None, 10).await.unwrap()),
        ["metahexa-bank"]
    );
    assert_eq!(
        names(storage.search("&", None, 10).await.unwrap()),
        ["gupta-smith", "hoekstra"]
    );
    assert_eq!(
        names(storage.search("%", None, 10).await.unwrap()),
        ["rate_100%"],
        "wildcards match themselves"
    );
    assert_eq!(
        names(storage.search("", Some("hoekstra"), 2).await.unwrap()),
        ["many-student-u", "metahexa-bank"]
    );

    storage
        .upsert(&org("org_3", "metahexa", Some("MetaHexa")))
        .await
        .unwrap();
    assert_eq!(
        names(storage.search("bank", None, 10).await.unwrap()),
        Vec::<String>::new(),
        "renames replace"
    );
    storage.remove("org_3").await.unwrap();
    assert_eq!(
        names(storage.search("meta", None, 10).await.unwrap()),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn audit_entries_start_pending_and_finish_with_outcome_and_after() {
    let (storage, _db) = storage().await;
    let entry = |org: Option<&str>| NewEntry {
        actor_user_id: "auth0|staff".into(),
        actor_email: "staff@travel0.example".into(),
        persona: Persona::Staff,
        org_id: org.map(str::to_owned),
        org_name: org.map(str::to_owned),
        action: "organization.update".into(),
        before: Some(json!({"display_name": "Old"})),
        reason: Some("customer asked".into()),
        request_id: "req-1".into(),
    };
    let a = storage.begin(&entry(Some("org_a"))).await.unwrap();
    let b = storage.begin(&entry(None)).await.unwrap();
    assert!(b > a);
    storage
        .finish(a, Outcome::Succeeded, Some(json!({"display_name": "New"})))
        .await
        .unwrap();
    storage
        .finish(
            b,
            Outcome::Succeeded,
            Some(json!({"id": "org_new", "name": "created"})),
        )
        .await
        .unwrap();

    let all = storage.list(None, None, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        [b, a],
        "newest first"
    );
    assert_eq!(
        all[0].org_id.as_deref(),
        Some("org_new"),
        "a create learns its organization on finish"
    );
    assert_eq!(all[1].before, Some(json!({"display_name": "Old"})));
    assert_eq!(all[1].after, Some(json!({"display_name": "New"})));
    assert_eq!(
        (all[1].persona.as_str(), all[1].outcome),
        ("staff", Outcome::Succeeded)
    );
    assert_eq!(
        storage.list(Some("org_a"), None, 10).await.unwrap().len(),
        1
    );
    assert_eq!(
        storage.list(None, Some(b), 10).await.unwrap()[0].id,
        a,
        "paging before an id"
    );
}

#[tokio::test]
async fn sessions_expire_and_pending_logins_work_once() {
    let (storage, _db) = storage().await;
    let far = crate::now_ms() + 60_000;
    storage.put_session("live", "{}", far).await.unwrap();
    storage
        .put_session("dead", "{}", crate::now_ms() - 1)
        .await
        .unwrap();
    assert_eq!(
        storage.session("live").await.unwrap().as_deref(),
        Some("{}")
    );
    assert_eq!(storage.session("dead").await.unwrap(), None);
    storage.delete_session("live").await.unwrap();
    assert_eq!(storage.session("live").await.unwrap(), None);

    let login = PendingLogin {
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        return_to: "/".into(),
    };
    storage.put_pending_login("s", &login, far).await.unwrap();
    assert_eq!(storage.take_pending_login("s").await.unwrap(), Some(login));
    assert_eq!(
        storage.take_pending_login("s").await.unwrap(),
        None,
        "a state works once"
    );
}
