//! Provisioning: clients, roles, users, connections and organizations (with
//! their branding and enabled connections) described in configuration,
//! created or brought in line with it. Applying the same description twice
//! changes nothing the second time.
//!
//! ```toml
//! [[connections]]
//! name = "acme-sso"
//! strategy = "oidc"
//! display_name = "Acme SSO"
//! options = { issuer = "https://idp.acme.example/", client_id = "orgdesk", client_secret = "…" }
//!
//! [[organizations]]
//! name = "acme"
//! branding = { logo_url = "https://acme.example/logo.svg", primary = "#0b5cab" }
//! enabled_connections = [
//!   { connection = "Username-Password-Authentication" },
//!   { connection = "acme-sso", assign_membership_on_login = true },
//! ]
//! ```

use orgdesk_config::Secret;
use serde::Deserialize;

use serde_json::{Value, json};

use crate::{
    ClientSpec, ProviderState, clients, ids, management, password,
    store::{
        connections::{self, Connection, Strategy},
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
    pub connections: Vec<ConnectionSpec>,
    pub organizations: Vec<OrganizationSpec>,
}

/// A connection, by name. An existing one keeps its id (and its client
/// secret when none is given here); its strategy cannot change.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSpec {
    pub name: String,
    /// `auth0` (a password database) or `oidc`.
    pub strategy: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub options: ConnectionOptionsSpec,
}

/// An OIDC connection's options, as `POST /api/v2/connections` takes them
/// (a database connection has none).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionOptionsSpec {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub discovery_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub scope: Option<String>,
}

/// An organization's branding: each field optional, checked as the
/// Management API checks it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BrandingSpec {
    pub logo_url: Option<String>,
    pub primary: Option<String>,
    pub page_background: Option<String>,
}

