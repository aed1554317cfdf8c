//! The persona matrix: every server function, for every persona, acting on
//! their own organization and on another. Each row says allowed or refused.
//! The test fails when a registered server function has no row.
//!
//! Organization A is MetaHexa Bank (Sally administers it); B is AdventureZ
//! (Sumana administers it and Rocky Mountain High; she signs in to
//! AdventureZ); Jonno is a plain member of Suzie's Rafting.
//!
//! A row's allowed callers must get past the policy without changing
//! anything: its form is built to fail a later check (a wrong confirmation,
//! an unknown email, a reason over the length limit, the last admin).

mod support;

use std::collections::BTreeSet;

use serde_json::Value;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Staff,
    HelpDesk,
    AdminOfA,
    AdminOfB,
    Member,
    Anonymous,
}

use Caller::*;

const CALLERS: [Caller; 6] = [Staff, HelpDesk, AdminOfA, AdminOfB, Member, Anonymous];

fn email(caller: Caller) -> Option<&'static str> {
    match caller {
        Staff => Some("staff@travel0.example"),
        HelpDesk => Some("helpdesk@travel0.example"),
        AdminOfA => Some("sally@metahexa.example"),
        AdminOfB => Some("sumana@adventurez.example"),
        Member => Some("jonno@suzies.example"),
        Anonymous => None,
    }
}

/// Which organization a row acts on.
#[derive(Clone, Copy, Debug)]
enum Target {
    None,
    A,
    B,
}

/// What a row expects.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Allowed,
    Refused,
}

use Expect::*;

