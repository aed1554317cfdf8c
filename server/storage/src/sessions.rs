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

/// A live session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    /// When the person's persona was last read from the identity provider
    /// (ms); 0 after a change made through the console.
    pub checked_at_ms: i64,
}

impl Storage {
    /// Stores a session of `user_id` until `expires_at_ms`, its persona read
    /// at `checked_at_ms`.
    pub async fn put_session(
        &self,
        id_sha256: &str,
        user_id: &str,
        data: &str,
        checked_at_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, data, checked_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_sha256)
        .bind(user_id)
        .bind(data)
        .bind(checked_at_ms)
        .bind(expires_at_ms)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// A live session.
    pub async fn session(&self, id_sha256: &str) -> Result<Option<StoredSession>, sqlx::Error> {
        let row =
            sqlx::query("SELECT data, checked_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id_sha256)
                .bind(now_ms())
                .fetch_optional(self.db.pool())
                .await?;
        row.map(|row| {
            Ok(StoredSession {
                data: row.try_get("data")?,
                checked_at_ms: row.try_get("checked_at")?,
            })
        })
        .transpose()
    }

    /// Replaces a session's data with a persona read at `checked_at_ms`.
    pub async fn refresh_session(
        &self,
        id_sha256: &str,
        data: &str,
        checked_at_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET data = $2, checked_at = $3 WHERE id = $1")
            .bind(id_sha256)
            .bind(data)
            .bind(checked_at_ms)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Every session of `user_id` reads their persona again on its next
    /// request: what the console just changed takes effect at once.
    pub async fn persona_changed(&self, user_id: &str) -> Result<(), sqlx::Error> {
        persona_changed_in(self.db.pool(), user_id).await
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

/// [`Storage::persona_changed`] inside a transaction of the caller's: the
/// member directory's writes mark the person's sessions with the record.
pub(crate) async fn persona_changed_in<'e, E>(executor: E, user_id: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("UPDATE sessions SET checked_at = 0 WHERE user_id = $1")
        .bind(user_id)
        .execute(executor)
        .await?;
    Ok(())
}
