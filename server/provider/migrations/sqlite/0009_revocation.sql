-- Blocked users (Auth0's `blocked`) sign in no more, and what they were
-- granted ends (0 or 1: sqlx's Any driver reads no SQLite BOOLEAN).
ALTER TABLE users ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;

-- A membership that ends (removed, or its organization or user deleted: the
-- cascades delete the row too) revokes the grants made in that organization,
-- in the same transaction, whichever statement ended it.
CREATE TRIGGER members_end_revokes_grants AFTER DELETE ON members
BEGIN
    UPDATE grants SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE user_id = OLD.user_id AND org_id = OLD.org_id AND revoked_at IS NULL;
END;

CREATE INDEX grants_by_org ON grants (org_id, user_id);
