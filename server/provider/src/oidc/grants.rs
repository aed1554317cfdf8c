//! Grants: what one sign-in gave one client. The authorization code, the
//! refresh tokens and the access tokens of a sign-in belong to its grant;
//! revoking the grant (a replayed code, a reused refresh token, sign-out)
//! ends them all.

use orgdesk_db::Database;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

use super::TEN_MINUTES;
use crate::{
    ProviderState, ids, now,
    store::{organizations, users},
};

/// Refresh tokens live at most this long (Auth0's default absolute lifetime).
const REFRESH_SECONDS: i64 = 30 * 24 * 3600;
/// ID tokens live ten hours, as Auth0's do by default.
const ID_TOKEN_SECONDS: i64 = 36_000;
/// Access tokens of people live a day.
const ACCESS_TOKEN_SECONDS: i64 = 86_400;
/// Where tokens carry the person's roles in the organization (a namespaced
/// claim, as Auth0 requires for custom claims).
pub const ROLES_CLAIM: &str = "https://orgdesk.dev/roles";

#[derive(Clone, Debug)]
pub struct Grant {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    pub org_id: Option<String>,
    pub scope: String,
    pub audience: String,
    pub auth_time: i64,
}

/// Claims of an access token issued to a person.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub iat: i64,
    pub exp: i64,
    pub scope: String,
    /// The grant, so that revoking it ends the token early.
    pub gid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
}

pub async fn create(conn: &mut AnyConnection, grant: Grant) -> Result<Grant, sqlx::Error> {
    sqlx::query(
        "INSERT INTO grants (id, client_id, user_id, org_id, scope, audience, auth_time, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&grant.id)
    .bind(&grant.client_id)
    .bind(&grant.user_id)
    .bind(&grant.org_id)
    .bind(&grant.scope)
    .bind(&grant.audience)
    .bind(grant.auth_time)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(grant)
}

/// The grant if it still gives rights: not revoked, its user not blocked,
/// and, for an organization's grant, the user still a member there. Every
/// use of a grant (a code, a refresh token, an access token at `/userinfo`)
/// goes through here, so a change that forgot to revoke is still covered.
pub async fn live(db: &Database, grant_id: &str) -> Result<Option<Grant>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT g.id, g.client_id, g.user_id, g.org_id, g.scope, g.audience, g.auth_time \
         FROM grants g JOIN users u ON u.user_id = g.user_id \
         WHERE g.id = $1 AND g.revoked_at IS NULL AND u.blocked = 0 \
         AND (g.org_id IS NULL OR EXISTS \
              (SELECT 1 FROM members m WHERE m.org_id = g.org_id AND m.user_id = g.user_id))",
    )
    .bind(grant_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(Grant {
            id: row.try_get("id")?,
            client_id: row.try_get("client_id")?,
            user_id: row.try_get("user_id")?,
            org_id: row.try_get("org_id")?,
            scope: row.try_get("scope")?,
            audience: row.try_get("audience")?,
            auth_time: row.try_get("auth_time")?,
        })
    })
    .transpose()
}

