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
        ],
    ),
    (
        Persona::HelpDesk,
        &[ORGANIZATIONS_BROWSE, ORGANIZATION_READ],
    ),
    (Persona::CustomerAdmin, &[ORGANIZATION_READ]),
    (Persona::Member, &[]),
];

/// Whether a persona holds a permission.
pub fn holds(persona: Persona, permission: Permission) -> bool {
    GRANTS
        .iter()
        .any(|(p, perms)| *p == persona && perms.contains(&permission))
}
