-- The console's copy of each organization's members, for search by email or
-- name and a filter by role (Auth0's member list has neither). search_text
-- is "email name" in lower case; synced_at is when a pass or a write last
-- touched the row (ms).
CREATE TABLE member_directory (
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    synced_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
-- Pages by email (keyset on email, then id).
CREATE INDEX member_directory_by_email ON member_directory (org_id, email, user_id);

-- Each member's roles by name, keyed so that a page of one role's holders
-- by email is one index range.
CREATE TABLE member_directory_roles (
    org_id TEXT NOT NULL,
    role_name TEXT NOT NULL,
    email TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (org_id, role_name, email, user_id)
);
CREATE INDEX member_directory_roles_by_user ON member_directory_roles (org_id, user_id);

-- When each organization's members were last read in full (ms).
CREATE TABLE member_sync (
    org_id TEXT PRIMARY KEY NOT NULL,
    synced_at INTEGER NOT NULL
);

-- Invitations sent through the console: Auth0 forgets an accepted
-- invitation and knows nothing of revocations or resends.
CREATE TABLE invitations_sent (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL,
    email TEXT NOT NULL,
    role_names TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    invited_by TEXT NOT NULL,
    revoked_at_ms INTEGER,
    replaced_by TEXT
);
CREATE INDEX invitations_sent_by_org ON invitations_sent (org_id, created_at_ms);

-- The organization a sign-in asked for: the ID token's org_id must match it.
ALTER TABLE pending_logins ADD COLUMN organization TEXT;

-- Substring search within an organization's members when few match: a
-- trigram index answers LIKE '%q%' (three characters or more) without
-- reading every member (server/storage/src/members.rs says when it is used).
CREATE VIRTUAL TABLE member_directory_fts USING fts5(
    search_text, content = 'member_directory', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER member_directory_fts_insert AFTER INSERT ON member_directory BEGIN
    INSERT INTO member_directory_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER member_directory_fts_delete AFTER DELETE ON member_directory BEGIN
    INSERT INTO member_directory_fts (member_directory_fts, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER member_directory_fts_update AFTER UPDATE OF search_text ON member_directory BEGIN
    INSERT INTO member_directory_fts (member_directory_fts, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO member_directory_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
