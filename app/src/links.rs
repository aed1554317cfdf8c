//! Addresses the pages link to, and small text helpers they share. Pure
//! functions, compiled for both sides.

use crate::api::{OrganizationRow, RoleOption};

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `path` with a query string of the pairs whose value is not empty.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Acting in another organization is a new sign-in for it, which then
/// returns to the organization's page. Links to it carry `rel="external"` so
/// the router leaves them to the browser.
pub fn switch_url(org_id: &str) -> String {
    let id = urlencode(org_id);
    format!("/auth/login?organization={id}&return_to=/organizations/{id}")
}

/// How an organization is named on the page: its display name, else its name.
pub fn org_label(org: &OrganizationRow) -> String {
    org.display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| org.name.clone())
}

/// An element id made from `prefix` and any text (a user id like
/// `auth0|abc`): ASCII letters, digits, `-` and `_` are kept (so Auth0 ids
/// like `rol_abc` read as they are), anything else becomes `_` and its hex
/// bytes.
pub fn dom_id(prefix: &str, raw: &str) -> String {
    let mut id = format!("{prefix}-");
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            id.push(b as char);
        } else {
            id.push_str(&format!("_{b:02x}"));
        }
    }
    id
}

/// The `roles` a form sends: the chosen role ids, in the order offered,
/// joined with commas.
pub fn join_roles(offered: &[RoleOption], chosen: &[String]) -> String {
    offered
        .iter()
        .filter(|r| chosen.contains(&r.id))
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// "1 person", "3 people" and the like.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: &str) -> RoleOption {
        RoleOption {
            id: id.into(),
            name: id.trim_start_matches("rol_").into(),
        }
    }

    #[test]
    fn urlencode_keeps_unreserved_only() {
        assert_eq!(urlencode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
    }

    #[test]
    fn with_query_drops_empty_values() {
        assert_eq!(with_query("/x", &[("q", ""), ("role", "")]), "/x");
        assert_eq!(
            with_query("/x", &[("q", "pat smith"), ("role", ""), ("after", "a@b")]),
            "/x?q=pat%20smith&after=a%40b"
        );
    }

    #[test]
    fn switching_is_a_sign_in_that_returns_to_the_organization() {
        assert_eq!(
            switch_url("org_abc123"),
            "/auth/login?organization=org_abc123&return_to=/organizations/org_abc123"
        );
    }

    #[test]
    fn org_label_prefers_the_display_name() {
        let mut org = OrganizationRow {
            id: "org_1".into(),
            name: "acme".into(),
            display_name: Some("Acme Corp".into()),
        };
        assert_eq!(org_label(&org), "Acme Corp");
        org.display_name = Some(" ".into());
        assert_eq!(org_label(&org), "acme");
        org.display_name = None;
        assert_eq!(org_label(&org), "acme");
    }

    #[test]
    fn dom_ids_are_safe_and_distinct() {
        assert_eq!(dom_id("remove", "auth0|ab1"), "remove-auth0_7cab1");
        assert_eq!(dom_id("add-role", "rol_Ab-1"), "add-role-rol_Ab-1");
        assert_ne!(dom_id("r", "a|b"), dom_id("r", "a-b"));
        assert!(
            dom_id("r", "x@y.example z")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn join_roles_keeps_the_offered_order() {
        let offered = [role("rol_admin"), role("rol_viewer"), role("rol_billing")];
        let chosen = ["rol_billing".to_owned(), "rol_admin".to_owned()];
        assert_eq!(join_roles(&offered, &chosen), "rol_admin,rol_billing");
        assert_eq!(join_roles(&offered, &[]), "");
        assert_eq!(join_roles(&offered, &["rol_other".to_owned()]), "");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "person", "people"), "1 person");
        assert_eq!(count(3, "person", "people"), "3 people");
    }
}