pub async fn revoke(db: &Database, grant_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(grant_id)
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A single-use code for the grant, valid ten minutes.
pub async fn issue_code(
    conn: &mut AnyConnection,
    grant: &Grant,
    redirect_uri: &str,
    nonce: Option<&str>,
    code_challenge: Option<&str>,
) -> Result<String, sqlx::Error> {
    let code = ids::opaque_token();
    sqlx::query(
        "INSERT INTO authorization_codes (code_sha256, grant_id, redirect_uri, nonce, code_challenge, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ids::sha256_hex(&code))
    .bind(&grant.id)
    .bind(redirect_uri)
    .bind(nonce)
    .bind(code_challenge)
    .bind(now() + TEN_MINUTES)
    .execute(conn)
    .await?;
    Ok(code)
}

/// A redeemed code.
pub struct Redeemed {
    pub grant: Grant,
    pub redirect_uri: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
}

/// Uses a code. A code works once: presenting it again revokes everything
/// its first use issued, and fails.
pub async fn redeem_code(db: &Database, code: &str) -> Result<Option<Redeemed>, sqlx::Error> {
    let hash = ids::sha256_hex(code);
    let now = now();
    let claimed = sqlx::query(
        "UPDATE authorization_codes SET used_at = $2 WHERE code_sha256 = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    let row = sqlx::query(
        "SELECT grant_id, redirect_uri, nonce, code_challenge FROM authorization_codes WHERE code_sha256 = $1",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let grant_id: String = row.try_get("grant_id")?;
    if !claimed {
        tracing::warn!(grant = %grant_id, "an authorization code was presented again; revoking its grant");
        revoke(db, &grant_id).await?;
        return Ok(None);
    }
    let Some(grant) = live(db, &grant_id).await? else {
        return Ok(None);
    };
    Ok(Some(Redeemed {
        grant,
        redirect_uri: row.try_get("redirect_uri")?,
        nonce: row.try_get("nonce")?,
        code_challenge: row.try_get("code_challenge")?,
    }))
}

async fn issue_refresh(db: &Database, grant_id: &str) -> Result<String, sqlx::Error> {
    let token = ids::opaque_token();
    sqlx::query(
        "INSERT INTO refresh_tokens (token_sha256, grant_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(ids::sha256_hex(&token))
    .bind(grant_id)
    .bind(now())
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The live grant of a refresh token, without using the token.
pub async fn refresh_grant(db: &Database, token: &str) -> Result<Option<Grant>, sqlx::Error> {
    let grant_id: Option<String> =
        sqlx::query_scalar("SELECT grant_id FROM refresh_tokens WHERE token_sha256 = $1")
            .bind(ids::sha256_hex(token))
            .fetch_optional(db.pool())
            .await?;
    match grant_id {
        Some(grant_id) => live(db, &grant_id).await,
        None => Ok(None),
    }
}

/// Uses a refresh token, which rotates: a used one presented again revokes
/// the whole grant (someone else has a copy).
pub async fn use_refresh(db: &Database, token: &str) -> Result<Option<Grant>, sqlx::Error> {
    let hash = ids::sha256_hex(token);
    let now = now();
    let claimed = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $2 WHERE token_sha256 = $1 AND used_at IS NULL AND created_at > $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - REFRESH_SECONDS)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    let grant_id: Option<String> =
        sqlx::query_scalar("SELECT grant_id FROM refresh_tokens WHERE token_sha256 = $1")
            .bind(&hash)
            .fetch_optional(db.pool())
            .await?;
    let Some(grant_id) = grant_id else {
        return Ok(None);
    };
    if !claimed {
        tracing::warn!(grant = %grant_id, "a used refresh token was presented again; revoking its grant");
        revoke(db, &grant_id).await?;
        return Ok(None);
    }
    live(db, &grant_id).await
}

/// The token response for a grant: an access token, an ID token when
/// `openid` was granted, and a new refresh token when `offline_access` was.
pub async fn token_response(
    state: &ProviderState,
    grant: &Grant,
    nonce: Option<&str>,
) -> Result<Value, sqlx::Error> {
    let db = &state.db;
    let issuer = state.issuer.as_str().to_owned();
    let iat = now();
    let scopes: Vec<&str> = grant.scope.split_whitespace().collect();
    let access = AccessClaims {
        iss: issuer.clone(),
        sub: grant.user_id.clone(),
        aud: grant.audience.clone(),
        azp: grant.client_id.clone(),
        iat,
        exp: iat + ACCESS_TOKEN_SECONDS,
        scope: grant.scope.clone(),
        gid: grant.id.clone(),
        org_id: grant.org_id.clone(),
    };
    let mut body = json!({
        "access_token": state.keys.sign(&access),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": grant.scope,
    });
    if scopes.contains(&"openid") {
        let user = users::by_id(db, &grant.user_id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let mut id = json!({
            "iss": issuer, "sub": user.user_id, "aud": grant.client_id, "iat": iat,
            "exp": iat + ID_TOKEN_SECONDS, "auth_time": grant.auth_time,
        });
        if let Some(nonce) = nonce {
            id["nonce"] = nonce.into();
        }
        if scopes.contains(&"email") && !user.email.is_empty() {
            id["email"] = user.email.into();
            id["email_verified"] = user.email_verified.into();
        }
        if scopes.contains(&"profile") {
            id["name"] = user.name.into();
        }
        if let Some(org_id) = &grant.org_id {
            let org = organizations::by_id(db, org_id).await?;
            let roles = users::member_roles(db, org_id, &grant.user_id).await?;
            id["org_id"] = org_id.clone().into();
            id["org_name"] = org.map(|o| o.name).unwrap_or_default().into();
            id[ROLES_CLAIM] = roles.into_iter().map(|r| r.name).collect::<Vec<_>>().into();
        }
        body["id_token"] = state.keys.sign(&id).into();
    }
    if scopes.contains(&"offline_access") {
        body["refresh_token"] = issue_refresh(db, &grant.id).await?.into();
    }
    Ok(body)
}
