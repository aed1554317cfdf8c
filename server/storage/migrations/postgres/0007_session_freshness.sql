-- Whose a session is, and when their persona was last read from the identity
-- provider: a session older than the bound is read again before it
-- authorizes anything, and the console's own changes to a person set
-- checked_at back to 0 for every session of theirs.
ALTER TABLE sessions ADD COLUMN user_id TEXT;
ALTER TABLE sessions ADD COLUMN checked_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_user_id ON sessions (user_id);
