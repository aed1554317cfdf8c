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
    storage
        .put_session("live", "auth0|a", "{}", 5, far)
        .await
        .unwrap();
    storage
        .put_session("dead", "auth0|a", "{}", 5, crate::now_ms() - 1)
        .await
        .unwrap();
    let live = storage.session("live").await.unwrap().unwrap();
    assert_eq!((live.data.as_str(), live.checked_at_ms), ("{}", 5));
    assert_eq!(storage.session("dead").await.unwrap(), None);

    // A refresh replaces the data; a change made through the console makes
    // every session of that person read their persona again.
    storage
        .refresh_session("live", "{\"x\":1}", 9)
        .await
        .unwrap();
    let live = storage.session("live").await.unwrap().unwrap();
    assert_eq!((live.data.as_str(), live.checked_at_ms), ("{\"x\":1}", 9));
    storage
        .put_session("other", "auth0|b", "{}", 7, far)
        .await
        .unwrap();
    storage.persona_changed("auth0|a").await.unwrap();
    assert_eq!(
        storage
            .session("live")
            .await
            .unwrap()
            .unwrap()
            .checked_at_ms,
        0
    );
    assert_eq!(
        storage
            .session("other")
            .await
            .unwrap()
            .unwrap()
            .checked_at_ms,
        7
    );
    storage.delete_session("live").await.unwrap();
    assert_eq!(storage.session("live").await.unwrap(), None);

    let login = PendingLogin {
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        return_to: "/".into(),
        organization: Some("org_a".into()),
    };
    storage.put_pending_login("s", &login, far).await.unwrap();
    assert_eq!(storage.take_pending_login("s").await.unwrap(), Some(login));
    assert_eq!(
        storage.take_pending_login("s").await.unwrap(),
        None,
        "a state works once"
    );
}

mod members {
    use orgdesk_domain::ports::{
        InvitationLog, Member, MemberDirectory, MemberQuery, SentInvitation,
    };

    use super::storage;

