//! Connections, the connections each organization enables, and the
//! identities people sign in with.
//!
//! A connection's client secret is read only through [`client_secret`], for
//! the one request that sends it to the upstream token endpoint; the
//! [`Connection`] the rest of the provider handles has none.

use orgdesk_db::Database;
use serde_json::{Map, Value};
use sqlx::{Row, any::AnyRow};

/// The strategies the provider serves, named as Auth0 names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// A password database (`auth0`).
    Database,
    /// An enterprise connection to a customer's OpenID provider (`oidc`).
    Oidc,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Database => "auth0",
            Self::Oidc => "oidc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auth0" => Some(Self::Database),
            "oidc" => Some(Self::Oidc),
            _ => None,
        }
    }

    /// Enterprise connections are shown as buttons; database connections as
    /// the password form.
    pub fn is_enterprise(self) -> bool {
        self == Self::Oidc
    }
}

/// A connection, without its client secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub strategy: Strategy,
    /// Auth0's `options` object (for `oidc`: `issuer`, `client_id`, `scope`, …).
    pub options: Map<String, Value>,
    /// Whether a client secret is stored (it is never read here).
    pub has_client_secret: bool,
    pub metadata: Map<String, Value>,
    pub created_at: i64,
}

impl Connection {
    /// A text option, such as `issuer` or `client_id`.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(Value::as_str)
    }

    /// What a login page calls it: the display name, else the name.
    pub fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}

/// A connection as one organization enables it.
#[derive(Clone, Debug, PartialEq)]
pub struct EnabledConnection {
    pub org_id: String,
    pub connection: Connection,
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub is_signup_enabled: bool,
}

pub(crate) const COLUMNS: &str = "c.id, c.name, c.display_name, c.strategy, c.options, \
     c.client_secret IS NOT NULL AS has_client_secret, c.metadata, c.created_at";

fn json_object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

pub(crate) fn connection_from_row(row: &AnyRow) -> Result<Connection, sqlx::Error> {
    let strategy: String = row.try_get("strategy")?;
    Ok(Connection {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        strategy: Strategy::parse(&strategy).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown connection strategy {strategy:?}").into())
        })?,
        options: json_object(&row.try_get::<String, _>("options")?),
        has_client_secret: row.try_get::<bool, _>("has_client_secret").or_else(|_| {
            // SQLite answers a comparison with an integer.
            row.try_get::<i64, _>("has_client_secret").map(|n| n != 0)
        })?,
        metadata: json_object(&row.try_get::<String, _>("metadata")?),
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) fn enabled_from_row(row: &AnyRow) -> Result<EnabledConnection, sqlx::Error> {
    Ok(EnabledConnection {
        org_id: row.try_get("org_id")?,
        connection: connection_from_row(row)?,
        assign_membership_on_login: flag(row, "assign_membership_on_login")?,
        show_as_button: flag(row, "show_as_button")?,
        is_signup_enabled: flag(row, "is_signup_enabled")?,
    })
}

/// A connection by its id (`con_…`).
pub async fn by_id(db: &Database, id: &str) -> Result<Option<Connection>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM connections c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .map(|row| connection_from_row(&row))
    .transpose()
}

/// A connection by its name (the `connection=` of `/authorize`).
pub async fn by_name(db: &Database, name: &str) -> Result<Option<Connection>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM connections c WHERE c.name = $1"
    ))
    .bind(name)
    .fetch_optional(db.pool())
    .await?
    .map(|row| connection_from_row(&row))
    .transpose()
}

/// The client secret of an enterprise connection, read only to send it to
/// the upstream token endpoint.
pub async fn client_secret(
    db: &Database,
    connection_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<String>>("SELECT client_secret FROM connections WHERE id = $1")
        .bind(connection_id)
        .fetch_optional(db.pool())
        .await
        .map(Option::flatten)
}

const ENABLED_COLUMNS: &str =
    "oc.org_id, oc.assign_membership_on_login, oc.show_as_button, oc.is_signup_enabled";

/// The connections an organization enables, in the order they were enabled
/// (then by name).
pub async fn enabled_for(
    db: &Database,
    org_id: &str,
) -> Result<Vec<EnabledConnection>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS}, {ENABLED_COLUMNS} FROM organization_connections oc \
         JOIN connections c ON c.id = oc.connection_id \
         WHERE oc.org_id = $1 ORDER BY oc.created_at, c.name"
    ))
    .bind(org_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(enabled_from_row)
    .collect()
}

/// One connection as an organization enables it; `None` where it does not.
pub async fn enabled(
    db: &Database,
    org_id: &str,
    connection_id: &str,
) -> Result<Option<EnabledConnection>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS}, {ENABLED_COLUMNS} FROM organization_connections oc \
         JOIN connections c ON c.id = oc.connection_id \
         WHERE oc.org_id = $1 AND oc.connection_id = $2"
    ))
    .bind(org_id)
    .bind(connection_id)
    .fetch_optional(db.pool())
    .await?
    .map(|row| enabled_from_row(&row))
    .transpose()
}

/// The user an identity belongs to: found by connection and subject only.
pub async fn identity_user(
    db: &Database,
    connection_id: &str,
    subject: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>(
        "SELECT user_id FROM identities WHERE connection_id = $1 AND subject = $2",
    )
    .bind(connection_id)
    .bind(subject)
    .fetch_optional(db.pool())
    .await
}

/// Records a sign-in through an identity: the claims the connection gave and
/// when. `false` when there is no such identity.
pub async fn record_identity_login(
    conn: &mut sqlx::AnyConnection,
    connection_id: &str,
    subject: &str,
    profile: &Map<String, Value>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE identities SET profile = $1, last_login_at = $2 \
         WHERE connection_id = $3 AND subject = $4",
    )
    .bind(Value::Object(profile.clone()).to_string())
    .bind(crate::now())
    .bind(connection_id)
    .bind(subject)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Links an identity to a user, with the claims of its first sign-in.
/// `false` when the identity exists already (nothing is written).
pub async fn link_identity(
    conn: &mut sqlx::AnyConnection,
    connection_id: &str,
    subject: &str,
    user_id: &str,
    profile: &Map<String, Value>,
) -> Result<bool, sqlx::Error> {
    let now = crate::now();
    let done = sqlx::query(
        "INSERT INTO identities (connection_id, subject, user_id, profile, created_at, last_login_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (connection_id, subject) DO NOTHING",
    )
    .bind(connection_id)
    .bind(subject)
    .bind(user_id)
    .bind(Value::Object(profile.clone()).to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates a user who signs in only through a connection (no password).
/// `false` when the id or the email is taken (nothing is written).
pub async fn insert_federated_user(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    email: &str,
    email_verified: bool,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let now = crate::now();
    let done = sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(super::users::normalize_email(email))
    .bind(i64::from(email_verified))
    .bind(name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
