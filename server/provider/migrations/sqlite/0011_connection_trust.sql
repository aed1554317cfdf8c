-- A user's email is the address they have a claim on. A person a
-- connection does not vouch for (an enterprise connection outside its
-- domain_aliases) has none, so the address stays free for its owner.
--
-- SQLite drops a NOT NULL constraint by editing the table's definition, as
-- its documentation describes for exactly this change ("ALTER TABLE: making
-- other kinds of table schema changes"): the stored rows are unaffected.
-- Rebuilding the table instead would need foreign keys off, which cannot be
-- switched inside the migration's transaction, and with them on, dropping
-- the old table would cascade to every user's memberships.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'email TEXT NOT NULL UNIQUE', 'email TEXT UNIQUE')
WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;

-- The connection a session was authenticated through: an organization
-- accepts only sessions of connections it enables. Older sessions have
-- none, and sign in again. (This change also makes every connection
-- re-read the schema, with the edited definition.)
ALTER TABLE provider_sessions ADD COLUMN connection_id TEXT;

-- Fails the migration (rolling it back) if the constraint is still there.
INSERT INTO users (user_id, email, name, created_at, updated_at)
VALUES ('migration|0011|probe', NULL, 'probe', 0, 0);
DELETE FROM users WHERE user_id = 'migration|0011|probe';
