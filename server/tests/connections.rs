//! Connections through the console's server functions, over HTTP, against
//! the built-in provider with the Travel0 demo: the staff catalog (create,
//! edit with a write-only secret, test, delete with the organizations that
//! use it), an organization's connections with Auth0's flag rules, the
//! members a disable would affect, and hostile input refused with field
//! errors and nothing changed.

mod support;

use serde_json::Value;
use support::TestOrgdesk;

async fn catalog(orgdesk: &TestOrgdesk, staff: &reqwest::Client) -> Vec<Value> {
    let (status, list) = orgdesk.call(staff, "connections/list", &[]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

fn oidc_form<'a>(name: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("display_name", "MetaHexa Bank"),
        ("strategy", "oidc"),
        ("issuer", "https://login.metahexa.example/"),
        ("client_id", "metahexa-console"),
        ("client_secret", secret),
        ("scope", "openid profile email"),
    ]
}

/// The field an error is about, or a panic.
fn field(status: u16, body: &Value) -> String {
    assert_eq!(status, 400, "{body}");
    body["Invalid"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {body}"))
        .to_owned()
}

#[tokio::test]
async fn staff_edits_a_connection_whose_secret_never_comes_back() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let (status, id) = orgdesk
        .call(
            &staff,
            "connections/create",
            &oidc_form("metahexa-idp", "first-SECRET-1234"),
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap().to_owned();

    let (status, detail) = orgdesk
        .call(&staff, "connections/get", &[("id", &id)])
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(
        detail["connection"]["issuer"],
        "https://login.metahexa.example/"
    );
    assert_eq!(detail["client_id"], "metahexa-console");
    assert!(
        detail["callback_url"]
            .as_str()
            .unwrap()
            .ends_with("/login/callback"),
        "{detail}"
    );
    assert!(!detail.to_string().contains("first-SECRET"), "{detail}");

    // A blank secret keeps the stored one; a new one replaces it.
    let edit = |secret: &'static str| {
        vec![
            ("id", id.clone()),
            ("display_name", "MetaHexa".to_owned()),
            ("issuer", "https://login.metahexa.example/".to_owned()),
            ("client_id", "metahexa-console".to_owned()),
            ("client_secret", secret.to_owned()),
            ("scope", "openid email".to_owned()),
            (
                "domains",
                "MetaHexa.example, bank.metahexa.example".to_owned(),
            ),
        ]
    };
    for secret in ["", "second-SECRET-5678"] {
        let form = edit(secret);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, detail) = orgdesk.call(&staff, "connections/update", &form).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["scope"], "openid email");
        // The email domains it speaks for, in lower case.
        assert_eq!(detail["domains"], "metahexa.example, bank.metahexa.example");
    }
    // A domain that is not a domain name changes nothing.
    let mut form = edit("");
    form[6].1 = "metahexa.example, <script>".to_owned();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, answer) = orgdesk.call(&staff, "connections/update", &form).await;
    assert_eq!(
        (status, &answer["Invalid"]["field"]),
        (400, &Value::from("domains")),
        "{answer}"
    );
    let (_, detail) = orgdesk
        .call(&staff, "connections/get", &[("id", &id)])
        .await;
    assert_eq!(detail["domains"], "metahexa.example, bank.metahexa.example");

    let (_, log) = orgdesk.call(&staff, "audit/list", &[]).await;
    let log = log.to_string();
    assert!(
        !log.contains("SECRET"),
        "the audit log never holds a secret: {log}"
    );
    let entries: Vec<Value> = serde_json::from_str(&log).unwrap();
    let updates: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "connection.update")
        .collect();
    assert_eq!(updates.len(), 2);
    // Newest first: the second edit changed the secret, the first did not.
    assert!(
        updates[0]["after"]
            .as_str()
            .unwrap()
            .contains("\"secret_changed\":true")
    );
    assert!(
        updates[1]["after"]
            .as_str()
            .unwrap()
            .contains("\"secret_changed\":false")
    );
    assert!(entries.iter().any(|e| e["action"] == "connection.create"
        && e["persona"] == "staff"
        && e["outcome"] == "succeeded"));
}

