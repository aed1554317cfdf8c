//! `/api/v2/connections`, an organization's `enabled_connections`, and the
//! users of a connection (`/api/v2/users?q=identities.connection:…`): the
//! calls the console makes.
//!
//! A connection's `client_secret` is write-only: Auth0 never returns it, and
//! [`ConnectionOptions`] carries it only on the way in (its `Debug` hides it).

use orgdesk_config::Secret;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::{ManagementClient, ManagementError, User, organizations::parse};

/// Auth0's largest page.
const PAGE_SIZE: u32 = 100;
/// Auth0's offset paging (and its user search) reaches this many records at most.
pub const SEARCH_WINDOW: u32 = 1_000;

/// A connection as the Management API returns it (never with a client secret).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Connection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `auth0` (a password database) or `oidc` (an enterprise connection).
    pub strategy: String,
    #[serde(default)]
    pub options: Map<String, Value>,
    #[serde(default)]
    pub is_domain_connection: bool,
    #[serde(default)]
    pub realms: Vec<String>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Connection {
    /// A text option, such as `issuer`, `client_id` or `scope`.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(Value::as_str)
    }
}

/// An OIDC connection's options as the console writes them. `client_secret`
/// `None` on an update keeps the stored secret.
#[derive(Clone, Debug, PartialEq)]
pub struct OidcOptions {
    pub issuer: String,
    pub discovery_url: Option<String>,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Space-separated, with `openid`.
    pub scope: String,
    /// The email domains the connection speaks for (Auth0's `domain_aliases`).
    pub domain_aliases: Vec<String>,
}

impl OidcOptions {
    /// The `options` object of the body; the secret only when given.
    pub fn body(&self) -> Value {
        let discovery = self.discovery_url.clone().unwrap_or_else(|| {
            format!(
                "{}/.well-known/openid-configuration",
                self.issuer.trim_end_matches('/')
            )
        });
        let mut options = json!({
            "type": "back_channel",
            "issuer": self.issuer,
            "discovery_url": discovery,
            "client_id": self.client_id,
            "scope": self.scope,
        });
        if !self.domain_aliases.is_empty() {
            options["domain_aliases"] = self.domain_aliases.clone().into();
        }
        if let Some(secret) = &self.client_secret {
            options["client_secret"] = secret.expose().into();
        }
        options
    }
}

/// What a connection is created with.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnectionOptions {
    /// A password database (`auth0`): options `{}`.
    Database,
    Oidc(OidcOptions),
}

impl ConnectionOptions {
    pub fn strategy(&self) -> &'static str {
        match self {
            Self::Database => "auth0",
            Self::Oidc(_) => "oidc",
        }
    }

    fn body(&self) -> Value {
        match self {
            Self::Database => json!({}),
            Self::Oidc(oidc) => oidc.body(),
        }
    }
}

/// The body of a create.
#[derive(Clone, Debug, PartialEq)]
pub struct NewConnection {
    pub name: String,
    pub display_name: Option<String>,
    pub options: ConnectionOptions,
}

impl NewConnection {
    fn body(&self) -> Value {
        let mut body = json!({
            "name": self.name,
            "strategy": self.options.strategy(),
            "options": self.options.body(),
        });
        if let Some(display_name) = &self.display_name {
            body["display_name"] = display_name.clone().into();
        }
        body
    }
}

/// The body of an update: `options` replaces the stored options, except
/// that an absent `client_secret` keeps the stored one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionUpdate {
    pub display_name: Option<String>,
    pub options: Option<OidcOptions>,
}

impl ConnectionUpdate {
    fn body(&self) -> Value {
        let mut body = json!({});
        if let Some(display_name) = &self.display_name {
            body["display_name"] = display_name.clone().into();
        }
        if let Some(options) = &self.options {
            body["options"] = options.body();
        }
        body
    }
}

/// The connection an enabled connection refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRef {
    pub name: String,
    pub strategy: String,
}

