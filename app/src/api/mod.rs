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
