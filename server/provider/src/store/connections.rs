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

/// Creates a user who signs in only through a connection (no password),
/// with a claim on `email` where the connection vouches for it (`None`: no
/// address). `false` when the id or the email is taken (nothing is written).
pub async fn insert_federated_user(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    email: Option<&str>,
    email_verified: bool,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let now = crate::now();
    let done = sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(email.map(super::users::normalize_email))
    .bind(i64::from(email_verified))
    .bind(name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------- writes --

/// A write that would give two connections one name, or enable one
/// connection twice for an organization.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionWriteError {
    #[error("a connection with this name already exists")]
    NameTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates a connection; its client secret (if any) goes to its own column.
pub async fn insert(
    db: &Database,
    connection: &Connection,
    client_secret: Option<&str>,
) -> Result<(), ConnectionWriteError> {
    sqlx::query(
        "INSERT INTO connections (id, name, display_name, strategy, options, client_secret, \
         metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&connection.id)
    .bind(&connection.name)
    .bind(&connection.display_name)
    .bind(connection.strategy.as_str())
    .bind(Value::Object(connection.options.clone()).to_string())
    .bind(client_secret)
    .bind(Value::Object(connection.metadata.clone()).to_string())
    .bind(connection.created_at)
    .execute(db.pool())
    .await
    .map_err(|e| {
        if super::is_unique_violation(&e) {
            ConnectionWriteError::NameTaken
        } else {
            ConnectionWriteError::Db(e)
        }
    })?;
    Ok(())
}

/// Writes a connection's display name, options and metadata; a `Some`
/// client secret replaces the stored one, `None` keeps it. False when the
/// connection is gone.
pub async fn update(
    db: &Database,
    connection: &Connection,
    client_secret: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE connections SET display_name = $2, options = $3, metadata = $4, \
         client_secret = COALESCE($5, client_secret) WHERE id = $1",
    )
    .bind(&connection.id)
    .bind(&connection.display_name)
    .bind(Value::Object(connection.options.clone()).to_string())
    .bind(Value::Object(connection.metadata.clone()).to_string())
    .bind(client_secret)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a connection as Auth0 does, in one transaction: the organizations
/// stop enabling it, its identities go, and so do the users left with no
/// identity at all (with their memberships, roles and sessions). False when
/// there was no such connection.
pub async fn delete(db: &Database, id: &str) -> Result<bool, sqlx::Error> {
    let mut tx = super::write_transaction(db).await?;
    // The users whose only identities are at this connection.
    sqlx::query(
        "DELETE FROM users WHERE \
         EXISTS (SELECT 1 FROM identities i WHERE i.user_id = users.user_id AND i.connection_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.user_id = users.user_id AND i.connection_id <> $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM identities WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM organization_connections WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM connections WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Which connections a list asks for: by strategy (any of them; none means
/// all; a strategy the provider does not serve matches nothing) and by exact
/// name.
#[derive(Debug, Default)]
pub struct Filter {
    pub strategies: Vec<String>,
    pub name: Option<String>,
}

impl Filter {
    /// The `WHERE` clause and its binds, numbered from `$1`.
    fn clause(&self) -> (String, Vec<String>) {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if !self.strategies.is_empty() {
            conditions.push(format!(
                "c.strategy IN ({})",
                super::placeholders(1, self.strategies.len())
            ));
            binds.extend(self.strategies.iter().cloned());
        }
        if let Some(name) = &self.name {
            binds.push(name.clone());
            conditions.push(format!("c.name = ${}", binds.len()));
        }
        if conditions.is_empty() {
            (String::new(), binds)
        } else {
            (format!(" WHERE {}", conditions.join(" AND ")), binds)
        }
    }
}

/// A page of connections, by name.
pub async fn page(
    db: &Database,
    filter: &Filter,
    offset: u64,
    limit: u32,
) -> Result<Vec<Connection>, sqlx::Error> {
    let (clause, binds) = filter.clause();
    let n = binds.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM connections c{clause} ORDER BY c.name LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for bind in &binds {
        query = query.bind(bind);
    }
    query
        .bind(i64::from(limit))
        .bind(offset as i64)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(connection_from_row)
        .collect()
}

pub async fn count(db: &Database, filter: &Filter) -> Result<u64, sqlx::Error> {
    let (clause, binds) = filter.clause();
    let sql = format!("SELECT COUNT(*) FROM connections c{clause}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for bind in &binds {
        query = query.bind(bind);
    }
    Ok(query.fetch_one(db.pool()).await? as u64)
}

// --------------------------------------------------- enabled connections --

/// At most this many connections per organization, as Auth0 allows.
pub const MAX_ENABLED_PER_ORGANIZATION: u64 = 10;

/// An organization's flags for one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub is_signup_enabled: bool,
}

/// Why a connection could not be enabled.
#[derive(Debug, thiserror::Error)]
pub enum EnableError {
    #[error("the connection is already enabled for the organization")]
    AlreadyEnabled,
    #[error("the organization already enables the most connections allowed")]
    TooMany,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Enables connections for an organization on the caller's transaction,
/// keeping the limit. Nothing is committed here.
pub async fn enable_in(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    enabled: &[(String, Flags)],
) -> Result<(), EnableError> {
    // Lock the organization's row first, so that two transactions enabling
    // connections for it at once cannot both pass the limit (PostgreSQL;
    // SQLite's write transactions are serial anyway).
    sqlx::query("UPDATE organizations SET name = name WHERE id = $1")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    let existing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organization_connections WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
    if existing as u64 + enabled.len() as u64 > MAX_ENABLED_PER_ORGANIZATION {
        return Err(EnableError::TooMany);
    }
    let now = crate::now();
    for (connection_id, flags) in enabled {
        let inserted = sqlx::query(
            "INSERT INTO organization_connections (org_id, connection_id, \
             assign_membership_on_login, show_as_button, is_signup_enabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, connection_id) DO NOTHING",
        )
        .bind(org_id)
        .bind(connection_id)
        .bind(i64::from(flags.assign_membership_on_login))
        .bind(i64::from(flags.show_as_button))
        .bind(i64::from(flags.is_signup_enabled))
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(EnableError::AlreadyEnabled);
        }
    }
    Ok(())
}

/// Enables one connection for an organization (limit and uniqueness kept in
/// one transaction).
pub async fn enable(
    db: &Database,
    org_id: &str,
    connection_id: &str,
    flags: Flags,
) -> Result<(), EnableError> {
    let mut tx = super::write_transaction(db).await?;
    enable_in(&mut tx, org_id, &[(connection_id.to_owned(), flags)]).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes an enabled connection's flags; false when it is not enabled.
pub async fn set_flags(
    db: &Database,
    org_id: &str,
    connection_id: &str,
    flags: Flags,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE organization_connections SET assign_membership_on_login = $3, \
         show_as_button = $4, is_signup_enabled = $5 WHERE org_id = $1 AND connection_id = $2",
    )
    .bind(org_id)
    .bind(connection_id)
    .bind(i64::from(flags.assign_membership_on_login))
    .bind(i64::from(flags.show_as_button))
    .bind(i64::from(flags.is_signup_enabled))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops an organization enabling a connection; false when it did not.
pub async fn disable(
    db: &Database,
    org_id: &str,
    connection_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM organization_connections WHERE org_id = $1 AND connection_id = $2",
    )
    .bind(org_id)
    .bind(connection_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes an organization enable these connections with these flags
/// (provisioning: applying twice changes nothing); connections it enables
/// besides these stay. The limit is kept.
pub async fn ensure_enabled(
    db: &Database,
    org_id: &str,
    enabled: &[(String, Flags)],
) -> Result<(), EnableError> {
    let mut tx = super::write_transaction(db).await?;
    let mut missing = Vec::new();
    for (connection_id, flags) in enabled {
        let updated = sqlx::query(
            "UPDATE organization_connections SET assign_membership_on_login = $3, \
             show_as_button = $4, is_signup_enabled = $5 WHERE org_id = $1 AND connection_id = $2",
        )
        .bind(org_id)
        .bind(connection_id)
        .bind(i64::from(flags.assign_membership_on_login))
        .bind(i64::from(flags.show_as_button))
        .bind(i64::from(flags.is_signup_enabled))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            missing.push((connection_id.clone(), *flags));
        }
    }
    enable_in(&mut tx, org_id, &missing).await?;
    tx.commit().await?;
    Ok(())
}

/// A page of an organization's enabled connections, in the order they were
/// enabled (then by name).
pub async fn enabled_page(
    db: &Database,
    org_id: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<EnabledConnection>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS}, {ENABLED_COLUMNS} FROM organization_connections oc \
         JOIN connections c ON c.id = oc.connection_id \
         WHERE oc.org_id = $1 ORDER BY oc.created_at, c.name LIMIT $2 OFFSET $3"
    ))
    .bind(org_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(enabled_from_row)
    .collect()
}

pub async fn enabled_count(db: &Database, org_id: &str) -> Result<u64, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organization_connections WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(db.pool())
            .await?;
    Ok(n as u64)
}

// ------------------------------------------------------------ identities --

/// One identity of a user, as Auth0's user `identities` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub connection: String,
    pub strategy: String,
    pub subject: String,
}

/// Gives a user an identity at a connection, on the caller's transaction
/// (nothing when it exists).
pub async fn insert_identity(
    conn: &mut sqlx::AnyConnection,
    connection_id: &str,
    subject: &str,
    user_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO identities (connection_id, subject, user_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, subject) DO NOTHING",
    )
    .bind(connection_id)
    .bind(subject)
    .bind(user_id)
    .bind(crate::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The identities of these users, by user then connection name.
pub async fn identities_of(
    db: &Database,
    user_ids: &[String],
) -> Result<Vec<Identity>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in user_ids.chunks(500) {
        let sql = format!(
            "SELECT i.user_id, i.subject, c.name, c.strategy FROM identities i \
             JOIN connections c ON c.id = i.connection_id \
             WHERE i.user_id IN ({}) ORDER BY i.user_id, c.name",
            super::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(db.pool()).await? {
            found.push(Identity {
                user_id: row.try_get("user_id")?,
                connection: row.try_get("name")?,
                strategy: row.try_get("strategy")?,
                subject: row.try_get("subject")?,
            });
        }
    }
    Ok(found)
}

/// The ids of a page of the users with an identity at the connection of this
/// name, by user id.
pub async fn user_ids_at(
    db: &Database,
    connection_name: &str,
    offset: u64,
    limit: u32,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT i.user_id FROM identities i JOIN connections c ON c.id = i.connection_id \
         WHERE c.name = $1 ORDER BY i.user_id LIMIT $2 OFFSET $3",
    )
    .bind(connection_name)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await
}

pub async fn count_users_at(db: &Database, connection_name: &str) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT i.user_id) FROM identities i \
         JOIN connections c ON c.id = i.connection_id WHERE c.name = $1",
    )
    .bind(connection_name)
    .fetch_one(db.pool())
    .await?;
    Ok(n as u64)
}
