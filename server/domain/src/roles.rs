//! Which roles the console shows and who may grant them.
//!
//! Staff and help-desk roles are global: they are never shown in an
//! organization nor granted there. Staff grant any other role; a customer
//! admin grants only roles marked delegable that they hold themselves.

use std::collections::BTreeSet;

use crate::{
    Persona, Principal, ServiceError,
    ports::{People, PortError, RoleRef},
};

/// The roles an organization's pages show, and those the caller may grant
/// or take away there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChoices {
    pub visible: Vec<RoleRef>,
    pub grantable: Vec<RoleRef>,
}

impl RoleChoices {
    /// Reads the tenant's roles and, for a customer admin, their own roles
    /// in the organization, from the identity provider.
    pub(crate) async fn load(
        people: &dyn People,
        rules: &RoleRules,
        principal: &Principal,
        org_id: &str,
        persona: Persona,
    ) -> Result<Self, PortError> {
        let visible = rules.organization_roles(people.roles().await?);
        let held: Vec<String> = if persona == Persona::CustomerAdmin {
            people
                .member_roles(org_id, &principal.user_id)
                .await?
                .into_iter()
                .map(|r| r.name)
                .collect()
        } else {
            Vec::new()
        };
        let grantable = rules.grantable(persona, &visible, &held);
        Ok(Self { visible, grantable })
    }

    /// The roles asked for, each grantable, or a refusal (a role of another
    /// tenant, a global role, one above the caller's ceiling: the same answer).
    pub fn pick(&self, role_ids: &[String]) -> Result<Vec<RoleRef>, ServiceError> {
        role_ids
            .iter()
            .map(|id| {
                self.grantable
                    .iter()
                    .find(|r| &r.id == id)
                    .cloned()
                    .ok_or_else(|| {
                        ServiceError::invalid("roles", "You cannot grant that role here.")
                    })
            })
            .collect()
    }
}

/// Whether `persona` acts within a ceiling: everyone but staff and the help desk.
pub fn has_ceiling(persona: Persona) -> bool {
    !matches!(persona, Persona::Staff | Persona::HelpDesk)
}

/// The role names that carry meaning for the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleRules {
    pub staff: String,
    pub help_desk: String,
    pub org_admin: String,
    /// Roles a customer admin may grant (if they hold them).
    pub delegable: Vec<String>,
}

impl RoleRules {
    /// Whether a role is one of the console's global roles.
    pub fn is_global(&self, name: &str) -> bool {
        name == self.staff || name == self.help_desk
    }

    /// The roles that may appear in an organization.
    pub fn organization_roles(&self, all: Vec<RoleRef>) -> Vec<RoleRef> {
        let mut roles: Vec<RoleRef> = all
            .into_iter()
            .filter(|r| !self.is_global(&r.name))
            .collect();
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        roles
    }

    /// What `persona`, holding `held` (role names) in the organization, may
    /// grant or take away there.
    pub fn grantable(
        &self,
        persona: Persona,
        organization_roles: &[RoleRef],
        held: &[String],
    ) -> Vec<RoleRef> {
        match persona {
            Persona::Staff => organization_roles.to_vec(),
            Persona::CustomerAdmin => {
                let held: BTreeSet<&str> = held.iter().map(String::as_str).collect();
                organization_roles
                    .iter()
                    .filter(|r| {
                        self.delegable.iter().any(|d| d == &r.name)
                            && held.contains(r.name.as_str())
                    })
                    .cloned()
                    .collect()
            }
            Persona::HelpDesk | Persona::Member => Vec::new(),
        }
    }

