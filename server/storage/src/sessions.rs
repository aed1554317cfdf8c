//! Console sessions and sign-ins under way, in the database so that several
//! console processes share them. Only SHA-256 digests of the cookie values
//! are stored.

use sqlx::Row;

use crate::{Storage, now_ms};

/// What the callback of a sign-in must check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
    /// The id of the organization asked for, if one was.
    pub organization: Option<String>,
}

impl Storage {
    /// Stores a session's data until `expires_at_ms`.
    pub async fn put_session(
        &self,
        id_sha256: &str,
        data: &str,
        expires_at_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)")
            .bind(id_sha256)
            .bind(data)
            .bind(expires_at_ms)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// A live session's data.
    pub async fn session(&self, id_sha256: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id_sha256)
            .bind(now_ms())
            .fetch_optional(self.db.pool())
            .await
    }

    pub async fn delete_session(&self, id_sha256: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE id = $1 OR expires_at <= $2")
            .bind(id_sha256)
            .bind(now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    pub async fn put_pending_login(
        &self,
        state_sha256: &str,
        login: &PendingLogin,
        expires_at_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO pending_logins (state_sha256, nonce, pkce_verifier, return_to, expires_at, \
             organization) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state_sha256)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.return_to)
        .bind(expires_at_ms)
        .bind(&login.organization)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Takes (and removes) a sign-in under way; a state works once.
    pub async fn take_pending_login(
        &self,
        state_sha256: &str,
    ) -> Result<Option<PendingLogin>, sqlx::Error> {
        let row = sqlx::query(
            "DELETE FROM pending_logins WHERE state_sha256 = $1 AND expires_at > $2 \
             RETURNING nonce, pkce_verifier, return_to, organization",
        )
        .bind(state_sha256)
        .bind(now_ms())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|row| {
            Ok(PendingLogin {
                nonce: row.try_get("nonce")?,
                pkce_verifier: row.try_get("pkce_verifier")?,
                return_to: row.try_get("return_to")?,
                organization: row.try_get("organization")?,
            })
        })
        .transpose()
    }
}
