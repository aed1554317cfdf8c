//! An organization's branding: its logo and colors on the hosted login
//! page. Read by staff, the help desk and the organization's admins; changed
//! by staff and the organization's admins. Checked with `orgdesk-brand`
//! before the identity provider is asked; every change is audited.

use std::sync::Arc;

use orgdesk_brand::{Branding, BrandingError};
use serde_json::{Value, json};

use crate::{
    Persona, ServiceError,
    organizations::Context,
    permissions::*,
    ports::{AuditLog, IdentityProvider, Organization, PortError},
    service::{Change, audited, load_for, port_error},
};

#[derive(Clone)]
pub struct BrandingService {
    orgs: Arc<dyn IdentityProvider>,
    audit: Arc<dyn AuditLog>,
}

fn conflict(error: PortError) -> ServiceError {
    port_error(error, "The identity provider refused the branding.")
}

fn snapshot(b: &Branding) -> Value {
    json!({
        "logo_url": b.logo_url,
        "primary": b.primary,
        "page_background": b.page_background,
    })
}

/// The form field a refusal is about.
fn field_error(error: BrandingError) -> ServiceError {
    let field = match &error {
        BrandingError::LogoUrl => "logo_url",
        BrandingError::Color { field } if field.ends_with("primary") => "primary",
        BrandingError::Color { .. } => "page_background",
    };
    let message = match &error {
        BrandingError::LogoUrl => format!(
            "The logo must be an https URL of at most {} characters.",
            orgdesk_brand::MAX_LOGO_URL_LEN
        ),
        BrandingError::Color { .. } => "A color is written #rrggbb, such as #1a2b3c.".to_owned(),
    };
    ServiceError::invalid(field, message)
}

/// A branding from form fields: blank fields are unset.
pub fn from_fields(logo_url: &str, primary: &str, page_background: &str) -> Branding {
    let some = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    Branding {
        logo_url: some(logo_url),
        primary: some(primary),
        page_background: some(page_background),
    }
}

impl BrandingService {
    pub fn new(orgs: Arc<dyn IdentityProvider>, audit: Arc<dyn AuditLog>) -> Self {
        Self { orgs, audit }
    }

    /// The organization with its branding. Needs `branding:read` in it.
    pub async fn get(
        &self,
        cx: Context<'_>,
        org_id: &str,
    ) -> Result<(Organization, Persona), ServiceError> {
        load_for(
            &*self.orgs,
            &*self.audit,
            cx,
            org_id,
            BRANDING_READ,
            BRANDING_READ,
            conflict,
        )
        .await
    }

    /// Replaces the branding (all blank: the default look). Needs
    /// `branding:change` in the organization. Bad input changes nothing.
    pub async fn set(
        &self,
        cx: Context<'_>,
        org_id: &str,
        branding: Branding,
    ) -> Result<Organization, ServiceError> {
        let (org, persona) = load_for(
            &*self.orgs,
            &*self.audit,
            cx,
            org_id,
            BRANDING_READ,
            BRANDING_CHANGE,
            conflict,
        )
        .await?;
        let branding = branding.check().map_err(field_error)?;
        let change = Change {
            cx,
            persona,
            org: &org,
            action: "organization.branding.update",
            before: Some(snapshot(&org.branding)),
            reason: None,
        };
        audited(
            &self.audit,
            change,
            async {
                self.orgs
                    .set_branding(&org.id, &branding)
                    .await
                    .map_err(conflict)
            },
            |o| Some(snapshot(&o.branding)),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_form_field() {
        let field = |b: Branding| match b.check().map_err(field_error) {
            Err(ServiceError::Invalid { field, .. }) => field.unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(from_fields("javascript:alert(1)", "", "")),
            "logo_url"
        );
        assert_eq!(
            field(from_fields("data:image/png;base64,AAAA", "", "")),
            "logo_url"
        );
        assert_eq!(field(from_fields("", "#000;}body{x:y", "")), "primary");
        assert_eq!(field(from_fields("", "", "red")), "page_background");
        assert_eq!(from_fields(" ", "", ""), Branding::default());
    }
}
