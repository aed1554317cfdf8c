-- Blocked users (Auth0's `blocked`) sign in no more, and what they were
-- granted ends (0 or 1, as SQLite keeps it: sqlx's Any driver reads no SQLite BOOLEAN).
ALTER TABLE users ADD COLUMN blocked BIGINT NOT NULL DEFAULT 0;

-- A membership that ends (removed, or its organization or user deleted: the
-- cascades delete the row too) revokes the grants made in that organization,
-- in the same transaction, whichever statement ended it.
CREATE FUNCTION members_end_revokes_grants() RETURNS trigger AS $$
BEGIN
    UPDATE grants SET revoked_at = EXTRACT(EPOCH FROM now())::BIGINT
    WHERE user_id = OLD.user_id AND org_id = OLD.org_id AND revoked_at IS NULL;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER members_end_revokes_grants AFTER DELETE ON members
FOR EACH ROW EXECUTE FUNCTION members_end_revokes_grants();

CREATE INDEX grants_by_org ON grants (org_id, user_id);
