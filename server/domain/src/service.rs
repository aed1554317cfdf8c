//! What the services share: mapping port failures to answers, and recording
//! a change in the audit log around the call that makes it.

use std::sync::Arc;

use serde_json::Value;

use crate::{
    Permission, Persona, ServiceError,
    audit::{NewEntry, Outcome},
    organizations::Context,
    policy::{Denied, check},
    ports::{AuditLog, IdentityProvider, Organization, PortError},
};

/// Loads an organization the caller may see through `read` (to anyone else
/// it is not found, exactly as a missing one), then checks `permission`
/// against the organization loaded. Returns it and the caller's persona there.
/// A refusal is recorded (see [`authorize`]).
pub(crate) async fn load_for(
    orgs: &dyn IdentityProvider,
    audit: &dyn AuditLog,
    cx: Context<'_>,
    org_id: &str,
    read: Permission,
    permission: Permission,
    failed: fn(PortError) -> ServiceError,
) -> Result<(Organization, Persona), ServiceError> {
    if let Err(denied) = check(cx.principal, read, Some(org_id)) {
        return Err(record_refusal(audit, cx, permission, Some(org_id), denied).await);
    }
    let org = orgs.organization(org_id).await.map_err(failed)?;
    let persona = authorize(audit, cx, permission, Some(&org.id)).await?;
    Ok((org, persona))
}

/// [`check`], with every refusal of a signed-in caller recorded in the audit
/// log (outcome `refused`, reason "not permitted"); anonymous calls are not
/// recorded, or anyone could fill the log. A refusal in an organization the
/// caller has no part in is recorded outside every organization's log (the
/// id asked for is in `before`): only staff's global log shows it, so that
/// neither that organization's log nor the caller's own tells anything.
pub(crate) async fn authorize(
    audit: &dyn AuditLog,
    cx: Context<'_>,
    permission: Permission,
    org_id: Option<&str>,
) -> Result<Persona, ServiceError> {
    match check(cx.principal, permission, org_id) {
        Ok(persona) => Ok(persona),
        Err(denied) => Err(record_refusal(audit, cx, permission, org_id, denied).await),
    }
}

async fn record_refusal(
    audit: &dyn AuditLog,
    cx: Context<'_>,
    permission: Permission,
    org_id: Option<&str>,
    denied: Denied,
) -> ServiceError {
    let Some(principal) = cx.principal else {
        return denied.into();
    };
    let (persona, logged_in) = match &denied {
        Denied::MissingPermission { persona, .. } => (*persona, org_id),
        Denied::NotInOrganization | Denied::NotSignedIn => (
            principal.headline_persona().unwrap_or(Persona::Member),
            None,
        ),
    };
    let entry = NewEntry {
        actor_user_id: principal.user_id.clone(),
        actor_email: principal.email.clone(),
        persona,
        org_id: logged_in.map(str::to_owned),
        org_name: None,
        action: permission.0.to_owned(),
        before: Some(serde_json::json!({ "asked_org_id": org_id, "permission": permission.0 })),
        reason: Some("not permitted".to_owned()),
        request_id: cx.request_id.to_owned(),
    };
    if let Err(error) = audit.refused(&entry).await {
        // The refusal stands; only its record is missing.
        tracing::error!(%error, "could not record a refused call");
    }
    denied.into()
}

/// Records a change the console refused before asking anyone (a limit), in
/// one write, with why; returns `error`, the answer to the caller.
pub(crate) async fn refused(
    audit: &dyn AuditLog,
    change: Change<'_>,
    error: ServiceError,
) -> Result<ServiceError, ServiceError> {
    let why = error.to_string();
    let mut entry = change.entry();
    entry.reason = Some(match entry.reason.take() {
        Some(given) => format!("{why} (reason given: {given})"),
        None => why,
    });
    audit.refused(&entry).await.map_err(internal)?;
    Ok(error)
}

/// A port's failure as the person using the console should read it;
/// `conflict` words a conflict for the resource at hand.
pub(crate) fn port_error(error: PortError, conflict: &str) -> ServiceError {
    match error {
        PortError::NotFound => ServiceError::NotFound,
        PortError::Conflict(_) => ServiceError::Conflict(conflict.to_owned()),
        PortError::Invalid(message) => ServiceError::Invalid {
            field: None,
            message,
        },
        PortError::Unavailable(cause) => {
            tracing::warn!(%cause, "identity provider unavailable");
            ServiceError::Unavailable
        }
        PortError::Other(cause) => {
            tracing::error!(%cause, "service");
            ServiceError::Internal
        }
    }
}

