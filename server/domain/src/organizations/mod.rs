//! The organization service: the only way server functions reach
//! organizations. Each method checks the policy for the organization it
//! acts on; writes are recorded in the audit log before the identity
//! provider is asked, and finished with the outcome.

pub mod rules;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::{
    OrgRef, Persona, Principal, ServiceError,
    audit::{NewEntry, Outcome},
    permissions::*,
    policy::check,
    ports::{AuditLog, Directory, IdentityProvider, Organization, OrganizationFields, PortError},
};

/// Who is asking, and in which request.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub principal: Option<&'a Principal>,
    pub request_id: &'a str,
}

/// One page of a list, and the cursor of the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[derive(Clone)]
pub struct OrganizationService {
    idp: Arc<dyn IdentityProvider>,
    directory: Arc<dyn Directory>,
    audit: Arc<dyn AuditLog>,
}

fn port_error(error: PortError) -> ServiceError {
    crate::service::port_error(error, "An organization with this name already exists.")
}

fn snapshot(org: &Organization) -> Value {
    json!({ "id": org.id, "name": org.name, "display_name": org.display_name, "metadata": org.metadata })
}

impl OrganizationService {
    pub fn new(
        idp: Arc<dyn IdentityProvider>,
        directory: Arc<dyn Directory>,
        audit: Arc<dyn AuditLog>,
    ) -> Self {
        Self {
            idp,
            directory,
            audit,
        }
    }

    /// Organizations whose name or display name contains `query`: every one
    /// for staff and help desk, a customer admin's own for them.
    pub async fn list(
        &self,
        cx: Context<'_>,
        query: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<OrgRef>, ServiceError> {
        let query = query.trim().to_lowercase();
        let mut items = match check(cx.principal, ORGANIZATIONS_BROWSE, None) {
            Ok(_) => self
                .directory
                .search(&query, after, limit + 1)
                .await
                .map_err(port_error)?,
            Err(denied) => {
                let principal = cx.principal.ok_or(ServiceError::from(denied))?;
                let mut own: Vec<OrgRef> = principal
                    .admin_of
                    .iter()
                    .filter(|o| {
                        matches_query(o, &query) && after.is_none_or(|a| o.name.as_str() > a)
                    })
                    .cloned()
                    .collect();
                own.sort_by(|a, b| a.name.cmp(&b.name));
                own.truncate(limit as usize + 1);
                own
            }
        };
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|o| o.name.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// One organization, and the persona the caller acts as there.
    pub async fn get(
        &self,
        cx: Context<'_>,
        id: &str,
    ) -> Result<(Organization, Persona), ServiceError> {
        self.load_for(cx, id, ORGANIZATION_READ).await
    }

    /// Loads an organization the caller may see (others are not found), then
    /// checks `permission` against the organization it loaded.
    async fn load_for(
        &self,
        cx: Context<'_>,
        id: &str,
        permission: crate::Permission,
    ) -> Result<(Organization, Persona), ServiceError> {
        crate::service::load_for(
            &*self.idp,
            &*self.audit,
            cx,
            id,
            ORGANIZATION_READ,
            permission,
            port_error,
        )
        .await
    }

    pub async fn create(
        &self,
        cx: Context<'_>,
        fields: OrganizationFields,
    ) -> Result<Organization, ServiceError> {
        let persona =
            crate::service::authorize(&*self.audit, cx, ORGANIZATION_CREATE, None).await?;
        let name = fields.name.as_deref().unwrap_or_default();
        rules::name(name)?;
        check_fields(&fields)?;
        let entry = self.entry(cx, persona, None, "organization.create", None);
        let audit_id = self.audit.begin(&entry).await.map_err(port_error)?;
        let result = self.idp.create_organization(&fields).await;
        self.finish(audit_id, result).await
    }

    /// Replaces the display name and the metadata.
    pub async fn update(
        &self,
        cx: Context<'_>,
        id: &str,
        fields: OrganizationFields,
    ) -> Result<Organization, ServiceError> {
        let (before, persona) = self.load_for(cx, id, ORGANIZATION_UPDATE).await?;
        check_fields(&fields)?;
        let fields = OrganizationFields {
            name: None,
            ..fields
        };
        let entry = self.entry(
            cx,
            persona,
            Some(&before),
            "organization.update",
            Some(snapshot(&before)),
        );
        let audit_id = self.audit.begin(&entry).await.map_err(port_error)?;
        let result = self.idp.update_organization(&before.id, &fields).await;
        self.finish(audit_id, result).await
    }

    /// Deletes an organization once the caller has typed its name.
    pub async fn delete(
        &self,
        cx: Context<'_>,
        id: &str,
        typed_name: &str,
    ) -> Result<(), ServiceError> {
        let (before, persona) = self.load_for(cx, id, ORGANIZATION_DELETE).await?;
        if typed_name != before.name {
            return Err(ServiceError::invalid(
                "confirm",
                format!("Type {} to confirm.", before.name),
            ));
        }
        let entry = self.entry(
            cx,
            persona,
            Some(&before),
            "organization.delete",
            Some(snapshot(&before)),
        );
        let audit_id = self.audit.begin(&entry).await.map_err(port_error)?;
        let result = self.idp.delete_organization(&before.id).await;
        match result {
            Ok(()) => {
                self.audit
                    .finish(audit_id, Outcome::Succeeded, None)
                    .await
                    .map_err(port_error)?;
                self.directory.remove(&before.id).await.map_err(port_error)
            }
            Err(error) => {
                self.audit
                    .finish(audit_id, Outcome::Failed, None)
                    .await
                    .map_err(port_error)?;
                Err(port_error(error))
            }
        }
    }

    fn entry(
        &self,
        cx: Context<'_>,
        persona: Persona,
        org: Option<&Organization>,
        action: &str,
        before: Option<Value>,
    ) -> NewEntry {
        let principal = cx.principal.expect("the policy admitted a principal");
        NewEntry {
            actor_user_id: principal.user_id.clone(),
            actor_email: principal.email.clone(),
            persona,
            org_id: org.map(|o| o.id.clone()),
            org_name: org.map(|o| o.name.clone()),
            action: action.into(),
            before,
            reason: None,
            request_id: cx.request_id.into(),
        }
    }

    /// Finishes the audit entry with the identity provider's answer and, on
    /// success, brings the directory in line.
    async fn finish(
        &self,
        audit_id: i64,
        result: Result<Organization, PortError>,
    ) -> Result<Organization, ServiceError> {
        match result {
            Ok(org) => {
                self.audit
                    .finish(audit_id, Outcome::Succeeded, Some(snapshot(&org)))
                    .await
                    .map_err(port_error)?;
                self.directory
                    .upsert(&org.as_ref())
                    .await
                    .map_err(port_error)?;
                Ok(org)
            }
            Err(error) => {
                self.audit
                    .finish(audit_id, Outcome::Failed, None)
                    .await
                    .map_err(port_error)?;
                Err(port_error(error))
            }
        }
    }
}

/// The display name and metadata within Auth0's limits.
fn check_fields(fields: &OrganizationFields) -> Result<(), ServiceError> {
    if let Some(display_name) = &fields.display_name {
        rules::display_name(display_name)?;
    }
    if let Some(metadata) = &fields.metadata {
        rules::metadata(metadata)?;
    }
    Ok(())
}

fn matches_query(org: &OrgRef, query: &str) -> bool {
    query.is_empty()
        || org.name.contains(query)
        || org
            .display_name
            .as_deref()
            .is_some_and(|d| d.to_lowercase().contains(query))
}
