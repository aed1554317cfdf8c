//! Whom a caller reaches in an organization: the delegation rules that every
//! member-changing path goes through. A change to a member takes an
//! [`InReach`], an add takes [`Addable`]s, and only this file makes them,
//! after the checks: a path that skips them has nothing to write with.
//!
//! - A member is in reach when none of their roles (in the organization or
//!   tenant-wide) is above the caller's ceiling ([`RoleRules::above_ceiling`]).
//! - A person is addable directly by staff when they have an account; by
//!   anyone else only when they are provably the organization's
//!   ([`vouched_domains`]) and in reach. Everyone else is invited, and the
//!   refusal is the same sentence whether the address has an account or not.
//!
//! [`RoleRules::above_ceiling`]: crate::roles::RoleRules::above_ceiling

use std::collections::BTreeSet;

use crate::{
    Persona, ServiceError,
    ports::{Connection, Person, PortError},
    roles::{RoleChoices, has_ceiling},
};

use super::{MemberService, conflict};

/// A member the caller may change: their role names in the organization,
/// none above the caller's ceiling.
pub(super) struct InReach {
    user_id: String,
    roles: Vec<String>,
}

impl InReach {
    pub(super) fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Their role names in the organization before the change.
    pub(super) fn roles(&self) -> &[String] {
        &self.roles
    }
}

/// A person the caller may add directly, and whether they are a member already.
pub(super) struct Addable {
    person: Person,
    already_member: bool,
}

impl Addable {
    pub(super) fn person(&self) -> &Person {
        &self.person
    }

    pub(super) fn is_new(&self) -> bool {
        !self.already_member
    }
}

/// The email domains an organization's people provably have: the
/// `domain_aliases` of the enterprise connections it enables, which only
/// staff set (in the connection catalog). Verified domains will add theirs.
pub fn vouched_domains(enabled: &[Connection]) -> BTreeSet<String> {
    enabled
        .iter()
        .filter(|c| c.strategy.is_some_and(|s| s.is_enterprise()))
        .filter_map(|c| c.oidc.as_ref())
        .flat_map(|o| o.domain_aliases.iter().map(|d| d.trim().to_lowercase()))
        .filter(|d| !d.is_empty())
        .collect()
}

/// The domain of an (already checked, lower-case) email address.
fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// The one answer for every address a caller may not add directly, whether
/// it has an account (here or in another organization) or none.
pub fn invite_instead(emails: &[String]) -> ServiceError {
    ServiceError::invalid(
        "emails",
        format!(
            "{} can't be added directly: invite them instead.",
            emails.join(", ")
        ),
    )
}

impl MemberService {
    /// The member `user_id` of the organization, if the caller may change
    /// them; not found when they are not a member.
    pub(super) async fn in_reach(
        &self,
        org_id: &str,
        persona: Persona,
        choices: &RoleChoices,
        user_id: &str,
    ) -> Result<InReach, ServiceError> {
        let roles = self.role_names(org_id, user_id).await?;
        if let Some(above) = self
            .above_ceiling(persona, choices, user_id, &roles)
            .await?
        {
            return Err(ServiceError::invalid(
                "member",
                if self.rules.is_global(&above) {
                    "This member holds a role above what you may grant; ask Orgdesk staff."
                        .to_owned()
                } else {
                    format!("This member holds {above}, which only Orgdesk staff grant; ask them.")
                },
            ));
        }
        Ok(InReach {
            user_id: user_id.to_owned(),
            roles,
        })
    }

    /// The role, of the person's roles in the organization and tenant-wide,
    /// that is above the caller's ceiling, if any. Staff and the help desk
    /// are not limited (and cost no call).
    async fn above_ceiling(
        &self,
        persona: Persona,
        choices: &RoleChoices,
        user_id: &str,
        org_roles: &[String],
    ) -> Result<Option<String>, ServiceError> {
        if !has_ceiling(persona) {
            return Ok(None);
        }
        let mut held = org_roles.to_vec();
        match self.people.user_roles(user_id).await {
            Ok(roles) => held.extend(roles.into_iter().map(|r| r.name)),
            Err(PortError::NotFound) => {}
            Err(e) => return Err(conflict(e)),
        }
        Ok(self
            .rules
            .above_ceiling(persona, &choices.grantable, &held)
            .map(str::to_owned))
    }

