//! What can go wrong when talking to the Management API.

use serde::Deserialize;

/// A failed Management API call. Messages are safe to log; none carries a
/// token or a secret. `message` texts come from the API's error body.
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// 400: the API refused the input (`errorCode` such as `invalid_body`).
    #[error("the identity provider refused the request: {message}")]
    Invalid {
        code: Option<String>,
        message: String,
    },
    /// 404: no such resource.
    #[error("not found: {message}")]
    NotFound {
        code: Option<String>,
        message: String,
    },
    /// 409: a unique value is taken.
    #[error("conflict: {message}")]
    Conflict { message: String },
    /// 401/403: the console's own credentials or grants are wrong: an
    /// operator's problem, not the user's.
    #[error(
        "the console's credentials for the identity provider were refused ({status}): {message}"
    )]
    Credentials { status: u16, message: String },
    /// 429 after the retries ran out.
    #[error("the identity provider's rate limit is exhausted; try again shortly")]
    RateLimited,
    /// Timeouts, refused connections and 5xx after the retries ran out.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// Anything else the API answered.
    #[error("unexpected answer from the identity provider ({status}): {message}")]
    Unexpected { status: u16, message: String },
}

/// Auth0's error body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "errorCode")]
    pub error_code: Option<String>,
}

impl ManagementError {
    pub(crate) fn from_answer(status: u16, body: &[u8]) -> Self {
        let ErrorBody {
            message,
            error_code,
        } = serde_json::from_slice(body).unwrap_or_default();
        match status {
            400 => Self::Invalid {
                code: error_code,
                message,
            },
            401 | 403 => Self::Credentials { status, message },
            404 => Self::NotFound {
                code: error_code,
                message,
            },
            409 => Self::Conflict { message },
            429 => Self::RateLimited,
            500..=599 => Self::Unavailable(format!("status {status}")),
            _ => Self::Unexpected { status, message },
        }
    }
}
