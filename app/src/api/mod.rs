//! What crosses the wire between the browser and the server: plain serde
//! types, a typed error, and the server functions. Every server function is a
//! public HTTP endpoint; each one reaches data only through a domain service
//! that checks the caller's permission.

mod audit;
mod branding;
mod connections;
mod error;
mod invitations;
mod me;
mod members;
mod organizations;
mod people;
mod types;

pub use audit::*;
pub use branding::*;
pub use connections::*;
pub use error::AppError;
pub use invitations::*;
pub use me::*;
pub use members::*;
pub use organizations::*;
pub use people::*;
pub use types::*;

/// The `<meta name>` under which a page carries its session's request token.
pub const REQUEST_TOKEN_META: &str = "orgdesk-request-token";
/// The header in which server function calls send it back.
pub const REQUEST_TOKEN_HEADER: &str = "x-orgdesk-request-token";
/// The form field in which plain forms (sign-out) send it back.
pub const REQUEST_TOKEN_FIELD: &str = "request_token";

/// How server functions are called from the browser: Leptos' browser client,
/// plus the page's request token (see `server/src/web/guard.rs`).
#[cfg(feature = "hydrate")]
pub use crate::client::ConsoleClient;
/// On the server, server functions are called in process; the client type
/// only has to exist.
#[cfg(not(feature = "hydrate"))]
pub type ConsoleClient = leptos::server_fn::client::browser::BrowserClient;
