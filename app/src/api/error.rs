//! The error every server function answers with.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A failure the person using the console can act on. No internal detail
/// crosses the wire: those are logged on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("Not found.")]
    NotFound,
    #[error("You are not allowed to do this.")]
    Forbidden,
    /// Input breaks a rule; `field` names the form field.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    /// A limit was reached and nothing was done; the message says when to try again.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("The identity provider is unavailable; nothing was changed. Try again shortly.")]
    Unavailable,
    #[error("Something went wrong; it has been logged.")]
    Internal,
    /// The request's fields could not be read (a number that is not one, a
    /// field missing): the server answers 400 and changes nothing.
    #[error("The request was malformed; nothing was changed.")]
    Malformed,
    /// The request itself failed (network, encoding).
    #[error("The request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The message for a form field, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, arguments that do not decode are the caller's fault:
    /// 400 with a generic message (the decoder's text stays in the log). In
    /// the browser, a failure is the request's.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => {
                leptos::logging::log!("malformed server function arguments: {value}");
                crate::ssr::set_status(http::StatusCode::BAD_REQUEST);
                AppError::Malformed
            }
            other => AppError::Request(other.to_string()),
        }
    }
}
