//! Members of an organization and their roles: listing (from the member
//! directory, kept in line with the identity provider), adding existing
//! people, removing, and assigning or unassigning roles, within the
//! delegation rules and never leaving an organization without an admin.

mod reach;
mod sync;

use std::sync::Arc;

use serde_json::json;

pub use reach::{invite_instead, vouched_domains};
pub use sync::MemberSync;

use crate::{
    Persona, ServiceError,
    organizations::{Context, Page},
    permissions::*,
    ports::{
        AuditLog, IdentityProvider, Member, MemberDirectory, MemberQuery, Organization, People,
        Person,
    },
    reason::reason_for,
    roles::{RoleChoices, RoleRules},
    service::{Change, audited, internal, load_for, parse_emails, port_error},
};

/// At most this many people are added in one request.
pub const MAX_ADD: usize = 50;
const MAX_PAGE: u32 = 100;

/// A page of members, as the caller may see them.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberList {
    pub organization: Organization,
    pub persona: Persona,
    pub members: Page<Member>,
    pub roles: RoleChoices,
    /// When the member directory last read every member (ms).
    pub synced_at_ms: Option<i64>,
}

#[derive(Clone)]
pub struct MemberService {
    orgs: Arc<dyn IdentityProvider>,
    people: Arc<dyn People>,
    directory: Arc<dyn MemberDirectory>,
    audit: Arc<dyn AuditLog>,
    rules: RoleRules,
    sync: MemberSync,
}

fn conflict(error: crate::ports::PortError) -> ServiceError {
    port_error(error, "The identity provider refused the change.")
}

/// The cursor after a member: their email and id.
fn cursor(member: &Member) -> String {
    format!("{}\u{1f}{}", member.email, member.user_id)
}

fn parse_cursor(cursor: &str) -> Option<(String, String)> {
    cursor
        .split_once('\u{1f}')
        .map(|(email, id)| (email.to_owned(), id.to_owned()))
}

impl MemberService {
    pub fn new(
        orgs: Arc<dyn IdentityProvider>,
        people: Arc<dyn People>,
        directory: Arc<dyn MemberDirectory>,
        audit: Arc<dyn AuditLog>,
        rules: RoleRules,
    ) -> Self {
        let sync = MemberSync::new(people.clone(), directory.clone());
        Self {
            orgs,
            people,
            directory,
            audit,
            rules,
            sync,
        }
    }

    /// Reads the whole member list of an organization into the directory.
    pub fn sync(&self) -> &MemberSync {
        &self.sync
    }

    async fn load_for(
        &self,
        cx: Context<'_>,
        org_id: &str,
        permission: crate::Permission,
    ) -> Result<(Organization, Persona), ServiceError> {
        load_for(
            &*self.orgs,
            &*self.audit,
            cx,
            org_id,
            MEMBERS_READ,
            permission,
            conflict,
        )
        .await
    }

    async fn role_choices(
        &self,
        cx: Context<'_>,
        org_id: &str,
        persona: Persona,
    ) -> Result<RoleChoices, ServiceError> {
        let principal = cx.principal.expect("checked");
        RoleChoices::load(&*self.people, &self.rules, principal, org_id, persona)
            .await
            .map_err(conflict)
    }

