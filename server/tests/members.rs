//! Members and roles through the console's server functions, over HTTP,
//! against the built-in provider with the Travel0 demo: what a customer
//! admin may do in their organization, what the help desk may do with a
//! reason, and that another organization's people are not found.
//!
//! MetaHexa Bank: Sally (Org Admin, its only admin, and Org Member), Pat (Org Member), Olu
//! (Account Owner, a role only staff grant). AdventureZ: Sumana (Org Admin,
//! Billing Viewer). Suzie's Rafting: Jonno (Org Member).

mod support;

use serde_json::Value;
use support::TestOrgdesk;

/// (email, roles) of every member on the first page.
async fn members(
    orgdesk: &TestOrgdesk,
    client: &reqwest::Client,
    org: &str,
    query: &str,
    role: &str,
) -> Vec<(String, Vec<String>)> {
    let (status, page) = orgdesk
        .call(
            client,
            "members/list",
            &[("org_id", org), ("query", query), ("role", role)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_owned(),
                m["roles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// The id of a role, by name, from the page's role list.
async fn role_id(orgdesk: &TestOrgdesk, client: &reqwest::Client, org: &str, name: &str) -> String {
    let (_, page) = orgdesk
        .call(
            client,
            "members/list",
            &[("org_id", org), ("query", ""), ("role", "")],
        )
        .await;
    page["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no role {name} in {page}"))
}

/// Staff create an enterprise (OIDC) connection that speaks for `domain`
/// and enable it for the organization.
async fn enable_enterprise_connection(
    orgdesk: &TestOrgdesk,
    staff: &reqwest::Client,
    org: &str,
    domain: &str,
) {
    let name = format!("idp-{}", domain.replace('.', "-"));
    let (status, id) = orgdesk
        .call(
            staff,
            "connections/create",
            &[
                ("name", name.as_str()),
                ("display_name", "Their IdP"),
                ("strategy", "oidc"),
                ("issuer", "https://login.metahexa.example/"),
                ("client_id", "orgdesk"),
                ("client_secret", "a-secret-value"),
                ("scope", "openid profile email"),
                ("domains", domain),
            ],
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let (status, body) = orgdesk
        .call(
            staff,
            "organization-connections/enable",
            &[
                ("org_id", org),
                ("connection_id", id.as_str().unwrap()),
                ("show_as_button", "true"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

fn names(roles: &[&str]) -> Vec<String> {
    roles.iter().map(|r| r.to_string()).collect()
}

fn invalid_field(answer: &Value) -> &str {
    answer["Invalid"]["field"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_customer_admin_manages_members_within_their_ceiling_and_keeps_an_admin() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let (sally_id, pat, olu, jonno) = (
        orgdesk.user_id(&staff, "sally@metahexa.example").await,
        orgdesk.user_id(&staff, "pat@metahexa.example").await,
        orgdesk.user_id(&staff, "olu@metahexa.example").await,
        orgdesk.user_id(&staff, "jonno@suzies.example").await,
    );

    assert_eq!(
        members(&orgdesk, &sally, &bank, "", "").await,
        [
            (
                "olu@metahexa.example".into(),
                names(&["Account Owner", "Org Member"])
            ),
            ("pat@metahexa.example".into(), names(&["Org Member"])),
            (
                "sally@metahexa.example".into(),
                names(&["Org Admin", "Org Member"])
            ),
        ]
    );
    let (_, page) = orgdesk
        .call(
            &sally,
            "members/list",
            &[("org_id", &bank), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(
        page["tabs"],
        serde_json::json!({
            "members": true,
            "invitations": true,
            "audit_log": true,
            "connections": true,
            "branding": true
        }),
        "the tabs Sally may open, as the server checked them"
    );
    let grantable: Vec<&str> = page["grantable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        grantable,
        ["Org Admin", "Org Member"],
        "delegable and held by Sally"
    );
    let visible: Vec<&str> = page["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        !visible.iter().any(|r| r.starts_with("Orgdesk")),
        "no staff or help-desk role is shown: {visible:?}"
    );

    let admin = role_id(&orgdesk, &sally, &bank, "Org Admin").await;
    let billing = role_id(&orgdesk, &sally, &bank, "Billing Viewer").await;
    let owner = role_id(&orgdesk, &sally, &bank, "Account Owner").await;
    let (_, staff_page) = orgdesk
        .call(
            &staff,
            "members/list",
            &[("org_id", &bank), ("query", ""), ("role", "")],
        )
        .await;
    assert!(
        !staff_page["roles"].to_string().contains("Orgdesk Staff"),
        "not even to staff"
    );
    let staff_role = orgdesk.role_id("Orgdesk Staff").await;
    // Beyond the ceiling: a role Sally does not hold, one that is not delegable, a staff role.
    for role in [&billing, &owner, &staff_role] {
        let (status, answer) = orgdesk
            .call(
                &sally,
                "members/assign-role",
                &[("org_id", &bank), ("user_id", &pat), ("role_id", role)],
            )
            .await;
        assert_eq!(
            (status, invalid_field(&answer)),
            (400, "roles"),
            "{role}: {answer}"
        );
    }
    // Within it.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/assign-role",
            &[("org_id", &bank), ("user_id", &pat), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["roles"],
        serde_json::json!(["Org Admin", "Org Member"])
    );
    assert_eq!(
        members(&orgdesk, &sally, &bank, "", "Org Admin")
            .await
            .into_iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        ["pat@metahexa.example", "sally@metahexa.example"],
        "the role filter follows the change"
    );
    let (status, _) = orgdesk
        .call(
            &sally,
            "members/unassign-role",
            &[("org_id", &bank), ("user_id", &pat), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 200);

    // The last admin stays.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/unassign-role",
            &[
                ("org_id", &bank),
                ("user_id", &sally_id),
                ("role_id", &admin),
            ],
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer.to_string().contains("at least one admin"),
        "{answer}"
    );
    let (status, _) = orgdesk
        .call(
            &staff,
            "members/remove",
            &[("org_id", &bank), ("user_id", &sally_id), ("reason", "")],
        )
        .await;
    assert_eq!(status, 409, "not even staff remove the last admin");

    // Olu holds a role Sally cannot grant: only staff remove Olu.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/remove",
            &[("org_id", &bank), ("user_id", &olu), ("reason", "")],
        )
        .await;
    assert_eq!(
        (status, invalid_field(&answer)),
        (400, "member"),
        "{answer}"
    );

    // Adding existing people by email: Jonno is Suzie's, not the bank's, so
    // Sally invites him (this pinned the delegation hole of issue 8: she
    // used to add him straight away); nothing changes.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "jonno@suzies.example, nobody@nowhere.example"),
                ("roles", &admin),
            ],
        )
        .await;
    assert_eq!(
        (status, invalid_field(&answer)),
        (400, "emails"),
        "{answer}"
    );
    assert_eq!(
        answer["Invalid"]["message"],
        "jonno@suzies.example, nobody@nowhere.example can't be added directly: invite them instead."
    );
    assert!(!answer.to_string().contains(&jonno), "no user id: {answer}");
    assert_eq!(
        members(&orgdesk, &sally, &bank, "jonno", "").await.len(),
        0,
        "nothing changed"
    );

    // Sally may remove Pat; and, since the bank's own IdP speaks for
    // metahexa.example, add Pat back directly, as an admin.
    let (status, _) = orgdesk
        .call(
            &sally,
            "members/remove",
            &[("org_id", &bank), ("user_id", &pat), ("reason", "")],
        )
        .await;
    assert_eq!(status, 200);
    assert!(members(&orgdesk, &sally, &bank, "pat", "").await.is_empty());
    enable_enterprise_connection(&orgdesk, &staff, &bank, "metahexa.example").await;
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "Pat@MetaHexa.example"),
                ("roles", &admin),
            ],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        members(&orgdesk, &sally, &bank, "pat", "").await,
        [("pat@metahexa.example".into(), names(&["Org Admin"]))]
    );

    // Now there is another admin, Sally may step down.
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/unassign-role",
            &[
                ("org_id", &bank),
                ("user_id", &sally_id),
                ("role_id", &admin),
            ],
        )
        .await;
    assert_eq!(status, 200, "{answer}");

    // Every change is in the bank's audit log, as Sally the customer admin.
    let (_, log) = orgdesk
        .call(&staff, "audit/organization", &[("org_id", &bank)])
        .await;
    let entries = log["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .filter(|e| e["outcome"] == "succeeded")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "member.role.unassign",
            "members.add",
            "organization.connection.enable",
            "member.remove",
            "member.role.unassign",
            "member.role.assign"
        ]
    );
    // Staff enabled the bank's IdP; every member change was Sally's.
    assert!(
        entries
            .iter()
            .filter(
                |e| e["outcome"] == "succeeded" && e["action"] != "organization.connection.enable"
            )
            .all(|e| e["persona"] == "customer admin" && e["actor"] == "sally@metahexa.example")
    );
}

#[tokio::test]
async fn another_organizations_people_are_not_found_and_the_help_desk_gives_reasons() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let help = orgdesk.signed_in("helpdesk@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let adventurez = orgdesk.org_id(&staff, "adventurez").await;
    let sumana = orgdesk.user_id(&staff, "sumana@adventurez.example").await;
    let pat = orgdesk.user_id(&staff, "pat@metahexa.example").await;
    let admin = role_id(&orgdesk, &staff, &bank, "Org Admin").await;

    // Sally names AdventureZ's admin, in her own organization and in theirs:
    // not found, exactly as someone who does not exist.
    for (org, user) in [
        (&bank, &sumana),
        (&adventurez, &sumana),
        (&bank, &"auth0|nobody".to_owned()),
    ] {
        for (endpoint, extra) in [
            ("members/remove", ("reason", "")),
            ("members/assign-role", ("role_id", admin.as_str())),
            ("members/unassign-role", ("role_id", admin.as_str())),
        ] {
            let (status, answer) = orgdesk
                .call(
                    &sally,
                    endpoint,
                    &[("org_id", org), ("user_id", user), extra],
                )
                .await;
            assert_eq!(
                (status, answer.clone()),
                (404, Value::String("NotFound".into())),
                "{endpoint} {org} {user}"
            );
        }
    }
    let (status, _) = orgdesk
        .call(
            &sally,
            "members/list",
            &[("org_id", &adventurez), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        members(&orgdesk, &staff, &adventurez, "", "").await.len(),
        1,
        "Sumana is still there"
    );

    // The help desk reads, removes only with a reason, and changes nothing else.
    assert_eq!(members(&orgdesk, &help, &bank, "pat", "").await.len(), 1);
    let (status, answer) = orgdesk
        .call(
            &help,
            "members/remove",
            &[("org_id", &bank), ("user_id", &pat), ("reason", "")],
        )
        .await;
    assert_eq!((status, invalid_field(&answer)), (400, "reason"));
    let (status, _) = orgdesk
        .call(
            &help,
            "members/assign-role",
            &[("org_id", &bank), ("user_id", &pat), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = orgdesk
        .call(
            &help,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "jonno@suzies.example"),
                ("roles", ""),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let reason = "Ticket 4411: Pat left the bank, asked by Sally by phone";
    let (status, answer) = orgdesk
        .call(
            &help,
            "members/remove",
            &[("org_id", &bank), ("user_id", &pat), ("reason", reason)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");

    // Sally reads it in her organization's log, with who and as which persona.
    let (status, log) = orgdesk
        .call(&sally, "audit/organization", &[("org_id", &bank)])
        .await;
    assert_eq!(status, 200, "{log}");
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "member.remove");
    assert_eq!(entry["persona"], "help desk");
    assert_eq!(entry["actor"], "helpdesk@travel0.example");
    assert_eq!(entry["reason"], reason);
    assert!(
        entry["before"]
            .as_str()
            .unwrap()
            .contains("pat@metahexa.example")
    );
    let (status, _) = orgdesk
        .call(&sally, "audit/organization", &[("org_id", &adventurez)])
        .await;
    assert_eq!(status, 404, "not another organization's log");
}

#[tokio::test]
async fn people_are_found_by_email_with_every_organization_and_their_roles_in_each() {
    let orgdesk = support::start_demo().await;
    let help = orgdesk.signed_in("helpdesk@travel0.example").await;
    let (status, found) = orgdesk
        .call(
            &help,
            "people/lookup",
            &[("email", "SUMANA@adventurez.example")],
        )
        .await;
    assert_eq!(status, 200, "{found}");
    let orgs: Vec<(String, Value)> = found[0]["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0]["name"].as_str().unwrap().to_owned(),
                pair[1].clone(),
            )
        })
        .collect();
    assert_eq!(
        orgs,
        [
            (
                "adventurez".to_owned(),
                serde_json::json!(["Billing Viewer", "Org Admin"])
            ),
            (
                "rocky-mountain-high".to_owned(),
                serde_json::json!(["Org Admin"])
            ),
        ]
    );
    let (_, none) = orgdesk
        .call(
            &help,
            "people/lookup",
            &[("email", "nobody@nowhere.example")],
        )
        .await;
    assert_eq!(none, serde_json::json!([]));
}

#[tokio::test]
async fn an_admin_of_two_organizations_acts_in_the_one_signed_in_to_and_switches() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let adventurez = orgdesk.org_id(&staff, "adventurez").await;
    let rocky = orgdesk.org_id(&staff, "rocky-mountain-high").await;

    // Signed in without an organization, Sumana picks one: she acts in none yet.
    let sumana = orgdesk.signed_in("sumana@adventurez.example").await;
    let (_, me) = orgdesk.call(&sumana, "current-user", &[]).await;
    assert_eq!(me["organization"], Value::Null);
    assert_eq!(me["organizations"].as_array().unwrap().len(), 2);
    let (status, _) = orgdesk
        .call(
            &sumana,
            "members/list",
            &[("org_id", &adventurez), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 404);

    // Signed in to AdventureZ: she acts there, and not in Rocky Mountain High.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let (sumana, _) = orgdesk
        .sign_in_into(
            "sumana@adventurez.example",
            "/auth/login?organization=adventurez",
            jar.clone(),
        )
        .await;
    let (_, me) = orgdesk.call(&sumana, "current-user", &[]).await;
    assert_eq!(me["organization"]["name"], "adventurez");
    assert_eq!(me["persona"], "customer admin");
    assert_eq!(
        members(&orgdesk, &sumana, &adventurez, "", "").await.len(),
        1
    );
    let (status, _) = orgdesk
        .call(
            &sumana,
            "members/list",
            &[("org_id", &rocky), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 404);

    // Switching is a new sign-in with the other organization (by id here);
    // the provider's session makes it immediate, and her rights follow.
    let back = sumana
        .get(orgdesk.console(&format!(
            "/auth/login?organization={rocky}&return_to=/organizations/{rocky}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(back.url().path(), format!("/organizations/{rocky}"));
    // A new sign-in is a new session: its pages carry a new request token.
    let token = orgdesk.request_token(&sumana).await;
    let sumana = orgdesk.browser_with(jar, Some(&token));
    let (_, me) = orgdesk.call(&sumana, "current-user", &[]).await;
    assert_eq!(me["organization"]["name"], "rocky-mountain-high");
    assert_eq!(members(&orgdesk, &sumana, &rocky, "", "").await.len(), 1);
    let (status, _) = orgdesk
        .call(
            &sumana,
            "members/list",
            &[("org_id", &adventurez), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 404);

    // Sally, admin of one organization, lands in it straight away.
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (_, me) = orgdesk.call(&sally, "current-user", &[]).await;
    assert_eq!(me["organization"]["name"], "metahexa-bank");
    // An organization she does not belong to: refused at sign-in.
    let refused = sally
        .get(orgdesk.console("/auth/login?organization=adventurez"))
        .send()
        .await
        .unwrap();
    let body = refused.text().await.unwrap();
    assert!(body.contains("did not let you in"), "{body}");
}

/// The answer to a customer admin's add, with the address taken out.
fn without(answer: &Value, email: &str) -> String {
    answer.to_string().replace(email, "ADDRESS")
}

#[tokio::test]
async fn a_customer_admin_adds_only_people_provably_theirs_and_learns_nothing_of_other_addresses() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let before = members(&orgdesk, &staff, &bank, "", "").await;
    // The bank's IdP speaks for metahexa.example only.
    enable_enterprise_connection(&orgdesk, &staff, &bank, "metahexa.example").await;

    // Another organization's admin, staff, and nobody at all: one answer,
    // one status, no name and no user id.
    let refusal = |email: &str| format!("{email} can't be added directly: invite them instead.");
    let mut answers = Vec::new();
    for email in [
        "sumana@adventurez.example",
        "staff@travel0.example",
        "nobody@nowhere.example",
        "nobody@metahexa.example",
    ] {
        let (status, answer) = orgdesk
            .call(
                &sally,
                "members/add",
                &[("org_id", &bank), ("emails", email), ("roles", "")],
            )
            .await;
        assert_eq!(
            (status, invalid_field(&answer)),
            (400, "emails"),
            "{email}: {answer}"
        );
        assert_eq!(answer["Invalid"]["message"], refusal(email), "{email}");
        assert!(!answer.to_string().contains("auth0|"), "{email}: {answer}");
        answers.push(without(&answer, email));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // Even where the bank's IdP would speak for Travel0's domain, staff and
    // the help desk (tenant-wide roles) are not the bank's to add.
    enable_enterprise_connection(&orgdesk, &staff, &bank, "travel0.example").await;
    for email in ["staff@travel0.example", "helpdesk@travel0.example"] {
        let (status, answer) = orgdesk
            .call(
                &sally,
                "members/add",
                &[("org_id", &bank), ("emails", email), ("roles", "")],
            )
            .await;
        assert_eq!(status, 400, "{email}: {answer}");
        assert_eq!(answer["Invalid"]["message"], refusal(email), "{email}");
    }
    assert_eq!(
        members(&orgdesk, &staff, &bank, "", "").await,
        before,
        "nothing changed"
    );

    // Staff keep adding anyone with an account directly.
    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "sumana@adventurez.example"),
                ("roles", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[0]["email"], "sumana@adventurez.example");
    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "nobody@nowhere.example"),
                ("roles", ""),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(answer.to_string().contains("No account has"), "{answer}");
}

#[tokio::test]
async fn a_customer_admin_changes_no_member_holding_a_role_above_their_ceiling_on_any_path() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let olu = orgdesk.user_id(&staff, "olu@metahexa.example").await;
    let admin = role_id(&orgdesk, &staff, &bank, "Org Admin").await;
    let member = role_id(&orgdesk, &staff, &bank, "Org Member").await;
    // Olu, Account Owner (only staff grant it), is made an Org Admin by staff.
    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/assign-role",
            &[("org_id", &bank), ("user_id", &olu), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let olus_roles = names(&["Account Owner", "Org Admin", "Org Member"]);

    // Every path that changes Olu is refused to Sally, with the same reason.
    for (endpoint, extra) in [
        ("members/unassign-role", ("role_id", admin.as_str())),
        ("members/unassign-role", ("role_id", member.as_str())),
        ("members/assign-role", ("role_id", admin.as_str())),
        ("members/remove", ("reason", "")),
    ] {
        let (status, answer) = orgdesk
            .call(
                &sally,
                endpoint,
                &[("org_id", &bank), ("user_id", &olu), extra],
            )
            .await;
        assert_eq!(
            (status, invalid_field(&answer)),
            (400, "member"),
            "{endpoint} {extra:?}: {answer}"
        );
        assert!(answer.to_string().contains("Account Owner"), "{answer}");
    }
    // Adding Olu again (with a role) is a change to Olu too.
    enable_enterprise_connection(&orgdesk, &staff, &bank, "metahexa.example").await;
    let (status, answer) = orgdesk
        .call(
            &sally,
            "members/add",
            &[
                ("org_id", &bank),
                ("emails", "olu@metahexa.example"),
                ("roles", &admin),
            ],
        )
        .await;
    assert_eq!(
        (status, invalid_field(&answer)),
        (400, "emails"),
        "{answer}"
    );
    assert_eq!(
        members(&orgdesk, &staff, &bank, "olu", "").await,
        [("olu@metahexa.example".into(), olus_roles)],
        "nothing changed"
    );

    // Staff are not limited.
    let (status, answer) = orgdesk
        .call(
            &staff,
            "members/unassign-role",
            &[("org_id", &bank), ("user_id", &olu), ("role_id", &admin)],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_refused_call_on_another_organization_is_in_staffs_log_only() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let jonno = orgdesk.signed_in("jonno@suzies.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let adventurez = orgdesk.org_id(&staff, "adventurez").await;
    let suzies = orgdesk.org_id(&staff, "suzies-rafting").await;

    let (status, _) = orgdesk
        .call(
            &sally,
            "members/add",
            &[
                ("org_id", &adventurez),
                ("emails", "sally@metahexa.example"),
                ("roles", ""),
            ],
        )
        .await;
    assert_eq!(status, 404);
    // A member may not list their organization's members.
    let (status, _) = orgdesk
        .call(
            &jonno,
            "members/list",
            &[("org_id", &suzies), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 403);
    // Outside any organization: the catalog is staff's.
    let (status, _) = orgdesk.call(&sally, "connections/list", &[]).await;
    assert_eq!(status, 403);
    // Nobody signed in: not recorded.
    let anonymous = orgdesk.browser();
    let (status, _) = orgdesk
        .call(
            &anonymous,
            "members/list",
            &[("org_id", &adventurez), ("query", ""), ("role", "")],
        )
        .await;
    assert_eq!(status, 401);

    let (_, log) = orgdesk.call(&staff, "audit/list", &[]).await;
    let refused: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "refused")
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    let (catalog, jonnos, sallys) = (refused[0], refused[1], refused[2]);
    assert_eq!(
        (
            &catalog["actor"],
            &catalog["action"],
            &catalog["organization"]
        ),
        (
            &Value::from("sally@metahexa.example"),
            &Value::from("connections:read"),
            &Value::Null
        )
    );
    assert_eq!(sallys["actor"], "sally@metahexa.example");
    assert_eq!(sallys["persona"], "customer admin");
    assert_eq!(sallys["action"], "members:add");
    assert_eq!(sallys["reason"], "not permitted");
    assert_eq!(sallys["organization"], Value::Null);
    assert!(
        sallys["before"].as_str().unwrap().contains(&adventurez),
        "the organization asked for: {sallys}"
    );
    assert_eq!(jonnos["actor"], "jonno@suzies.example");
    assert_eq!(jonnos["persona"], "member");
    assert_eq!(jonnos["action"], "members:read");

    // Neither AdventureZ's log nor the bank's shows Sally's attempt.
    for org in [&adventurez, &bank] {
        let (_, log) = orgdesk
            .call(&staff, "audit/organization", &[("org_id", org)])
            .await;
        assert!(
            !log["entries"].to_string().contains("refused"),
            "{org}: {log}"
        );
    }
}