/// (server function endpoint, target, [expected for each of CALLERS]).
type Row = (&'static str, Target, [Expect; 6]);

const MATRIX: &[Row] = &[
    //                                          Staff    HelpDesk AdminOfA AdminOfB Member   Anonymous
    (
        "current-user",
        Target::None,
        [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
    ),
    (
        "organizations/list",
        Target::None,
        [Allowed, Allowed, Allowed, Allowed, Allowed, Refused],
    ),
    (
        "organizations/get",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "organizations/get",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "organizations/create",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organizations/update",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organizations/update",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organizations/delete",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organizations/delete",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "audit/list",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "audit/organization",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "audit/organization",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "members/list",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "members/list",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "members/add",
        Target::A,
        [Allowed, Refused, Allowed, Refused, Refused, Refused],
    ),
    (
        "members/add",
        Target::B,
        [Allowed, Refused, Refused, Allowed, Refused, Refused],
    ),
    (
        "members/remove",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "members/remove",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "members/assign-role",
        Target::A,
        [Allowed, Refused, Allowed, Refused, Refused, Refused],
    ),
    (
        "members/assign-role",
        Target::B,
        [Allowed, Refused, Refused, Allowed, Refused, Refused],
    ),
    (
        "members/unassign-role",
        Target::A,
        [Allowed, Refused, Allowed, Refused, Refused, Refused],
    ),
    (
        "members/unassign-role",
        Target::B,
        [Allowed, Refused, Refused, Allowed, Refused, Refused],
    ),
    (
        "invitations/list",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "invitations/list",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "invitations/create",
        Target::A,
        [Allowed, Refused, Allowed, Refused, Refused, Refused],
    ),
    (
        "invitations/create",
        Target::B,
        [Allowed, Refused, Refused, Allowed, Refused, Refused],
    ),
    (
        "invitations/revoke",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "invitations/revoke",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "invitations/resend",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "invitations/resend",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "people/lookup",
        Target::None,
        [Allowed, Allowed, Refused, Refused, Refused, Refused],
    ),
    // The connection catalog: staff only.
    (
        "connections/list",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "connections/get",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "connections/create",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "connections/update",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "connections/delete",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "connections/test",
        Target::None,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    // An organization's connections: read by staff, help desk and its
    // admins; changed by staff.
    (
        "organization-connections/list",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "organization-connections/list",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "organization-connections/enable",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/enable",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/update",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/update",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/impact",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/impact",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/disable",
        Target::A,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    (
        "organization-connections/disable",
        Target::B,
        [Allowed, Refused, Refused, Refused, Refused, Refused],
    ),
    // Branding: read by staff, help desk and its admins; changed by staff
    // and its admins.
    (
        "branding/get",
        Target::A,
        [Allowed, Allowed, Allowed, Refused, Refused, Refused],
    ),
    (
        "branding/get",
        Target::B,
        [Allowed, Allowed, Refused, Allowed, Refused, Refused],
    ),
    (
        "branding/update",
        Target::A,
        [Allowed, Refused, Allowed, Refused, Refused, Refused],
    ),
    (
        "branding/update",
        Target::B,
        [Allowed, Refused, Refused, Allowed, Refused, Refused],
    ),
];

/// The form a server function gets in a row; `admin` is the target
/// organization's only admin, `database` the id of the tenant's password
/// database connection (enabled in every demo organization).
fn form(
    endpoint: &str,
    org: Option<&str>,
    admin: &str,
    database: &str,
    n: usize,
) -> Vec<(String, String)> {
    let id = org.unwrap_or_default().to_owned();
    let database = database.to_owned();
    let too_long = "x".repeat(501);
    let pairs: Vec<(&str, String)> = match endpoint {
        "organizations/list" => vec![("query", String::new())],
        "organizations/get" => vec![("id", id)],
        "organizations/create" => vec![
            ("name", format!("matrix-{n}")),
            ("display_name", String::new()),
            ("metadata", String::new()),
        ],
        "organizations/update" => vec![
            ("id", id),
            ("display_name", "Renamed".into()),
            ("metadata", String::new()),
        ],
        // A wrong confirmation: an allowed caller gets past the policy to the
        // confirmation check, and nothing is deleted.
        "organizations/delete" => vec![("id", id), ("confirm", "not-the-name".into())],
        "audit/organization" | "invitations/list" => vec![("org_id", id)],
        "members/list" => vec![
            ("org_id", id),
            ("query", String::new()),
            ("role", String::new()),
        ],
        "members/add" => vec![
            ("org_id", id),
            ("emails", format!("nobody-{n}@nowhere.example")),
            ("roles", String::new()),
        ],
        "members/remove" => vec![
            ("org_id", id),
            ("user_id", admin.into()),
            ("reason", too_long),
        ],
        "members/assign-role" | "members/unassign-role" => vec![
            ("org_id", id),
            ("user_id", admin.into()),
            ("role_id", "rol_NoSuchRole0000".into()),
        ],
        "invitations/create" => vec![
            ("org_id", id),
            ("emails", "new@nowhere.example".into()),
            ("roles", String::new()),
            ("connection_id", String::new()),
            ("ttl_days", "0".into()),
        ],
        "invitations/revoke" | "invitations/resend" => vec![
            ("org_id", id),
            ("id", "uinv_NoSuchInvitatio".into()),
            ("reason", too_long),
        ],
        "people/lookup" => vec![("email", "nobody@nowhere.example".into())],
        "connections/get" => vec![("id", database)],
        // A name the rules refuse: nothing is created.
        "connections/create" => vec![
            ("name", "not a name!".into()),
            ("display_name", String::new()),
            ("strategy", "auth0".into()),
        ],
        "connections/update" => vec![("id", database), ("display_name", "<b>x</b>".into())],
        "connections/delete" => vec![("id", database), ("confirm", "not-the-name".into())],
        "connections/test" => vec![("issuer", "https://169.254.169.254/".into())],
        "organization-connections/list" => vec![("org_id", id)],
        "organization-connections/enable" => vec![
            ("org_id", id),
            ("connection_id", "con_NoSuchConnection0".into()),
        ],
        // Buttons are for enterprise connections: refused by the rules.
        "organization-connections/update" => vec![
            ("org_id", id),
            ("connection_id", database),
            ("show_as_button", "true".into()),
        ],
        "organization-connections/impact" => vec![("org_id", id), ("connection_id", database)],
        "organization-connections/disable" => vec![
            ("org_id", id),
            ("connection_id", database),
            ("confirm", "not-the-name".into()),
        ],
        "branding/get" => vec![("org_id", id)],
        "branding/update" => vec![
            ("org_id", id),
            ("logo_url", "javascript:alert(1)".into()),
            ("primary", String::new()),
            ("page_background", String::new()),
        ],
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Allowed, or refused by the authorization rules (as opposed to another failure).
fn outcome(status: u16, body: &str) -> Expect {
    if status == 200 {
        return Allowed;
    }
    let error: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match error.as_str() {
        Some("Unauthenticated" | "Forbidden" | "NotFound") => Refused,
        // Past the policy, stopped by a later check.
        _ if error["Invalid"].is_object() => Allowed,
        _ => panic!("neither allowed nor refused: {status} {body}"),
    }
}

#[tokio::test]
async fn every_server_function_for_every_persona_on_own_and_other_organizations() {
    let orgdesk = support::start_demo().await;
    let mut clients = Vec::new();
    for caller in CALLERS {
        clients.push(match (caller, email(caller)) {
            (AdminOfB, Some(email)) => orgdesk.signed_in_to(email, "adventurez").await,
            (_, Some(email)) => orgdesk.signed_in(email).await,
            (_, None) => orgdesk.browser(),
        });
    }
    let staff = clients[0].clone();
    let list_url = orgdesk.console("/api/organizations/list");
    let org_id = |name: &'static str| {
        let (staff, url) = (staff.clone(), list_url.clone());
        async move {
            let page: Value = staff
                .post(url)
                .form(&[("query", name)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"][0]["id"].as_str().unwrap().to_owned()
        }
    };
    let a = org_id("metahexa-bank").await;
    let b = org_id("adventurez").await;
    let user_id = |email: &'static str| {
        let staff = staff.clone();
        let url = orgdesk.console("/api/people/lookup");
        async move {
            let found: Value = staff
                .post(url)
                .form(&[("email", email)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            found[0]["user_id"].as_str().unwrap().to_owned()
        }
    };
    let catalog: Value = staff
        .post(orgdesk.console("/api/connections/list"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let database = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["strategy"] == "auth0")
        .expect("the database connection")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_of_a = user_id("sally@metahexa.example").await;
    let admin_of_b = user_id("sumana@adventurez.example").await;

    let mut n = 0;
    for (endpoint, target, expected) in MATRIX {
        let (org, admin) = match target {
            Target::None => (None, ""),
            Target::A => (Some(a.as_str()), admin_of_a.as_str()),
            Target::B => (Some(b.as_str()), admin_of_b.as_str()),
        };
        for (i, caller) in CALLERS.into_iter().enumerate() {
            n += 1;
            let response = clients[i]
                .post(orgdesk.console(&format!("/api/{endpoint}")))
                .form(&form(endpoint, org, admin, &database, n))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            assert_eq!(
                outcome(status, &body),
                expected[i],
                "{endpoint} on {target:?} by {caller:?}: {status} {body}"
            );
        }
    }

    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let covered: BTreeSet<String> = MATRIX.iter().map(|(e, _, _)| e.to_string()).collect();
    assert_eq!(
        registered, covered,
        "every server function has rows in the matrix"
    );
}

#[tokio::test]
async fn each_persona_lists_exactly_the_organizations_it_may_see() {
    let orgdesk = support::start_demo().await;
    let all = [
        "adventurez",
        "gupta-smith-law",
        "hoekstra-associates",
        "many-student-university",
        "metahexa-bank",
        "rocky-mountain-high",
        "suzies-rafting",
    ];
    let cases: [(&str, &[&str]); 5] = [
        ("staff@travel0.example", &all),
        ("helpdesk@travel0.example", &all),
        ("sally@metahexa.example", &["metahexa-bank"]),
        (
            "sumana@adventurez.example",
            &["adventurez", "rocky-mountain-high"],
        ),
        ("jonno@suzies.example", &[]),
    ];
    for (email, expected) in cases {
        let client = orgdesk.signed_in(email).await;
        let page: Value = client
            .post(orgdesk.console("/api/organizations/list"))
            .form(&[("query", "")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{email}");
    }
}
