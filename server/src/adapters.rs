//! The domain's ports, implemented with the Management API client.

mod connections;
mod discovery;

pub use discovery::SafeDiscovery;

use async_trait::async_trait;
use orgdesk_domain::{
    GlobalRole, OrgRef, Principal,
    ports::{
        Branding, Connection, Connections, IdentityProvider, Invitation, Member, NewInvitation,
        Organization, OrganizationFields, People, Person, PortError, RoleRef,
    },
};
use orgdesk_management::{
    ManagementClient, ManagementError, NewEnabledConnection, NewOrganization, OrganizationUpdate,
};

/// The identity provider behind the Management API (Auth0 or the built-in one).
#[derive(Clone)]
pub struct ManagementApi {
    pub client: ManagementClient,
}

pub(crate) fn port_error(error: ManagementError) -> PortError {
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
    let branding = org.branding.map(|b| {
        let colors = b.colors;
        Branding {
            logo_url: b.logo_url,
            primary: colors.as_ref().map(|c| c.primary.clone()),
            page_background: colors.and_then(|c| c.page_background),
        }
    });
    Organization {
        id: org.id,
        name: org.name,
        display_name: org.display_name,
        metadata: org.metadata,
        branding: branding.unwrap_or_default(),
    }
}

/// Auth0's `branding` body: `null` when nothing is set; colors only with a
/// primary color (Auth0 requires it), the default one when only the
/// background is chosen.
fn branding_body(branding: &Branding) -> Option<orgdesk_management::Branding> {
    if *branding == Branding::default() {
        return None;
    }
    let colors = (branding.primary.is_some() || branding.page_background.is_some()).then(|| {
        orgdesk_management::Colors {
            primary: branding
                .primary
                .clone()
                .unwrap_or_else(|| orgdesk_brand::DEFAULT_PRIMARY.to_owned()),
            page_background: branding.page_background.clone(),
        }
    });
    Some(orgdesk_management::Branding {
        logo_url: branding.logo_url.clone(),
        colors,
    })
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
            enabled_connections: fields
                .enabled_connections
                .iter()
                .map(|e| {
                    let flags = connections::api_flags(e.strategy(), e.flags);
                    NewEnabledConnection {
                        connection_id: e.connection_id.clone(),
                        assign_membership_on_login: flags.assign_membership_on_login,
                        show_as_button: flags.show_as_button,
                        is_signup_enabled: flags.is_signup_enabled,
                    }
                })
                .collect(),
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
            branding: None,
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

    async fn set_branding(&self, id: &str, branding: &Branding) -> Result<Organization, PortError> {
        let update = OrganizationUpdate {
            branding: Some(branding_body(branding)),
            ..Default::default()
        };
        self.client
            .update_organization(id, &update)
            .await
            .map(organization)
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

/// The role names that make personas, and which roles customer admins may grant.
pub type RoleNames = orgdesk_domain::roles::RoleRules;

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
            organization: None,
        })
    }
}

fn role_ref(role: orgdesk_management::Role) -> RoleRef {
    RoleRef {
        id: role.id,
        name: role.name,
    }
}

fn org_ref(org: orgdesk_management::Organization) -> OrgRef {
    OrgRef {
        id: org.id,
        name: org.name,
        display_name: org.display_name,
    }
}

fn person(user: orgdesk_management::User) -> Person {
    Person {
        user_id: user.user_id,
        email: user.email,
        name: user.name,
    }
}