#[tokio::test]
async fn hostile_input_is_refused_with_a_field_error_and_changes_nothing() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let before = catalog(&orgdesk, &staff).await;
    let cases: &[(&str, &str, &str)] = &[
        ("name", "<script>alert(1)</script>", "name"),
        ("name", "a b", "name"),
        (
            "display_name",
            "<img src=x onerror=alert(1)>",
            "display_name",
        ),
        ("issuer", "javascript:alert(1)", "issuer"),
        ("issuer", "http://login.metahexa.example/", "issuer"),
        ("issuer", "https://127.0.0.1/", "issuer"),
        (
            "issuer",
            "https://169.254.169.254/latest/meta-data/",
            "issuer",
        ),
        ("issuer", "https://localhost/", "issuer"),
        ("issuer", "https://[::1]/", "issuer"),
        (
            "issuer",
            "https://user:pw@login.metahexa.example/",
            "issuer",
        ),
        ("client_id", "\"><script>alert(1)</script>", "client_id"),
        ("client_id", "", "client_id"),
        ("client_secret", "", "client_secret"),
        ("scope", "profile email", "scope"),
        ("scope", "openid <b>", "scope"),
        ("strategy", "samlp", "strategy"),
    ];
    for (key, value, expected) in cases {
        let mut form = oidc_form("hostile-idp", "a-secret-value");
        for pair in form.iter_mut() {
            if pair.0 == *key {
                pair.1 = value;
            }
        }
        let (status, body) = orgdesk.call(&staff, "connections/create", &form).await;
        assert_eq!(&field(status, &body), expected, "{key}={value:?}: {body}");
    }
    assert_eq!(
        catalog(&orgdesk, &staff).await,
        before,
        "nothing was created"
    );
}

#[tokio::test]
async fn test_connection_refuses_loopback_private_and_metadata_issuers() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let provider = orgdesk.provider("");
    for issuer in [
        provider.as_str(),
        "https://127.0.0.1:8443/",
        "https://169.254.169.254/",
        "https://10.1.2.3/",
        "https://localhost/",
        "http://login.metahexa.example/",
        "file:///etc/passwd",
    ] {
        let (status, body) = orgdesk
            .call(&staff, "connections/test", &[("issuer", issuer)])
            .await;
        assert_eq!(field(status, &body), "issuer", "{issuer}: {body}");
    }
}

#[tokio::test]
async fn an_organizations_connections_follow_auth0s_rules_and_disabling_counts_members() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let (_, idp) = orgdesk
        .call(
            &staff,
            "connections/create",
            &oidc_form("metahexa-idp", "a-secret-value"),
        )
        .await;
    let idp = idp.as_str().unwrap().to_owned();
    let database = catalog(&orgdesk, &staff)
        .await
        .into_iter()
        .find(|c| c["strategy"] == "auth0")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Sign-up is for database connections; buttons for enterprise ones.
    let (status, body) = orgdesk
        .call(
            &staff,
            "organization-connections/enable",
            &[
                ("org_id", bank.as_str()),
                ("connection_id", idp.as_str()),
                ("assign_membership_on_login", "true"),
                ("is_signup_enabled", "true"),
            ],
        )
        .await;
    assert_eq!(field(status, &body), "is_signup_enabled");
    assert_eq!(
        body["Invalid"]["message"],
        "Sign-up applies to database connections only."
    );
    let (status, body) = orgdesk
        .call(
            &staff,
            "organization-connections/update",
            &[
                ("org_id", bank.as_str()),
                ("connection_id", database.as_str()),
                ("is_signup_enabled", "true"),
            ],
        )
        .await;
    assert_eq!(
        body["Invalid"]["message"], "Sign-up requires membership on login.",
        "{status} {body}"
    );

    let (status, body) = orgdesk
        .call(
            &staff,
            "organization-connections/enable",
            &[
                ("org_id", bank.as_str()),
                ("connection_id", idp.as_str()),
                ("assign_membership_on_login", "true"),
                ("show_as_button", "true"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["show_as_button"], true);

    // The customer admin sees them and may not change them.
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (status, page) = orgdesk
        .call(
            &sally,
            "organization-connections/list",
            &[("org_id", bank.as_str())],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["can_change"], false);
    assert!(page["available"].as_array().unwrap().is_empty());
    let names: Vec<&str> = page["enabled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"metahexa-idp"), "{page}");

    // The catalog knows who uses the connection.
    let (_, detail) = orgdesk
        .call(&staff, "connections/get", &[("id", idp.as_str())])
        .await;
    assert_eq!(detail["used_by"][0]["name"], "metahexa-bank", "{detail}");

    // Members through the database connection: Sally, Pat and Olu.
    orgdesk
        .call(
            &staff,
            "members/list",
            &[("org_id", bank.as_str()), ("query", ""), ("role", "")],
        )
        .await;
    let (status, impact) = orgdesk
        .call(
            &staff,
            "organization-connections/impact",
            &[
                ("org_id", bank.as_str()),
                ("connection_id", database.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{impact}");
    assert_eq!(impact["members"], 3, "{impact}");
    assert_eq!(impact["at_least"], false);
    let (_, impact) = orgdesk
        .call(
            &staff,
            "organization-connections/impact",
            &[("org_id", bank.as_str()), ("connection_id", idp.as_str())],
        )
        .await;
    assert_eq!(impact["members"], 0, "{impact}");

    let disable = |confirm: &'static str| {
        [
            ("org_id", bank.clone()),
            ("connection_id", idp.clone()),
            ("confirm", confirm.to_owned()),
        ]
    };
    let form = disable("wrong");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = orgdesk
        .call(&staff, "organization-connections/disable", &form)
        .await;
    assert_eq!(field(status, &body), "confirm");
    let form = disable("metahexa-idp");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = orgdesk
        .call(&staff, "organization-connections/disable", &form)
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, detail) = orgdesk
        .call(&staff, "connections/get", &[("id", idp.as_str())])
        .await;
    assert!(detail["used_by"].as_array().unwrap().is_empty(), "{detail}");

    // The organization's admins read every change in its log.
    let (_, log) = orgdesk
        .call(&sally, "audit/organization", &[("org_id", bank.as_str())])
        .await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "succeeded")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "organization.connection.disable",
            "organization.connection.enable"
        ],
        "{log}"
    );
}

