-- A user's email is the address they have a claim on. A person a
-- connection does not vouch for (an enterprise connection outside its
-- domain_aliases) has none, so the address stays free for its owner.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

-- The connection a session was authenticated through: an organization
-- accepts only sessions of connections it enables. Older sessions have
-- none, and sign in again.
ALTER TABLE provider_sessions ADD COLUMN connection_id TEXT;