    /// The people the caller may add directly, one per email, or a refusal
    /// naming the emails they may not (staff: the emails without an
    /// account; anyone else: [`invite_instead`] for every email that is not
    /// provably the organization's person and in reach).
    pub(super) async fn addable(
        &self,
        org_id: &str,
        persona: Persona,
        choices: &RoleChoices,
        emails: &[String],
    ) -> Result<Vec<Addable>, ServiceError> {
        let staff = persona == Persona::Staff;
        // Deny by default: only staff look up any address; for anyone else
        // an address outside the vouched domains is not even looked up.
        let vouched = if staff {
            BTreeSet::new()
        } else {
            vouched_domains(
                &self
                    .people
                    .enabled_connection_settings(org_id)
                    .await
                    .map_err(conflict)?,
            )
        };
        let mut addable = Vec::new();
        let mut refused = Vec::new();
        for email in emails {
            if !staff && !vouched.contains(domain_of(email)) {
                refused.push(email.clone());
                continue;
            }
            let person = self
                .people
                .users_by_email(email)
                .await
                .map_err(conflict)?
                .into_iter()
                .find(|p| p.email.eq_ignore_ascii_case(email));
            let Some(person) = person else {
                refused.push(email.clone());
                continue;
            };
            let org_roles = match self.people.member_roles(org_id, &person.user_id).await {
                Ok(roles) => Some(roles.into_iter().map(|r| r.name).collect::<Vec<_>>()),
                Err(PortError::NotFound) => None,
                Err(e) => return Err(conflict(e)),
            };
            let above = self
                .above_ceiling(
                    persona,
                    choices,
                    &person.user_id,
                    org_roles.as_deref().unwrap_or_default(),
                )
                .await?;
            if above.is_some() {
                refused.push(email.clone());
                continue;
            }
            addable.push(Addable {
                person,
                already_member: org_roles.is_some(),
            });
        }
        match (refused.is_empty(), staff) {
            (true, _) => Ok(addable),
            (false, true) => Err(ServiceError::invalid(
                "emails",
                format!(
                    "No account has the email {}. Invite them instead.",
                    refused.join(", ")
                ),
            )),
            (false, false) => Err(invite_instead(&refused)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{OidcSettings, Strategy};

    fn connection(strategy: Strategy, domains: &[&str]) -> Connection {
        Connection {
            id: "con_x".into(),
            name: "x".into(),
            display_name: None,
            strategy: Some(strategy),
            strategy_name: strategy.as_str().into(),
            oidc: (strategy == Strategy::Oidc).then(|| OidcSettings {
                domain_aliases: domains.iter().map(|d| d.to_string()).collect(),
                ..OidcSettings::default()
            }),
        }
    }

    #[test]
    fn only_enabled_enterprise_connections_vouch_for_domains() {
        assert_eq!(
            vouched_domains(&[
                connection(Strategy::Database, &[]),
                connection(
                    Strategy::Oidc,
                    &["MetaHexa.example", " bank.metahexa.example "]
                ),
            ]),
            BTreeSet::from(["bank.metahexa.example".into(), "metahexa.example".into()])
        );
        assert!(vouched_domains(&[connection(Strategy::Database, &[])]).is_empty());
        assert!(vouched_domains(&[]).is_empty());
    }

    #[test]
    fn the_refusal_is_one_sentence_for_every_address() {
        let known = invite_instead(&["staff@travel0.example".into()]);
        let unknown = invite_instead(&["nobody@nowhere.example".into()]);
        assert_eq!(
            known.to_string().replace("staff@travel0.example", "X"),
            unknown.to_string().replace("nobody@nowhere.example", "X")
        );
        assert!(matches!(known, ServiceError::Invalid { field: Some(f), .. } if f == "emails"));
    }
}