#[tokio::test]
async fn a_new_organization_can_be_signed_in_to_through_the_database_connection() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let (status, id) = orgdesk
        .call(
            &staff,
            "organizations/create",
            &[("name", "new-firm"), ("display_name", ""), ("metadata", "")],
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let (_, page) = orgdesk
        .call(
            &staff,
            "organization-connections/list",
            &[("org_id", id.as_str().unwrap())],
        )
        .await;
    let enabled = page["enabled"].as_array().unwrap();
    assert_eq!(enabled.len(), 1, "{page}");
    assert_eq!(enabled[0]["strategy"], "auth0");

    let (status, body) = orgdesk
        .call(
            &staff,
            "organizations/create",
            &[
                ("name", "other-firm"),
                ("display_name", ""),
                ("metadata", ""),
                ("connections", "con_NoSuchConnection0"),
            ],
        )
        .await;
    assert_eq!(field(status, &body), "connections");
}

#[tokio::test]
async fn deleting_a_connection_needs_its_name() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let (_, id) = orgdesk
        .call(
            &staff,
            "connections/create",
            &oidc_form("short-lived", "a-secret-value"),
        )
        .await;
    let id = id.as_str().unwrap().to_owned();
    let (status, body) = orgdesk
        .call(
            &staff,
            "connections/delete",
            &[("id", id.as_str()), ("confirm", "nope")],
        )
        .await;
    assert_eq!(field(status, &body), "confirm");
    let (status, body) = orgdesk
        .call(
            &staff,
            "connections/delete",
            &[("id", id.as_str()), ("confirm", "short-lived")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = orgdesk
        .call(&staff, "connections/get", &[("id", id.as_str())])
        .await;
    assert_eq!(status, 404);
}

/// The new pages, per persona, rendered on the server: (path, [staff, help
/// desk, admin of A, admin of B]) with A = MetaHexa Bank. 200 renders the
/// page; 403 and 404 render the refusal, with that status.
#[tokio::test]
async fn the_new_pages_answer_each_persona_as_the_policy_says() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let help = orgdesk.signed_in("helpdesk@travel0.example").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let sumana = orgdesk
        .signed_in_to("sumana@adventurez.example", "adventurez")
        .await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let database = catalog(&orgdesk, &staff)
        .await
        .into_iter()
        .find(|c| c["strategy"] == "auth0")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rows: Vec<(String, [u16; 4], &str)> = vec![
        (
            "/connections".into(),
            [200, 403, 403, 403],
            "id=\"connections\"",
        ),
        (
            format!("/connections/{database}"),
            [200, 403, 403, 403],
            "id=\"connection-title\"",
        ),
        (
            format!("/organizations/{bank}/connections"),
            [200, 200, 200, 404],
            "id=\"org-connections\"",
        ),
        (
            format!("/organizations/{bank}/branding"),
            [200, 200, 200, 404],
            "id=\"branding-preview\"",
        ),
    ];
    for (path, expected, marker) in rows {
        for (client, status) in [&staff, &help, &sally, &sumana].into_iter().zip(expected) {
            let response = client.get(orgdesk.console(&path)).send().await.unwrap();
            let got = response.status().as_u16();
            let html = response.text().await.unwrap();
            assert_eq!(got, status, "{path}: {html}");
            assert_eq!(html.contains(marker), status == 200, "{path} ({status})");
        }
        // Anonymous visitors are sent to sign in.
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = anonymous.get(orgdesk.console(&path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "{path}");
    }
}
