//! The authorization policy: may this principal do this, in this organization
//! (or outside any)? Deny by default, with the reason.

use crate::{Permission, Persona, Principal, permissions::holds};

/// Why a request was denied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    NotSignedIn,
    /// They have no persona in that organization: to them it does not exist.
    #[error("not a member of the organization")]
    NotInOrganization,
    #[error("the {persona:?} persona may not {permission:?}")]
    MissingPermission {
        persona: Persona,
        permission: Permission,
    },
}

/// Checks `permission` for `principal` acting in `org_id` (or globally when
/// `None`); returns the persona they act as.
pub fn check(
    principal: Option<&Principal>,
    permission: Permission,
    org_id: Option<&str>,
) -> Result<Persona, Denied> {
    let principal = principal.ok_or(Denied::NotSignedIn)?;
    let persona = match org_id {
        Some(org_id) => principal
            .persona_in(org_id)
            .ok_or(Denied::NotInOrganization)?,
        None => principal
            .global_persona()
            .ok_or(Denied::MissingPermission {
                persona: principal.headline_persona().unwrap_or(Persona::Member),
                permission,
            })?,
    };
    if holds(persona, permission) {
        Ok(persona)
    } else {
        Err(Denied::MissingPermission {
            persona,
            permission,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GlobalRole, OrgRef, permissions::*};

    fn org(id: &str) -> OrgRef {
        OrgRef {
            id: id.into(),
            name: id.into(),
            display_name: None,
        }
    }

    fn principal(global: Option<GlobalRole>, admin: &[&str], member: &[&str]) -> Principal {
        Principal {
            user_id: "auth0|x".into(),
            email: "x@example.com".into(),
            name: "X".into(),
            global_role: global,
            admin_of: admin.iter().map(|id| org(id)).collect(),
            member_of: member.iter().map(|id| org(id)).collect(),
            // Signed in to their first organization.
            organization: admin.iter().chain(member).next().map(|id| org(id)),
        }
    }

    #[test]
    fn the_policy_table() {
        let staff = principal(Some(GlobalRole::Staff), &[], &[]);
        let help = principal(Some(GlobalRole::HelpDesk), &[], &[]);
        let admin_a = principal(None, &["org_a"], &[]);
        let member_a = principal(None, &[], &["org_a"]);
        // Admin of A and C, signed in to A.
        let admin_a_c = principal(None, &["org_a", "org_c"], &[]);
        let allowed = |p: Option<&Principal>, perm, org| check(p, perm, org).is_ok();
        // (case, who, permission, in which organization, allowed)
        type Case<'a> = (
            &'a str,
            Option<&'a Principal>,
            Permission,
            Option<&'a str>,
            bool,
        );
        let cases: &[Case] = &[
            (
                "staff browses",
                Some(&staff),
                ORGANIZATIONS_BROWSE,
                None,
                true,
            ),
            (
                "staff creates",
                Some(&staff),
                ORGANIZATION_CREATE,
                None,
                true,
            ),
            (
                "staff deletes any",
                Some(&staff),
                ORGANIZATION_DELETE,
                Some("org_b"),
                true,
            ),
            (
                "help desk browses",
                Some(&help),
                ORGANIZATIONS_BROWSE,
                None,
                true,
            ),
            (
                "help desk reads any",
                Some(&help),
                ORGANIZATION_READ,
                Some("org_b"),
                true,
            ),
            (
                "help desk may not update",
                Some(&help),
                ORGANIZATION_UPDATE,
                Some("org_b"),
                false,
            ),
            (
                "help desk may not create",
                Some(&help),
                ORGANIZATION_CREATE,
                None,
                false,
            ),
            (
                "admin reads own",
                Some(&admin_a),
                ORGANIZATION_READ,
                Some("org_a"),
                true,
            ),
            (
                "admin may not read another",
                Some(&admin_a),
                ORGANIZATION_READ,
                Some("org_b"),
                false,
            ),
            (
                "admin may not browse all",
                Some(&admin_a),
                ORGANIZATIONS_BROWSE,
                None,
                false,
            ),
            (
                "admin may not delete own",
                Some(&admin_a),
                ORGANIZATION_DELETE,
                Some("org_a"),
                false,
            ),
            (
                "member may not read",
                Some(&member_a),
                ORGANIZATION_READ,
                Some("org_a"),
                false,
            ),
            (
                "admin of two acts in the one signed in to",
                Some(&admin_a_c),
                MEMBERS_ADD,
                Some("org_a"),
                true,
            ),
            (
                "admin of two must switch to act in the other",
                Some(&admin_a_c),
                ORGANIZATION_READ,
                Some("org_c"),
                false,
            ),
            (
                "help desk reads members anywhere",
                Some(&help),
                MEMBERS_READ,
                Some("org_b"),
                true,
            ),
            (
                "help desk may remove a member",
                Some(&help),
                MEMBERS_REMOVE,
                Some("org_b"),
                true,
            ),
            (
                "help desk may not add members",
                Some(&help),
                MEMBERS_ADD,
                Some("org_b"),
                false,
            ),
            (
                "help desk may not change roles",
                Some(&help),
                MEMBER_ROLES_CHANGE,
                Some("org_b"),
                false,
            ),
            (
                "help desk may not invite",
                Some(&help),
                INVITATIONS_CREATE,
                Some("org_b"),
                false,
            ),
            (
                "help desk may resend",
                Some(&help),
                INVITATIONS_RESEND,
                Some("org_b"),
                true,
            ),
            (
                "help desk looks people up",
                Some(&help),
                PEOPLE_LOOKUP,
                None,
                true,
            ),
            (
                "admin may not look people up",
                Some(&admin_a),
                PEOPLE_LOOKUP,
                None,
                false,
            ),
            (
                "admin reads own org's audit log",
                Some(&admin_a),
                AUDIT_READ_ORG,
                Some("org_a"),
                true,
            ),
            (
                "admin may not read the whole audit log",
                Some(&admin_a),
                AUDIT_READ_ALL,
                None,
                false,
            ),
            (
                "member may not list members",
                Some(&member_a),
                MEMBERS_READ,
                Some("org_a"),
                false,
            ),
            (
                "staff keeps the connection catalog",
                Some(&staff),
                CONNECTIONS_CHANGE,
                None,
                true,
            ),
            (
                "help desk may not see the catalog",
                Some(&help),
                CONNECTIONS_READ,
                None,
                false,
            ),
            (
                "admin may not see the catalog",
                Some(&admin_a),
                CONNECTIONS_READ,
                None,
                false,
            ),
            (
                "help desk reads an organization's connections",
                Some(&help),
                ORGANIZATION_CONNECTIONS_READ,
                Some("org_b"),
                true,
            ),
            (
                "admin reads own organization's connections",
                Some(&admin_a),
                ORGANIZATION_CONNECTIONS_READ,
                Some("org_a"),
                true,
            ),
            (
                "admin may not change own organization's connections",
                Some(&admin_a),
                ORGANIZATION_CONNECTIONS_CHANGE,
                Some("org_a"),
                false,
            ),
            (
                "admin brands own organization",
                Some(&admin_a),
                BRANDING_CHANGE,
                Some("org_a"),
                true,
            ),
            (
                "admin may not brand another",
                Some(&admin_a),
                BRANDING_CHANGE,
                Some("org_b"),
                false,
            ),
            (
                "help desk reads branding but may not change it",
                Some(&help),
                BRANDING_CHANGE,
                Some("org_b"),
                false,
            ),
            (
                "member may not read branding",
                Some(&member_a),
                BRANDING_READ,
                Some("org_a"),
                false,
            ),
            ("anonymous", None, ORGANIZATION_READ, Some("org_a"), false),
        ];
        for (case, p, perm, org, expected) in cases {
            assert_eq!(allowed(*p, *perm, *org), *expected, "{case}");
        }
        assert_eq!(
            check(Some(&admin_a), ORGANIZATION_READ, Some("org_b")),
            Err(Denied::NotInOrganization)
        );
        assert_eq!(
            check(None, ORGANIZATION_READ, None),
            Err(Denied::NotSignedIn)
        );
    }
}
