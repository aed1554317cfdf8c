//! Connections: the bodies of the server functions in `api::connections`.

use orgdesk_domain::{
    connections::ConnectionInput,
    ports::{Connection, ConnectionFlags, DiscoveryReport, EnabledConnection},
};

use super::{org_row, tabs};
use crate::api::{
    AppError, ConnectionDetail, ConnectionRow, DisableImpactView, DiscoveryView,
    EnabledConnectionRow, OrganizationConnectionsPage,
};
use crate::ssr::request_context;

pub(crate) fn row(c: &Connection) -> ConnectionRow {
    ConnectionRow {
        id: c.id.clone(),
        name: c.name.clone(),
        display_name: c.display_name.clone(),
        strategy: c.strategy_name.clone(),
        issuer: c.oidc.as_ref().map(|o| o.issuer.clone()),
    }
}

fn enabled_row(e: EnabledConnection) -> EnabledConnectionRow {
    EnabledConnectionRow {
        connection_id: e.connection_id,
        name: e.name,
        strategy: e.strategy_name,
        assign_membership_on_login: e.flags.assign_membership_on_login,
        show_as_button: e.flags.show_as_button,
        is_signup_enabled: e.flags.is_signup_enabled,
    }
}

/// The flags of a form: a flag is on when its field was sent.
fn flags([membership, button, signup]: [Option<String>; 3]) -> ConnectionFlags {
    ConnectionFlags {
        assign_membership_on_login: membership.is_some(),
        show_as_button: button.is_some(),
        is_signup_enabled: signup.is_some(),
    }
}

pub async fn list() -> Result<Vec<ConnectionRow>, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let all = rc.server.connections.list(cx).await?;
    Ok(all.iter().map(row).collect())
}

pub async fn get(id: String) -> Result<ConnectionDetail, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let detail = rc.server.connections.get(cx, &id).await?;
    let oidc = detail.connection.oidc.as_ref();
    Ok(ConnectionDetail {
        connection: row(&detail.connection),
        client_id: oidc.map(|o| o.client_id.clone()),
        scope: oidc.map(|o| o.scope.clone()),
        domains: oidc.map(|o| o.domain_aliases.join(", ")),
        used_by: detail.used_by.into_iter().map(org_row).collect(),
        used_by_more: detail.used_by_more,
        callback_url: detail.callback_url,
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn create(
    name: String,
    display_name: String,
    strategy: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    scope: String,
    domains: String,
) -> Result<String, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let input = ConnectionInput {
        name,
        display_name,
        strategy,
        issuer,
        client_id,
        client_secret,
        scope,
        domains,
    };
    Ok(rc.server.connections.create(cx, input).await?.id)
}

pub async fn update(
    id: String,
    display_name: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    scope: String,
    domains: String,
) -> Result<ConnectionDetail, AppError> {
    {
        let rc = request_context().await?;
        let cx = rc.cx();
        let input = ConnectionInput {
            display_name,
            issuer,
            client_id,
            client_secret,
            scope,
            domains,
            ..Default::default()
        };
        rc.server.connections.update(cx, &id, input).await?;
    }
    get(id).await
}

pub async fn delete(id: String, confirm: String) -> Result<(), AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(rc.server.connections.delete(cx, &id, &confirm).await?)
}

fn discovery(d: DiscoveryReport) -> DiscoveryView {
    DiscoveryView {
        issuer: d.issuer,
        authorization_endpoint: d.authorization_endpoint,
        token_endpoint: d.token_endpoint,
        userinfo_endpoint: d.userinfo_endpoint,
        jwks_uri: d.jwks_uri,
        scopes: d.scopes_supported,
        signing_algs: d.signing_algs,
    }
}

pub async fn test(issuer: String) -> Result<DiscoveryView, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(discovery(rc.server.connections.test(cx, &issuer).await?))
}

pub async fn for_organization(org_id: String) -> Result<OrganizationConnectionsPage, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let page = rc.server.connections.for_organization(cx, &org_id).await?;
    Ok(OrganizationConnectionsPage {
        tabs: tabs(cx.principal, &page.organization.id),
        organization: org_row(page.organization.as_ref()),
        persona: page.persona.label().to_owned(),
        enabled: page.enabled.into_iter().map(enabled_row).collect(),
        available: page.available.iter().map(row).collect(),
        can_change: page.can_change,
    })
}

pub async fn enable(
    org_id: String,
    connection_id: String,
    sent: [Option<String>; 3],
) -> Result<EnabledConnectionRow, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let enabled = rc
        .server
        .connections
        .enable(cx, &org_id, &connection_id, flags(sent))
        .await?;
    Ok(enabled_row(enabled))
}

pub async fn update_flags(
    org_id: String,
    connection_id: String,
    sent: [Option<String>; 3],
) -> Result<EnabledConnectionRow, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let enabled = rc
        .server
        .connections
        .update_flags(cx, &org_id, &connection_id, flags(sent))
        .await?;
    Ok(enabled_row(enabled))
}

pub async fn impact(org_id: String, connection_id: String) -> Result<DisableImpactView, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let impact = rc
        .server
        .connections
        .disable_impact(cx, &org_id, &connection_id)
        .await?;
    Ok(DisableImpactView {
        members: impact.members,
        at_least: impact.at_least,
    })
}

pub async fn disable(
    org_id: String,
    connection_id: String,
    confirm: String,
) -> Result<(), AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(rc
        .server
        .connections
        .disable(cx, &org_id, &connection_id, &confirm)
        .await?)
}
