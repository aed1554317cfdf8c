//! How the console reaches its identity provider: the built-in provider of
//! this process (its clients provisioned here at every start) or an external
//! tenant such as Auth0 (everything from configuration).

use orgdesk_config::{Config, Secret};
use orgdesk_management::ManagementSettings;
use orgdesk_provider::{
    ClientSpec, ProviderState, Provisioning, RoleSpec, clients::AppType, clients::OrganizationUsage,
};
use url::Url;

use crate::{adapters::RoleNames, auth::OidcSettings};

/// Fixed ids of the console's own clients at the built-in provider.
pub const CONSOLE_CLIENT_ID: &str = "orgdesk-console";
pub const CONSOLE_M2M_CLIENT_ID: &str = "orgdesk-console-m2m";

/// The Management API scopes the console needs (grant exactly these in Auth0).
pub const MANAGEMENT_SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "read:users",
    "read:roles",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
];

pub struct Wiring {
    pub oidc: OidcSettings,
    pub management: ManagementSettings,
    pub roles: RoleNames,
}

fn random_secret() -> Secret {
    Secret::new(format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    ))
}

/// The roles the console gives meaning to, and the organization roles of
/// the demo and of a new built-in provider, with what they are for.
pub fn console_roles(roles: &RoleNames) -> Vec<RoleSpec> {
    let role = |name: &str, description: &str| RoleSpec {
        name: name.into(),
        description: description.into(),
    };
    vec![
        role(
            &roles.staff,
            "Orgdesk staff: everything, in every organization",
        ),
        role(&roles.help_desk, "Help desk: reads across organizations"),
        role(&roles.org_admin, "Administers one customer organization"),
        role(
            "Org Member",
            "Uses the product in one customer organization",
        ),
        role(
            "Billing Viewer",
            "Reads invoices of one customer organization",
        ),
        role(
            "Account Owner",
            "Signs contracts for one customer organization (granted by staff only)",
        ),
    ]
}

/// The console's wiring; for the built-in provider, provisions the console's
/// clients and the roles that make personas first.
pub async fn wire(
    config: &Config,
    provider: Option<&ProviderState>,
    console_url: &Url,
) -> Result<Wiring, String> {
    let identity = &config.identity;
    let roles = RoleNames {
        staff: identity.staff_role.clone(),
        help_desk: identity.help_desk_role.clone(),
        org_admin: identity.org_admin_role.clone(),
        delegable: identity.delegable_roles.clone(),
    };
    let redirect_uri = console_url
        .join("auth/callback")
        .expect("relative path joins");
    if let Some(base) = identity.base_url() {
        let base = base?;
        let (Some(client_id), Some(secret), Some(m2m_id), Some(m2m_secret)) = (
            identity.client_id.clone(),
            identity.client_secret.clone(),
            identity.m2m_client_id.clone(),
            identity.m2m_client_secret.clone(),
        ) else {
            return Err("incomplete identity settings (see `orgdesk` configuration check)".into());
        };
        return Ok(Wiring {
            oidc: OidcSettings {
                issuer: base.clone(),
                client_id,
                client_secret: secret,
                redirect_uri,
            },
            management: ManagementSettings::new(base, m2m_id, m2m_secret),
            roles,
        });
    }
    let provider =
        provider.ok_or("the built-in provider is disabled and no AUTH0_DOMAIN is set")?;
    let secret = identity.client_secret.clone().unwrap_or_else(random_secret);
    let m2m_secret = identity
        .m2m_client_secret
        .clone()
        .unwrap_or_else(random_secret);
    let client_id = identity
        .client_id
        .clone()
        .unwrap_or_else(|| CONSOLE_CLIENT_ID.into());
    let m2m_id = identity
        .m2m_client_id
        .clone()
        .unwrap_or_else(|| CONSOLE_M2M_CLIENT_ID.into());
    provider
        .apply(&Provisioning {
            clients: vec![
                ClientSpec {
                    client_id: client_id.clone(),
                    name: "Orgdesk console".into(),
                    client_secret: Some(secret.clone()),
                    app_type: AppType::RegularWeb,
                    redirect_uris: vec![redirect_uri.to_string()],
                    logout_urls: vec![console_url.to_string()],
                    organization_usage: OrganizationUsage::Allow,
                    // Invitation links land on the console's sign-in, which
                    // passes the invitation on to the provider.
                    initiate_login_uri: Some(
                        console_url
                            .join("auth/login")
                            .expect("relative path joins")
                            .to_string(),
                    ),
                    management_api_scopes: vec![],
                    // The console always signs in with PKCE: a code without it is refused.
                    require_pkce: true,
                },
                ClientSpec {
                    client_id: m2m_id.clone(),
                    name: "Orgdesk console (Management API)".into(),
                    client_secret: Some(m2m_secret.clone()),
                    app_type: AppType::NonInteractive,
                    redirect_uris: vec![],
                    logout_urls: vec![],
                    organization_usage: OrganizationUsage::Deny,
                    initiate_login_uri: None,
                    management_api_scopes: MANAGEMENT_SCOPES
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    require_pkce: false,
                },
            ],
            roles: console_roles(&roles),
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let issuer = Url::parse(provider.issuer().as_str()).expect("the issuer is a URL");
    Ok(Wiring {
        oidc: OidcSettings {
            issuer: issuer.clone(),
            client_id,
            client_secret: secret,
            redirect_uri,
        },
        management: ManagementSettings::new(issuer, m2m_id, m2m_secret),
        roles,
    })
}
