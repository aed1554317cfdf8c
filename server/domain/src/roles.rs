//! Which roles the console shows and who may grant them.
//!
//! Staff and help-desk roles are global: they are never shown in an
//! organization nor granted there. Staff grant any other role; a customer
//! admin grants only roles marked delegable that they hold themselves.

use std::collections::BTreeSet;

use crate::{Persona, ports::RoleRef};

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
}