/// A connection as one organization enables it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledConnection {
    pub connection_id: String,
    #[serde(default)]
    pub assign_membership_on_login: bool,
    #[serde(default)]
    pub show_as_button: bool,
    #[serde(default)]
    pub is_signup_enabled: bool,
    pub connection: ConnectionRef,
}

/// The three flags of an enabled connection. Auth0's rules: `show_as_button`
/// only for enterprise connections and `is_signup_enabled` only for database
/// connections (with `assign_membership_on_login`); a flag that does not
/// apply is left out of the body (`None`), as the API refuses it even false.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConnectionFlags {
    pub assign_membership_on_login: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
}

/// One page of the users of a connection, and how many there are.
#[derive(Clone, Debug)]
pub struct UserSearch {
    pub users: Vec<User>,
    pub total: u64,
}

#[derive(Deserialize)]
struct ConnectionList {
    connections: Vec<Connection>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
struct EnabledList {
    enabled_connections: Vec<EnabledConnection>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
struct UserList {
    users: Vec<User>,
    #[serde(default)]
    total: Option<u64>,
}

impl ManagementClient {
    /// Every connection of the tenant, optionally of one strategy
    /// (`read:connections`), read in pages of 100 to the total.
    pub async fn connections(
        &self,
        strategy: Option<&str>,
    ) -> Result<Vec<Connection>, ManagementError> {
        let mut all = Vec::new();
        for page in 0.. {
            let mut url = self.url(&["connections"]);
            if let Some(strategy) = strategy {
                url.query_pairs_mut().append_pair("strategy", strategy);
            }
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PAGE_SIZE.to_string())
                .append_pair("include_totals", "true");
            let list: ConnectionList = parse(&self.call(Method::GET, url, None).await?)?;
            let full = list.connections.len() == PAGE_SIZE as usize;
            all.extend(list.connections);
            if !full || list.total.is_some_and(|t| all.len() as u64 >= t) {
                break;
            }
        }
        Ok(all)
    }

    /// One connection (`read:connections`).
    pub async fn connection(&self, id: &str) -> Result<Connection, ManagementError> {
        parse(
            &self
                .call(Method::GET, self.url(&["connections", id]), None)
                .await?,
        )
    }

    /// Creates a connection (`create:connections`); a taken name is a `Conflict`.
    pub async fn create_connection(
        &self,
        new: &NewConnection,
    ) -> Result<Connection, ManagementError> {
        parse(
            &self
                .call(Method::POST, self.url(&["connections"]), Some(&new.body()))
                .await?,
        )
    }

    /// Changes a connection (`update:connections`).
    pub async fn update_connection(
        &self,
        id: &str,
        update: &ConnectionUpdate,
    ) -> Result<Connection, ManagementError> {
        parse(
            &self
                .call(
                    Method::PATCH,
                    self.url(&["connections", id]),
                    Some(&update.body()),
                )
                .await?,
        )
    }

    /// Deletes a connection and, as Auth0 does, its users (`delete:connections`).
    pub async fn delete_connection(&self, id: &str) -> Result<(), ManagementError> {
        self.call(Method::DELETE, self.url(&["connections", id]), None)
            .await?;
        Ok(())
    }

    /// Every connection the organization enables (`read:organization_connections`).
    pub async fn enabled_connections(
        &self,
        org_id: &str,
    ) -> Result<Vec<EnabledConnection>, ManagementError> {
        let mut all = Vec::new();
        for page in 0..SEARCH_WINDOW / PAGE_SIZE {
            let mut url = self.url(&["organizations", org_id, "enabled_connections"]);
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PAGE_SIZE.to_string())
                .append_pair("include_totals", "true");
            let list: EnabledList = parse(&self.call(Method::GET, url, None).await?)?;
            let full = list.enabled_connections.len() == PAGE_SIZE as usize;
            all.extend(list.enabled_connections);
            if !full || list.total.is_some_and(|t| all.len() as u64 >= t) {
                break;
            }
        }
        Ok(all)
    }

