//! Components shared by the pages.

pub mod audit_table;
pub mod layout;
pub mod notice;
pub mod org_switcher;
pub mod org_tabs;
pub mod reason;
pub mod role_choice;
pub mod theme_toggle;
pub mod user_menu;
