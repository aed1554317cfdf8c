//! Members: the bodies of the server functions in `api::members`.

use orgdesk_domain::{
    Persona,
    members::MemberList,
    ports::{Member, RoleRef},
};

use super::{org_row, tabs, utc};
use crate::api::{AppError, MemberPage, MemberRow, RoleOption};
use crate::ssr::request_context;

const PAGE_SIZE: u32 = 50;

pub(crate) fn role_option(r: RoleRef) -> RoleOption {
    RoleOption {
        id: r.id,
        name: r.name,
    }
}

fn member_row(m: Member) -> MemberRow {
    MemberRow {
        user_id: m.user_id,
        email: m.email,
        name: m.name,
        roles: m.roles,
    }
}

/// Role ids from a comma-separated list.
pub(crate) fn role_ids(roles: &str) -> Vec<String> {
    roles
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn list(
    org_id: String,
    query: String,
    role: String,
    after: Option<String>,
) -> Result<MemberPage, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let MemberList {
        organization,
        persona,
        members,
        roles,
        synced_at_ms,
    } = rc
        .server
        .members
        .list(
            cx,
            &org_id,
            &query,
            Some(role.as_str()),
            after.as_deref(),
            PAGE_SIZE,
        )
        .await?;
    use orgdesk_domain::{
        permissions::{MEMBER_ROLES_CHANGE, MEMBERS_ADD, MEMBERS_REMOVE},
        policy::check,
    };
    let may = |p| check(cx.principal, p, Some(&organization.id)).is_ok();
    Ok(MemberPage {
        can_add: may(MEMBERS_ADD),
        can_remove: may(MEMBERS_REMOVE),
        can_change_roles: may(MEMBER_ROLES_CHANGE),
        reason_required: persona == Persona::HelpDesk,
        persona: persona.label().to_owned(),
        tabs: tabs(cx.principal, &organization.id),
        organization: org_row(organization.as_ref()),
        items: members.items.into_iter().map(member_row).collect(),
        next: members.next,
        roles: roles.visible.into_iter().map(role_option).collect(),
        grantable: roles.grantable.into_iter().map(role_option).collect(),
        synced_at: synced_at_ms.map(utc),
    })
}

pub async fn add(
    org_id: String,
    emails: String,
    roles: String,
) -> Result<Vec<MemberRow>, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let added = rc
        .server
        .members
        .add(cx, &org_id, &emails, &role_ids(&roles))
        .await?;
    Ok(added.into_iter().map(member_row).collect())
}

pub async fn remove(org_id: String, user_id: String, reason: String) -> Result<(), AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(rc
        .server
        .members
        .remove(cx, &org_id, &user_id, Some(reason.as_str()))
        .await?)
}

pub async fn change_role(
    org_id: String,
    user_id: String,
    role_id: String,
    assign: bool,
) -> Result<MemberRow, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let members = &rc.server.members;
    let member = if assign {
        members.assign_role(cx, &org_id, &user_id, &role_id).await?
    } else {
        members
            .unassign_role(cx, &org_id, &user_id, &role_id)
            .await?
    };
    Ok(member_row(member))
}
