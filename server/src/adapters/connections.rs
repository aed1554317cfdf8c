//! The connection catalog and organizations' enabled connections through the
//! Management API.

use async_trait::async_trait;
use orgdesk_config::Secret;
use orgdesk_domain::ports::{
    Connection, ConnectionChange, ConnectionFlags, ConnectionUsers, Connections, EnabledConnection,
    NewConnection, OidcSettings, PortError, Strategy,
};
use orgdesk_management as api;

use super::{ManagementApi, port_error};

fn connection(c: api::Connection) -> Connection {
    let strategy = Strategy::parse(&c.strategy);
    let oidc = (strategy == Some(Strategy::Oidc)).then(|| OidcSettings {
        issuer: c.option("issuer").unwrap_or_default().to_owned(),
        discovery_url: c.option("discovery_url").map(str::to_owned),
        client_id: c.option("client_id").unwrap_or_default().to_owned(),
        client_secret: None,
        scope: c.option("scope").unwrap_or_default().to_owned(),
        domain_aliases: c
            .options
            .get("domain_aliases")
            .and_then(|v| v.as_array())
            .map(|domains| {
                domains
                    .iter()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    });
    Connection {
        id: c.id,
        name: c.name,
        display_name: c.display_name,
        strategy,
        strategy_name: c.strategy,
        oidc,
    }
}

fn enabled(e: api::EnabledConnection) -> EnabledConnection {
    EnabledConnection {
        connection_id: e.connection_id,
        name: e.connection.name,
        strategy_name: e.connection.strategy,
        flags: ConnectionFlags {
            assign_membership_on_login: e.assign_membership_on_login,
            show_as_button: e.show_as_button,
            is_signup_enabled: e.is_signup_enabled,
        },
    }
}

fn oidc_options(o: &OidcSettings) -> api::OidcOptions {
    api::OidcOptions {
        issuer: o.issuer.clone(),
        discovery_url: o.discovery_url.clone(),
        client_id: o.client_id.clone(),
        client_secret: o.client_secret.as_ref().map(Secret::new),
        scope: o.scope.clone(),
        domain_aliases: o.domain_aliases.clone(),
    }
}

/// The body's flags: only those that apply to the strategy.
pub(crate) fn api_flags(strategy: Option<Strategy>, f: ConnectionFlags) -> api::ConnectionFlags {
    api::ConnectionFlags {
        assign_membership_on_login: f.assign_membership_on_login,
        show_as_button: (strategy == Some(Strategy::Oidc)).then_some(f.show_as_button),
        is_signup_enabled: (strategy == Some(Strategy::Database)).then_some(f.is_signup_enabled),
    }
}

/// Users of a connection per search page (Auth0's largest).
const PER_PAGE: u32 = 100;

#[async_trait]
impl Connections for ManagementApi {
    async fn connections(&self) -> Result<Vec<Connection>, PortError> {
        let all = self.client.connections(None).await.map_err(port_error)?;
        Ok(all.into_iter().map(connection).collect())
    }

    async fn connection(&self, id: &str) -> Result<Connection, PortError> {
        self.client
            .connection(id)
            .await
            .map(connection)
            .map_err(port_error)
    }

    async fn create_connection(&self, new: &NewConnection) -> Result<Connection, PortError> {
        let options = match (&new.strategy, &new.oidc) {
            (Strategy::Oidc, Some(o)) => api::ConnectionOptions::Oidc(oidc_options(o)),
            (Strategy::Oidc, None) => {
                return Err(PortError::Invalid("OIDC settings are missing".into()));
            }
            (Strategy::Database, _) => api::ConnectionOptions::Database,
        };
        let body = api::NewConnection {
            name: new.name.clone(),
            display_name: new.display_name.clone(),
            options,
        };
        self.client
            .create_connection(&body)
            .await
            .map(connection)
            .map_err(port_error)
    }

    async fn update_connection(
        &self,
        id: &str,
        change: &ConnectionChange,
    ) -> Result<Connection, PortError> {
        let update = api::ConnectionUpdate {
            display_name: change.display_name.clone(),
            options: change.oidc.as_ref().map(oidc_options),
        };
        self.client
            .update_connection(id, &update)
            .await
            .map(connection)
            .map_err(port_error)
    }

    async fn delete_connection(&self, id: &str) -> Result<(), PortError> {
        self.client.delete_connection(id).await.map_err(port_error)
    }

    async fn enabled_connections(&self, org_id: &str) -> Result<Vec<EnabledConnection>, PortError> {
        let all = self
            .client
            .enabled_connections(org_id)
            .await
            .map_err(port_error)?;
        Ok(all.into_iter().map(enabled).collect())
    }

    async fn enable_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        strategy: Option<Strategy>,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, PortError> {
        self.client
            .enable_connection(org_id, connection_id, api_flags(strategy, flags))
            .await
            .map(enabled)
            .map_err(port_error)
    }

    async fn update_enabled_connection(
        &self,
        org_id: &str,
        connection_id: &str,
        strategy: Option<Strategy>,
        flags: ConnectionFlags,
    ) -> Result<EnabledConnection, PortError> {
        self.client
            .update_enabled_connection(org_id, connection_id, api_flags(strategy, flags))
            .await
            .map(enabled)
            .map_err(port_error)
    }

    async fn disable_connection(&self, org_id: &str, connection_id: &str) -> Result<(), PortError> {
        self.client
            .disable_connection(org_id, connection_id)
            .await
            .map_err(port_error)
    }

    /// Reads the search to its end or to Auth0's window of 1000 results.
    async fn connection_users(&self, name: &str) -> Result<ConnectionUsers, PortError> {
        let mut user_ids = Vec::new();
        let mut total = 0;
        for page in 0..api::SEARCH_WINDOW / PER_PAGE {
            let found = self
                .client
                .users_of_connection(name, page, PER_PAGE)
                .await
                .map_err(port_error)?;
            total = found.total;
            let full = found.users.len() == PER_PAGE as usize;
            user_ids.extend(found.users.into_iter().map(|u| u.user_id));
            if !full || user_ids.len() as u64 >= total {
                break;
            }
        }
        let truncated = (user_ids.len() as u64) < total;
        Ok(ConnectionUsers {
            user_ids,
            total,
            truncated,
        })
    }
}
