//! A console session acts on the person's current persona, never one older
//! than the stated bound: changes made through the console take effect on
//! the next request; changes made anywhere else (Auth0's dashboard, the
//! Management API, here the provider's own database) once the persona is
//! older than the refresh (30 s; the tests age the sessions instead of
//! waiting), and an account that is gone ends its sessions.

mod support;

use serde_json::Value;
use support::TestOrgdesk;

async fn me(orgdesk: &TestOrgdesk, client: &reqwest::Client) -> Value {
    orgdesk.call(client, "current-user", &[]).await.1
}

/// The status of listing the organization's invitations: customer admins may.
async fn invitations(orgdesk: &TestOrgdesk, client: &reqwest::Client, org: &str) -> u16 {
    orgdesk
        .call(client, "invitations/list", &[("org_id", org)])
        .await
        .0
}

#[tokio::test]
async fn a_role_taken_away_outside_the_console_ends_its_rights_once_the_persona_is_read_again() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let sally = orgdesk
        .signed_in_to("sally@metahexa.example", "metahexa-bank")
        .await;
    assert_eq!(me(&orgdesk, &sally).await["persona"], "customer admin");
    assert_eq!(invitations(&orgdesk, &sally, &bank).await, 200);

    // Org Admin taken away at the identity provider, not through the console.
    let taken = orgdesk
        .provider_sql(
            "DELETE FROM member_roles WHERE user_id = \
             (SELECT user_id FROM users WHERE email = $1) \
             AND role_id = (SELECT id FROM roles WHERE name = 'Org Admin')",
            &["sally@metahexa.example"],
        )
        .await;
    assert_eq!(taken, 1);

    orgdesk.age_sessions(31).await;
    assert_eq!(
        invitations(&orgdesk, &sally, &bank).await,
        403,
        "no longer an admin"
    );
    let now = me(&orgdesk, &sally).await;
    assert_eq!(now["persona"], "member", "the header says so too");
    assert_eq!(
        now["organization"]["name"], "metahexa-bank",
        "still a member"
    );
}

#[tokio::test]
async fn a_change_made_through_the_console_takes_effect_on_the_next_request() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let pat_id = orgdesk.user_id(&staff, "pat@metahexa.example").await;
    let pat = orgdesk
        .signed_in_to("pat@metahexa.example", "metahexa-bank")
        .await;
    assert_eq!(me(&orgdesk, &pat).await["persona"], "member");
    assert_ne!(invitations(&orgdesk, &pat, &bank).await, 200);

    let (_, page) = orgdesk
        .call(
            &staff,
            "members/list",
            &[("org_id", &bank), ("query", ""), ("role", "")],
        )
        .await;
    let admin = page["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Org Admin")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .unwrap();
    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/assign-role",
            &[("org_id", &bank), ("user_id", &pat_id), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        me(&orgdesk, &pat).await["persona"],
        "customer admin",
        "at once"
    );
    assert_eq!(invitations(&orgdesk, &pat, &bank).await, 200);

    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/remove",
            &[("org_id", &bank), ("user_id", &pat_id), ("reason", "")],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let now = me(&orgdesk, &pat).await;
    assert_eq!(
        now["organization"],
        Value::Null,
        "signed in to an organization no longer theirs"
    );
    assert_ne!(invitations(&orgdesk, &pat, &bank).await, 200, "at once");
}

#[tokio::test]
async fn a_deleted_account_is_signed_out() {
    let orgdesk = support::start_demo().await;
    let jonno = orgdesk.signed_in("jonno@suzies.example").await;
    assert_eq!(me(&orgdesk, &jonno).await["email"], "jonno@suzies.example");
    let gone = orgdesk
        .provider_sql(
            "DELETE FROM users WHERE email = $1",
            &["jonno@suzies.example"],
        )
        .await;
    assert_eq!(gone, 1);
    orgdesk.age_sessions(31).await;
    assert_eq!(me(&orgdesk, &jonno).await, Value::Null);
    // And the session is gone for good, not only for one request.
    assert_eq!(me(&orgdesk, &jonno).await, Value::Null);
}