/// An unexpected failure (of the console's own storage, say).
pub(crate) fn internal(error: PortError) -> ServiceError {
    port_error(error, "conflict")
}

/// A change in an organization, about to be recorded.
pub(crate) struct Change<'a> {
    pub cx: Context<'a>,
    pub persona: Persona,
    pub org: &'a Organization,
    pub action: &'static str,
    pub before: Option<Value>,
    pub reason: Option<String>,
}

impl Change<'_> {
    fn entry(self) -> NewEntry {
        let principal = self.cx.principal.expect("the policy admitted a principal");
        NewEntry {
            actor_user_id: principal.user_id.clone(),
            actor_email: principal.email.clone(),
            persona: self.persona,
            org_id: Some(self.org.id.clone()),
            org_name: Some(self.org.name.clone()),
            action: self.action.into(),
            before: self.before,
            reason: self.reason,
            request_id: self.cx.request_id.into(),
        }
    }
}

/// Records `change` as pending, runs `call`, and finishes the entry with its
/// outcome (and `after` of the result on success).
pub(crate) async fn audited<T, F>(
    audit: &Arc<dyn AuditLog>,
    change: Change<'_>,
    call: F,
    after: impl FnOnce(&T) -> Option<Value>,
) -> Result<T, ServiceError>
where
    F: std::future::Future<Output = Result<T, ServiceError>>,
{
    audited_entry(audit, change.entry(), call, after).await
}

/// A change outside any one organization (the connection catalog), about to
/// be recorded.
pub(crate) fn global_entry(
    cx: Context<'_>,
    persona: Persona,
    action: &'static str,
    before: Option<Value>,
) -> NewEntry {
    let principal = cx.principal.expect("the policy admitted a principal");
    NewEntry {
        actor_user_id: principal.user_id.clone(),
        actor_email: principal.email.clone(),
        persona,
        org_id: None,
        org_name: None,
        action: action.into(),
        before,
        reason: None,
        request_id: cx.request_id.into(),
    }
}

/// [`audited`] for an entry made by the caller.
pub(crate) async fn audited_entry<T, F>(
    audit: &Arc<dyn AuditLog>,
    entry: NewEntry,
    call: F,
    after: impl FnOnce(&T) -> Option<Value>,
) -> Result<T, ServiceError>
where
    F: std::future::Future<Output = Result<T, ServiceError>>,
{
    let id = audit.begin(&entry).await.map_err(internal)?;
    match call.await {
        Ok(value) => {
            audit
                .finish(id, Outcome::Succeeded, after(&value))
                .await
                .map_err(internal)?;
            Ok(value)
        }
        Err(error) => {
            audit
                .finish(id, Outcome::Failed, None)
                .await
                .map_err(internal)?;
            Err(error)
        }
    }
}

/// Emails typed into a box: separated by commas, semicolons, spaces or
/// lines; each checked; duplicates (any case) dropped. At most `max`.
pub fn parse_emails(text: &str, max: usize) -> Result<Vec<String>, ServiceError> {
    let mut emails: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for raw in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            continue;
        }
        if !plausible_email(&email) {
            bad.push(raw.trim().to_owned());
        } else if !emails.contains(&email) {
            emails.push(email);
        }
    }
    if !bad.is_empty() {
        return Err(ServiceError::invalid(
            "emails",
            format!("Not an email address: {}.", bad.join(", ")),
        ));
    }
    if emails.is_empty() {
        return Err(ServiceError::invalid(
            "emails",
            "Enter at least one email address.",
        ));
    }
    if emails.len() > max {
        return Err(ServiceError::invalid(
            "emails",
            format!("At most {max} email addresses at a time."),
        ));
    }
    Ok(emails)
}

/// One `@`, something before it, a dotted domain after it, nothing odd.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email
            .chars()
            .all(|c| c.is_alphanumeric() || "@.!#$%&'*+/=?^_`{|}~-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_split_checked_and_deduplicated() {
        assert_eq!(
            parse_emails(
                "Pat@Example.com, lee@example.org\n pat@example.com;kim@example.net",
                10
            ),
            Ok(vec![
                "pat@example.com".to_owned(),
                "lee@example.org".to_owned(),
                "kim@example.net".to_owned()
            ])
        );
        for bad in [
            "pat",
            "pat@",
            "@example.com",
            "pat@example",
            "pat@@example.com",
            "<b>@x.com",
        ] {
            assert!(parse_emails(bad, 10).is_err(), "{bad}");
        }
        assert!(parse_emails("  ", 10).is_err());
        assert!(parse_emails("a@x.io b@x.io c@x.io", 2).is_err());
    }
}
