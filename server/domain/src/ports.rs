//! What the domain needs from outside, as traits the server implements:
//! the identity provider's Management API, the local directory of
//! organizations (for search), and the audit log.

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use orgdesk_brand::Branding;

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
    /// Its logo and colors (all unset: the default look).
    pub branding: Branding,
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
    /// Connections to enable when creating (ignored by an update).
    pub enabled_connections: Vec<EnabledConnection>,
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
    /// Replaces the organization's branding (all unset: removes it).
    async fn set_branding(&self, id: &str, branding: &Branding) -> Result<Organization, PortError>;
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
    /// Records an attempt the console refused (outcome `refused`), in one write.
    async fn refused(&self, entry: &NewEntry) -> Result<(), PortError>;
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
    /// A person's tenant-wide roles (outside any organization: staff, help desk).
    async fn user_roles(&self, user_id: &str) -> Result<Vec<RoleRef>, PortError>;
    /// The catalog connections an organization enables, with their settings
    /// (never a secret): what speaks for the email domains of its people.
    async fn enabled_connection_settings(&self, org_id: &str)
    -> Result<Vec<Connection>, PortError>;
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
    /// How many of `user_ids` are members of the organization.
    async fn count_members(&self, org_id: &str, user_ids: &[String]) -> Result<u64, PortError>;
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

/// One key's share of a [`SendBudget::spend`]: `amount` more under `key`,
/// where at most `max` fit in any `window_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub key: String,
    pub amount: u32,
    pub max: u32,
    pub window_ms: i64,
}

/// What a [`SendBudget::spend`] answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spent {
    /// Every ask was reserved.
    Granted,
    /// Nothing was reserved: the ask with `key` does not fit before `retry_at_ms`.
    Refused { key: String, retry_at_ms: i64 },
}

/// Sliding-window counters of what was sent, in the console's database
/// (shared by every console process).
#[async_trait]
pub trait SendBudget: Send + Sync {
    /// Reserves every ask at `now_ms`, all or none, atomically: two callers
    /// (in any processes) never both take the last of a budget.
    async fn spend(&self, asks: &[Ask], now_ms: i64) -> Result<Spent, PortError>;
}

/// The console's invitation records live beside the send budget they spend
/// from, in the same database.
#[async_trait]
pub trait InvitationLog: SendBudget + Send + Sync {
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

/// How people sign in through a connection, as Auth0 names its strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// A password database (`auth0`).
    Database,
    /// An enterprise connection to a customer's OpenID provider (`oidc`).
    Oidc,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Database => "auth0",
            Strategy::Oidc => "oidc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auth0" => Some(Strategy::Database),
            "oidc" => Some(Strategy::Oidc),
            _ => None,
        }
    }

    /// Enterprise connections show as buttons on login pages.
    pub fn is_enterprise(self) -> bool {
        self == Strategy::Oidc
    }
}

/// An OIDC connection's settings. `client_secret` is write-only: the
/// identity provider never returns it, and an update without one keeps the
/// stored secret.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct OidcSettings {
    pub issuer: String,
    pub discovery_url: Option<String>,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scope: String,
    /// The email domains the connection speaks for (Auth0's
    /// `domain_aliases`): a first sign-in through it links to an existing
    /// account only for an address in one of them.
    pub domain_aliases: Vec<String>,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("discovery_url", &self.discovery_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("scope", &self.scope)
            .field("domain_aliases", &self.domain_aliases)
            .finish()
    }
}

/// A connection of the catalog, as the identity provider returns it (no secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    /// `None` for a strategy the console does not manage (shown, not edited).
    pub strategy: Option<Strategy>,
    pub strategy_name: String,
    /// For `oidc`: the settings without the secret.
    pub oidc: Option<OidcSettings>,
}

/// What a connection is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConnection {
    pub name: String,
    pub display_name: Option<String>,
    pub strategy: Strategy,
    /// Required for `oidc`.
    pub oidc: Option<OidcSettings>,
}

/// What an edit changes (`None`: unchanged).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ConnectionChange {
    pub display_name: Option<String>,
    pub oidc: Option<OidcSettings>,
}

/// The three flags of an enabled connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectionFlags {
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub is_signup_enabled: bool,
}

/// A connection as an organization enables it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnabledConnection {
    pub connection_id: String,
    /// The connection's name.
    pub name: String,
    pub strategy_name: String,
    pub flags: ConnectionFlags,
}

impl EnabledConnection {
    pub fn strategy(&self) -> Option<Strategy> {
        Strategy::parse(&self.strategy_name)
    }
}

/// The users who sign in through a connection, as far as the identity
/// provider's search reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionUsers {
    pub user_ids: Vec<String>,
    /// How many the identity provider counts in all.
    pub total: u64,
    /// The search stopped at its window (Auth0: 1000 results).
    pub truncated: bool,
}

/// The connection catalog and each organization's enabled connections at
/// the identity provider.
#[async_trait]
pub trait Connections: Send + Sync {
    async fn connections(&self) -> Result<Vec<Connection>, PortError>;
    async fn connection(&self, id: &str) -> Result<Connection, PortError>;
    async fn create_connection(&self, new: &NewConnection) -> Result<Connection, PortError>;
    async fn update_connection(
        &self,
        id: &str,
        change: &ConnectionChange,
    ) -> Result<Connection, PortError>;
    async fn delete_connection(&self, id: &str) -> Result<(), PortError>;
    async fn enabled_connections(&self, org_id: &str) -> Result<Vec<EnabledConnection>, PortError>;
    /// Enables a connection of `strategy` (the flags that do not apply to
    /// it are not sent: the API refuses them).
    async fn enable_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        strategy: Option<Strategy>,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, PortError>;
    async fn update_enabled_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        strategy: Option<Strategy>,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, PortError>;
    async fn disable_connection(&self, org_id: &str, connection_id: &str) -> Result<(), PortError>;
    /// The users with an identity of the connection named `name`.
    async fn connection_users(&self, name: &str) -> Result<ConnectionUsers, PortError>;
}

/// The console's record of which organizations enable which connection, so
/// that "who uses this connection" is one query, not one provider call per
/// organization. Written whenever the console reads or changes an
/// organization's connections (and when it creates an organization).
#[async_trait]
pub trait ConnectionUsage: Send + Sync {
    /// Replaces what is known of the organization's enabled connections.
    async fn record(&self, org: &OrgRef, connection_ids: &[String]) -> Result<(), PortError>;
    /// Organizations known to enable the connection, by name, at most `limit`.
    async fn organizations_using(
        &self,
        connection_id: &str,
        limit: u32,
    ) -> Result<Vec<OrgRef>, PortError>;
    /// Forgets a deleted connection.
    async fn forget_connection(&self, connection_id: &str) -> Result<(), PortError>;
    /// Forgets a deleted organization.
    async fn forget_organization(&self, org_id: &str) -> Result<(), PortError>;
}

/// What an issuer's OpenID discovery document says.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DiscoveryReport {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub scopes_supported: Vec<String>,
    pub signing_algs: Vec<String>,
}

/// Fetching an issuer's discovery document from the console's network,
/// under the outbound policy (no private addresses unless allowed).
#[async_trait]
pub trait Discovery: Send + Sync {
    /// The document, or why it was refused or failed (a sentence for people).
    async fn discover(&self, issuer: &str) -> Result<DiscoveryReport, String>;
}
