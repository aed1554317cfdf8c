//! What the domain needs from outside, as traits the server implements:
//! the identity provider's Management API, the local directory of
//! organizations (for search), and the audit log.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::{
    OrgRef,
    audit::{Entry, NewEntry, Outcome},
};

/// A failure of a port, as the domain needs to tell them apart.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("refused: {0}")]
    Invalid(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Other(String),
}

/// An organization as the identity provider holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

impl Organization {
    pub fn as_ref(&self) -> OrgRef {
        OrgRef {
            id: self.id.clone(),
            name: self.name.clone(),
            display_name: self.display_name.clone(),
        }
    }
}

/// The fields a create sets, or an update replaces (`None`: unchanged).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationFields {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
}

#[async_trait]
pub trait IdentityProvider: Send + Sync {
    async fn organization(&self, id: &str) -> Result<Organization, PortError>;
    async fn create_organization(
        &self,
        fields: &OrganizationFields,
    ) -> Result<Organization, PortError>;
    async fn update_organization(
        &self,
        id: &str,
        fields: &OrganizationFields,
    ) -> Result<Organization, PortError>;
    async fn delete_organization(&self, id: &str) -> Result<(), PortError>;
    /// One checkpoint page by name, for directory synchronization.
    async fn organizations_page(
        &self,
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<Organization>, Option<String>), PortError>;
}

/// The console's own copy of every organization's id, name and display name:
/// Auth0's list has no search, so searching happens here.
#[async_trait]
pub trait Directory: Send + Sync {
    async fn upsert(&self, org: &OrgRef) -> Result<(), PortError> {
        self.upsert_all(std::slice::from_ref(org)).await
    }
    /// Writes many in one transaction (a synchronization page).
    async fn upsert_all(&self, orgs: &[OrgRef]) -> Result<(), PortError>;
    async fn remove(&self, id: &str) -> Result<(), PortError>;
    /// Organizations whose name or display name contains `query` (any case),
    /// by name, after the name `after`.
    async fn search(
        &self,
        query: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OrgRef>, PortError>;
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Records an attempt before it is made; returns its id.
    async fn begin(&self, entry: &NewEntry) -> Result<i64, PortError>;
    async fn finish(
        &self,
        id: i64,
        outcome: Outcome,
        after: Option<serde_json::Value>,
    ) -> Result<(), PortError>;
    /// Newest first, before the entry `before`; only one organization's when `org_id` is given.
    async fn list(
        &self,
        org_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Entry>, PortError>;
}
