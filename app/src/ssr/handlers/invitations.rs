//! Invitations: the bodies of the server functions in `api::invitations`.

use orgdesk_domain::{
    Persona,
    invitations::InvitationView,
    permissions::{INVITATIONS_CREATE, INVITATIONS_RESEND, INVITATIONS_REVOKE},
    policy::check,
    ports::Strategy,
};

use super::members::{role_ids, role_option};
use super::{org_row, tabs, utc};
use crate::api::{AppError, InvitationPage, InvitationRow};
use crate::ssr::{RequestContext, request_context};

/// `YYYY-MM-DD HH:MM` in UTC.
fn minutes(ms: i64) -> String {
    utc(ms)[..16].to_owned()
}

fn row(v: InvitationView) -> InvitationRow {
    InvitationRow {
        id: v.id,
        email: v.email,
        roles: v.roles,
        invited_by: v.invited_by,
        created_at: minutes(v.created_at_ms),
        expires_at: minutes(v.expires_at_ms),
        status: v.status.as_str().to_owned(),
        replaced_by: v.replaced_by,
    }
}

pub async fn list(org_id: String) -> Result<InvitationPage, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let list = rc.server.invitations.list(cx, &org_id).await?;
    let may = |p| check(cx.principal, p, Some(&list.organization.id)).is_ok();
    let connections = if may(INVITATIONS_CREATE) {
        invite_connections(&rc, &list.organization.id).await?
    } else {
        Vec::new()
    };
    Ok(InvitationPage {
        connections,
        can_create: may(INVITATIONS_CREATE),
        can_revoke: may(INVITATIONS_REVOKE),
        can_resend: may(INVITATIONS_RESEND),
        reason_required: list.persona == Persona::HelpDesk,
        persona: list.persona.label().to_owned(),
        tabs: tabs(cx.principal, &list.organization.id),
        organization: org_row(list.organization.as_ref()),
        items: list.invitations.into_iter().map(row).collect(),
        grantable: list.grantable.into_iter().map(role_option).collect(),
    })
}

/// The connections an invitation may name: those the organization enables.
/// An enterprise one sends the invitee straight to it.
async fn invite_connections(
    rc: &RequestContext,
    org_id: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let enabled = rc
        .server
        .connections
        .for_organization(rc.cx(), org_id)
        .await?
        .enabled;
    Ok(enabled
        .into_iter()
        .map(|e| {
            let kind = match e.strategy() {
                Some(Strategy::Oidc) => "enterprise: straight to it",
                Some(Strategy::Database) => "password database",
                None => "connection",
            };
            (e.connection_id, format!("{} ({kind})", e.name))
        })
        .collect())
}

pub async fn create(
    org_id: String,
    emails: String,
    roles: String,
    connection_id: String,
    ttl_days: u32,
) -> Result<Vec<InvitationRow>, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let created = rc
        .server
        .invitations
        .create(
            cx,
            &org_id,
            &emails,
            &role_ids(&roles),
            Some(connection_id.as_str()),
            ttl_days,
        )
        .await?;
    Ok(created.into_iter().map(row).collect())
}

pub async fn revoke(org_id: String, id: String, reason: String) -> Result<(), AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(rc
        .server
        .invitations
        .revoke(cx, &org_id, &id, Some(reason.as_str()))
        .await?)
}

pub async fn resend(org_id: String, id: String, reason: String) -> Result<InvitationRow, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(row(rc
        .server
        .invitations
        .resend(cx, &org_id, &id, Some(reason.as_str()))
        .await?))
}
