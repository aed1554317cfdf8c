//! Written reasons: the help desk gives one for every change it makes, and
//! it lands in the organization's audit log, where the customer reads it.

use crate::{Permission, Persona, ServiceError, permissions::NEEDS_REASON_FOR_HELP_DESK};

pub const MIN_REASON_CHARS: usize = 10;
pub const MAX_REASON_CHARS: usize = 500;

/// The reason to record for `persona` doing `permission`: required of the
/// help desk, optional for others, never longer than the limit.
pub fn reason_for(
    persona: Persona,
    permission: Permission,
    reason: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let required = persona == Persona::HelpDesk && NEEDS_REASON_FOR_HELP_DESK.contains(&permission);
    match reason {
        None if required => Err(ServiceError::invalid(
            "reason",
            "The help desk must give a reason; the organization's admins will read it.",
        )),
        Some(r) if required && r.chars().count() < MIN_REASON_CHARS => Err(ServiceError::invalid(
            "reason",
            format!("Write a reason of at least {MIN_REASON_CHARS} characters."),
        )),
        Some(r) if r.chars().count() > MAX_REASON_CHARS => Err(ServiceError::invalid(
            "reason",
            format!("A reason is at most {MAX_REASON_CHARS} characters."),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::{MEMBER_ROLES_CHANGE, MEMBERS_REMOVE};

    #[test]
    fn the_help_desk_writes_a_reason_others_may() {
        let ok = |p, perm, r: Option<&str>| reason_for(p, perm, r).is_ok();
        assert!(!ok(Persona::HelpDesk, MEMBERS_REMOVE, None));
        assert!(!ok(Persona::HelpDesk, MEMBERS_REMOVE, Some("   ")));
        assert!(!ok(Persona::HelpDesk, MEMBERS_REMOVE, Some("because")));
        assert_eq!(
            reason_for(
                Persona::HelpDesk,
                MEMBERS_REMOVE,
                Some(" Ticket #4411: stuck member ")
            ),
            Ok(Some("Ticket #4411: stuck member".into()))
        );
        assert_eq!(reason_for(Persona::Staff, MEMBERS_REMOVE, None), Ok(None));
        assert_eq!(
            reason_for(Persona::CustomerAdmin, MEMBER_ROLES_CHANGE, Some("")),
            Ok(None)
        );
        assert!(!ok(Persona::Staff, MEMBERS_REMOVE, Some(&"x".repeat(501))));
    }
}
