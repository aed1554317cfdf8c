//! Branding: the bodies of the server functions in `api::branding`.

use orgdesk_domain::{branding::from_fields, permissions::BRANDING_CHANGE, policy::check};

use super::{org_row, tabs};
use crate::api::{AppError, BrandingPage};
use crate::ssr::request_context;

pub async fn get(org_id: String) -> Result<BrandingPage, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let (org, persona) = rc.server.branding.get(cx, &org_id).await?;
    let b = &org.branding;
    Ok(BrandingPage {
        tabs: tabs(cx.principal, &org.id),
        can_change: check(cx.principal, BRANDING_CHANGE, Some(&org.id)).is_ok(),
        persona: persona.label().to_owned(),
        logo_url: b.logo_url.clone().unwrap_or_default(),
        primary: b.primary.clone().unwrap_or_default(),
        page_background: b.page_background.clone().unwrap_or_default(),
        organization: org_row(org.as_ref()),
    })
}

pub async fn update(
    org_id: String,
    logo_url: String,
    primary: String,
    page_background: String,
) -> Result<BrandingPage, AppError> {
    {
        let rc = request_context().await?;
        let cx = rc.cx();
        let branding = from_fields(&logo_url, &primary, &page_background);
        rc.server.branding.set(cx, &org_id, branding).await?;
    }
    get(org_id).await
}
