//! The member directory: each organization's members by email, with their
//! role names, searchable by email or name and filtered by role; and the
//! log of invitations sent through the console.

use async_trait::async_trait;
use orgdesk_domain::ports::{
    InvitationLog, Member, MemberDirectory, MemberQuery, PortError, SentInvitation,
};
use sqlx::{Row, any::AnyRow};

use orgdesk_db::Engine;

use crate::{Storage, directory::like_pattern, now_ms, port_error};

/// A text search first reads this many members by email; when they hold no
/// full page of matches, the trigram index finds the matches.
const WINDOW: i64 = 2_000;

fn search_text(member: &Member) -> String {
    format!("{} {}", member.email, member.name).to_lowercase()
}

fn member_from_row(row: &AnyRow) -> Result<Member, sqlx::Error> {
    Ok(Member {
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        roles: Vec::new(),
    })
}

/// The roles of the members on a page, in one statement.
async fn with_roles(
    storage: &Storage,
    org_id: &str,
    rows: Vec<AnyRow>,
) -> Result<Vec<Member>, sqlx::Error> {
    let mut members: Vec<Member> = rows.iter().map(member_from_row).collect::<Result<_, _>>()?;
    if members.is_empty() {
        return Ok(members);
    }
    // $2.. are the page's user ids (at most a page, so the list stays short).
    let placeholders: Vec<String> = (0..members.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT user_id, role_name FROM member_directory_roles WHERE org_id = $1 AND user_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(org_id);
    for m in &members {
        query = query.bind(m.user_id.clone());
    }
    for row in query.fetch_all(storage.db.pool()).await? {
        let user_id: String = row.try_get("user_id")?;
        let role: String = row.try_get("role_name")?;
        if let Some(m) = members.iter_mut().find(|m| m.user_id == user_id) {
            m.roles.push(role);
        }
    }
    for m in &mut members {
        m.roles.sort();
    }
    Ok(members)
}

impl Storage {
    /// A text search. Reading members in email order and testing each costs
    /// time linear in the members read; collecting the matches through a
    /// trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) costs time
    /// linear in the matches. So: a window of members in email order first
    /// (a full page there is the answer: a common text), then the trigram
    /// index (a rare text). Neither engine's planner makes this choice
    /// well by itself (one-match p99s of 367 ms and 105 ms at 100,000).
    async fn text_search(&self, org_id: &str, q: &MemberQuery) -> Result<Vec<Member>, PortError> {
        let (after_email, after_id) = q.after.clone().unwrap_or_default();
        let pattern = like_pattern(&q.text);
        let windowed = sqlx::query(
            "SELECT m.user_id, m.email, m.name FROM (SELECT user_id, email, name, search_text \
             FROM member_directory WHERE org_id = $1 AND (email, user_id) > ($2, $3) \
             ORDER BY email, user_id LIMIT $4) m WHERE m.search_text LIKE $5 ESCAPE '\\' \
             ORDER BY m.email, m.user_id LIMIT $6",
        )
        .bind(org_id)
        .bind(&after_email)
        .bind(&after_id)
        .bind(WINDOW)
        .bind(&pattern)
        .bind(i64::from(q.limit))
        .fetch_all(self.db.pool())
        .await
        .map_err(port_error)?;
        if windowed.len() == q.limit as usize {
            return with_roles(self, org_id, windowed).await.map_err(port_error);
        }
        let read: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM member_directory WHERE org_id = $1 \
             AND (email, user_id) > ($2, $3) LIMIT $4) AS counted",
        )
        .bind(org_id)
        .bind(&after_email)
        .bind(&after_id)
        .bind(WINDOW)
        .fetch_one(self.db.pool())
        .await
        .map_err(port_error)?;
        // SQLite's trigram index takes three characters or more, and no wildcard.
        let fts = self.db.engine() == Engine::Sqlite
            && q.text.chars().count() >= 3
            && !q.text.contains(['%', '_', '\\']);
        let rows = if read < WINDOW {
            windowed
        } else if self.db.engine() == Engine::Postgres {
            // Materialized: the matches first (through the trigram index),
            // not a walk of the email index testing every member.
            sqlx::query(
                "WITH hits AS MATERIALIZED (SELECT user_id, email, name FROM member_directory \
                 WHERE org_id = $1 AND search_text LIKE $2 ESCAPE '\\') \
                 SELECT user_id, email, name FROM hits WHERE (email, user_id) > ($3, $4) \
                 ORDER BY email, user_id LIMIT $5",
            )
            .bind(org_id)
            .bind(&pattern)
            .bind(&after_email)
            .bind(&after_id)
            .bind(i64::from(q.limit))
            .fetch_all(self.db.pool())
            .await
            .map_err(port_error)?
        } else if fts {
            sqlx::query(
                "SELECT m.user_id, m.email, m.name FROM member_directory m WHERE m.org_id = $1 \
                 AND m.rowid IN (SELECT rowid FROM member_directory_fts WHERE search_text LIKE $2) \
                 AND (m.email, m.user_id) > ($3, $4) ORDER BY m.email, m.user_id LIMIT $5",
            )
            .bind(org_id)
            .bind(&pattern)
            .bind(&after_email)
            .bind(&after_id)
            .bind(i64::from(q.limit))
            .fetch_all(self.db.pool())
            .await
            .map_err(port_error)?
        } else {
            sqlx::query(
                "SELECT m.user_id, m.email, m.name FROM member_directory m WHERE m.org_id = $1 \
                 AND m.search_text LIKE $2 ESCAPE '\\' AND (m.email, m.user_id) > ($3, $4) \
                 ORDER BY m.email, m.user_id LIMIT $5",
            )
            .bind(org_id)
            .bind(&pattern)
            .bind(&after_email)
            .bind(&after_id)
            .bind(i64::from(q.limit))
            .fetch_all(self.db.pool())
            .await
            .map_err(port_error)?
        };
        with_roles(self, org_id, rows).await.map_err(port_error)
    }
}

