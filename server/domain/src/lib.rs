//! Orgdesk's domain: who acts, what they may do, and the services through
//! which every server function reaches data.
//!
//! Authorization is a structure: a service takes the acting [`Principal`],
//! loads the resource, and asks the [`policy`] about the organization that
//! owns it. Deny by default. Storage and the identity provider are ports
//! (traits) that the server implements.

pub mod audit;
pub mod branding;
pub mod connections;
pub mod error;
pub mod invitations;
pub mod limits;
pub mod members;
pub mod organizations;
pub mod people;
pub mod permissions;
pub mod policy;
pub mod ports;
pub mod principal;
pub mod reason;
pub mod roles;
mod service;

pub use error::ServiceError;
pub use permissions::Permission;
pub use principal::{GlobalRole, OrgRef, Persona, Principal};