    /// One enabled connection of the organization (`read:organization_connections`).
    pub async fn enabled_connection(
        &self,
        org_id: &str,
        connection_id: &str,
    ) -> Result<EnabledConnection, ManagementError> {
        let url = self.url(&[
            "organizations",
            org_id,
            "enabled_connections",
            connection_id,
        ]);
        parse(&self.call(Method::GET, url, None).await?)
    }

    /// Enables a connection for the organization (`create:organization_connections`).
    pub async fn enable_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, ManagementError> {
        let mut body = serde_json::to_value(flags).expect("plain structs serialize");
        body["connection_id"] = connection_id.into();
        let url = self.url(&["organizations", org_id, "enabled_connections"]);
        parse(&self.call(Method::POST, url, Some(&body)).await?)
    }

    /// Changes an enabled connection's flags (`update:organization_connections`).
    pub async fn update_enabled_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, ManagementError> {
        let body = serde_json::to_value(flags).expect("plain structs serialize");
        let url = self.url(&[
            "organizations",
            org_id,
            "enabled_connections",
            connection_id,
        ]);
        parse(&self.call(Method::PATCH, url, Some(&body)).await?)
    }

    /// Disables a connection for the organization (`delete:organization_connections`).
    pub async fn disable_connection(
        &self,
        org_id: &str,
        connection_id: &str,
    ) -> Result<(), ManagementError> {
        let url = self.url(&[
            "organizations",
            org_id,
            "enabled_connections",
            connection_id,
        ]);
        self.call(Method::DELETE, url, None).await?;
        Ok(())
    }

    /// One page of the users who sign in through the connection named `name`
    /// (`read:users`, search engine v3), and their total. Auth0 serves the
    /// first [`SEARCH_WINDOW`] results only.
    pub async fn users_of_connection(
        &self,
        name: &str,
        page: u32,
        per_page: u32,
    ) -> Result<UserSearch, ManagementError> {
        let mut url = self.url(&["users"]);
        url.query_pairs_mut()
            .append_pair("q", &format!("identities.connection:\"{}\"", quoted(name)))
            .append_pair("search_engine", "v3")
            .append_pair("page", &page.to_string())
            .append_pair("per_page", &per_page.min(PAGE_SIZE).to_string())
            .append_pair("include_totals", "true");
        let list: UserList = parse(&self.call(Method::GET, url, None).await?)?;
        let total = list.total.unwrap_or(list.users.len() as u64);
        Ok(UserSearch {
            users: list.users,
            total,
        })
    }
}

/// A value inside a Lucene phrase: `"` and `\` escaped.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_written_only_when_given_and_never_debugged() {
        let mut options = OidcOptions {
            issuer: "https://idp.example/".into(),
            discovery_url: None,
            client_id: "bank".into(),
            client_secret: Some(Secret::new("s3cret-value")),
            scope: "openid profile email".into(),
            domain_aliases: vec![],
        };
        assert!(!format!("{options:?}").contains("s3cret-value"));
        let body = options.body();
        assert_eq!(body["client_secret"], "s3cret-value");
        assert_eq!(
            body["discovery_url"],
            "https://idp.example/.well-known/openid-configuration"
        );
        assert_eq!(body["type"], "back_channel");
        options.client_secret = None;
        assert!(options.body().get("client_secret").is_none());
    }

    #[test]
    fn a_database_connection_has_empty_options() {
        let new = NewConnection {
            name: "customers".into(),
            display_name: None,
            options: ConnectionOptions::Database,
        };
        assert_eq!(
            new.body(),
            json!({ "name": "customers", "strategy": "auth0", "options": {} })
        );
    }

    #[test]
    fn a_connection_name_is_quoted_in_the_search() {
        assert_eq!(quoted(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
