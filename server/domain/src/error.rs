//! What a service call can answer besides success. Messages are for the
//! person using the console; internals are logged where they happen.

use crate::policy::Denied;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Missing, or in an organization the caller has no part in (the same answer).
    #[error("Not found.")]
    NotFound,
    #[error("You are not allowed to do this.")]
    Forbidden,
    /// Input breaks a rule; `field` names the form field when there is one.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    /// A limit was reached; nothing was done. Says when to try again.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("The identity provider is unavailable; nothing was changed. Try again shortly.")]
    Unavailable,
    #[error("Something went wrong; it has been logged.")]
    Internal,
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotSignedIn => ServiceError::Unauthenticated,
            Denied::NotInOrganization => ServiceError::NotFound,
            Denied::MissingPermission { .. } => ServiceError::Forbidden,
        }
    }
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}