/// Auth0 writes times as ISO 8601 (`2026-11-23T10:00:00.000Z`).
fn epoch_ms(iso: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(iso)
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

fn invitation(inv: orgdesk_management::Invitation) -> Invitation {
    Invitation {
        id: inv.id,
        org_id: inv.organization_id,
        inviter_name: inv.inviter.name,
        email: inv.invitee.email,
        role_ids: inv.roles,
        connection_id: inv.connection_id,
        invitation_url: inv.invitation_url,
        created_at_ms: epoch_ms(&inv.created_at),
        expires_at_ms: epoch_ms(&inv.expires_at),
    }
}

/// People, members, roles and invitations through the Management API. The
/// invitations' application is the console (its login URI is where an
/// invitation link lands).
#[derive(Clone)]
pub struct ManagementPeople {
    pub api: ManagementApi,
    pub invitation_client_id: String,
}

#[async_trait]
impl People for ManagementPeople {
    async fn users_by_email(&self, email: &str) -> Result<Vec<Person>, PortError> {
        let users = self
            .api
            .client
            .users_by_email(email)
            .await
            .map_err(port_error)?;
        Ok(users.into_iter().map(person).collect())
    }

    async fn user(&self, user_id: &str) -> Result<Person, PortError> {
        self.api
            .client
            .user(user_id)
            .await
            .map(person)
            .map_err(port_error)
    }

    async fn user_organizations(&self, user_id: &str) -> Result<Vec<OrgRef>, PortError> {
        let orgs = self
            .api
            .client
            .user_organizations(user_id)
            .await
            .map_err(port_error)?;
        Ok(orgs.into_iter().map(org_ref).collect())
    }

    async fn user_roles(&self, user_id: &str) -> Result<Vec<RoleRef>, PortError> {
        let roles = self
            .api
            .client
            .user_roles(user_id)
            .await
            .map_err(port_error)?;
        Ok(roles.into_iter().map(role_ref).collect())
    }

    async fn enabled_connection_settings(
        &self,
        org_id: &str,
    ) -> Result<Vec<Connection>, PortError> {
        // At most ten (Auth0's limit per organization): one read each.
        let mut settings = Vec::new();
        for enabled in self.api.enabled_connections(org_id).await? {
            settings.push(self.api.connection(&enabled.connection_id).await?);
        }
        Ok(settings)
    }

    async fn roles(&self) -> Result<Vec<RoleRef>, PortError> {
        let roles = self.api.client.roles().await.map_err(port_error)?;
        Ok(roles.into_iter().map(role_ref).collect())
    }

    async fn member_roles(&self, org_id: &str, user_id: &str) -> Result<Vec<RoleRef>, PortError> {
        let roles = self
            .api
            .client
            .member_roles(org_id, user_id)
            .await
            .map_err(port_error)?;
        Ok(roles.into_iter().map(role_ref).collect())
    }

    async fn members_page(
        &self,
        org_id: &str,
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<Member>, Option<String>), PortError> {
        let page = self
            .api
            .client
            .members_page(org_id, from, take, true)
            .await
            .map_err(port_error)?;
        let members = page
            .members
            .into_iter()
            .map(|m| Member {
                user_id: m.user_id,
                email: m.email,
                name: m.name,
                roles: m.roles.into_iter().map(|r| r.name).collect(),
            })
            .collect();
        Ok((members, page.next))
    }

    async fn add_members(&self, org_id: &str, user_ids: &[String]) -> Result<(), PortError> {
        self.api
            .client
            .add_members(org_id, user_ids)
            .await
            .map_err(port_error)
    }

    async fn remove_members(&self, org_id: &str, user_ids: &[String]) -> Result<(), PortError> {
        self.api
            .client
            .remove_members(org_id, user_ids)
            .await
            .map_err(port_error)
    }

    async fn assign_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), PortError> {
        self.api
            .client
            .assign_member_roles(org_id, user_id, role_ids)
            .await
            .map_err(port_error)
    }

    async fn remove_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), PortError> {
        self.api
            .client
            .remove_member_roles(org_id, user_id, role_ids)
            .await
            .map_err(port_error)
    }

    async fn invitations(&self, org_id: &str) -> Result<Vec<Invitation>, PortError> {
        let all = self
            .api
            .client
            .invitations(org_id)
            .await
            .map_err(port_error)?;
        Ok(all.into_iter().map(invitation).collect())
    }

    async fn invitation(&self, org_id: &str, id: &str) -> Result<Invitation, PortError> {
        self.api
            .client
            .invitation(org_id, id)
            .await
            .map(invitation)
            .map_err(port_error)
    }

    async fn create_invitation(
        &self,
        org_id: &str,
        new: &NewInvitation,
    ) -> Result<Invitation, PortError> {
        let body = orgdesk_management::NewInvitation {
            inviter: orgdesk_management::Inviter {
                name: new.inviter_name.clone(),
            },
            invitee: orgdesk_management::Invitee {
                email: new.email.clone(),
            },
            client_id: self.invitation_client_id.clone(),
            connection_id: new.connection_id.clone(),
            ttl_sec: Some(new.ttl_sec),
            roles: new.role_ids.clone(),
            send_invitation_email: true,
        };
        self.api
            .client
            .create_invitation(org_id, &body)
            .await
            .map(invitation)
            .map_err(port_error)
    }

    async fn delete_invitation(&self, org_id: &str, id: &str) -> Result<(), PortError> {
        self.api
            .client
            .delete_invitation(org_id, id)
            .await
            .map_err(port_error)
    }
}
