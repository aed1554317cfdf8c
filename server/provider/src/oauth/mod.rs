//! The OAuth 2.0 side of the provider: `/oauth/token`.

mod client_auth;
mod code_grant;
mod error;
mod request;
pub(crate) mod token;

pub use error::OAuthError;
