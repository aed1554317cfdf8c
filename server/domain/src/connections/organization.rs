//! An organization's connections: read (staff, help desk, its admins),
//! enable, change flags, the members a disable affects, and disable (staff);
//! the connections a new organization starts with.

use crate::{
    Persona, ServiceError,
    organizations::Context,
    permissions::*,
    policy::check,
    ports::{Connection, ConnectionFlags, EnabledConnection, Organization, PortError, Strategy},
    service::{Change, audited, internal, load_for},
};

use super::{
    ConnectionService, DisableImpact, OrganizationConnections, conflict, flags_snapshot, rules,
};

impl ConnectionService {
    async fn load_for(
        &self,
        cx: Context<'_>,
        org_id: &str,
        permission: crate::Permission,
    ) -> Result<(Organization, Persona), ServiceError> {
        load_for(
            &*self.orgs,
            &*self.audit,
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
