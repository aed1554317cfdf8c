//! Invitations to an organization: create (for one or many emails, with
//! roles within the caller's ceiling, a connection and a lifetime), list with
//! status, revoke, and resend (Auth0 has no resend: revoke and create again,
//! both in the audit log, linked).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::{
    Persona, ServiceError,
    limits::spend_invitations,
    organizations::Context,
    permissions::*,
    ports::{
        AuditLog, IdentityProvider, Invitation, InvitationLog, NewInvitation, Organization, People,
        PortError, RoleRef, SendBudget, SentInvitation,
    },
    reason::reason_for,
    roles::{RoleChoices, RoleRules},
    service::{Change, audited, internal, load_for, parse_emails, port_error, refused},
};

/// Proof that a request's sends fit the budget: [`InvitationService::send`]
/// takes one, and only [`InvitationService::spend`] makes it.
struct Spent(());

/// At most this many emails in one request.
pub const MAX_INVITE: usize = 50;
/// Auth0's limits on an invitation's lifetime.
pub const MAX_TTL_DAYS: u32 = 30;
pub const DEFAULT_TTL_DAYS: u32 = 7;

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Expired,
    Accepted,
    Revoked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Expired => "expired",
            Status::Accepted => "accepted",
            Status::Revoked => "revoked",
        }
    }
}

/// An invitation as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub roles: Vec<String>,
    pub invited_by: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub status: Status,
    /// The invitation that replaced it (resent).
    pub replaced_by: Option<String>,
}

/// What the invitation form offers the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationList {
    pub organization: Organization,
    pub persona: Persona,
    pub invitations: Vec<InvitationView>,
    pub grantable: Vec<RoleRef>,
}

#[derive(Clone)]
pub struct InvitationService {
    orgs: Arc<dyn IdentityProvider>,
    people: Arc<dyn People>,
    log: Arc<dyn InvitationLog>,
    /// Every send spends from it first (the same database as `log`).
    budget: Arc<dyn SendBudget>,
    audit: Arc<dyn AuditLog>,
    rules: RoleRules,
}

