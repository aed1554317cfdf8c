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
