//! Branding through the console's server functions, over HTTP, against the
//! built-in provider with the Travel0 demo: a customer admin brands their
//! organization and its login page shows it; hostile logos and colors are
//! refused with a field error and change nothing; every change is audited.

mod support;

use serde_json::Value;
use support::TestOrgdesk;

async fn branding(orgdesk: &TestOrgdesk, client: &reqwest::Client, org: &str) -> Value {
    let (status, page) = orgdesk
        .call(client, "branding/get", &[("org_id", org)])
        .await;
    assert_eq!(status, 200, "{page}");
    page
}

#[tokio::test]
async fn a_customer_admin_brands_their_login_page() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let sally = orgdesk.signed_in("sally@metahexa.example").await;
    let (status, page) = orgdesk
        .call(
            &sally,
            "branding/update",
            &[
                ("org_id", bank.as_str()),
                ("logo_url", "https://cdn.metahexa.example/logo.png"),
                ("primary", "#0A7D3E"),
                ("page_background", "#fafafa"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["primary"], "#0a7d3e", "colors are kept in lower case");
    assert_eq!(page["can_change"], true);

    let help = orgdesk.signed_in("helpdesk@travel0.example").await;
    let seen = branding(&orgdesk, &help, &bank).await;
    assert_eq!(seen["logo_url"], "https://cdn.metahexa.example/logo.png");
    assert_eq!(seen["can_change"], false);

    // The organization's login page, as a browser reaches it.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = browser
        .get(orgdesk.console("/auth/login?organization=metahexa-bank"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains("src=\"https://cdn.metahexa.example/logo.png\""),
        "{login}"
    );
    assert!(login.contains("--primary:#0a7d3e"), "{login}");
    assert!(login.contains("--page-background:#fafafa"), "{login}");

    let (_, log) = orgdesk
        .call(&sally, "audit/organization", &[("org_id", bank.as_str())])
        .await;
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "organization.branding.update");
    assert_eq!(entry["persona"], "customer admin");
    assert!(
        entry["after"].as_str().unwrap().contains("#0a7d3e"),
        "{entry}"
    );

    // Blank fields: the default look again.
    let (status, page) = orgdesk
        .call(
            &sally,
            "branding/update",
            &[
                ("org_id", bank.as_str()),
                ("logo_url", ""),
                ("primary", ""),
                ("page_background", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["logo_url"], "");
}

#[tokio::test]
async fn hostile_logos_and_colors_are_refused_and_change_nothing() {
    let orgdesk = support::start_demo().await;
    let staff = orgdesk.signed_in("staff@travel0.example").await;
    let bank = orgdesk.org_id(&staff, "metahexa-bank").await;
    let before = branding(&orgdesk, &staff, &bank).await;
    let cases: &[(&str, &str, &str, &str)] = &[
        ("javascript:alert(1)", "", "", "logo_url"),
        (
            "data:image/svg+xml,<svg onload=alert(1)>",
            "",
            "",
            "logo_url",
        ),
        ("http://cdn.metahexa.example/logo.png", "", "", "logo_url"),
        (
            "https://cdn.example/a.png\" onerror=\"alert(1)",
            "",
            "",
            "logo_url",
        ),
        ("<script>alert(1)</script>", "", "", "logo_url"),
        (
            "",
            "#000000;}body{background:url(https://evil.example)",
            "",
            "primary",
        ),
        ("", "red", "", "primary"),
        ("", "expression(alert(1))", "", "primary"),
        ("", "#fff", "", "primary"),
        (
            "",
            "",
            "</style><script>alert(1)</script>",
            "page_background",
        ),
        ("", "", "#00000g", "page_background"),
    ];
    for (logo, primary, background, field) in cases {
        let (status, body) = orgdesk
            .call(
                &staff,
                "branding/update",
                &[
                    ("org_id", bank.as_str()),
                    ("logo_url", logo),
                    ("primary", primary),
                    ("page_background", background),
                ],
            )
            .await;
        assert_eq!(status, 400, "{logo} {primary} {background}: {body}");
        assert_eq!(body["Invalid"]["field"], *field, "{body}");
    }
    assert_eq!(branding(&orgdesk, &staff, &bank).await, before);
}