fn conflict(error: PortError) -> ServiceError {
    port_error(error, "The identity provider refused the invitation.")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

impl InvitationService {
    pub fn new(
        orgs: Arc<dyn IdentityProvider>,
        people: Arc<dyn People>,
        log: Arc<dyn InvitationLog>,
        audit: Arc<dyn AuditLog>,
        rules: RoleRules,
    ) -> Self {
        Self {
            orgs,
            people,
            budget: log.clone(),
            log,
            audit,
            rules,
        }
    }

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
            INVITATIONS_READ,
            permission,
            conflict,
        )
        .await
    }

    async fn role_choices(
        &self,
        cx: Context<'_>,
        org_id: &str,
        persona: Persona,
    ) -> Result<RoleChoices, ServiceError> {
        let principal = cx.principal.expect("checked");
        RoleChoices::load(&*self.people, &self.rules, principal, org_id, persona)
            .await
            .map_err(conflict)
    }

    /// The organization's invitations, newest first, with their status:
    /// those the identity provider holds are pending or expired; those the
    /// console sent that it no longer holds were accepted (Auth0 removes an
    /// accepted invitation) unless the console revoked them.
    pub async fn list(
        &self,
        cx: Context<'_>,
        org_id: &str,
    ) -> Result<InvitationList, ServiceError> {
        let (organization, persona) = self.load_for(cx, org_id, INVITATIONS_READ).await?;
        let RoleChoices { visible, grantable } =
            self.role_choices(cx, &organization.id, persona).await?;
        let role_name = |id: &str| {
            visible
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| id.to_owned())
        };
        let live = self
            .people
            .invitations(&organization.id)
            .await
            .map_err(conflict)?;
        let sent = self
            .log
            .list(&organization.id, 500)
            .await
            .map_err(internal)?;
        let now = now_ms();
        let mut views: BTreeMap<(i64, String), InvitationView> = BTreeMap::new();
        for inv in &live {
            views.insert(
                (inv.created_at_ms, inv.id.clone()),
                InvitationView {
                    id: inv.id.clone(),
                    email: inv.email.clone(),
                    roles: inv.role_ids.iter().map(|id| role_name(id)).collect(),
                    invited_by: inv.inviter_name.clone(),
                    created_at_ms: inv.created_at_ms,
                    expires_at_ms: inv.expires_at_ms,
                    status: if inv.expires_at_ms <= now {
                        Status::Expired
                    } else {
                        Status::Pending
                    },
                    replaced_by: None,
                },
            );
        }
        for record in sent {
            if live.iter().any(|inv| inv.id == record.id) {
                continue;
            }
            let status = if record.revoked_at_ms.is_some() {
                Status::Revoked
            } else if record.expires_at_ms <= now {
                Status::Expired
            } else {
                Status::Accepted
            };
            views.insert(
                (record.created_at_ms, record.id.clone()),
                InvitationView {
                    id: record.id,
                    email: record.email,
                    roles: record.role_names,
                    invited_by: record.invited_by,
                    created_at_ms: record.created_at_ms,
                    expires_at_ms: record.expires_at_ms,
                    status,
                    replaced_by: record.replaced_by,
                },
            );
        }
        Ok(InvitationList {
            organization,
            persona,
            invitations: views.into_values().rev().collect(),
            grantable,
        })
    }

    /// Invites every email given, with the same roles, connection and
    /// lifetime. Input is checked in full first; if the identity provider
    /// refuses one, those already created in this request are revoked again.
    pub async fn create(
        &self,
        cx: Context<'_>,
        org_id: &str,
        emails: &str,
        role_ids: &[String],
        connection_id: Option<&str>,
        ttl_days: u32,
    ) -> Result<Vec<InvitationView>, ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, INVITATIONS_CREATE).await?;
        let emails = parse_emails(emails, MAX_INVITE)?;
        if !(1..=MAX_TTL_DAYS).contains(&ttl_days) {
            return Err(ServiceError::invalid(
                "ttl_days",
                format!("An invitation lasts from 1 to {MAX_TTL_DAYS} days."),
            ));
        }
        let roles = self
            .role_choices(cx, &org.id, persona)
            .await?
            .pick(role_ids)?;
        let connection_id = connection_id.map(str::trim).filter(|c| !c.is_empty());
        let inviter = cx.principal.expect("checked");
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "invitation.create",
            before: Some(json!({ "emails": emails })),
            reason: None,
        };
        let spent = self.spend(change, &emails).await?;
        let mut created: Vec<InvitationView> = Vec::new();
        for email in emails {
            let new = NewInvitation {
                inviter_name: inviter.name.clone(),
                email,
                role_ids: roles.iter().map(|r| r.id.clone()).collect(),
                connection_id: connection_id.map(str::to_owned),
                ttl_sec: ttl_days * 86_400,
            };
            match self
                .send(&spent, cx, persona, &org, &new, &roles, None)
                .await
            {
                Ok(view) => created.push(view),
                Err(error) => {
                    for view in &created {
                        if let Err(undo) = self.people.delete_invitation(&org.id, &view.id).await {
                            tracing::error!(error = %undo, "could not revoke an invitation of a failed request");
                        }
                        let _ = self.log.revoked(&view.id, now_ms(), None).await;
                    }
                    return Err(error);
                }
            }
        }
        Ok(created)
    }

    /// Reserves the sends of a request, to `emails`, before the first is
    /// made: all fit, or the refusal is recorded (as `change`) and nothing is sent.
    async fn spend(&self, change: Change<'_>, emails: &[String]) -> Result<Spent, ServiceError> {
        let actor = change.cx.principal.expect("checked");
        match spend_invitations(
            &*self.budget,
            &actor.user_id,
            &change.org.id,
            emails,
            now_ms(),
        )
        .await
        {
            Ok(()) => Ok(Spent(())),
            Err(limit @ ServiceError::TooManyRequests { .. }) => {
                Err(refused(&*self.audit, change, limit).await?)
            }
            Err(other) => Err(other),
        }
    }

    /// Creates one invitation, recorded in the audit log and the console's log.
    /// It needs the request's [`Spent`].
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        _spent: &Spent,
        cx: Context<'_>,
        persona: Persona,
        org: &Organization,
        new: &NewInvitation,
        roles: &[RoleRef],
        resend_of: Option<(&str, Option<String>)>,
    ) -> Result<InvitationView, ServiceError> {
        let (action, before, reason) = match &resend_of {
            Some((old, reason)) => (
                "invitation.resend",
                Some(json!({"invitation_id": old, "email": new.email})),
                reason.clone(),
            ),
            None => ("invitation.create", None, None),
        };
        let change = Change {
            cx,
            persona,
            org,
            action,
            before,
            reason,
        };
        let invitation: Invitation = audited(
            &self.audit,
            change,
            async {
                self.people
                    .create_invitation(&org.id, new)
                    .await
                    .map_err(conflict)
            },
            |inv: &Invitation| {
                Some(json!({
                    "invitation_id": inv.id,
                    "email": inv.email,
                    "roles": roles.iter().map(|r| &r.name).collect::<Vec<_>>(),
                    "expires_at_ms": inv.expires_at_ms,
                }))
            },
        )
        .await?;
        let sent = SentInvitation {
            id: invitation.id.clone(),
            org_id: org.id.clone(),
            email: invitation.email.clone(),
            role_names: roles.iter().map(|r| r.name.clone()).collect(),
            created_at_ms: invitation.created_at_ms,
            expires_at_ms: invitation.expires_at_ms,
            invited_by: invitation.inviter_name.clone(),
            revoked_at_ms: None,
            replaced_by: None,
        };
        self.log.record(&sent).await.map_err(internal)?;
        Ok(InvitationView {
            id: sent.id,
            email: sent.email,
            roles: sent.role_names,
            invited_by: sent.invited_by,
            created_at_ms: sent.created_at_ms,
            expires_at_ms: sent.expires_at_ms,
            status: Status::Pending,
            replaced_by: None,
        })
    }

    /// The invitation as the identity provider holds it; another
    /// organization's is not found, exactly as a missing one.
    async fn live(&self, org_id: &str, id: &str) -> Result<Invitation, ServiceError> {
        self.people.invitation(org_id, id).await.map_err(conflict)
    }

    /// Revokes a pending (or expired) invitation: its link stops working.
    pub async fn revoke(
        &self,
        cx: Context<'_>,
        org_id: &str,
        id: &str,
        reason: Option<&str>,
    ) -> Result<(), ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, INVITATIONS_REVOKE).await?;
        let reason = reason_for(persona, INVITATIONS_REVOKE, reason)?;
        let inv = self.live(&org.id, id).await?;
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "invitation.revoke",
            before: Some(json!({"invitation_id": inv.id, "email": inv.email})),
            reason,
        };
        audited(
            &self.audit,
            change,
            async {
                self.people
                    .delete_invitation(&org.id, &inv.id)
                    .await
                    .map_err(conflict)
            },
            |_| None,
        )
        .await?;
        self.log
            .revoked(&inv.id, now_ms(), None)
            .await
            .map_err(internal)
    }

    /// Sends an invitation again: a new one with the same email, roles,
    /// connection and lifetime, then the old one revoked. The log links them.
    pub async fn resend(
        &self,
        cx: Context<'_>,
        org_id: &str,
        id: &str,
        reason: Option<&str>,
    ) -> Result<InvitationView, ServiceError> {
        let (org, persona) = self.load_for(cx, org_id, INVITATIONS_RESEND).await?;
        let reason = reason_for(persona, INVITATIONS_RESEND, reason)?;
        let old = self.live(&org.id, id).await?;
        let all = self.people.roles().await.map_err(conflict)?;
        let roles: Vec<RoleRef> = all
            .into_iter()
            .filter(|r| old.role_ids.contains(&r.id))
            .collect();
        let lifetime_sec = ((old.expires_at_ms - old.created_at_ms) / 1000)
            .clamp(86_400, i64::from(MAX_TTL_DAYS) * 86_400) as u32;
        let new = NewInvitation {
            inviter_name: old.inviter_name.clone(),
            email: old.email.clone(),
            role_ids: old.role_ids.clone(),
            connection_id: old.connection_id.clone(),
            ttl_sec: lifetime_sec,
        };
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "invitation.resend",
            before: Some(json!({"invitation_id": old.id, "email": old.email})),
            reason: reason.clone(),
        };
        let spent = self.spend(change, std::slice::from_ref(&old.email)).await?;
        let view = self
            .send(
                &spent,
                cx,
                persona,
                &org,
                &new,
                &roles,
                Some((&old.id, reason)),
            )
            .await?;
        if let Err(error) = self.people.delete_invitation(&org.id, &old.id).await {
            // Two live links for one person is harmless (either works once);
            // say so in the log rather than fail the resend.
            tracing::warn!(%error, "the resent invitation's old link was not revoked");
        }
        self.log
            .revoked(&old.id, now_ms(), Some(&view.id))
            .await
            .map_err(internal)?;
        Ok(view)
    }
}
