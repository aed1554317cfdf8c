//! The console's client of the Management API v2, written to what Auth0
//! documents so that the same code talks to Auth0 and to the built-in provider.
//!
//! - The access token comes from client credentials (the `oauth2` crate), is
//!   cached until shortly before it expires, and is fetched once however many
//!   callers need it at the same moment.
//! - Every call has a timeout. Idempotent calls retry on 5xx and on network
//!   failures, with exponential backoff and jitter; every call retries on 429
//!   after waiting until `x-ratelimit-reset`.
//! - Failures are typed ([`ManagementError`]) and never carry a secret.

mod client;
mod connections;
mod error;
mod invitations;
mod members;
mod organizations;
mod token;

pub use client::{ManagementClient, ManagementSettings};
pub use connections::*;
pub use error::ManagementError;
// Empty until the invitation calls land; the glob then has items to export.
#[allow(unused_imports)]
pub use invitations::*;
pub use members::*;
pub use organizations::{
    Branding, Colors, NewEnabledConnection, NewOrganization, Organization, OrganizationPage,
    OrganizationUpdate, Role,
};
