//! Invitations end to end, over HTTP: a customer admin invites through the
//! console, the email lands in the built-in provider's outbox (no SMTP is
//! configured), the invited person follows the link, signs up and lands in
//! the console as a member with the invited role; the link then works no
//! more. Resend and revoke keep the console's record and the audit log.

mod support;

use serde_json::Value;
use support::TestOrgdesk;

/// The first invitation link in the provider's outbox sent to `email`.
async fn link_for(orgdesk: &TestOrgdesk, email: &str) -> String {
    let page = reqwest::get(orgdesk.provider("dev/outbox"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let article = page
        .split("<article>")
        .find(|a| a.contains(&format!("To {email}")))
        .unwrap_or_else(|| panic!("no email to {email} in the outbox: {page}"));
    let start = article.find("href=\"").expect("a link") + 6;
    let end = start + article[start..].find('"').unwrap();
    article[start..end].replace("&amp;", "&")
}

async fn invitations(orgdesk: &TestOrgdesk, client: &reqwest::Client, org: &str) -> Vec<Value> {
    let (status, page) = orgdesk
        .call(client, "invitations/list", &[("org_id", org)])
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn status_of<'a>(list: &'a [Value], email: &str) -> Vec<&'a str> {
    list.iter()
        .filter(|i| i["email"] == email)
        .map(|i| i["status"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_invited_person_signs_up_through_the_link_and_becomes_a_member_with_the_role() {
    let orgdesk = support::start_demo().await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (_, me) = orgdesk.call(&sally, "current-user", &[]).await;
    let bank = me["organization"]["id"].as_str().unwrap().to_owned();
    let (_, page) = orgdesk
        .call(&sally, "invitations/list", &[("org_id", &bank)])
        .await;
    let member_role = page["grantable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Org Member")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .unwrap();
    // The form offers the connections the bank enables: its password database.
    assert_eq!(
        page["connections"],
        serde_json::json!([[
            "con_OrgdeskDatabase1",
            "Username-Password-Authentication (password database)"
        ]])
    );

    // Bad input changes nothing.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "invitations/create",
            &[
                ("org_id", &bank),
                ("emails", "newbie@metahexa.example, not-an-email"),
                ("roles", &member_role),
                ("connection_id", ""),
                ("ttl_days", "7"),
            ],
        )
        .await;
    assert_eq!(
        (status, &answer["Invalid"]["field"]),
        (400, &Value::from("emails"))
    );
    assert!(invitations(&orgdesk, &sally, &bank).await.is_empty());

    let (status, created) = orgdesk
        .call(
            &sally,
            "invitations/create",
            &[
                ("org_id", &bank),
                ("emails", "Newbie@MetaHexa.example\nsecond@metahexa.example"),
                ("roles", &member_role),
                ("connection_id", ""),
                ("ttl_days", "3"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created.as_array().unwrap().len(), 2);
    let list = invitations(&orgdesk, &sally, &bank).await;
    assert_eq!(status_of(&list, "newbie@metahexa.example"), ["pending"]);
    assert_eq!(list[0]["roles"], serde_json::json!(["Org Member"]));
    assert_eq!(list[0]["invited_by"], "Sally (MetaHexa Bank)");

    // The console has read the bank's members in full by now.
    let (status, members) = orgdesk
        .call(
            &sally,
            "members/list",
            &[("org_id", &bank), ("query", "newbie"), ("role", "")],
        )
        .await;
    assert_eq!((status, &members["items"]), (200, &serde_json::json!([])));

    // The email's link lands on the console's sign-in, which passes the
    // invitation to the provider: its page names the bank and the invitee.
    let link = link_for(&orgdesk, "newbie@metahexa.example").await;
    assert!(
        link.starts_with(&orgdesk.console("/auth/login?invitation=")),
        "{link}"
    );
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = orgdesk.browser_with(jar.clone(), None);
    let login = browser.get(&link).send().await.unwrap();
    assert_eq!(login.url().path(), "/u/login");
    let state = login
        .url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let text = login.text().await.unwrap();
    assert!(text.contains("MetaHexa Bank"), "{text}");
    assert!(text.contains("newbie@metahexa.example"), "{text}");

    let signed_up = browser
        .post(orgdesk.provider("u/signup"))
        .form(&[
            ("state", state.as_str()),
            ("email", "newbie@metahexa.example"),
            ("name", "Nia Newbie"),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.url().path(), "/", "lands on the console's home");
    assert!(signed_up.status().is_success());
    let token = orgdesk.request_token(&browser).await;
    let browser = orgdesk.browser_with(jar, Some(&token));
    let (_, me) = orgdesk.call(&browser, "current-user", &[]).await;
    assert_eq!(me["email"], "newbie@metahexa.example");
    assert_eq!(me["organization"]["name"], "metahexa-bank");
    assert_eq!(me["persona"], "member");

    // Sally sees Nia with the invited role at once (the acceptance came back
    // through the console's own sign-in), and the invitation as accepted.
    let (_, members) = orgdesk
        .call(
            &sally,
            "members/list",
            &[("org_id", &bank), ("query", "newbie"), ("role", "")],
        )
        .await;
    assert_eq!(
        members["items"][0]["roles"],
        serde_json::json!(["Org Member"])
    );
    let list = invitations(&orgdesk, &sally, &bank).await;
    assert_eq!(status_of(&list, "newbie@metahexa.example"), ["accepted"]);
    assert_eq!(status_of(&list, "second@metahexa.example"), ["pending"]);

    // The link works once.
    let again = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let reused = again.get(&link).send().await.unwrap();
    assert_ne!(
        reused.url().path(),
        "/u/login",
        "no login page for a used link"
    );
    assert_eq!(reused.status(), 403);
}

#[tokio::test]
async fn the_help_desk_resends_with_a_reason_the_admin_reads_it_and_revoked_links_are_dead() {
    let orgdesk = support::start_demo().await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let help = orgdesk.signed_in("helpdesk@travel0.example").await;
    let (_, me) = orgdesk.call(&sally, "current-user", &[]).await;
    let bank = me["organization"]["id"].as_str().unwrap().to_owned();
    let (status, created) = orgdesk
        .call(
            &sally,
            "invitations/create",
            &[
                ("org_id", &bank),
                ("emails", "lost@metahexa.example"),
                ("roles", ""),
                ("connection_id", ""),
                ("ttl_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let first = created[0]["id"].as_str().unwrap().to_owned();
    let first_link = link_for(&orgdesk, "lost@metahexa.example").await;

    // The help desk may not invite, and resends only with a reason.
    let (status, _) = orgdesk
        .call(
            &help,
            "invitations/create",
            &[
                ("org_id", &bank),
                ("emails", "x@metahexa.example"),
                ("roles", ""),
                ("connection_id", ""),
                ("ttl_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, answer) = orgdesk
        .call(
            &help,
            "invitations/resend",
            &[("org_id", &bank), ("id", &first), ("reason", "")],
        )
        .await;
    assert_eq!(
        (status, &answer["Invalid"]["field"]),
        (400, &Value::from("reason"))
    );
    let reason = "Ticket 5120: the email went to spam";
    let (status, resent) = orgdesk
        .call(
            &help,
            "invitations/resend",
            &[("org_id", &bank), ("id", &first), ("reason", reason)],
        )
        .await;
    assert_eq!(status, 200, "{resent}");
    let second = resent["id"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    let list = invitations(&orgdesk, &sally, &bank).await;
    let old = list.iter().find(|i| i["id"] == first.as_str()).unwrap();
    assert_eq!(old["status"], "revoked");
    assert_eq!(old["replaced_by"], second.as_str());
    let new = list.iter().find(|i| i["id"] == second.as_str()).unwrap();
    assert_eq!(new["status"], "pending");
    assert_eq!(
        new["invited_by"], "Sally (MetaHexa Bank)",
        "still Sally's invitation"
    );

    // Sally reads who resent it, as which persona, and why.
    let (_, log) = orgdesk
        .call(&sally, "audit/organization", &[("org_id", &bank)])
        .await;
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "invitation.resend");
    assert_eq!(entry["persona"], "help desk");
    assert_eq!(entry["reason"], reason);
    assert!(entry["before"].as_str().unwrap().contains(&first));
    assert!(entry["after"].as_str().unwrap().contains(&second));

    // The old link is dead; Sally revokes the new one, and it is dead too.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let dead = browser.get(&first_link).send().await.unwrap();
    assert_eq!(dead.status(), 403);
    let (status, _) = orgdesk
        .call(
            &sally,
            "invitations/revoke",
            &[("org_id", &bank), ("id", &second), ("reason", "")],
        )
        .await;
    assert_eq!(status, 200);
    let list = invitations(&orgdesk, &sally, &bank).await;
    assert_eq!(
        status_of(&list, "lost@metahexa.example"),
        ["revoked", "revoked"]
    );

    // Another organization's admin names the invitation: not found.
    let sumana = orgdesk
        .signed_in_to("sumana@adventurez.example", "adventurez")
        .await;
    let (status, _) = orgdesk
        .call(
            &sumana,
            "invitations/revoke",
            &[("org_id", &bank), ("id", &second), ("reason", "")],
        )
        .await;
    assert_eq!(status, 404);
}

/// `n` addresses at the bank's domain, from `first`, one per line.
fn addresses(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("guest{i}@metahexa.example"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn invite(
    orgdesk: &TestOrgdesk,
    client: &reqwest::Client,
    org: &str,
    emails: &str,
) -> (u16, Value) {
    orgdesk
        .call(
            client,
            "invitations/create",
            &[
                ("org_id", org),
                ("emails", emails),
                ("roles", ""),
                ("connection_id", ""),
                ("ttl_days", "7"),
            ],
        )
        .await
}

/// The staff's global audit log, newest first.
async fn global_log(orgdesk: &TestOrgdesk) -> Vec<Value> {
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let (status, log) = orgdesk.call(&staff, "audit/list", &[]).await;
    assert_eq!(status, 200, "{log}");
    log.as_array().unwrap().clone()
}

#[tokio::test]
async fn an_admin_sends_at_most_100_invitations_a_minute_and_a_request_that_does_not_fit_sends_none()
 {
    let orgdesk = support::start_demo().await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (_, me) = orgdesk.call(&sally, "current-user", &[]).await;
    let bank = me["organization"]["id"].as_str().unwrap().to_owned();

    for (first, n) in [(0, 50), (50, 10)] {
        let (status, answer) = invite(&orgdesk, &sally, &bank, &addresses(first, n)).await;
        assert_eq!(status, 200, "{answer}");
    }
    // 60 sent: 50 more do not fit, and none of them is sent.
    let (status, answer) = invite(&orgdesk, &sally, &bank, &addresses(60, 50)).await;
    assert_eq!(status, 429, "{answer}");
    let message = answer["TooManyRequests"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("At most 100 invitations a minute. Nothing was sent; try again in "),
        "{message}"
    );
    assert!(
        answer["TooManyRequests"]["retry_after_secs"]
            .as_u64()
            .unwrap()
            <= 60
    );
    assert_eq!(invitations(&orgdesk, &sally, &bank).await.len(), 60);
    // The answer says when in a header too, for clients that read HTTP.
    let response = sally
        .post(orgdesk.console("/api/invitations/create"))
        .form(&[
            ("org_id", bank.as_str()),
            ("emails", &addresses(60, 50)),
            ("roles", ""),
            ("connection_id", ""),
            ("ttl_days", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");

    // 39 fit; then two requests race for the last one: one of them gets it.
    let (status, answer) = invite(&orgdesk, &sally, &bank, &addresses(60, 39)).await;
    assert_eq!(status, 200, "{answer}");
    let (last_a, last_b) = (addresses(99, 1), addresses(100, 1));
    let (a, b) = tokio::join!(
        invite(&orgdesk, &sally, &bank, &last_a),
        invite(&orgdesk, &sally, &bank, &last_b),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 429], "{a:?} {b:?}");
    assert_eq!(invitations(&orgdesk, &sally, &bank).await.len(), 100);

    // Each refusal is in the log, as Sally's, refused, with why.
    let refused: Vec<Value> = global_log(&orgdesk)
        .await
        .into_iter()
        .filter(|e| e["action"] == "invitation.create" && e["outcome"] == "refused")
        .collect();
    assert_eq!(
        refused.len(),
        3,
        "the two answers above and the race's loser: {refused:?}"
    );
    assert!(refused.iter().all(|e| {
        e["actor"] == "sally@metahexa.example"
            && e["reason"]
                .as_str()
                .unwrap()
                .starts_with("At most 100 invitations a minute")
    }));
}

#[tokio::test]
async fn an_address_gets_at_most_five_invitation_emails_an_hour_creates_and_resends_together() {
    let orgdesk = support::start_demo().await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (_, me) = orgdesk.call(&sally, "current-user", &[]).await;
    let bank = me["organization"]["id"].as_str().unwrap().to_owned();
    let (status, created) = invite(&orgdesk, &sally, &bank, "pat.new@metahexa.example").await;
    assert_eq!(status, 200, "{created}");
    let mut id = created[0]["id"].as_str().unwrap().to_owned();
    for _ in 0..4 {
        let (status, resent) = orgdesk
            .call(
                &sally,
                "invitations/resend",
                &[("org_id", &bank), ("id", &id), ("reason", "")],
            )
            .await;
        assert_eq!(status, 200, "{resent}");
        id = resent["id"].as_str().unwrap().to_owned();
    }
    // Five emails: a sixth is refused, as a resend or a new invitation,
    // and the pending invitation stays as it was.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "invitations/resend",
            &[("org_id", &bank), ("id", &id), ("reason", "")],
        )
        .await;
    assert_eq!(status, 429, "{answer}");
    assert!(
        answer["TooManyRequests"]["message"]
            .as_str()
            .unwrap()
            .starts_with(
                "pat.new@metahexa.example was sent 5 invitation emails in the last hour, the most allowed."
            ),
        "{answer}"
    );
    let (status, answer) = invite(
        &orgdesk,
        &sally,
        &bank,
        "someone.else@metahexa.example, pat.new@metahexa.example",
    )
    .await;
    assert_eq!(status, 429, "{answer}");
    let list = invitations(&orgdesk, &sally, &bank).await;
    assert_eq!(
        status_of(&list, "someone.else@metahexa.example"),
        Vec::<&str>::new()
    );
    let live = list.iter().find(|i| i["id"] == id.as_str()).unwrap();
    assert_eq!(live["status"], "pending");
    let log = global_log(&orgdesk).await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "invitation.resend" && e["outcome"] == "refused"),
        "{log:?}"
    );
}
