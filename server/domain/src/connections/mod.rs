//! Connections: the tenant's catalog (staff: list, create, edit, test,
//! delete) and each organization's enabled connections (read by staff, the
//! help desk and the organization's admins; changed by staff). Every change
//! is in the audit log; a client secret never is (only that it changed).

pub mod rules;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::{
    OrgRef, Persona, ServiceError,
    organizations::Context,
    permissions::*,
    policy::check,
    ports::{
        AuditLog, Connection, ConnectionChange, ConnectionFlags, ConnectionUsage, Connections,
        Discovery, DiscoveryReport, EnabledConnection, IdentityProvider, MemberDirectory,
        NewConnection, OidcSettings, Organization, PortError, Strategy,
    },
    service::{Change, audited, audited_entry, global_entry, internal, load_for, port_error},
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

    /// Every catalog connection. Needs `connections:read`.
    pub async fn list(&self, cx: Context<'_>) -> Result<Vec<Connection>, ServiceError> {
        check(cx.principal, CONNECTIONS_READ, None)?;
        let mut all = self.connections.connections().await.map_err(conflict)?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// One catalog connection and who uses it. Needs `connections:read`.
    pub async fn get(&self, cx: Context<'_>, id: &str) -> Result<ConnectionDetail, ServiceError> {
        check(cx.principal, CONNECTIONS_READ, None)?;
        let connection = self.connections.connection(id).await.map_err(conflict)?;
        let mut used_by = self
            .usage
            .organizations_using(&connection.id, USAGE_LIMIT + 1)
            .await
            .map_err(internal)?;
        let used_by_more = used_by.len() > USAGE_LIMIT as usize;
        used_by.truncate(USAGE_LIMIT as usize);
        Ok(ConnectionDetail {
            connection,
            used_by,
            used_by_more,
            callback_url: self.settings.callback_url.clone(),
        })
    }

    /// The OIDC settings of a form, checked; the secret only when given.
    fn oidc(
        &self,
        input: &ConnectionInput,
        secret_required: bool,
    ) -> Result<OidcSettings, ServiceError> {
        let issuer = rules::issuer(&input.issuer, &self.settings.test_origins)?;
        let client_id = input.client_id.trim();
        rules::client_id(client_id)?;
        let client_secret = match input.client_secret.trim() {
            "" if secret_required => {
                return Err(ServiceError::invalid(
                    "client_secret",
                    "Enter the client secret the customer's IdP issued.",
                ));
            }
            "" => None,
            secret => {
                rules::client_secret(secret)?;
                Some(secret.to_owned())
            }
        };
        let scope = match input.scope.trim() {
            "" => rules::DEFAULT_SCOPE.to_owned(),
            scope => rules::scope(scope)?,
        };
        Ok(OidcSettings {
            issuer: issuer.to_string(),
            discovery_url: None,
            client_id: client_id.to_owned(),
            client_secret,
            scope,
        })
    }

    /// Creates a catalog connection. Needs `connections:change`.
    pub async fn create(
        &self,
        cx: Context<'_>,
        input: ConnectionInput,
    ) -> Result<Connection, ServiceError> {
        let persona = check(cx.principal, CONNECTIONS_CHANGE, None)?;
        let name = input.name.trim();
        rules::name(name)?;
        rules::display_name(input.display_name.trim())?;
        let strategy = Strategy::parse(input.strategy.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "strategy",
                "Choose a database or an OpenID Connect connection.",
            )
        })?;
        let oidc = match strategy {
            Strategy::Oidc => Some(self.oidc(&input, true)?),
            Strategy::Database => None,
        };
        let new = NewConnection {
            name: name.to_owned(),
            display_name: trimmed(&input.display_name),
            strategy,
            oidc,
        };
        let entry = global_entry(cx, persona, "connection.create", None);
        audited_entry(
            &self.audit,
            entry,
            async {
                self.connections
                    .create_connection(&new)
                    .await
                    .map_err(conflict)
            },
            |c| Some(snapshot(c)),
        )
        .await
    }

    /// Changes a connection's display name and, for OIDC, its settings (a
    /// blank secret keeps the stored one). Needs `connections:change`.
    pub async fn update(
        &self,
        cx: Context<'_>,
        id: &str,
        input: ConnectionInput,
    ) -> Result<Connection, ServiceError> {
        let persona = check(cx.principal, CONNECTIONS_CHANGE, None)?;
        let before = self.connections.connection(id).await.map_err(conflict)?;
        rules::display_name(input.display_name.trim())?;
        let oidc = match before.strategy {
            Some(Strategy::Oidc) => Some(self.oidc(&input, false)?),
            _ => None,
        };
        let secret_changed = oidc.as_ref().is_some_and(|o| o.client_secret.is_some());
        // A blank display name leaves the stored one (Auth0 refuses an empty one).
        let change = ConnectionChange {
            display_name: trimmed(&input.display_name),
            oidc,
        };
        let entry = global_entry(cx, persona, "connection.update", Some(snapshot(&before)));
        audited_entry(
            &self.audit,
            entry,
            async {
                self.connections
                    .update_connection(&before.id, &change)
                    .await
                    .map_err(conflict)
            },
            |c| {
                let mut after = snapshot(c);
                after["secret_changed"] = secret_changed.into();
                Some(after)
            },
        )
        .await
    }

    /// Deletes a catalog connection (and, at the identity provider, its
    /// users) once its name is typed. Needs `connections:change`.
    pub async fn delete(
        &self,
        cx: Context<'_>,
        id: &str,
        typed_name: &str,
    ) -> Result<(), ServiceError> {
        let persona = check(cx.principal, CONNECTIONS_CHANGE, None)?;
        let before = self.connections.connection(id).await.map_err(conflict)?;
        if typed_name.trim() != before.name {
            return Err(ServiceError::invalid(
                "confirm",
                format!("Type {} to confirm.", before.name),
            ));
        }
        let entry = global_entry(cx, persona, "connection.delete", Some(snapshot(&before)));
        audited_entry(
            &self.audit,
            entry,
            async {
                self.connections
                    .delete_connection(&before.id)
                    .await
                    .map_err(conflict)
            },
            |_| None,
        )
        .await?;
        self.usage
            .forget_connection(&before.id)
            .await
            .map_err(internal)
    }

    /// Fetches an issuer's discovery document under the outbound policy.
    /// Needs `connections:change`. A refusal is a field error on `issuer`.
    pub async fn test(
        &self,
        cx: Context<'_>,
        issuer: &str,
    ) -> Result<DiscoveryReport, ServiceError> {
        check(cx.principal, CONNECTIONS_CHANGE, None)?;
        let url = rules::issuer(issuer, &self.settings.test_origins)?;
        self.discovery
            .discover(url.as_str())
            .await
            .map_err(|reason| ServiceError::invalid("issuer", reason))
    }

    async fn load_for(
        &self,
        cx: Context<'_>,
        org_id: &str,
        permission: crate::Permission,
    ) -> Result<(Organization, Persona), ServiceError> {
        load_for(
            &*self.orgs,
            cx,
            org_id,
            ORGANIZATION_CONNECTIONS_READ,
            permission,
            conflict,
        )
        .await
    }

    /// Reads the organization's enabled connections and records them in the
    /// console's usage record.
    async fn enabled(&self, org: &Organization) -> Result<Vec<EnabledConnection>, ServiceError> {
        let mut enabled = self
            .connections
            .enabled_connections(&org.id)
            .await
            .map_err(conflict)?;
        enabled.sort_by(|a, b| a.name.cmp(&b.name));
        let ids: Vec<String> = enabled.iter().map(|e| e.connection_id.clone()).collect();
        self.usage
            .record(&org.as_ref(), &ids)
            .await
            .map_err(internal)?;
        Ok(enabled)
    }

    /// The organization's connections. Needs `organization-connections:read` in it.
    pub async fn for_organization(
        &self,
        cx: Context<'_>,
        org_id: &str,
    ) -> Result<OrganizationConnections, ServiceError> {
        let (organization, persona) = self
            .load_for(cx, org_id, ORGANIZATION_CONNECTIONS_READ)
            .await?;
        let enabled = self.enabled(&organization).await?;
        let can_change = check(
            cx.principal,
            ORGANIZATION_CONNECTIONS_CHANGE,
            Some(&organization.id),
        )
        .is_ok();
        let available = if can_change {
            let mut all = self.connections.connections().await.map_err(conflict)?;
            all.retain(|c| !enabled.iter().any(|e| e.connection_id == c.id));
            all.sort_by(|a, b| a.name.cmp(&b.name));
            all
        } else {
            Vec::new()
        };
        Ok(OrganizationConnections {
            organization,
            persona,
            enabled,
            available,
            can_change,
        })
    }

    /// Enables a catalog connection for the organization. Needs
    /// `organization-connections:change` in it.
    pub async fn enable(
        &self,
        cx: Context<'_>,
        org_id: &str,
        connection_id: &str,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, ServiceError> {
        let (org, persona) = self
            .load_for(cx, org_id, ORGANIZATION_CONNECTIONS_CHANGE)
            .await?;
        let connection = match self.connections.connection(connection_id.trim()).await {
            Ok(c) => c,
            Err(PortError::NotFound) => {
                return Err(ServiceError::invalid(
                    "connection_id",
                    "Choose a connection of the catalog.",
                ));
            }
            Err(e) => return Err(conflict(e)),
        };
        rules::flags(connection.strategy, flags)?;
        let enabled = self.enabled(&org).await?;
        if enabled.iter().any(|e| e.connection_id == connection.id) {
            return Err(ServiceError::invalid(
                "connection_id",
                "This connection is already enabled.",
            ));
        }
        if enabled.len() >= rules::MAX_ENABLED {
            return Err(ServiceError::invalid(
                "connection_id",
                format!(
                    "An organization enables at most {} connections.",
                    rules::MAX_ENABLED
                ),
            ));
        }
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "organization.connection.enable",
            before: None,
            reason: None,
        };
        let result = audited(
            &self.audit,
            change,
            async {
                self.connections
                    .enable_connection(&org.id, &connection.id, connection.strategy, flags)
                    .await
                    .map_err(conflict)
            },
            |e| Some(flags_snapshot(e)),
        )
        .await?;
        self.enabled(&org).await?;
        Ok(result)
    }

    /// Changes the flags of an enabled connection. Needs
    /// `organization-connections:change` in the organization.
    pub async fn update_flags(
        &self,
        cx: Context<'_>,
        org_id: &str,
        connection_id: &str,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, ServiceError> {
        let (org, persona) = self
            .load_for(cx, org_id, ORGANIZATION_CONNECTIONS_CHANGE)
            .await?;
        let before = self.enabled_one(&org, connection_id).await?;
        rules::flags(before.strategy(), flags)?;
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "organization.connection.update",
            before: Some(flags_snapshot(&before)),
            reason: None,
        };
        audited(
            &self.audit,
            change,
            async {
                self.connections
                    .update_enabled_connection(
                        &org.id,
                        &before.connection_id,
                        before.strategy(),
                        flags,
                    )
                    .await
                    .map_err(conflict)
            },
            |e| Some(flags_snapshot(e)),
        )
        .await
    }

    async fn enabled_one(
        &self,
        org: &Organization,
        connection_id: &str,
    ) -> Result<EnabledConnection, ServiceError> {
        self.enabled(org)
            .await?
            .into_iter()
            .find(|e| e.connection_id == connection_id)
            .ok_or(ServiceError::NotFound)
    }

    /// How many of the organization's members sign in through an enabled
    /// connection: the connection's users at the identity provider that the
    /// member directory holds. Needs `organization-connections:change`.
    pub async fn disable_impact(
        &self,
        cx: Context<'_>,
        org_id: &str,
        connection_id: &str,
    ) -> Result<DisableImpact, ServiceError> {
        let (org, _) = self
            .load_for(cx, org_id, ORGANIZATION_CONNECTIONS_CHANGE)
            .await?;
        let enabled = self.enabled_one(&org, connection_id).await?;
        let users = self
            .connections
            .connection_users(&enabled.name)
            .await
            .map_err(conflict)?;
        let members = self
            .members
            .count_members(&org.id, &users.user_ids)
            .await
            .map_err(internal)?;
        Ok(DisableImpact {
            members,
            at_least: users.truncated,
        })
    }

    /// Disables a connection for the organization once `confirm` names it
    /// (the page sends it after showing the members it affects). Needs
    /// `organization-connections:change` in it.
    pub async fn disable(
        &self,
        cx: Context<'_>,
        org_id: &str,
        connection_id: &str,
        confirm: &str,
    ) -> Result<(), ServiceError> {
        let (org, persona) = self
            .load_for(cx, org_id, ORGANIZATION_CONNECTIONS_CHANGE)
            .await?;
        let before = self.enabled_one(&org, connection_id).await?;
        if confirm.trim() != before.name {
            return Err(ServiceError::invalid(
                "confirm",
                format!("Confirm by naming the connection: {}.", before.name),
            ));
        }
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "organization.connection.disable",
            before: Some(flags_snapshot(&before)),
            reason: None,
        };
        audited(
            &self.audit,
            change,
            async {
                self.connections
                    .disable_connection(&org.id, &before.connection_id)
                    .await
                    .map_err(conflict)
            },
            |_| None,
        )
        .await?;
        self.enabled(&org).await?;
        Ok(())
    }

    /// The connections a new organization gets: those chosen (checked
    /// against the catalog), or else the catalog's first database connection,
    /// so that people can sign in to it. Database connections keep
    /// membership enforced; enterprise ones show as buttons.
    /// Needs `organization:create`.
    pub async fn for_new_organization(
        &self,
        cx: Context<'_>,
        chosen: &[String],
    ) -> Result<Vec<EnabledConnection>, ServiceError> {
        check(cx.principal, ORGANIZATION_CREATE, None)?;
        let catalog = self.connections.connections().await.map_err(conflict)?;
        let picked: Vec<&Connection> = if chosen.is_empty() {
            catalog
                .iter()
                .filter(|c| c.strategy == Some(Strategy::Database))
                .take(1)
                .collect()
        } else {
            let mut picked = Vec::new();
            for id in chosen {
                let c = catalog.iter().find(|c| &c.id == id).ok_or_else(|| {
                    ServiceError::invalid("connections", "Choose connections of the catalog.")
                })?;
                picked.push(c);
            }
            picked
        };
        if picked.len() > rules::MAX_ENABLED {
            return Err(ServiceError::invalid(
                "connections",
                format!(
                    "An organization enables at most {} connections.",
                    rules::MAX_ENABLED
                ),
            ));
        }
        Ok(picked
            .into_iter()
            .map(|c| EnabledConnection {
                connection_id: c.id.clone(),
                name: c.name.clone(),
                strategy_name: c.strategy_name.clone(),
                flags: ConnectionFlags {
                    assign_membership_on_login: false,
                    show_as_button: c.strategy.is_some_and(Strategy::is_enterprise),
                    is_signup_enabled: false,
                },
            })
            .collect())
    }

    /// Records a new organization's connections. Needs `organization:create`.
    pub async fn created(
        &self,
        cx: Context<'_>,
        org: &Organization,
        ids: &[String],
    ) -> Result<(), ServiceError> {
        check(cx.principal, ORGANIZATION_CREATE, None)?;
        self.usage
            .record(&org.as_ref(), ids)
            .await
            .map_err(internal)
    }
}
