//! The domain's ports, implemented with the Management API client.

use async_trait::async_trait;
use orgdesk_domain::{
    GlobalRole, OrgRef, Principal,
    ports::{IdentityProvider, Organization, OrganizationFields, PortError},
};
use orgdesk_management::{ManagementClient, ManagementError, NewOrganization, OrganizationUpdate};

/// The identity provider behind the Management API (Auth0 or the built-in one).
#[derive(Clone)]
pub struct ManagementApi {
    pub client: ManagementClient,
}

fn port_error(error: ManagementError) -> PortError {
    match error {
        ManagementError::NotFound { .. } => PortError::NotFound,
        ManagementError::Conflict { message } => PortError::Conflict(message),
        ManagementError::Invalid { message, .. } => PortError::Invalid(message),
        ManagementError::Unavailable(cause) => PortError::Unavailable(cause),
        ManagementError::RateLimited => PortError::Unavailable("rate limited".into()),
        other => PortError::Other(other.to_string()),
    }
}

fn organization(org: orgdesk_management::Organization) -> Organization {
    Organization {
        id: org.id,
        name: org.name,
        display_name: org.display_name,
        metadata: org.metadata,
    }
}

#[async_trait]
impl IdentityProvider for ManagementApi {
    async fn organization(&self, id: &str) -> Result<Organization, PortError> {
        self.client
            .organization(id)
            .await
            .map(organization)
            .map_err(port_error)
    }

    async fn create_organization(
        &self,
        fields: &OrganizationFields,
    ) -> Result<Organization, PortError> {
        let new = NewOrganization {
            name: fields.name.clone().unwrap_or_default(),
            display_name: fields.display_name.clone(),
            metadata: fields.metadata.clone().unwrap_or_default(),
        };
        self.client
            .create_organization(&new)
            .await
            .map(organization)
            .map_err(port_error)
    }

    async fn update_organization(
        &self,
        id: &str,
        fields: &OrganizationFields,
    ) -> Result<Organization, PortError> {
        let update = OrganizationUpdate {
            name: fields.name.clone(),
            display_name: fields.display_name.clone(),
            metadata: fields.metadata.clone(),
        };
        self.client
            .update_organization(id, &update)
            .await
            .map(organization)
            .map_err(port_error)
    }

    async fn delete_organization(&self, id: &str) -> Result<(), PortError> {
        self.client
            .delete_organization(id)
            .await
            .map_err(port_error)
    }

    async fn organizations_page(
        &self,
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<Organization>, Option<String>), PortError> {
        let page = self
            .client
            .organizations_page(from, take)
            .await
            .map_err(port_error)?;
        Ok((
            page.organizations.into_iter().map(organization).collect(),
            page.next,
        ))
    }
}

/// The role names that make personas.
#[derive(Clone, Debug)]
pub struct RoleNames {
    pub staff: String,
    pub help_desk: String,
    pub org_admin: String,
}

impl ManagementApi {
    /// Who a signed-in person is, from the identity provider alone: their
    /// global roles, and their roles in each organization they belong to.
    pub async fn principal(
        &self,
        user_id: &str,
        email: &str,
        name: &str,
        roles: &RoleNames,
    ) -> Result<Principal, ManagementError> {
        let global: Vec<String> = self
            .client
            .user_roles(user_id)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect();
        let global_role = if global.contains(&roles.staff) {
            Some(GlobalRole::Staff)
        } else if global.contains(&roles.help_desk) {
            Some(GlobalRole::HelpDesk)
        } else {
            None
        };
        let mut admin_of = Vec::new();
        let mut member_of = Vec::new();
        for org in self.client.user_organizations(user_id).await? {
            let org_roles = self.client.member_roles(&org.id, user_id).await?;
            let reference = OrgRef {
                id: org.id,
                name: org.name,
                display_name: org.display_name,
            };
            if org_roles.iter().any(|r| r.name == roles.org_admin) {
                admin_of.push(reference);
            } else {
                member_of.push(reference);
            }
        }
        Ok(Principal {
            user_id: user_id.to_owned(),
            email: email.to_owned(),
            name: name.to_owned(),
            global_role,
            admin_of,
            member_of,
        })
    }
}
