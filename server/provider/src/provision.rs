//! Provisioning: clients, roles, users and organizations described in
//! configuration, created or brought in line with it. Applying the same
//! description twice changes nothing the second time.

use orgdesk_config::Secret;
use serde::Deserialize;

use crate::{
    ClientSpec, ProviderState, clients, ids, password,
    store::{
        organizations::{self, Organization, WriteError},
        users,
    },
};

/// Everything provisioning can create.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Provisioning {
    pub clients: Vec<ClientSpec>,
    pub roles: Vec<RoleSpec>,
    pub users: Vec<UserSpec>,
    pub organizations: Vec<OrganizationSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// A person who signs in with a password.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub email: String,
    pub name: String,
    /// Set (or reset) the password; none keeps the current one.
    pub password: Option<Secret>,
    /// Roles held outside any organization (such as the console's staff role).
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSpec {
    pub name: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub members: Vec<MemberSpec>,
}

/// A user (by email, provisioned above) and their roles in the organization.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    pub email: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Why provisioning stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("provisioning names role {0:?}, which is not provisioned")]
    UnknownRole(String),
    #[error("provisioning names member {0:?}, who is not a provisioned user")]
    UnknownUser(String),
    #[error(
        "client {0:?}: initiate_login_uri must be an https URL without a fragment (http only on localhost)"
    )]
    InvalidLoginUri(String),
    #[error("provisioning: {0}")]
    Db(#[from] sqlx::Error),
}

impl ProviderState {
    /// Applies a provisioning description. A description that names a role or
    /// member it does not provision is refused before anything is written.
    pub async fn apply(&self, p: &Provisioning) -> Result<(), ProvisionError> {
        p.check()?;
        let db = &self.db;
        let audience = self.issuer.management_audience();
        for client in &p.clients {
            clients::upsert(db, client, &audience).await?;
        }
        let mut role_ids = std::collections::HashMap::new();
        for role in &p.roles {
            let id = users::ensure_role(db, &role.name, &role.description).await?;
            role_ids.insert(role.name.clone(), id);
        }
        let ids_of = |names: &[String]| -> Result<Vec<String>, ProvisionError> {
            names
                .iter()
                .map(|n| {
                    role_ids
                        .get(n)
                        .cloned()
                        .ok_or_else(|| ProvisionError::UnknownRole(n.clone()))
                })
                .collect()
        };
        let mut user_ids = std::collections::HashMap::new();
        for user in &p.users {
            let hash = match &user.password {
                Some(secret) => Some(password::hash(secret.expose().to_owned()).await),
                None => None,
            };
            let id = users::upsert(db, &user.email, &user.name, true, hash.as_deref()).await?;
            users::set_global_roles(db, &id, &ids_of(&user.roles)?).await?;
            user_ids.insert(users::normalize_email(&user.email), id);
        }
        for spec in &p.organizations {
            let org = self.ensure_organization(spec).await?;
            for member in &spec.members {
                let user_id = user_ids
                    .get(&users::normalize_email(&member.email))
                    .ok_or_else(|| ProvisionError::UnknownUser(member.email.clone()))?;
                users::set_membership(db, &org.id, user_id, &ids_of(&member.roles)?).await?;
            }
        }
        Ok(())
    }

    async fn ensure_organization(
        &self,
        spec: &OrganizationSpec,
    ) -> Result<Organization, ProvisionError> {
        if let Some(mut org) = organizations::by_name(&self.db, &spec.name).await? {
            if org.display_name != spec.display_name {
                org.display_name = spec.display_name.clone();
                organizations::update(&self.db, &org)
                    .await
                    .map_err(write_error)?;
            }
            return Ok(org);
        }
        let org = Organization {
            id: ids::organization_id(),
            name: spec.name.clone(),
            display_name: spec.display_name.clone(),
            branding: None,
            metadata: Default::default(),
        };
        organizations::insert(&self.db, &org)
            .await
            .map_err(write_error)?;
        Ok(org)
    }
}

impl Provisioning {
    /// Every role and member named is provisioned here too, and clients'
    /// login URIs are URLs an invitation link can start from.
    pub fn check(&self) -> Result<(), ProvisionError> {
        if let Some(client) = self.clients.iter().find(|c| !c.login_uri_is_valid()) {
            return Err(ProvisionError::InvalidLoginUri(client.client_id.clone()));
        }
        let role = |name: &String| {
            if self.roles.iter().any(|r| &r.name == name) {
                Ok(())
            } else {
                Err(ProvisionError::UnknownRole(name.clone()))
            }
        };
        for user in &self.users {
            user.roles.iter().try_for_each(role)?;
        }
        for org in &self.organizations {
            for member in &org.members {
                let known = self.users.iter().any(|u| {
                    users::normalize_email(&u.email) == users::normalize_email(&member.email)
                });
                if !known {
                    return Err(ProvisionError::UnknownUser(member.email.clone()));
                }
                member.roles.iter().try_for_each(role)?;
            }
        }
        Ok(())
    }
}

fn write_error(error: WriteError) -> ProvisionError {
    match error {
        WriteError::Db(e) => ProvisionError::Db(e),
        // Names are looked up first; a race with another writer is a database error.
        WriteError::NameTaken => ProvisionError::Db(sqlx::Error::RowNotFound),
    }
}
