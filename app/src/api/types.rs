//! Plain data for the pages.

use serde::{Deserialize, Serialize};

/// A row of the organizations list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationPage {
    pub items: Vec<OrganizationRow>,
    /// The `after` of the next page, when there is one.
    pub next: Option<String>,
}

/// One organization, with what the caller may do to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub persona: String,
    pub can_edit: bool,
    pub can_delete: bool,
    /// The tabs the caller may open.
    pub can_read_members: bool,
    pub can_read_invitations: bool,
    pub can_read_audit_log: bool,
    pub can_read_connections: bool,
    pub can_read_branding: bool,
}

/// The signed-in person, as the pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    /// "staff", "help desk", "customer admin" or "member".
    pub persona: String,
    pub can_create_organizations: bool,
    pub can_read_audit_log: bool,
    pub can_look_up_people: bool,
    /// Staff: the connection catalog.
    pub can_manage_connections: bool,
    /// The organization this sign-in is for (customer admins and members).
    pub organization: Option<OrganizationRow>,
    /// Every organization they may switch to (without a global role).
    pub organizations: Vec<OrganizationRow>,
    /// The session's request token, for the sign-out form.
    pub request_token: String,
}

/// Which of an organization's tabs the caller may open (checked on the
/// server; each page checks again).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationTabs {
    pub members: bool,
    pub invitations: bool,
    pub audit_log: bool,
    pub connections: bool,
    pub branding: bool,
}

/// A role, as forms offer it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: String,
    pub name: String,
}

/// A member and their role names in the organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
}

/// A page of an organization's members, with what the caller may do there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub organization: OrganizationRow,
    pub tabs: OrganizationTabs,
    pub persona: String,
    pub items: Vec<MemberRow>,
    /// The `after` of the next page, when there is one.
    pub next: Option<String>,
    /// Roles shown in the organization (for the filter).
    pub roles: Vec<RoleOption>,
    /// Roles the caller may grant and take away here.
    pub grantable: Vec<RoleOption>,
    pub can_add: bool,
    pub can_remove: bool,
    pub can_change_roles: bool,
    /// The help desk writes a reason for every change.
    pub reason_required: bool,
    /// When the member list was last read in full from the identity provider (UTC).
    pub synced_at: Option<String>,
}

/// An invitation and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub roles: Vec<String>,
    pub invited_by: String,
    /// UTC, `YYYY-MM-DD HH:MM`.
    pub created_at: String,
    pub expires_at: String,
    /// "pending", "accepted", "expired" or "revoked".
    pub status: String,
    pub replaced_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub organization: OrganizationRow,
    pub tabs: OrganizationTabs,
    pub persona: String,
    pub items: Vec<InvitationRow>,
    pub grantable: Vec<RoleOption>,
    /// The connections the organization enables, for the invite form:
    /// (connection id, what the form calls it). Empty without `can_create`.
    pub connections: Vec<(String, String)>,
    pub can_create: bool,
    pub can_revoke: bool,
    pub can_resend: bool,
    pub reason_required: bool,
}

/// A person found by email and their organizations with their roles in each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub organizations: Vec<(OrganizationRow, Vec<String>)>,
}

/// An organization's audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationAudit {
    pub organization: OrganizationRow,
    pub tabs: OrganizationTabs,
    pub entries: Vec<AuditRow>,
    /// The `before` of the next (older) page.
    pub next: Option<i64>,
}

/// An audit log entry for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub actor: String,
    pub persona: String,
    pub organization: Option<String>,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub request_id: String,
    pub outcome: String,
}

/// Metadata as a textarea holds it: one `key=value` per line.
pub fn metadata_from_text(text: &str) -> Result<Vec<(String, String)>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            line.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| format!("Write each metadata entry as key=value (not {line:?})."))
        })
        .collect()
}

pub fn metadata_to_text(metadata: &[(String, String)]) -> String {
    metadata
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_text_round_trips_and_names_bad_lines() {
        let parsed = metadata_from_text("plan = enterprise\n\n region=eu \n").unwrap();
        assert_eq!(
            parsed,
            [
                ("plan".into(), "enterprise".into()),
                ("region".into(), "eu".into())
            ]
        );
        assert_eq!(metadata_to_text(&parsed), "plan=enterprise\nregion=eu");
        assert!(
            metadata_from_text("no equals sign")
                .unwrap_err()
                .contains("key=value")
        );
        assert!(metadata_from_text("=value").is_err());
    }
}