    fn member(id: &str, email: &str, name: &str, roles: &[&str]) -> Member {
        Member {
            user_id: id.into(),
            email: email.into(),
            name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn query(
        text: &str,
        role: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> MemberQuery {
        MemberQuery {
            text: text.into(),
            role: role.map(str::to_owned),
            after: after.map(|(e, i)| (e.to_owned(), i.to_owned())),
            limit,
        }
    }

    fn emails(members: &[Member]) -> Vec<&str> {
        members.iter().map(|m| m.email.as_str()).collect()
    }

    async fn travel0() -> (crate::Storage, orgdesk_db::testing::TestDatabase) {
        let (storage, db) = storage().await;
        storage
            .upsert_members(
                "org_a",
                &[
                    member(
                        "auth0|1",
                        "sumana@adventurez.example",
                        "Sumana Rao",
                        &["Org Admin", "Billing Viewer"],
                    ),
                    member(
                        "auth0|2",
                        "pat@adventurez.example",
                        "Pat Lee",
                        &["Org Member"],
                    ),
                    member("auth0|3", "ana@adventurez.example", "Ana 100% Gomez", &[]),
                    member("auth0|4", "zed@adventurez.example", "Zed", &["Org Admin"]),
                ],
            )
            .await
            .unwrap();
        // Pat belongs to another organization too, with another role: isolated.
        storage
            .upsert_members(
                "org_b",
                &[member(
                    "auth0|2",
                    "pat@adventurez.example",
                    "Pat Lee",
                    &["Org Admin"],
                )],
            )
            .await
            .unwrap();
        (storage, db)
    }

    #[tokio::test]
    async fn members_page_by_email_with_their_roles_per_organization() {
        let (storage, _db) = travel0().await;
        let first = storage
            .search("org_a", &query("", None, None, 2))
            .await
            .unwrap();
        assert_eq!(
            emails(&first),
            ["ana@adventurez.example", "pat@adventurez.example"]
        );
        assert_eq!(first[1].roles, ["Org Member"]);
        let last = &first[1];
        let second = storage
            .search(
                "org_a",
                &query("", None, Some((&last.email, &last.user_id)), 2),
            )
            .await
            .unwrap();
        assert_eq!(
            emails(&second),
            ["sumana@adventurez.example", "zed@adventurez.example"]
        );
        assert_eq!(second[0].roles, ["Billing Viewer", "Org Admin"]);
        let other = storage
            .search("org_b", &query("", None, None, 10))
            .await
            .unwrap();
        assert_eq!(other[0].roles, ["Org Admin"], "Pat's roles in B are B's");
    }

    #[tokio::test]
    async fn search_matches_email_or_name_and_filters_by_role() {
        let (storage, _db) = travel0().await;
        let found = |text: &str, role: Option<&str>| {
            let storage = storage.clone();
            let q = query(text, role, None, 10);
            async move {
                emails(&storage.search("org_a", &q).await.unwrap())
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(found("rao", None).await, ["sumana@adventurez.example"]);
        assert_eq!(found("pat@", None).await, ["pat@adventurez.example"]);
        assert_eq!(
            found("100%", None).await,
            ["ana@adventurez.example"],
            "wildcards match themselves"
        );
        assert!(found("1%", None).await.is_empty());
        assert_eq!(
            found("", Some("Org Admin")).await,
            ["sumana@adventurez.example", "zed@adventurez.example"]
        );
        assert_eq!(
            found("zed", Some("Org Admin")).await,
            ["zed@adventurez.example"]
        );
        assert!(
            found("pat", Some("Org Admin")).await.is_empty(),
            "Pat is admin of B, not of A"
        );
        assert_eq!(
            storage.with_role("org_a", "Org Admin", 10).await.unwrap(),
            ["auth0|1", "auth0|4"]
        );
    }

    #[tokio::test]
    async fn a_full_pass_drops_members_it_did_not_see_and_writes_replace_roles() {
        let (storage, _db) = travel0().await;
        assert_eq!(storage.synced_at("org_a").await.unwrap(), None);
        let started = crate::now_ms() + 1;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        storage
            .upsert_members(
                "org_a",
                &[member(
                    "auth0|1",
                    "sumana@adventurez.example",
                    "Sumana Rao",
                    &["Org Member"],
                )],
            )
            .await
            .unwrap();
        assert_eq!(storage.finish_sync("org_a", started).await.unwrap(), 3);
        assert!(storage.synced_at("org_a").await.unwrap().is_some());
        let left = storage
            .search("org_a", &query("", None, None, 10))
            .await
            .unwrap();
        assert_eq!(emails(&left), ["sumana@adventurez.example"]);
        assert_eq!(left[0].roles, ["Org Member"]);
        assert!(
            storage
                .search("org_a", &query("", Some("Org Admin"), None, 10))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            storage
                .search("org_b", &query("", None, None, 10))
                .await
                .unwrap()
                .len(),
            1,
            "B untouched"
        );
        storage.remove_member("org_b", "auth0|2").await.unwrap();
        assert!(
            storage
                .search("org_b", &query("", Some("Org Admin"), None, 10))
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn the_invitation_log_keeps_revocations_and_resends() {
        let (storage, _db) = storage().await;
        let sent = |id: &str, at: i64| SentInvitation {
            id: id.into(),
            org_id: "org_a".into(),
            email: "new@adventurez.example".into(),
            role_names: vec!["Org Member".into()],
            created_at_ms: at,
            expires_at_ms: at + 604_800_000,
            invited_by: "Sumana Rao".into(),
            revoked_at_ms: None,
            replaced_by: None,
        };
        storage.record(&sent("uinv_1", 1_000)).await.unwrap();
        storage.record(&sent("uinv_2", 2_000)).await.unwrap();
        storage
            .revoked("uinv_1", 2_000, Some("uinv_2"))
            .await
            .unwrap();
        let listed = storage.list("org_a", 10).await.unwrap();
        assert_eq!(
            listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["uinv_2", "uinv_1"]
        );
        assert_eq!(listed[1].replaced_by.as_deref(), Some("uinv_2"));
        assert_eq!(listed[1].revoked_at_ms, Some(2_000));
        assert_eq!(listed[0].role_names, ["Org Member"]);
        assert!(storage.list("org_b", 10).await.unwrap().is_empty());
    }
}

mod member_search_at_scale {
    use orgdesk_domain::ports::{Member, MemberDirectory, MemberQuery};

    use super::storage;

    fn query(text: &str, limit: u32) -> MemberQuery {
        MemberQuery {
            text: text.into(),
            role: None,
            after: None,
            limit,
        }
    }

    /// More members than SQLite's first window: a rare text is found far down
    /// the list (through the trigram index there), a common one at once, and
    /// a renamed member is found by the new name only.
    #[tokio::test]
    async fn rare_and_common_texts_are_found_anywhere_in_a_long_list() {
        let (storage, _db) = storage().await;
        let mut members: Vec<Member> = (0..2_500)
            .map(|n| Member {
                user_id: format!("auth0|{n:05}"),
                email: format!("m-{n:05}@bulk.example"),
                name: format!("Bulk {n}"),
                roles: vec![],
            })
            .collect();
        members.push(Member {
            user_id: "auth0|rare".into(),
            email: "zz-rare@bulk.example".into(),
            name: "Rarely Seen".into(),
            roles: vec![],
        });
        for chunk in members.chunks(500) {
            storage.upsert_members("org_a", chunk).await.unwrap();
        }
        // What a large synchronization pass does after loading.
        storage.after_bulk_load().await.unwrap();
        let emails = |found: Vec<Member>| found.into_iter().map(|m| m.email).collect::<Vec<_>>();
        assert_eq!(
            emails(storage.search("org_a", &query("rarely", 11)).await.unwrap()),
            ["zz-rare@bulk.example"]
        );
        assert_eq!(
            emails(storage.search("org_a", &query("zz", 11)).await.unwrap()),
            ["zz-rare@bulk.example"],
            "two characters: too short for trigrams, still found"
        );
        assert_eq!(
            storage
                .search("org_a", &query("bulk 1", 11))
                .await
                .unwrap()
                .len(),
            11
        );
        storage
            .upsert_members(
                "org_a",
                &[Member {
                    user_id: "auth0|rare".into(),
                    email: "zz-rare@bulk.example".into(),
                    name: "Often Seen".into(),
                    roles: vec![],
                }],
            )
            .await
            .unwrap();
        assert!(
            storage
                .search("org_a", &query("rarely", 11))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            storage
                .search("org_a", &query("often", 11))
                .await
                .unwrap()
                .len(),
            1
        );
        storage.remove_member("org_a", "auth0|rare").await.unwrap();
        assert!(
            storage
                .search("org_a", &query("often", 11))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            storage
                .search("org_b", &query("bulk", 11))
                .await
                .unwrap()
                .is_empty()
        );
    }
}

mod send_budget {
    use orgdesk_domain::ports::{Ask, SendBudget, Spent};

    use super::storage;

    fn ask(key: &str, amount: u32, max: u32, window_ms: i64) -> Ask {
        Ask {
            key: key.into(),
            amount,
            max,
            window_ms,
        }
    }

    const MINUTE: i64 = 60_000;

    #[tokio::test]
    async fn a_budget_admits_up_to_its_limit_in_any_window_and_says_when_it_frees() {
        let (storage, _db) = storage().await;
        let t = 1_000_000;
        for (at, amount, expected) in [
            (t, 60, Spent::Granted),
            (t + 30_000, 40, Spent::Granted),
            // Full: one more fits when the first 60 leave the window.
            (
                t + 59_999,
                1,
                Spent::Refused {
                    key: "actor".into(),
                    retry_at_ms: t + MINUTE,
                },
            ),
            (t + MINUTE, 60, Spent::Granted),
            // The 40 of t + 30 s are still in the window.
            (
                t + MINUTE + 1,
                1,
                Spent::Refused {
                    key: "actor".into(),
                    retry_at_ms: t + 30_000 + MINUTE,
                },
            ),
        ] {
            assert_eq!(
                storage
                    .spend(&[ask("actor", amount, 100, MINUTE)], at)
                    .await
                    .unwrap(),
                expected,
                "{amount} at {at}"
            );
        }
    }

    #[tokio::test]
    async fn a_reservation_is_all_or_none() {
        let (storage, _db) = storage().await;
        let now = 5_000;
        assert_eq!(
            storage
                .spend(&[ask("address", 5, 5, MINUTE)], now)
                .await
                .unwrap(),
            Spent::Granted
        );
        // The actor's budget has room, the address's has none: neither is spent.
        let both = [ask("actor", 3, 100, MINUTE), ask("address", 1, 5, MINUTE)];
        assert!(matches!(
            storage.spend(&both, now).await.unwrap(),
            Spent::Refused { key, .. } if key == "address"
        ));
        assert_eq!(
            storage
                .spend(&[ask("actor", 100, 100, MINUTE)], now)
                .await
                .unwrap(),
            Spent::Granted,
            "the refused request took nothing from the actor"
        );
    }

    #[tokio::test]
    async fn parallel_reservations_never_both_take_the_last_of_a_budget() {
        let (storage, _db) = storage().await;
        let now = 7_000;
        let tries = (0..12).map(|i| {
            let storage = storage.clone();
            tokio::spawn(async move {
                // Two keys in either order: no deadlock either.
                let mut asks = vec![
                    ask("shared", 1, 5, MINUTE),
                    ask(&format!("own-{i}"), 1, 5, MINUTE),
                ];
                if i % 2 == 0 {
                    asks.reverse();
                }
                storage.spend(&asks, now).await.unwrap()
            })
        });
        let mut granted = 0;
        for t in tries {
            if t.await.unwrap() == Spent::Granted {
                granted += 1;
            }
        }
        assert_eq!(granted, 5);
    }
}

#[tokio::test]
async fn a_refused_call_is_one_entry_with_outcome_refused() {
    let (storage, _db) = storage().await;
    let entry = NewEntry {
        actor_user_id: "auth0|sally".into(),
        actor_email: "sally@metahexa.example".into(),
        persona: Persona::CustomerAdmin,
        org_id: None,
        org_name: None,
        action: "members:add".into(),
        before: Some(json!({"asked_org_id": "org_b"})),
        reason: Some("not permitted".into()),
        request_id: "req-1".into(),
    };
    storage.refused(&entry).await.unwrap();
    let all = storage.list(None, None, 10).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].outcome, Outcome::Refused);
    assert_eq!(all[0].reason.as_deref(), Some("not permitted"));
    assert!(
        storage
            .list(Some("org_b"), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
