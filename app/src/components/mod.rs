//! Components shared by the pages.

pub mod layout;
pub mod theme_toggle;
