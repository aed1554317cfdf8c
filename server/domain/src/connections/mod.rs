//! Connections: the tenant's catalog (staff: list, create, edit, test,
//! delete) and each organization's enabled connections (read by staff, the
//! help desk and the organization's admins; changed by staff). Every change
//! is in the audit log; a client secret never is (only that it changed).

mod catalog;
mod organization;
pub mod rules;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::{
    OrgRef, Persona, ServiceError,
    ports::{
        AuditLog, Connection, ConnectionUsage, Connections, Discovery, EnabledConnection,
        IdentityProvider, MemberDirectory, Organization, PortError,
    },
    service::port_error,
};

/// At most this many organizations are named as using a connection.
pub const USAGE_LIMIT: u32 = 100;

/// Settings of the connection service.
#[derive(Clone, Debug, Default)]
pub struct ConnectionSettings {
    /// Origins an issuer may have despite the rules (`outbound.test_origins`).
    pub test_origins: Vec<String>,
    /// Where a customer's IdP sends people back: `{issuer}login/callback` of
    /// the identity provider the console uses.
    pub callback_url: String,
}

/// A catalog connection as a form fills it in. Empty texts are unset.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConnectionInput {
    pub name: String,
    pub display_name: String,
    /// `auth0` or `oidc`.
    pub strategy: String,
    pub issuer: String,
    pub client_id: String,
    /// Blank on an edit: keep the stored one.
    pub client_secret: String,
    pub scope: String,
    /// Email domains (`domain_aliases`), separated by commas or spaces.
    pub domains: String,
}

impl std::fmt::Debug for ConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInput")
            .field("name", &self.name)
            .field("strategy", &self.strategy)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// A catalog connection with the organizations known to enable it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionDetail {
    pub connection: Connection,
    pub used_by: Vec<OrgRef>,
    /// More organizations use it than are named.
    pub used_by_more: bool,
    pub callback_url: String,
}

/// An organization's connections, and the catalog connections it could
/// enable (for those who may change them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationConnections {
    pub organization: Organization,
    pub persona: Persona,
    pub enabled: Vec<EnabledConnection>,
    pub available: Vec<Connection>,
    pub can_change: bool,
}

/// How many of an organization's members sign in through a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisableImpact {
    pub members: u64,
    /// The identity provider's search window was reached: "at least".
    pub at_least: bool,
}

#[derive(Clone)]
pub struct ConnectionService {
    orgs: Arc<dyn IdentityProvider>,
    connections: Arc<dyn Connections>,
    usage: Arc<dyn ConnectionUsage>,
    members: Arc<dyn MemberDirectory>,
    discovery: Arc<dyn Discovery>,
    audit: Arc<dyn AuditLog>,
    settings: Arc<ConnectionSettings>,
}

fn conflict(error: PortError) -> ServiceError {
    port_error(error, "A connection with this name already exists.")
}

/// What the audit log keeps of a connection: never a secret.
fn snapshot(c: &Connection) -> Value {
    let oidc = c.oidc.as_ref();
    json!({
        "id": c.id,
        "name": c.name,
        "display_name": c.display_name,
        "strategy": c.strategy_name,
        "issuer": oidc.map(|o| &o.issuer),
        "client_id": oidc.map(|o| &o.client_id),
        "scope": oidc.map(|o| &o.scope),
        "domain_aliases": oidc.map(|o| &o.domain_aliases),
    })
}

fn flags_snapshot(e: &EnabledConnection) -> Value {
    json!({
        "connection_id": e.connection_id,
        "connection": e.name,
        "assign_membership_on_login": e.flags.assign_membership_on_login,
        "show_as_button": e.flags.show_as_button,
        "is_signup_enabled": e.flags.is_signup_enabled,
    })
}

fn trimmed(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl ConnectionService {
    pub fn new(
        orgs: Arc<dyn IdentityProvider>,
        connections: Arc<dyn Connections>,
        usage: Arc<dyn ConnectionUsage>,
        members: Arc<dyn MemberDirectory>,
        discovery: Arc<dyn Discovery>,
        audit: Arc<dyn AuditLog>,
        settings: ConnectionSettings,
    ) -> Self {
        Self {
            orgs,
            connections,
            usage,
            members,
            discovery,
            audit,
            settings: Arc::new(settings),
        }
    }

    /// The callback URL a customer's IdP must allow.
    pub fn callback_url(&self) -> &str {
        &self.settings.callback_url
    }
}