    async fn role_names(&self, org_id: &str, user_id: &str) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .people
            .member_roles(org_id, user_id)
            .await
            .map_err(conflict)?
            .into_iter()
            .map(|r| r.name)
            .collect())
    }

    /// A page of members by email: those whose email or name contains
    /// `text`, holding `role` when one is given.
    pub async fn list(
        &self,
        cx: Context<'_>,
        org_id: &str,
        text: &str,
        role: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<MemberList, ServiceError> {
        let (organization, persona) = self.load_for(cx, org_id, MEMBERS_READ).await?;
        let synced_at_ms = self.sync.ensure(&organization.id).await?;
        let limit = limit.clamp(1, MAX_PAGE);
        let query = MemberQuery {
            text: text.trim().to_lowercase(),
            role: role.filter(|r| !r.is_empty()).map(str::to_owned),
            after: after.and_then(parse_cursor),
            limit: limit + 1,
        };
        let mut items = self
            .directory
            .search(&organization.id, &query)
            .await
            .map_err(internal)?;
        for member in &mut items {
            member.roles.retain(|r| !self.rules.is_global(r));
        }
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(cursor)
        } else {
            None
        };
        let roles = self.role_choices(cx, &organization.id, persona).await?;
        Ok(MemberList {
            organization,
            persona,
            members: Page { items, next },
            roles,
            synced_at_ms,
        })
    }

    /// Adds existing people, by email, with the roles given. Staff add
    /// anyone with an account; a customer admin only people provably the
    /// organization's (see [`reach`]). Every email must be addable and every
    /// role grantable, or nothing changes.
    pub async fn add(
        &self,
        cx: Context<'_>,
        org_id: &str,
        emails: &str,
        role_ids: &[String],
    ) -> Result<Vec<Member>, ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, MEMBERS_ADD).await?;
        let emails = parse_emails(emails, MAX_ADD)?;
        let choices = self.role_choices(cx, &org.id, persona).await?;
        let roles = choices.pick(role_ids)?;
        let addable = self.addable(&org.id, persona, &choices, &emails).await?;
        let people: Vec<Person> = addable.iter().map(|a| a.person().clone()).collect();
        // Who is new: only they are taken out again if a later step fails.
        let new_ids: Vec<String> = addable
            .iter()
            .filter(|a| a.is_new())
            .map(|a| a.person().user_id.clone())
            .collect();
        let role_ids: Vec<String> = roles.iter().map(|r| r.id.clone()).collect();
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "members.add",
            before: None,
            reason: None,
        };
        let people_ref = &people;
        let added = audited(
            &self.audit,
            change,
            async {
                self.people
                    .add_members(&org.id, &people_ref.iter().map(|p| p.user_id.clone()).collect::<Vec<_>>())
                    .await
                    .map_err(conflict)?;
                if !role_ids.is_empty() {
                    for person in people_ref {
                        if let Err(e) = self
                            .people
                            .assign_member_roles(&org.id, &person.user_id, &role_ids)
                            .await
                        {
                            // Undo: the new members leave again.
                            if let Err(undo) = self.people.remove_members(&org.id, &new_ids).await {
                                tracing::error!(error = %undo, org = %org.id, "could not undo a partial add");
                            }
                            return Err(conflict(e));
                        }
                    }
                }
                let mut added = Vec::new();
                for person in people_ref {
                    let roles = self.role_names(&org.id, &person.user_id).await?;
                    added.push(Member {
                        user_id: person.user_id.clone(),
                        email: person.email.clone(),
                        name: person.name.clone(),
                        roles,
                    });
                }
                Ok(added)
            },
            |added: &Vec<Member>| {
                Some(json!({
                    "members": added.iter().map(|m| json!({"user_id": m.user_id, "email": m.email, "roles": m.roles})).collect::<Vec<_>>()
                }))
            },
        )
        .await?;
        self.directory
            .upsert_members(&org.id, &added)
            .await
            .map_err(internal)?;
        Ok(added)
    }

    /// Removes a member. A customer admin may not remove someone holding a
    /// role that is not delegable (above any customer admin); nobody removes
    /// an organization's last admin.
    pub async fn remove(
        &self,
        cx: Context<'_>,
        org_id: &str,
        user_id: &str,
        reason: Option<&str>,
    ) -> Result<(), ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, MEMBERS_REMOVE).await?;
        let reason = reason_for(persona, MEMBERS_REMOVE, reason)?;
        let choices = self.role_choices(cx, &org.id, persona).await?;
        let member = self.in_reach(&org.id, persona, &choices, user_id).await?;
        let (user_id, held) = (member.user_id(), member.roles());
        if held.contains(&self.rules.org_admin) {
            self.keep_an_admin(&org, user_id).await?;
        }
        let (email, _) = self.person(user_id).await;
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "member.remove",
            before: Some(json!({"user_id": user_id, "email": email, "roles": held})),
            reason,
        };
        audited(
            &self.audit,
            change,
            async {
                self.people
                    .remove_members(&org.id, &[user_id.to_owned()])
                    .await
                    .map_err(conflict)
            },
            |_| None,
        )
        .await?;
        self.directory
            .remove_member(&org.id, user_id)
            .await
            .map_err(internal)
    }

    /// Gives a member a role.
    pub async fn assign_role(
        &self,
        cx: Context<'_>,
        org_id: &str,
        user_id: &str,
        role_id: &str,
    ) -> Result<Member, ServiceError> {
        self.change_role(cx, org_id, user_id, role_id, true).await
    }

    /// Takes a role from a member.
    pub async fn unassign_role(
        &self,
        cx: Context<'_>,
        org_id: &str,
        user_id: &str,
        role_id: &str,
    ) -> Result<Member, ServiceError> {
        self.change_role(cx, org_id, user_id, role_id, false).await
    }

    async fn change_role(
        &self,
        cx: Context<'_>,
        org_id: &str,
        user_id: &str,
        role_id: &str,
        assign: bool,
    ) -> Result<Member, ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, MEMBER_ROLES_CHANGE).await?;
        let choices = self.role_choices(cx, &org.id, persona).await?;
        let member = self.in_reach(&org.id, persona, &choices, user_id).await?;
        let role = choices.pick(&[role_id.to_owned()])?.remove(0);
        let (user_id, before) = (member.user_id(), member.roles().to_vec());
        if !assign && role.name == self.rules.org_admin && before.contains(&role.name) {
            self.keep_an_admin(&org, user_id).await?;
        }
        let (email, name) = self.person(user_id).await;
        let change = Change {
            cx,
            persona,
            org: &org,
            action: if assign {
                "member.role.assign"
            } else {
                "member.role.unassign"
            },
            before: Some(json!({"user_id": user_id, "email": email, "roles": before})),
            reason: None,
        };
        let ids = [role.id.clone()];
        let member = audited(
            &self.audit,
            change,
            async {
                if assign {
                    self.people
                        .assign_member_roles(&org.id, user_id, &ids)
                        .await
                } else {
                    self.people
                        .remove_member_roles(&org.id, user_id, &ids)
                        .await
                }
                .map_err(conflict)?;
                let roles = self.role_names(&org.id, user_id).await?;
                Ok(Member {
                    user_id: user_id.to_owned(),
                    email: email.clone(),
                    name: name.clone(),
                    roles,
                })
            },
            |m: &Member| Some(json!({"user_id": m.user_id, "email": m.email, "roles": m.roles})),
        )
        .await?;
        self.directory
            .upsert_members(&org.id, std::slice::from_ref(&member))
            .await
            .map_err(internal)?;
        Ok(member)
    }

    /// Refuses when `leaving` is the organization's only admin.
    async fn keep_an_admin(&self, org: &Organization, leaving: &str) -> Result<(), ServiceError> {
        self.sync.ensure(&org.id).await?;
        let candidates = self
            .directory
            .with_role(&org.id, &self.rules.org_admin, 25)
            .await
            .map_err(internal)?;
        for candidate in candidates.iter().filter(|c| c.as_str() != leaving) {
            // The directory may lag: ask the identity provider.
            match self.role_names(&org.id, candidate).await {
                Ok(roles) if roles.contains(&self.rules.org_admin) => return Ok(()),
                Ok(_) | Err(ServiceError::NotFound) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict(format!(
            "{} must keep at least one admin: make someone else {} first.",
            org.display_name.as_deref().unwrap_or(&org.name),
            self.rules.org_admin
        )))
    }

    /// A member's email and name, for the log and the directory.
    async fn person(&self, user_id: &str) -> (String, String) {
        match self.people.user(user_id).await {
            Ok(person) => (person.email, person.name),
            Err(error) => {
                tracing::warn!(%error, "member lookup");
                (String::new(), String::new())
            }
        }
    }
}