/// A connection an organization enables, by connection name, with Auth0's
/// flags (absent flags take the Management API's defaults).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnabledConnectionSpec {
    pub connection: String,
    pub assign_membership_on_login: Option<bool>,
    pub show_as_button: Option<bool>,
    pub is_signup_enabled: Option<bool>,
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
    /// Set when given; absent leaves the organization's branding as it is.
    #[serde(default)]
    pub branding: Option<BrandingSpec>,
    /// When given, the organization enables these with these flags (others
    /// it enables stay). When absent, a new organization enables the
    /// password database (so provisioned people can sign in), and an
    /// existing one keeps what it has.
    #[serde(default)]
    pub enabled_connections: Option<Vec<EnabledConnectionSpec>>,
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
    #[error("provisioning names connection {0:?}, which does not exist")]
    UnknownConnection(String),
    #[error("connection {0:?}: {1}")]
    InvalidConnection(String, String),
    #[error("organization {0:?}: {1}")]
    InvalidOrganization(String, String),
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
        for spec in &p.connections {
            self.ensure_connection(spec).await?;
        }
        for spec in &p.organizations {
            let org = self.ensure_organization(spec).await?;
            self.ensure_enabled_connections(&org, spec).await?;
            for member in &spec.members {
                let user_id = user_ids
                    .get(&users::normalize_email(&member.email))
                    .ok_or_else(|| ProvisionError::UnknownUser(member.email.clone()))?;
                users::set_membership(db, &org.id, user_id, &ids_of(&member.roles)?).await?;
            }
        }
        Ok(())
    }

    /// Creates the connection or brings it in line with the spec. Options
    /// are checked by the Management API's rules; a client secret is
    /// required only when none is stored yet.
    async fn ensure_connection(&self, spec: &ConnectionSpec) -> Result<(), ProvisionError> {
        let invalid =
            |message: String| ProvisionError::InvalidConnection(spec.name.clone(), message);
        management::connection_rules::check_name(&spec.name)
            .map_err(|e| invalid(e.message().into()))?;
        if let Some(display_name) = &spec.display_name {
            management::connection_rules::check_display_name(display_name)
                .map_err(|e| invalid(e.message().into()))?;
        }
        let strategy = Strategy::parse(&spec.strategy)
            .ok_or_else(|| invalid("strategy must be \"auth0\" or \"oidc\"".into()))?;
        let existing = connections::by_name(&self.db, &spec.name).await?;
        if let Some(existing) = &existing
            && existing.strategy != strategy
        {
            return Err(invalid(
                "the strategy of an existing connection cannot change".into(),
            ));
        }
        let mut options = serde_json::Map::new();
        let o = &spec.options;
        for (key, value) in [
            ("type", o.kind.clone()),
            ("issuer", o.issuer.clone()),
            ("discovery_url", o.discovery_url.clone()),
            ("client_id", o.client_id.clone()),
            (
                "client_secret",
                o.client_secret.as_ref().map(|s| s.expose().to_owned()),
            ),
            ("scope", o.scope.clone()),
        ] {
            if let Some(value) = value {
                options.insert(key.into(), value.into());
            }
        }
        let secret_required = !existing.as_ref().is_some_and(|c| c.has_client_secret);
        let checked =
            management::connection_rules::check_options(strategy, &options, secret_required)
                .map_err(|e| invalid(e.message().into()))?;
        match existing {
            Some(mut connection) => {
                connection.display_name = spec.display_name.clone();
                connection.options = checked.options;
                connections::update(&self.db, &connection, checked.client_secret.as_deref())
                    .await?;
            }
            None => {
                let connection = Connection {
                    id: ids::connection_id(),
                    name: spec.name.clone(),
                    display_name: spec.display_name.clone(),
                    strategy,
                    options: checked.options,
                    has_client_secret: checked.client_secret.is_some(),
                    metadata: Default::default(),
                    created_at: crate::now(),
                };
                connections::insert(&self.db, &connection, checked.client_secret.as_deref())
                    .await
                    .map_err(|e| match e {
                        connections::ConnectionWriteError::Db(e) => ProvisionError::Db(e),
                        connections::ConnectionWriteError::NameTaken => {
                            invalid("another writer created it at the same time".into())
                        }
                    })?;
            }
        }
        Ok(())
    }

    /// Makes the organization enable the spec's connections (when it names
    /// them) with these flags, checked by the Management API's rules.
    async fn ensure_enabled_connections(
        &self,
        org: &Organization,
        spec: &OrganizationSpec,
    ) -> Result<(), ProvisionError> {
        let Some(wanted) = &spec.enabled_connections else {
            return Ok(());
        };
        let mut enabled = Vec::with_capacity(wanted.len());
        for e in wanted {
            let connection = connections::by_name(&self.db, &e.connection)
                .await?
                .ok_or_else(|| ProvisionError::UnknownConnection(e.connection.clone()))?;
            let flags = management::connection_rules::flags(
                connection.strategy,
                None,
                e.assign_membership_on_login,
                e.show_as_button,
                e.is_signup_enabled,
            )
            .map_err(|err| {
                ProvisionError::InvalidOrganization(
                    spec.name.clone(),
                    format!("connection {:?}: {}", e.connection, err.message()),
                )
            })?;
            enabled.push((connection.id, flags));
        }
        connections::ensure_enabled(&self.db, &org.id, &enabled)
            .await
            .map_err(|e| match e {
                connections::EnableError::Db(e) => ProvisionError::Db(e),
                other => ProvisionError::InvalidOrganization(spec.name.clone(), other.to_string()),
            })
    }

    /// The spec's branding in the stored form, checked; `None` when the spec
    /// leaves branding alone.
    fn branding_of(spec: &OrganizationSpec) -> Result<Option<Value>, ProvisionError> {
        let Some(b) = &spec.branding else {
            return Ok(None);
        };
        let checked = orgdesk_brand::Branding {
            logo_url: b.logo_url.clone(),
            primary: b.primary.clone(),
            page_background: b.page_background.clone(),
        }
        .check()
        .map_err(|e| ProvisionError::InvalidOrganization(spec.name.clone(), e.to_string()))?;
        if checked.page_background.is_some() && checked.primary.is_none() {
            return Err(ProvisionError::InvalidOrganization(
                spec.name.clone(),
                "branding.page_background needs branding.primary (as Auth0's colors do)".into(),
            ));
        }
        let mut stored = json!({});
        if let Some(logo) = checked.logo_url {
            stored["logo_url"] = logo.into();
        }
        if let Some(primary) = checked.primary {
            stored["colors"] = json!({ "primary": primary });
            if let Some(background) = checked.page_background {
                stored["colors"]["page_background"] = background.into();
            }
        }
        Ok(Some(stored))
    }

    async fn ensure_organization(
        &self,
        spec: &OrganizationSpec,
    ) -> Result<Organization, ProvisionError> {
        let branding = Self::branding_of(spec)?;
        if let Some(mut org) = organizations::by_name(&self.db, &spec.name).await? {
            let wanted_branding = branding.or_else(|| org.branding.clone());
            if org.display_name != spec.display_name || org.branding != wanted_branding {
                org.display_name = spec.display_name.clone();
                org.branding = wanted_branding;
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
            branding,
            metadata: Default::default(),
        };
        if spec.enabled_connections.is_none() {
            let database = (
                ids::DATABASE_CONNECTION_ID.to_owned(),
                connections::Flags {
                    assign_membership_on_login: false,
                    show_as_button: false,
                    is_signup_enabled: false,
                },
            );
            organizations::insert_with_connections(&self.db, &org, &[database])
                .await
                .map_err(write_error)?;
            return Ok(org);
        }
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
        WriteError::Connections(e) => ProvisionError::Db(sqlx::Error::Protocol(e.to_string())),
        // Names are looked up first; a race with another writer is a database error.
        WriteError::NameTaken => ProvisionError::Db(sqlx::Error::RowNotFound),
    }
}
