//! Applications registered with the provider, how they authenticate, and what
//! they were granted for client credentials.

use orgdesk_config::Secret;
use orgdesk_db::Database;
use serde::Deserialize;
use sqlx::Row;
use subtle::ConstantTimeEq;

use crate::now;

/// What kind of application a client is, in Auth0's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    /// A server-side web app with a secret (the console).
    RegularWeb,
    /// A browser or native app without a secret: PKCE is required.
    Spa,
    /// A machine-to-machine client (client credentials only).
    NonInteractive,
}

impl AppType {
    fn as_str(self) -> &'static str {
        match self {
            AppType::RegularWeb => "regular_web",
            AppType::Spa => "spa",
            AppType::NonInteractive => "non_interactive",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "spa" => AppType::Spa,
            "non_interactive" => AppType::NonInteractive,
            _ => AppType::RegularWeb,
        }
    }
}

/// Whether sign-in to this client happens in an organization (Auth0's
/// `organization_usage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationUsage {
    #[default]
    Deny,
    Allow,
    Require,
}

impl OrganizationUsage {
    fn as_str(self) -> &'static str {
        match self {
            OrganizationUsage::Deny => "deny",
            OrganizationUsage::Allow => "allow",
            OrganizationUsage::Require => "require",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "allow" => OrganizationUsage::Allow,
            "require" => OrganizationUsage::Require,
            _ => OrganizationUsage::Deny,
        }
    }
}

/// A registered client.
#[derive(Clone, Debug)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    pub app_type: AppType,
    pub redirect_uris: Vec<String>,
    pub logout_urls: Vec<String>,
    pub organization_usage: OrganizationUsage,
    /// Where the application starts a sign-in (Auth0's `initiate_login_uri`);
    /// invitation links to the application begin there.
    pub initiate_login_uri: Option<String>,
    /// `/authorize` needs PKCE (S256) for this client even though it is
    /// confidential (Orgdesk's extension; public clients always need it).
    pub require_pkce: bool,
    secret_sha256: Option<String>,
}

impl Client {
    /// Whether `/authorize` refuses this client without a `code_challenge`.
    pub fn needs_pkce(&self) -> bool {
        self.require_pkce || self.app_type == AppType::Spa || !self.is_confidential()
    }
}

impl Client {
    /// Whether the client has a secret (is confidential).
    pub fn is_confidential(&self) -> bool {
        self.secret_sha256.is_some()
    }

    /// Compares a presented secret with the stored digest in constant time.
    pub fn secret_matches(&self, presented: &str) -> bool {
        match &self.secret_sha256 {
            Some(stored) => digest(presented).as_bytes().ct_eq(stored.as_bytes()).into(),
            None => false,
        }
    }
}

/// A client to create or update, as provisioning describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    pub client_id: String,
    pub name: String,
    /// None for a public client.
    pub client_secret: Option<Secret>,
    pub app_type: AppType,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub logout_urls: Vec<String>,
    #[serde(default)]
    pub organization_usage: OrganizationUsage,
    /// The application's login URI (Auth0's `initiate_login_uri`): an https
    /// URL (http only on a loopback host, for development). Invitations to
    /// the application need one.
    #[serde(default)]
    pub initiate_login_uri: Option<String>,
    /// Scopes granted on the Management API for client credentials.
    #[serde(default)]
    pub management_api_scopes: Vec<String>,
    /// Orgdesk's extension: `/authorize` refuses this client without PKCE
    /// (S256), although it has a secret. Off by default; public clients
    /// always need PKCE whatever this says.
    #[serde(default)]
    pub require_pkce: bool,
}

impl ClientSpec {
    /// Whether `initiate_login_uri`, when given, is a URL an invitation link
    /// can start from: absolute, https (or http on a loopback host), no fragment.
    pub fn login_uri_is_valid(&self) -> bool {
        self.initiate_login_uri.as_deref().is_none_or(|uri| {
            url::Url::parse(uri).is_ok_and(|u| {
                let loopback = matches!(u.host(), Some(url::Host::Domain("localhost")))
                    || matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
                    || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
                let scheme_ok = u.scheme() == "https" || (u.scheme() == "http" && loopback);
                scheme_ok && u.host().is_some() && u.fragment().is_none()
            })
        })
    }
}

fn digest(secret: &str) -> String {
    crate::ids::sha256_hex(secret)
}

fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).expect("strings serialize")
}

