//! What crosses the wire between the browser and the server: plain serde
//! types, a typed error, and the server functions. Every server function is a
//! public HTTP endpoint; each one reaches data only through a domain service
//! that checks the caller's permission.

mod audit;
mod error;
mod me;
mod organizations;
mod types;

pub use audit::*;
pub use error::AppError;
pub use me::*;
pub use organizations::*;
pub use types::*;
