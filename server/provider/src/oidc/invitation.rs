//! Accepting an invitation at sign-in. The invitation must still exist, be
//! unexpired, be for the organization and application of the request, and be
//! for the email of the person signing in. Accepting it is one transaction:
//! the invitation is removed, the person becomes a member with its roles, and
//! the code is issued. A refusal changes nothing.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::{
    authorize::{Checked, code_redirect, issue_code, server_error},
    session::Session,
};
use crate::{
    ProviderState,
    store::{
        invitations::{self, Invitation},
        users,
    },
    timestamp::now_millis,
};

/// What a sign-in transaction keeps of its invitation.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct InvitationRef {
    pub ticket: String,
    /// The invited email, lowercase.
    pub email: String,
    pub inviter: String,
}

impl InvitationRef {
    pub fn of(invitation: &Invitation) -> Self {
        Self {
            ticket: invitation.ticket_id.clone(),
            email: invitation.invitee_email.clone(),
            inviter: invitation.inviter_name.clone(),
        }
    }
}

/// Why an invitation cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Used, revoked, or a ticket that never was.
    NotFound,
    Expired,
    OtherOrganization,
    OtherApplication,
    /// The person signing in is not the one invited.
    OtherPerson,
}

impl Refusal {
    /// The OAuth error sent back to the application.
    pub fn error(self) -> &'static str {
        match self {
            Refusal::OtherPerson => "access_denied",
            _ => "invalid_request",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Refusal::NotFound => {
                "the invitation was not found: it was already used or revoked, or its link is incomplete"
            }
            Refusal::Expired => "the invitation has expired: ask for a new one",
            Refusal::OtherOrganization => "the invitation is for another organization",
            Refusal::OtherApplication => "the invitation is for another application",
            Refusal::OtherPerson => "the invitation is for another email address",
        }
    }
}

/// The invitation, if it can be used now for this organization and client.
pub fn usable(
    found: Option<Invitation>,
    org_id: &str,
    client_id: &str,
) -> Result<Invitation, Refusal> {
    let invitation = found.ok_or(Refusal::NotFound)?;
    if invitation.org_id != org_id {
        Err(Refusal::OtherOrganization)
    } else if invitation.client_id != client_id {
        Err(Refusal::OtherApplication)
    } else if invitation.is_expired(now_millis()) {
        Err(Refusal::Expired)
    } else {
        Ok(invitation)
    }
}

/// The invitation of a checked request as it is now, for `email`.
pub async fn current(
    state: &ProviderState,
    checked: &Checked,
    email: &str,
) -> Result<Result<Invitation, Refusal>, sqlx::Error> {
    let Some(invited) = &checked.invitation else {
        return Ok(Err(Refusal::NotFound));
    };
    let found = invitations::by_ticket(&state.db, &invited.ticket).await?;
    let org_id = checked.org_id.as_deref().unwrap_or_default();
    Ok(
        usable(found, org_id, &checked.client_id).and_then(|invitation| {
            if users::normalize_email(email) == invitation.invitee_email {
                Ok(invitation)
            } else {
                Err(Refusal::OtherPerson)
            }
        }),
    )
}

/// On the caller's transaction: consumes the invitation, makes the user a
/// member with its roles, and issues the code. `Err(refusal)` when the
/// invitation went (used or expired) since it was read; the caller then
/// drops the transaction.
pub async fn accept_on(
    conn: &mut AnyConnection,
    state: &ProviderState,
    checked: &Checked,
    invitation: &Invitation,
    user_id: &str,
    auth_time: i64,
) -> Result<Result<String, Refusal>, sqlx::Error> {
    let now = now_millis();
    if !invitations::accept(&mut *conn, invitation, user_id, now).await? {
        let refusal = if invitation.is_expired(now) {
            Refusal::Expired
        } else {
            Refusal::NotFound
        };
        return Ok(Err(refusal));
    }
    let code = issue_code(conn, state, checked, user_id, auth_time).await?;
    Ok(Ok(code))
}

/// Accepts the request's invitation for the signed-in person and sends the
/// code back, or sends the refusal back.
pub async fn accept(state: &ProviderState, checked: &Checked, session: &Session) -> Response {
    let outcome = async {
        let email = users::by_id(&state.db, &session.user_id)
            .await?
            .map(|u| u.email)
            .unwrap_or_default();
        let invitation = match current(state, checked, &email).await? {
            Ok(invitation) => invitation,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let mut tx = state.db.pool().begin().await?;
        let code = accept_on(
            &mut tx,
            state,
            checked,
            &invitation,
            &session.user_id,
            session.auth_time,
        )
        .await?;
        if code.is_ok() {
            tx.commit().await?;
        }
        Ok::<_, sqlx::Error>(code)
    }
    .await;
    match outcome {
        Ok(Ok(code)) => code_redirect(checked, &code),
        Ok(Err(refusal)) => checked.fail(refusal.error(), refusal.description()),
        Err(e) => server_error(e),
    }
}
