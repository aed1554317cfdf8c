//! One module per page of the console.

pub mod home;
pub mod not_found;
