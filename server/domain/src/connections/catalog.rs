//! The connection catalog (staff): list, read with the organizations known
//! to use a connection, create, edit (a blank secret keeps the stored one),
//! delete once named, and "test connection".

use crate::{
    ServiceError,
    organizations::Context,
    permissions::*,
    ports::{Connection, ConnectionChange, DiscoveryReport, NewConnection, OidcSettings, Strategy},
    service::{audited_entry, authorize, global_entry, internal},
};

use super::{
    ConnectionDetail, ConnectionInput, ConnectionService, USAGE_LIMIT, conflict, rules, snapshot,
    trimmed,
};

impl ConnectionService {
    /// Every catalog connection. Needs `connections:read`.
    pub async fn list(&self, cx: Context<'_>) -> Result<Vec<Connection>, ServiceError> {
        authorize(&*self.audit, cx, CONNECTIONS_READ, None).await?;
        let mut all = self.connections.connections().await.map_err(conflict)?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// One catalog connection and who uses it. Needs `connections:read`.
    pub async fn get(&self, cx: Context<'_>, id: &str) -> Result<ConnectionDetail, ServiceError> {
        authorize(&*self.audit, cx, CONNECTIONS_READ, None).await?;
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
            domain_aliases: rules::domains(&input.domains)?,
        })
    }

    /// Creates a catalog connection. Needs `connections:change`.
    pub async fn create(
        &self,
        cx: Context<'_>,
        input: ConnectionInput,
    ) -> Result<Connection, ServiceError> {
        let persona = authorize(&*self.audit, cx, CONNECTIONS_CHANGE, None).await?;
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
        let persona = authorize(&*self.audit, cx, CONNECTIONS_CHANGE, None).await?;
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
        let persona = authorize(&*self.audit, cx, CONNECTIONS_CHANGE, None).await?;
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
        authorize(&*self.audit, cx, CONNECTIONS_CHANGE, None).await?;
        let url = rules::issuer(issuer, &self.settings.test_origins)?;
        self.discovery
            .discover(url.as_str())
            .await
            .map_err(|reason| ServiceError::invalid("issuer", reason))
    }
}
