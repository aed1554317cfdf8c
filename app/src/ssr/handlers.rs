//! The bodies of the server functions: take the request's context, call a
//! domain service, map the result to wire types.

pub mod branding;
pub mod connections;
pub mod invitations;
pub mod members;
pub mod people;

use std::collections::BTreeMap;

use orgdesk_domain::{
    OrgRef,
    audit::Entry,
    permissions::{
        AUDIT_READ_ALL, AUDIT_READ_ORG, BRANDING_READ, CONNECTIONS_READ, INVITATIONS_READ,
        MEMBERS_READ, ORGANIZATION_CONNECTIONS_READ, ORGANIZATION_CREATE, ORGANIZATION_DELETE,
        ORGANIZATION_UPDATE, PEOPLE_LOOKUP,
    },
    policy::check,
    ports::OrganizationFields,
};

use super::request_context;
use crate::api::{
    AppError, AuditRow, Me, OrganizationAudit, OrganizationPage, OrganizationRow, OrganizationView,
    metadata_from_text,
};

const PAGE_SIZE: u32 = 50;

pub async fn current_user() -> Result<Option<Me>, AppError> {
    let rc = request_context().await?;
    Ok(rc.principal.as_ref().map(|p| Me {
        name: p.name.clone(),
        email: p.email.clone(),
        persona: p
            .headline_persona()
            .map(|x| x.label())
            .unwrap_or("member")
            .to_owned(),
        can_create_organizations: check(Some(p), ORGANIZATION_CREATE, None).is_ok(),
        can_read_audit_log: check(Some(p), AUDIT_READ_ALL, None).is_ok(),
        can_look_up_people: check(Some(p), PEOPLE_LOOKUP, None).is_ok(),
        can_manage_connections: check(Some(p), CONNECTIONS_READ, None).is_ok(),
        organization: p
            .global_persona()
            .is_none()
            .then(|| p.organization.clone().map(org_row))
            .flatten(),
        organizations: if p.global_persona().is_none() {
            p.organizations().into_iter().map(org_row).collect()
        } else {
            Vec::new()
        },
        request_token: super::request_token().unwrap_or_default(),
    }))
}

/// The tabs of an organization's pages the caller may open.
pub(crate) fn tabs(
    principal: Option<&orgdesk_domain::Principal>,
    org_id: &str,
) -> crate::api::OrganizationTabs {
    let may = |permission| check(principal, permission, Some(org_id)).is_ok();
    crate::api::OrganizationTabs {
        members: may(MEMBERS_READ),
        invitations: may(INVITATIONS_READ),
        audit_log: may(AUDIT_READ_ORG),
        connections: may(ORGANIZATION_CONNECTIONS_READ),
        branding: may(BRANDING_READ),
    }
}

pub(crate) fn org_row(o: OrgRef) -> OrganizationRow {
    OrganizationRow {
        id: o.id,
        name: o.name,
        display_name: o.display_name,
    }
}

pub async fn list_organizations(
    query: String,
    after: Option<String>,
) -> Result<OrganizationPage, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let page = rc
        .server
        .organizations
        .list(cx, &query, after.as_deref(), PAGE_SIZE)
        .await?;
    Ok(OrganizationPage {
        items: page
            .items
            .into_iter()
            .map(|o| OrganizationRow {
                id: o.id,
                name: o.name,
                display_name: o.display_name,
            })
            .collect(),
        next: page.next,
    })
}

pub async fn get_organization(id: String) -> Result<OrganizationView, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let (org, persona) = rc.server.organizations.get(cx, &id).await?;
    Ok(OrganizationView {
        can_edit: check(cx.principal, ORGANIZATION_UPDATE, Some(&org.id)).is_ok(),
        can_delete: check(cx.principal, ORGANIZATION_DELETE, Some(&org.id)).is_ok(),
        can_read_members: check(cx.principal, MEMBERS_READ, Some(&org.id)).is_ok(),
        can_read_invitations: check(cx.principal, INVITATIONS_READ, Some(&org.id)).is_ok(),
        can_read_audit_log: check(cx.principal, AUDIT_READ_ORG, Some(&org.id)).is_ok(),
        can_read_connections: check(cx.principal, ORGANIZATION_CONNECTIONS_READ, Some(&org.id))
            .is_ok(),
        can_read_branding: check(cx.principal, BRANDING_READ, Some(&org.id)).is_ok(),
        persona: persona.label().to_owned(),
        id: org.id,
        name: org.name,
        display_name: org.display_name,
        metadata: org.metadata.into_iter().collect(),
    })
}

