//! One module per page of the console.

pub mod audit;
pub mod connection;
pub mod connection_fields;
pub mod connection_new;
pub mod connections;
pub mod home;
pub mod invitations;
pub mod members;
pub mod not_found;
pub mod organization;
pub mod organization_audit;
pub mod organization_branding;
pub mod organization_connections;
pub mod organization_new;
pub mod organizations;
pub mod people;
