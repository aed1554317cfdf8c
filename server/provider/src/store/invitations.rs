//! Invitations to organizations. Times are milliseconds since the epoch.

use orgdesk_db::Database;
use serde_json::{Map, Value, json};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::timestamp::iso8601;

/// An invitation, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub ticket_id: String,
    pub inviter_name: String,
    /// Lowercase, as users' emails are kept.
    pub invitee_email: String,
    pub client_id: String,
    pub connection_id: Option<String>,
    pub invitation_url: String,
    /// Role ids, in the order they were asked for.
    pub roles: Vec<String>,
    pub app_metadata: Map<String, Value>,
    pub user_metadata: Map<String, Value>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Invitation {
    pub fn is_expired(&self, now_millis: i64) -> bool {
        self.expires_at <= now_millis
    }

    /// Auth0's shape of an invitation.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "id": self.id,
            "organization_id": self.org_id,
            "inviter": { "name": self.inviter_name },
            "invitee": { "email": self.invitee_email },
            "invitation_url": self.invitation_url,
            "created_at": iso8601(self.created_at),
            "expires_at": iso8601(self.expires_at),
            "client_id": self.client_id,
            "app_metadata": self.app_metadata,
            "user_metadata": self.user_metadata,
            "roles": self.roles,
            "ticket_id": self.ticket_id,
        });
        if let Some(connection_id) = &self.connection_id {
            body["connection_id"] = connection_id.clone().into();
        }
        body
    }
}

const COLUMNS: &str = "id, org_id, ticket_id, inviter_name, invitee_email, client_id, connection_id, \
                       invitation_url, app_metadata, user_metadata, created_at, expires_at";

fn from_row(row: &AnyRow) -> Result<Invitation, sqlx::Error> {
    let map = |name: &str| -> Result<Map<String, Value>, sqlx::Error> {
        Ok(serde_json::from_str(&row.try_get::<String, _>(name)?).unwrap_or_default())
    };
    Ok(Invitation {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        ticket_id: row.try_get("ticket_id")?,
        inviter_name: row.try_get("inviter_name")?,
        invitee_email: row.try_get("invitee_email")?,
        client_id: row.try_get("client_id")?,
        connection_id: row.try_get("connection_id")?,
        invitation_url: row.try_get("invitation_url")?,
        roles: Vec::new(),
        app_metadata: map("app_metadata")?,
        user_metadata: map("user_metadata")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// Fills in the roles of the invitations (one query).
async fn with_roles(
    db: &Database,
    mut invitations: Vec<Invitation>,
) -> Result<Vec<Invitation>, sqlx::Error> {
    if invitations.is_empty() {
        return Ok(invitations);
    }
    let placeholders: Vec<String> = (1..=invitations.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT invitation_id, role_id FROM invitation_roles WHERE invitation_id IN ({}) \
         ORDER BY position",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for invitation in &invitations {
        query = query.bind(&invitation.id);
    }
    for row in query.fetch_all(db.pool()).await? {
        let invitation_id: String = row.try_get("invitation_id")?;
        if let Some(invitation) = invitations.iter_mut().find(|i| i.id == invitation_id) {
            invitation.roles.push(row.try_get("role_id")?);
        }
    }
    Ok(invitations)
}

/// Writes an invitation and its roles (on the caller's transaction).
pub async fn insert(conn: &mut AnyConnection, invitation: &Invitation) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO invitations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&invitation.id)
    .bind(&invitation.org_id)
    .bind(&invitation.ticket_id)
    .bind(&invitation.inviter_name)
    .bind(&invitation.invitee_email)
    .bind(&invitation.client_id)
    .bind(&invitation.connection_id)
    .bind(&invitation.invitation_url)
    .bind(Value::Object(invitation.app_metadata.clone()).to_string())
    .bind(Value::Object(invitation.user_metadata.clone()).to_string())
    .bind(invitation.created_at)
    .bind(invitation.expires_at)
    .execute(&mut *conn)
    .await?;
    for (position, role_id) in invitation.roles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invitation_roles (invitation_id, role_id, position) VALUES ($1, $2, $3)",
        )
        .bind(&invitation.id)
        .bind(role_id)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The organization's invitation with this id (none for another organization's).
pub async fn by_id(
    db: &Database,
    org_id: &str,
    id: &str,
) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?;
    let found = row.as_ref().map(from_row).transpose()?;
    Ok(with_roles(db, found.into_iter().collect()).await?.pop())
}

/// The invitation of a link's ticket.
pub async fn by_ticket(db: &Database, ticket_id: &str) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE ticket_id = $1"
    ))
    .bind(ticket_id)
    .fetch_optional(db.pool())
    .await?;
    let found = row.as_ref().map(from_row).transpose()?;
    Ok(with_roles(db, found.into_iter().collect()).await?.pop())
}

/// An offset page of the organization's invitations by creation time.
pub async fn page(
    db: &Database,
    org_id: &str,
    offset: u64,
    limit: u32,
    newest_first: bool,
) -> Result<Vec<Invitation>, sqlx::Error> {
    let order = if newest_first {
        "created_at DESC, id DESC"
    } else {
        "created_at, id"
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE org_id = $1 ORDER BY {order} LIMIT $2 OFFSET $3"
    ))
    .bind(org_id)
    .bind(i64::from(limit))
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await?;
    let invitations = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    with_roles(db, invitations).await
}

/// Deletes the organization's invitation; false when there is none.
pub async fn delete(db: &Database, org_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts an invitation for a user, on the caller's transaction: removes it
/// (if it is still there and unexpired: false otherwise, and nothing is
/// written) and makes the user a member of its organization with its roles,
/// keeping any membership and roles they already have.
pub async fn accept(
    conn: &mut AnyConnection,
    invitation: &Invitation,
    user_id: &str,
    now_millis: i64,
) -> Result<bool, sqlx::Error> {
    let role_ids: Vec<String> = sqlx::query_scalar(
        "SELECT role_id FROM invitation_roles WHERE invitation_id = $1 ORDER BY position",
    )
    .bind(&invitation.id)
    .fetch_all(&mut *conn)
    .await?;
    let consumed = sqlx::query("DELETE FROM invitations WHERE id = $1 AND expires_at > $2")
        .bind(&invitation.id)
        .bind(now_millis)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    if !consumed {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO members (org_id, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id, user_id) DO NOTHING",
    )
    .bind(&invitation.org_id)
    .bind(user_id)
    .bind(now_millis / 1000)
    .execute(&mut *conn)
    .await?;
    for role_id in role_ids {
        sqlx::query(
            "INSERT INTO member_roles (org_id, user_id, role_id) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id, user_id, role_id) DO NOTHING",
        )
        .bind(&invitation.org_id)
        .bind(user_id)
        .bind(role_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// Which of these role ids name no role.
pub async fn unknown_roles(db: &Database, role_ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let mut unknown = Vec::new();
    for role_id in role_ids {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM roles WHERE id = $1")
            .bind(role_id)
            .fetch_optional(db.pool())
            .await?;
        if found.is_none() {
            unknown.push(role_id.clone());
        }
    }
    Ok(unknown)
}