fn fields(
    name: Option<String>,
    display_name: String,
    metadata: &str,
) -> Result<OrganizationFields, AppError> {
    let metadata: BTreeMap<String, String> = metadata_from_text(metadata)
        .map_err(|message| {
            AppError::from(orgdesk_domain::ServiceError::invalid("metadata", message))
        })?
        .into_iter()
        .collect();
    let display_name = Some(display_name.trim().to_owned()).filter(|d| !d.is_empty());
    Ok(OrganizationFields {
        name,
        display_name,
        metadata: Some(metadata),
        enabled_connections: Vec::new(),
    })
}

pub async fn create_organization(
    name: String,
    display_name: String,
    metadata: String,
    connections: String,
) -> Result<String, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let mut fields = fields(Some(name.trim().to_owned()), display_name, &metadata)?;
    let chosen: Vec<String> = connections
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    fields.enabled_connections = rc
        .server
        .connections
        .for_new_organization(cx, &chosen)
        .await?;
    let ids: Vec<String> = fields
        .enabled_connections
        .iter()
        .map(|e| e.connection_id.clone())
        .collect();
    let org = rc.server.organizations.create(cx, fields).await?;
    rc.server.connections.created(cx, &org, &ids).await?;
    Ok(org.id)
}

pub async fn update_organization(
    id: String,
    display_name: String,
    metadata: String,
) -> Result<OrganizationView, AppError> {
    {
        let rc = request_context().await?;
        let cx = rc.cx();
        let fields = fields(None, display_name, &metadata)?;
        rc.server.organizations.update(cx, &id, fields).await?;
    }
    get_organization(id).await
}

pub async fn delete_organization(id: String, confirm: String) -> Result<(), AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    Ok(rc
        .server
        .organizations
        .delete(cx, &id, confirm.trim())
        .await?)
}

pub async fn audit_log(before: Option<i64>) -> Result<Vec<AuditRow>, AppError> {
    let rc = request_context().await?;
    let entries = rc
        .server
        .audit
        .list_all(rc.principal.as_ref(), before, PAGE_SIZE)
        .await?;
    Ok(entries.into_iter().map(audit_row).collect())
}

fn audit_row(e: Entry) -> AuditRow {
    AuditRow {
        id: e.id,
        at: utc(e.at_ms),
        actor: e.actor_email,
        persona: e.persona,
        organization: e.org_name.or(e.org_id),
        action: e.action,
        before: e.before.map(|v| v.to_string()),
        after: e.after.map(|v| v.to_string()),
        reason: e.reason,
        request_id: e.request_id,
        outcome: e.outcome.as_str().to_owned(),
    }
}

pub async fn organization_audit_log(
    org_id: String,
    before: Option<i64>,
) -> Result<OrganizationAudit, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let (entries, _) = rc
        .server
        .audit
        .list_for_org(cx.principal, &org_id, before, PAGE_SIZE)
        .await?;
    let (org, _) = rc.server.organizations.get(cx, &org_id).await?;
    let next = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(OrganizationAudit {
        tabs: tabs(cx.principal, &org.id),
        organization: org_row(org.as_ref()),
        entries: entries.into_iter().map(audit_row).collect(),
        next,
    })
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, from milliseconds since the epoch.
pub(crate) fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_times_read_as_calendar_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00");
        assert_eq!(super::utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(super::utc(1_795_335_245_000), "2026-11-22 08:14:05");
    }
}