#[async_trait]
impl MemberDirectory for Storage {
    async fn search(&self, org_id: &str, q: &MemberQuery) -> Result<Vec<Member>, PortError> {
        let (after_email, after_id) = q.after.clone().unwrap_or_default();
        let limit = i64::from(q.limit);
        // One statement per shape, so each gets a plan of its own: browsing
        // and role filters walk an index in email order; text search filters
        // (through the trigram index on PostgreSQL).
        let columns = "m.user_id, m.email, m.name";
        let rows = match (q.text.is_empty(), &q.role) {
            (true, None) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM member_directory m WHERE m.org_id = $1 \
                     AND (m.email, m.user_id) > ($2, $3) ORDER BY m.email, m.user_id LIMIT $4"
                ))
                .bind(org_id)
                .bind(&after_email)
                .bind(&after_id)
                .bind(limit)
                .fetch_all(self.db.pool())
                .await
            }
            (true, Some(role)) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM member_directory_roles r \
                     JOIN member_directory m ON m.org_id = r.org_id AND m.user_id = r.user_id \
                     WHERE r.org_id = $1 AND r.role_name = $2 AND (r.email, r.user_id) > ($3, $4) \
                     ORDER BY r.email, r.user_id LIMIT $5"
                ))
                .bind(org_id)
                .bind(role)
                .bind(&after_email)
                .bind(&after_id)
                .bind(limit)
                .fetch_all(self.db.pool())
                .await
            }
            (false, None) => return self.text_search(org_id, q).await,
            (false, Some(role)) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM member_directory_roles r \
                     JOIN member_directory m ON m.org_id = r.org_id AND m.user_id = r.user_id \
                     WHERE r.org_id = $1 AND r.role_name = $2 AND m.search_text LIKE $3 ESCAPE '\\' \
                     AND (r.email, r.user_id) > ($4, $5) ORDER BY r.email, r.user_id LIMIT $6"
                ))
                .bind(org_id)
                .bind(role)
                .bind(like_pattern(&q.text))
                .bind(&after_email)
                .bind(&after_id)
                .bind(limit)
                .fetch_all(self.db.pool())
                .await
            }
        }
        .map_err(port_error)?;
        with_roles(self, org_id, rows).await.map_err(port_error)
    }

    async fn upsert_members(&self, org_id: &str, members: &[Member]) -> Result<(), PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        let synced_at = now_ms();
        for member in members {
            sqlx::query(
                "INSERT INTO member_directory (org_id, user_id, email, name, search_text, synced_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, user_id) DO UPDATE SET \
                 email = excluded.email, name = excluded.name, search_text = excluded.search_text, \
                 synced_at = excluded.synced_at",
            )
            .bind(org_id)
            .bind(&member.user_id)
            .bind(member.email.to_lowercase())
            .bind(&member.name)
            .bind(search_text(member))
            .bind(synced_at)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
            sqlx::query("DELETE FROM member_directory_roles WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(&member.user_id)
                .execute(&mut *tx)
                .await
                .map_err(port_error)?;
            // What the console knows of this membership changed (its own change,
            // or a sync that saw one): the person's sessions read it again.
            crate::sessions::persona_changed_in(&mut *tx, &member.user_id)
                .await
                .map_err(port_error)?;
            for role in &member.roles {
                sqlx::query(
                    "INSERT INTO member_directory_roles (org_id, role_name, email, user_id) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(org_id)
                .bind(role)
                .bind(member.email.to_lowercase())
                .bind(&member.user_id)
                .execute(&mut *tx)
                .await
                .map_err(port_error)?;
            }
        }
        tx.commit().await.map_err(port_error)
    }

    async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<(), PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        for table in ["member_directory_roles", "member_directory"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE org_id = $1 AND user_id = $2"
            ))
            .bind(org_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        }
        crate::sessions::persona_changed_in(&mut *tx, user_id)
            .await
            .map_err(port_error)?;
        tx.commit().await.map_err(port_error)
    }

    async fn synced_at(&self, org_id: &str) -> Result<Option<i64>, PortError> {
        sqlx::query_scalar("SELECT synced_at FROM member_sync WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(port_error)
    }

    async fn finish_sync(&self, org_id: &str, started_ms: i64) -> Result<u64, PortError> {
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        sqlx::query(
            "DELETE FROM member_directory_roles WHERE org_id = $1 AND user_id IN \
             (SELECT user_id FROM member_directory WHERE org_id = $1 AND synced_at < $2)",
        )
        .bind(org_id)
        .bind(started_ms)
        .execute(&mut *tx)
        .await
        .map_err(port_error)?;
        let dropped =
            sqlx::query("DELETE FROM member_directory WHERE org_id = $1 AND synced_at < $2")
                .bind(org_id)
                .bind(started_ms)
                .execute(&mut *tx)
                .await
                .map_err(port_error)?
                .rows_affected();
        sqlx::query(
            "INSERT INTO member_sync (org_id, synced_at) VALUES ($1, $2) \
             ON CONFLICT (org_id) DO UPDATE SET synced_at = excluded.synced_at",
        )
        .bind(org_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(port_error)?;
        tx.commit().await.map_err(port_error)?;
        Ok(dropped)
    }

    async fn after_bulk_load(&self) -> Result<(), PortError> {
        let statements: &[&str] = match self.db.engine() {
            // Statistics left from an emptier table make PostgreSQL walk the
            // wrong index (a one-match search at p99 234 ms before this).
            Engine::Postgres => &["ANALYZE member_directory, member_directory_roles"],
            // Many small index segments slow every trigram search.
            Engine::Sqlite => &[
                "INSERT INTO member_directory_fts (member_directory_fts) VALUES ('optimize')",
                "ANALYZE member_directory",
            ],
        };
        for statement in statements {
            sqlx::query(statement)
                .execute(self.db.pool())
                .await
                .map_err(port_error)?;
        }
        Ok(())
    }

    async fn with_role(
        &self,
        org_id: &str,
        role: &str,
        limit: u32,
    ) -> Result<Vec<String>, PortError> {
        sqlx::query_scalar(
            "SELECT user_id FROM member_directory_roles WHERE org_id = $1 AND role_name = $2 \
             ORDER BY email, user_id LIMIT $3",
        )
        .bind(org_id)
        .bind(role)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await
        .map_err(port_error)
    }

    async fn count_members(&self, org_id: &str, user_ids: &[String]) -> Result<u64, PortError> {
        let mut count = 0u64;
        // In chunks, to stay under the engines' limits on bound parameters.
        for chunk in user_ids.chunks(500) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT COUNT(*) FROM member_directory WHERE org_id = $1 AND user_id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(org_id);
            for id in chunk {
                query = query.bind(id.clone());
            }
            count += query.fetch_one(self.db.pool()).await.map_err(port_error)? as u64;
        }
        Ok(count)
    }
}

