//! An organization's branding. Permissions are checked by the domain's
//! branding service.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, OrganizationRow, OrganizationTabs};

/// The branding page: the organization, its logo and colors (blank: unset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingPage {
    pub organization: OrganizationRow,
    pub tabs: OrganizationTabs,
    pub persona: String,
    pub logo_url: String,
    pub primary: String,
    pub page_background: String,
    pub can_change: bool,
}

/// The organization's branding. Needs `branding:read` in it.
#[server(endpoint = "branding/get", client = crate::api::ConsoleClient)]
pub async fn get_branding(org_id: String) -> Result<BrandingPage, AppError> {
    crate::ssr::handlers::branding::get(org_id).await
}

/// Replaces the branding: an https logo URL and `#rrggbb` colors, each
/// optional. Needs `branding:change` in the organization.
#[server(endpoint = "branding/update", client = crate::api::ConsoleClient)]
pub async fn update_branding(
    org_id: String,
    logo_url: String,
    primary: String,
    page_background: String,
) -> Result<BrandingPage, AppError> {
    crate::ssr::handlers::branding::update(org_id, logo_url, primary, page_background).await
}