    /// The first role that puts a person above what `persona` may change:
    /// for a customer admin, any role of `held` (in the organization, or
    /// tenant-wide) that is not among the roles they may grant there
    /// (`grantable`). Staff are not limited; neither is the help desk, whose
    /// few changes each carry a written reason. Every change to a member goes
    /// through this one check (see `members::reach`).
    pub fn above_ceiling<'a>(
        &self,
        persona: Persona,
        grantable: &[RoleRef],
        held: &'a [String],
    ) -> Option<&'a str> {
        if !has_ceiling(persona) {
            return None;
        }
        held.iter()
            .find(|name| !grantable.iter().any(|r| &r.name == *name))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str) -> RoleRef {
        RoleRef {
            id: format!("rol_{name}"),
            name: name.into(),
        }
    }

    fn rules() -> RoleRules {
        RoleRules {
            staff: "Orgdesk Staff".into(),
            help_desk: "Orgdesk Help Desk".into(),
            org_admin: "Org Admin".into(),
            delegable: vec![
                "Org Admin".into(),
                "Org Member".into(),
                "Billing Viewer".into(),
            ],
        }
    }

    fn names(roles: &[RoleRef]) -> Vec<&str> {
        roles.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn global_roles_never_appear_in_an_organization() {
        let all = [
            "Orgdesk Staff",
            "Org Admin",
            "Orgdesk Help Desk",
            "Account Owner",
        ]
        .map(role)
        .to_vec();
        assert_eq!(
            names(&rules().organization_roles(all)),
            ["Account Owner", "Org Admin"]
        );
    }

    #[test]
    fn who_grants_what() {
        let r = rules();
        let org_roles = ["Account Owner", "Billing Viewer", "Org Admin", "Org Member"]
            .map(role)
            .to_vec();
        let held = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(&r.grantable(Persona::Staff, &org_roles, &[])),
            ["Account Owner", "Billing Viewer", "Org Admin", "Org Member"],
            "staff grant every organization role"
        );
        assert_eq!(
            names(&r.grantable(
                Persona::CustomerAdmin,
                &org_roles,
                &held(&["Org Admin", "Org Member", "Account Owner"])
            )),
            ["Org Admin", "Org Member"],
            "an admin grants delegable roles they hold; Account Owner is not delegable"
        );
        assert_eq!(
            names(&r.grantable(Persona::CustomerAdmin, &org_roles, &held(&["Org Admin"]))),
            ["Org Admin"],
            "not Billing Viewer, which they do not hold"
        );
        assert!(r.grantable(Persona::HelpDesk, &org_roles, &[]).is_empty());
        assert!(
            r.grantable(Persona::Member, &org_roles, &held(&["Org Member"]))
                .is_empty()
        );
    }

    #[test]
    fn a_customer_admin_reaches_only_people_whose_every_role_they_could_grant() {
        let r = rules();
        let grantable = ["Org Admin", "Org Member"].map(role).to_vec();
        let held = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        // (case, persona, the person's roles, the role above the ceiling)
        let cases: &[(&str, Persona, Vec<String>, Option<&str>)] = &[
            (
                "within: only roles the admin grants",
                Persona::CustomerAdmin,
                held(&["Org Admin", "Org Member"]),
                None,
            ),
            ("no roles at all", Persona::CustomerAdmin, vec![], None),
            (
                "a role only staff grant",
                Persona::CustomerAdmin,
                held(&["Org Admin", "Account Owner"]),
                Some("Account Owner"),
            ),
            (
                "a delegable role the admin does not hold",
                Persona::CustomerAdmin,
                held(&["Billing Viewer"]),
                Some("Billing Viewer"),
            ),
            (
                "a tenant-wide role",
                Persona::CustomerAdmin,
                held(&["Org Member", "Orgdesk Staff"]),
                Some("Orgdesk Staff"),
            ),
            (
                "staff are not limited",
                Persona::Staff,
                held(&["Account Owner", "Orgdesk Staff"]),
                None,
            ),
        ];
        for (case, persona, roles, above) in cases {
            assert_eq!(
                r.above_ceiling(*persona, &grantable, roles),
                *above,
                "{case}"
            );
        }
    }
}
