//! Permissions are named constants; which persona holds which is the one
//! table [`GRANTS`]. Anything not in it is denied.

use serde::Serialize;

use crate::Persona;

/// Something a persona may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Permission(pub &'static str);

/// See every organization (the full list and search).
pub const ORGANIZATIONS_BROWSE: Permission = Permission("organizations:browse");
/// Read one organization.
pub const ORGANIZATION_READ: Permission = Permission("organization:read");
pub const ORGANIZATION_CREATE: Permission = Permission("organization:create");
/// Change an organization's display name and metadata.
pub const ORGANIZATION_UPDATE: Permission = Permission("organization:update");
pub const ORGANIZATION_DELETE: Permission = Permission("organization:delete");
/// Read the whole audit log.
pub const AUDIT_READ_ALL: Permission = Permission("audit:read-all");
/// Read one organization's audit log.
pub const AUDIT_READ_ORG: Permission = Permission("audit:read-org");
/// List an organization's members and their roles.
pub const MEMBERS_READ: Permission = Permission("members:read");
/// Add existing people to an organization.
pub const MEMBERS_ADD: Permission = Permission("members:add");
/// Remove a member (help desk: with a reason).
pub const MEMBERS_REMOVE: Permission = Permission("members:remove");
/// Assign and unassign a member's roles (customer admins: within their ceiling).
pub const MEMBER_ROLES_CHANGE: Permission = Permission("member-roles:change");
pub const INVITATIONS_READ: Permission = Permission("invitations:read");
pub const INVITATIONS_CREATE: Permission = Permission("invitations:create");
/// Revoke an invitation (help desk: with a reason).
pub const INVITATIONS_REVOKE: Permission = Permission("invitations:revoke");
/// Revoke and send again (help desk: with a reason).
pub const INVITATIONS_RESEND: Permission = Permission("invitations:resend");
/// Find a person by email and see all their organizations.
pub const PEOPLE_LOOKUP: Permission = Permission("people:lookup");

/// Read the connection catalog (every connection of the tenant).
pub const CONNECTIONS_READ: Permission = Permission("connections:read");
/// Create, edit, test and delete catalog connections.
pub const CONNECTIONS_CHANGE: Permission = Permission("connections:change");
/// See which connections an organization enables, with their flags.
pub const ORGANIZATION_CONNECTIONS_READ: Permission = Permission("organization-connections:read");
/// Enable and disable an organization's connections and change their flags.
pub const ORGANIZATION_CONNECTIONS_CHANGE: Permission =
    Permission("organization-connections:change");
/// See an organization's branding (logo and colors).
pub const BRANDING_READ: Permission = Permission("branding:read");
/// Change an organization's branding.
pub const BRANDING_CHANGE: Permission = Permission("branding:change");

/// What the help desk may change, each only with a written reason.
pub const NEEDS_REASON_FOR_HELP_DESK: &[Permission] =
    &[MEMBERS_REMOVE, INVITATIONS_REVOKE, INVITATIONS_RESEND];

/// Which persona holds which permission.
pub const GRANTS: &[(Persona, &[Permission])] = &[
    (
        Persona::Staff,
        &[
            ORGANIZATIONS_BROWSE,
            ORGANIZATION_READ,
            ORGANIZATION_CREATE,
            ORGANIZATION_UPDATE,
            ORGANIZATION_DELETE,
            AUDIT_READ_ALL,
            AUDIT_READ_ORG,
            MEMBERS_READ,
            MEMBERS_ADD,
            MEMBERS_REMOVE,
            MEMBER_ROLES_CHANGE,
            INVITATIONS_READ,
            INVITATIONS_CREATE,
            INVITATIONS_REVOKE,
            INVITATIONS_RESEND,
            PEOPLE_LOOKUP,
            CONNECTIONS_READ,
            CONNECTIONS_CHANGE,
            ORGANIZATION_CONNECTIONS_READ,
            ORGANIZATION_CONNECTIONS_CHANGE,
            BRANDING_READ,
            BRANDING_CHANGE,
        ],
    ),
    (
        Persona::HelpDesk,
        &[
            ORGANIZATIONS_BROWSE,
            ORGANIZATION_READ,
            AUDIT_READ_ORG,
            MEMBERS_READ,
            MEMBERS_REMOVE,
            INVITATIONS_READ,
            INVITATIONS_REVOKE,
            INVITATIONS_RESEND,
            PEOPLE_LOOKUP,
            ORGANIZATION_CONNECTIONS_READ,
            BRANDING_READ,
        ],
    ),
    (
        Persona::CustomerAdmin,
        &[
            ORGANIZATION_READ,
            AUDIT_READ_ORG,
            MEMBERS_READ,
            MEMBERS_ADD,
            MEMBERS_REMOVE,
            MEMBER_ROLES_CHANGE,
            INVITATIONS_READ,
            INVITATIONS_CREATE,
            INVITATIONS_REVOKE,
            INVITATIONS_RESEND,
            ORGANIZATION_CONNECTIONS_READ,
            BRANDING_READ,
            BRANDING_CHANGE,
        ],
    ),
    (Persona::Member, &[]),
];

/// Whether a persona holds a permission.
pub fn holds(persona: Persona, permission: Permission) -> bool {
    GRANTS
        .iter()
        .any(|(p, perms)| *p == persona && perms.contains(&permission))
}
