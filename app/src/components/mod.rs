//! Components shared by the pages.

pub mod layout;
pub mod notice;
pub mod theme_toggle;
pub mod user_menu;