fn sent_from_row(row: &AnyRow) -> Result<SentInvitation, sqlx::Error> {
    let roles: String = row.try_get("role_names")?;
    Ok(SentInvitation {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        email: row.try_get("email")?,
        role_names: serde_json::from_str(&roles).unwrap_or_default(),
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        invited_by: row.try_get("invited_by")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
        replaced_by: row.try_get("replaced_by")?,
    })
}

#[async_trait]
impl InvitationLog for Storage {
    async fn record(&self, sent: &SentInvitation) -> Result<(), PortError> {
        sqlx::query(
            "INSERT INTO invitations_sent (id, org_id, email, role_names, created_at_ms, \
             expires_at_ms, invited_by, revoked_at_ms, replaced_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&sent.id)
        .bind(&sent.org_id)
        .bind(&sent.email)
        .bind(serde_json::to_string(&sent.role_names).expect("strings"))
        .bind(sent.created_at_ms)
        .bind(sent.expires_at_ms)
        .bind(&sent.invited_by)
        .bind(sent.revoked_at_ms)
        .bind(&sent.replaced_by)
        .execute(self.db.pool())
        .await
        .map_err(port_error)?;
        Ok(())
    }

    async fn revoked(
        &self,
        id: &str,
        at_ms: i64,
        replaced_by: Option<&str>,
    ) -> Result<(), PortError> {
        sqlx::query(
            "UPDATE invitations_sent SET revoked_at_ms = $2, replaced_by = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(at_ms)
        .bind(replaced_by)
        .execute(self.db.pool())
        .await
        .map_err(port_error)?;
        Ok(())
    }

    async fn list(&self, org_id: &str, limit: u32) -> Result<Vec<SentInvitation>, PortError> {
        let rows = sqlx::query(
            "SELECT id, org_id, email, role_names, created_at_ms, expires_at_ms, invited_by, \
             revoked_at_ms, replaced_by FROM invitations_sent WHERE org_id = $1 \
             ORDER BY created_at_ms DESC LIMIT $2",
        )
        .bind(org_id)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await
        .map_err(port_error)?;
        rows.iter()
            .map(sent_from_row)
            .collect::<Result<_, _>>()
            .map_err(port_error)
    }
}
