//! Who acts: a signed-in person, with the roles the identity provider gives
//! them, and the persona they act as in a given organization.

use serde::{Deserialize, Serialize};

/// A role held outside organizations that makes a person Orgdesk staff or help desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GlobalRole {
    Staff,
    HelpDesk,
}

/// The persona a person acts as in one organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Persona {
    Staff,
    HelpDesk,
    CustomerAdmin,
    Member,
}

impl Persona {
    pub fn label(self) -> &'static str {
        match self {
            Persona::Staff => "staff",
            Persona::HelpDesk => "help desk",
            Persona::CustomerAdmin => "customer admin",
            Persona::Member => "member",
        }
    }
}

/// An organization as a principal knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRef {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
}

/// A signed-in person, as the identity provider described them at sign-in.
/// Nothing the browser sends changes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub global_role: Option<GlobalRole>,
    /// Organizations in which they hold the organization admin role.
    pub admin_of: Vec<OrgRef>,
    /// Organizations in which they are a member without it.
    pub member_of: Vec<OrgRef>,
    /// The organization this sign-in is for (the ID token's `org_id`). Outside
    /// a global role, a person acts only in it; switching is a new sign-in.
    #[serde(default)]
    pub organization: Option<OrgRef>,
}

impl Principal {
    /// The persona outside any one organization (staff or help desk), if any.
    pub fn global_persona(&self) -> Option<Persona> {
        self.global_role.map(|role| match role {
            GlobalRole::Staff => Persona::Staff,
            GlobalRole::HelpDesk => Persona::HelpDesk,
        })
    }

    /// The persona in an organization: a global role applies everywhere;
    /// otherwise their role in the organization they signed in to; none in
    /// any other (including their other organizations, until they switch).
    pub fn persona_in(&self, org_id: &str) -> Option<Persona> {
        self.global_persona().or_else(|| {
            if self.organization.as_ref().is_none_or(|o| o.id != org_id) {
                None
            } else if self.admin_of.iter().any(|o| o.id == org_id) {
                Some(Persona::CustomerAdmin)
            } else if self.member_of.iter().any(|o| o.id == org_id) {
                Some(Persona::Member)
            } else {
                None
            }
        })
    }

    /// Every organization they belong to without a global role, by name:
    /// where they may switch to.
    pub fn organizations(&self) -> Vec<OrgRef> {
        let mut all: Vec<OrgRef> = self
            .admin_of
            .iter()
            .chain(&self.member_of)
            .cloned()
            .collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// The persona to show: global, else customer admin of some organization.
    pub fn headline_persona(&self) -> Option<Persona> {
        let in_organizations = if !self.admin_of.is_empty() {
            Some(Persona::CustomerAdmin)
        } else if !self.member_of.is_empty() {
            Some(Persona::Member)
        } else {
            None
        };
        self.global_persona().or(in_organizations)
    }
}
