//! The demo: the Travel0 example of the seeds (law firms, a bank, a
//! university, adventure companies), a staff user, a help-desk user and
//! customer admins, with passwords made once and kept in the data folder.

use std::collections::BTreeMap;
use std::path::Path;

use orgdesk_config::Secret;
use orgdesk_provider::{MemberSpec, OrganizationSpec, ProviderState, Provisioning, UserSpec};

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
                branding: None,
                enabled_connections: None,
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
