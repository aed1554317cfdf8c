//! The demo: the Travel0 example of the seeds (law firms, a bank, a
//! university, adventure companies), a staff user, a help-desk user and
//! customer admins, with passwords made once and kept in the data folder.

use std::collections::BTreeMap;
use std::path::Path;

use orgdesk_config::Secret;
use orgdesk_provider::{
    BrandingSpec, EnabledConnectionSpec, MemberSpec, OrganizationSpec, ProviderState, Provisioning,
    UserSpec,
};

use crate::adapters::RoleNames;

/// (email, name, global role) of the demo people.
const PEOPLE: &[(&str, &str, Option<&str>)] = &[
    ("staff@travel0.example", "Sam Staff", Some("staff")),
    (
        "helpdesk@travel0.example",
        "Hana Helpdesk",
        Some("help desk"),
    ),
    ("sally@metahexa.example", "Sally (MetaHexa Bank)", None),
    ("sumana@adventurez.example", "Sumana (AdventureZ)", None),
    ("jonno@suzies.example", "Jonno (Suzie's)", None),
    ("pat@metahexa.example", "Pat (MetaHexa Bank)", None),
    ("olu@metahexa.example", "Olu (MetaHexa Bank)", None),
];

/// Stands for the configured organization admin role in [`ORGANIZATIONS`].
const ADMIN: &str = "";