fn parse_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Creates the client or brings it in line with `spec`, with its Management
/// API grant, in one transaction.
pub async fn upsert(
    db: &Database,
    spec: &ClientSpec,
    management_audience: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    let now = now();
    sqlx::query(
        "INSERT INTO clients (client_id, name, secret_sha256, app_type, redirect_uris, logout_urls, \
         organization_usage, initiate_login_uri, require_pkce, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9) \
         ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, secret_sha256 = excluded.secret_sha256, \
         app_type = excluded.app_type, redirect_uris = excluded.redirect_uris, \
         logout_urls = excluded.logout_urls, organization_usage = excluded.organization_usage, \
         initiate_login_uri = excluded.initiate_login_uri, require_pkce = excluded.require_pkce, \
         updated_at = excluded.updated_at",
    )
    .bind(&spec.client_id)
    .bind(&spec.name)
    .bind(spec.client_secret.as_ref().map(|s| digest(s.expose())))
    .bind(spec.app_type.as_str())
    .bind(json_list(&spec.redirect_uris))
    .bind(json_list(&spec.logout_urls))
    .bind(spec.organization_usage.as_str())
    .bind(&spec.initiate_login_uri)
    .bind(now)
    .bind(i64::from(spec.require_pkce))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM client_grants WHERE client_id = $1 AND audience = $2")
        .bind(&spec.client_id)
        .bind(management_audience)
        .execute(&mut *tx)
        .await?;
    if !spec.management_api_scopes.is_empty() {
        sqlx::query("INSERT INTO client_grants (client_id, audience, scopes) VALUES ($1, $2, $3)")
            .bind(&spec.client_id)
            .bind(management_audience)
            .bind(spec.management_api_scopes.join(" "))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

pub async fn find(db: &Database, client_id: &str) -> Result<Option<Client>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT client_id, name, secret_sha256, app_type, redirect_uris, logout_urls, organization_usage, \
         initiate_login_uri, require_pkce FROM clients WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(Client {
            client_id: row.try_get("client_id")?,
            name: row.try_get("name")?,
            secret_sha256: row.try_get("secret_sha256")?,
            app_type: AppType::parse(&row.try_get::<String, _>("app_type")?),
            redirect_uris: parse_list(&row.try_get::<String, _>("redirect_uris")?),
            logout_urls: parse_list(&row.try_get::<String, _>("logout_urls")?),
            organization_usage: OrganizationUsage::parse(
                &row.try_get::<String, _>("organization_usage")?,
            ),
            initiate_login_uri: row.try_get("initiate_login_uri")?,
            require_pkce: row.try_get::<i64, _>("require_pkce")? != 0,
        })
    })
    .transpose()
}

/// The scopes a client was granted for an audience, if it has a grant.
pub async fn granted_scopes(
    db: &Database,
    client_id: &str,
    audience: &str,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let scopes: Option<String> = sqlx::query_scalar(
        "SELECT scopes FROM client_grants WHERE client_id = $1 AND audience = $2",
    )
    .bind(client_id)
    .bind(audience)
    .fetch_optional(db.pool())
    .await?;
    Ok(scopes.map(|s| s.split_whitespace().map(str::to_owned).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(login: Option<&str>) -> ClientSpec {
        ClientSpec {
            client_id: "app".into(),
            name: "App".into(),
            client_secret: None,
            app_type: AppType::Spa,
            redirect_uris: vec![],
            logout_urls: vec![],
            organization_usage: OrganizationUsage::Allow,
            initiate_login_uri: login.map(str::to_owned),
            management_api_scopes: vec![],
            require_pkce: false,
        }
    }

    #[test]
    fn login_uris_are_https_or_http_on_a_loopback_host_without_a_fragment() {
        for ok in [
            None,
            Some("https://app.example/login"),
            Some("https://app.example/login?from=invite"),
            Some("http://localhost:3000/login"),
            Some("http://127.0.0.1:3000/login"),
            Some("http://[::1]:3000/login"),
        ] {
            assert!(spec(ok).login_uri_is_valid(), "{ok:?}");
        }
        for bad in [
            "http://app.example/login",
            "https://app.example/login#x",
            "/login",
            "javascript:alert(1)",
            "ftp://app.example/",
        ] {
            assert!(!spec(Some(bad)).login_uri_is_valid(), "{bad}");
        }
    }

    #[test]
    fn provisioning_refuses_a_client_with_a_bad_login_uri() {
        let provisioning = crate::Provisioning {
            clients: vec![spec(Some("http://app.example/login"))],
            ..Default::default()
        };
        assert!(matches!(
            provisioning.check(),
            Err(crate::provision::ProvisionError::InvalidLoginUri(id)) if id == "app"
        ));
    }
}
