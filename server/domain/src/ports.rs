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

/// A role as the identity provider names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleRef {
    pub id: String,
    pub name: String,
}

/// A person as the identity provider holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub user_id: String,
    pub email: String,
    pub name: String,
}

/// A member of an organization and the names of their roles in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
}

/// An invitation as the identity provider holds it (pending or expired:
/// Auth0 removes an invitation once it is accepted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub inviter_name: String,
    pub email: String,
    pub role_ids: Vec<String>,
    pub connection_id: Option<String>,
    pub invitation_url: String,
    /// Milliseconds since the UNIX epoch.
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What an invitation is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub inviter_name: String,
    pub email: String,
    pub role_ids: Vec<String>,
    pub connection_id: Option<String>,
    pub ttl_sec: u32,
}

/// People, roles, members and invitations at the identity provider.
#[async_trait]
pub trait People: Send + Sync {
    async fn users_by_email(&self, email: &str) -> Result<Vec<Person>, PortError>;
    async fn user(&self, user_id: &str) -> Result<Person, PortError>;
    /// The organizations a person belongs to.
    async fn user_organizations(&self, user_id: &str) -> Result<Vec<OrgRef>, PortError>;
    /// Every role of the tenant.
    async fn roles(&self) -> Result<Vec<RoleRef>, PortError>;
    /// A member's roles in an organization; `NotFound` when not a member.
    async fn member_roles(&self, org_id: &str, user_id: &str) -> Result<Vec<RoleRef>, PortError>;
    /// One checkpoint page of members with their roles.
    async fn members_page(
        &self,
        org_id: &str,
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<Member>, Option<String>), PortError>;
    async fn add_members(&self, org_id: &str, user_ids: &[String]) -> Result<(), PortError>;
    async fn remove_members(&self, org_id: &str, user_ids: &[String]) -> Result<(), PortError>;
    async fn assign_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), PortError>;
    async fn remove_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), PortError>;
    async fn invitations(&self, org_id: &str) -> Result<Vec<Invitation>, PortError>;
    /// One invitation; `NotFound` when missing or of another organization.
    async fn invitation(&self, org_id: &str, id: &str) -> Result<Invitation, PortError>;
    async fn create_invitation(
        &self,
        org_id: &str,
        new: &NewInvitation,
    ) -> Result<Invitation, PortError>;
    async fn delete_invitation(&self, org_id: &str, id: &str) -> Result<(), PortError>;
}

/// A page of the member directory: members by email, after a cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberQuery {
    /// A substring of the email or the name (any case); empty: everyone.
    pub text: String,
    /// Only members holding this role (by name).
    pub role: Option<String>,
    /// The `(email, user_id)` of the last member of the previous page.
    pub after: Option<(String, String)>,
    pub limit: u32,
}

/// The console's copy of each organization's members and their role names,
/// for search and role filters (Auth0's member list has neither).
#[async_trait]
pub trait MemberDirectory: Send + Sync {
    async fn search(&self, org_id: &str, query: &MemberQuery) -> Result<Vec<Member>, PortError>;
    /// Writes members (with their roles) in one transaction.
    async fn upsert_members(&self, org_id: &str, members: &[Member]) -> Result<(), PortError>;
    async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<(), PortError>;
    /// When the organization's members were last read in full (ms), if ever.
    async fn synced_at(&self, org_id: &str) -> Result<Option<i64>, PortError>;
    /// After a full pass that started at `started_ms`: drops the members the
    /// pass did not see and records the pass.
    async fn finish_sync(&self, org_id: &str, started_ms: i64) -> Result<u64, PortError>;
    /// After a pass that read many members: refreshes what the database
    /// plans queries with (statistics, search index segments).
    async fn after_bulk_load(&self) -> Result<(), PortError>;
    /// Up to `limit` members holding the role (by name).
    async fn with_role(
        &self,
        org_id: &str,
        role: &str,
        limit: u32,
    ) -> Result<Vec<String>, PortError>;
}

/// What the console remembers of the invitations it sent: Auth0 forgets an
/// invitation once it is accepted, and knows nothing of revocations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentInvitation {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub role_names: Vec<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub invited_by: String,
    /// Revoked through the console (ms), if so.
    pub revoked_at_ms: Option<i64>,
    /// The invitation that replaced this one when it was resent.
    pub replaced_by: Option<String>,
}

#[async_trait]
pub trait InvitationLog: Send + Sync {
    async fn record(&self, sent: &SentInvitation) -> Result<(), PortError>;
    async fn revoked(
        &self,
        id: &str,
        at_ms: i64,
        replaced_by: Option<&str>,
    ) -> Result<(), PortError>;
    /// The organization's invitations, newest first.
    async fn list(&self, org_id: &str, limit: u32) -> Result<Vec<SentInvitation>, PortError>;
}