/// A member's email and their roles in the organization.
type Member = (&'static str, &'static [&'static str]);

/// (name, display name, members).
const ORGANIZATIONS: &[(&str, &str, &[Member])] = &[
    ("hoekstra-associates", "Hoekstra & Associates", &[]),
    ("gupta-smith-law", "Gupta & Smith Law", &[]),
    (
        "metahexa-bank",
        "MetaHexa Bank",
        &[
            ("sally@metahexa.example", &[ADMIN, "Org Member"]),
            ("pat@metahexa.example", &["Org Member"]),
            // Holds a role only staff grant: Sally may not remove Olu.
            ("olu@metahexa.example", &["Account Owner", "Org Member"]),
        ],
    ),
    ("many-student-university", "Many Student University", &[]),
    // One person, two organizations, different roles in each (seed 003).
    (
        "adventurez",
        "AdventureZ",
        &[("sumana@adventurez.example", &[ADMIN, "Billing Viewer"])],
    ),
    (
        "rocky-mountain-high",
        "Rocky Mountain High Adventures",
        &[("sumana@adventurez.example", &[ADMIN])],
    ),
    (
        "suzies-rafting",
        "Suzie's Rafting and Ziplines",
        &[("jonno@suzies.example", &["Org Member"])],
    ),
];

/// The provider's password database, by name.
const DATABASE: &str = "Username-Password-Authentication";

/// An organization's look in the demo: (logo URL, primary, page background).
fn demo_branding(org: &str) -> Option<BrandingSpec> {
    let (logo, primary, background) = match org {
        "metahexa-bank" => (
            Some("https://metahexa.example/logo.svg"),
            "#0b5cab",
            "#eef4fb",
        ),
        "adventurez" => (None, "#e4572e", "#fff7ed"),
        _ => return None,
    };
    Some(BrandingSpec {
        logo_url: logo.map(str::to_owned),
        primary: Some(primary.into()),
        page_background: Some(background.into()),
    })
}

/// The connections an organization enables in the demo: the password
/// database everywhere; at AdventureZ people may sign up themselves (and
/// become members by signing in), at MetaHexa Bank only invited members sign
/// in. Re-running the demo sets these flags again (and keeps connections
/// enabled in the console meanwhile).
fn demo_connections(org: &str) -> Vec<EnabledConnectionSpec> {
    let signup = org == "adventurez";
    vec![EnabledConnectionSpec {
        connection: DATABASE.into(),
        assign_membership_on_login: Some(signup),
        show_as_button: None,
        is_signup_enabled: Some(signup),
    }]
}

/// The demo passwords, made on first use and kept in `demo-credentials.json`
/// (readable by the owner only).
fn passwords(data_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let file = data_dir.join("demo-credentials.json");
    let saved = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| serde_json::from_str::<BTreeMap<String, String>>(&text).ok());
    if let Some(saved) = saved.filter(|s| PEOPLE.iter().all(|(email, _, _)| s.contains_key(*email)))
    {
        return Ok(saved);
    }
    let made: BTreeMap<String, String> = PEOPLE
        .iter()
        .map(|(email, _, _)| {
            (
                email.to_string(),
                format!("demo-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
            )
        })
        .collect();
    std::fs::create_dir_all(data_dir).map_err(|e| format!("create {}: {e}", data_dir.display()))?;
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&made).expect("strings serialize"),
    )
    .map_err(|e| format!("write {}: {e}", file.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
    }
    Ok(made)
}

/// Provisions the demo and returns (email, password) for the sign-in hint.
pub async fn seed(
    provider: &ProviderState,
    data_dir: &Path,
    roles: &RoleNames,
) -> Result<Vec<(String, String)>, String> {
    let passwords = passwords(data_dir)?;
    let global = |label: Option<&str>| match label {
        Some("staff") => vec![roles.staff.clone()],
        Some("help desk") => vec![roles.help_desk.clone()],
        _ => vec![],
    };
    let provisioning = Provisioning {
        connections: vec![],
        clients: vec![],
        roles: crate::identity::console_roles(roles),
        users: PEOPLE
            .iter()
            .map(|(email, name, role)| UserSpec {
                email: email.to_string(),
                name: name.to_string(),
                password: passwords.get(*email).map(Secret::new),
                roles: global(*role),
            })
            .collect(),
        organizations: ORGANIZATIONS
            .iter()
            .map(|(name, display, members)| OrganizationSpec {
                branding: demo_branding(name),
                enabled_connections: Some(demo_connections(name)),
                name: name.to_string(),
                display_name: Some(display.to_string()),
                members: members
                    .iter()
                    .map(|(email, member_roles)| MemberSpec {
                        email: email.to_string(),
                        roles: member_roles
                            .iter()
                            .map(|r| {
                                if *r == ADMIN {
                                    roles.org_admin.clone()
                                } else {
                                    r.to_string()
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    provider
        .apply(&provisioning)
        .await
        .map_err(|e| e.to_string())?;
    Ok(PEOPLE
        .iter()
        .map(|(email, _, _)| (email.to_string(), passwords[*email].clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use orgdesk_db::{Database, testing::fresh_database};
    use orgdesk_provider::{Issuer, ProviderOptions};
    use serde_json::{Value, json};

    use super::*;

    fn roles() -> RoleNames {
        RoleNames {
            staff: "Orgdesk Staff".into(),
            help_desk: "Orgdesk Help Desk".into(),
            org_admin: "Org Admin".into(),
            delegable: vec!["Org Admin".into(), "Org Member".into()],
        }
    }

    /// (organization, branding, [(connection, assign, signup)]) as stored.
    async fn stored(db: &Database) -> Vec<(String, Option<Value>, Vec<(String, i64, i64)>)> {
        let orgs: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT id, name, branding FROM organizations ORDER BY name")
                .fetch_all(db.pool())
                .await
                .unwrap();
        let mut out = Vec::new();
        for (id, name, branding) in orgs {
            let enabled: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT c.name, oc.assign_membership_on_login, oc.is_signup_enabled \
                 FROM organization_connections oc JOIN connections c ON c.id = oc.connection_id \
                 WHERE oc.org_id = $1 ORDER BY c.name",
            )
            .bind(&id)
            .fetch_all(db.pool())
            .await
            .unwrap();
            let branding = branding.map(|b| serde_json::from_str(&b).unwrap());
            out.push((name, branding, enabled));
        }
        out
    }

    #[tokio::test]
    async fn the_demo_brands_metahexa_and_adventurez_and_seeding_again_changes_nothing() {
        let test_db = fresh_database().await;
        let db = Database::open(&test_db.url, &orgdesk_provider::migrations())
            .await
            .unwrap();
        let issuer = Issuer::from_public_url(&"http://127.0.0.1:4444/".parse().unwrap());
        let provider = ProviderState::open(issuer, db.clone(), ProviderOptions::default())
            .await
            .unwrap();
        let data = tempfile::tempdir().unwrap();
        seed(&provider, data.path(), &roles()).await.unwrap();
        let first = stored(&db).await;

        let org = |name: &str| first.iter().find(|(n, _, _)| n == name).unwrap().clone();
        let (_, metahexa_branding, metahexa) = org("metahexa-bank");
        assert_eq!(
            metahexa_branding,
            Some(json!({"logo_url": "https://metahexa.example/logo.svg",
                        "colors": {"primary": "#0b5cab", "page_background": "#eef4fb"}}))
        );
        assert_eq!(metahexa, [(DATABASE.to_owned(), 0, 0)]);
        let (_, adventurez_branding, adventurez) = org("adventurez");
        assert!(adventurez_branding.unwrap()["colors"]["primary"].is_string());
        assert_eq!(adventurez, [(DATABASE.to_owned(), 1, 1)]);
        for (name, _, enabled) in &first {
            assert_eq!(enabled.len(), 1, "{name}: the password database only");
            assert_eq!(enabled[0].0, DATABASE, "{name}");
        }

        seed(&provider, data.path(), &roles()).await.unwrap();
        assert_eq!(stored(&db).await, first);
        db.close().await;
    }
}
