-- The console's copy of every organization's id, name and display name, for
-- search (Auth0's list has none). search_text is "name display name" in
-- lower case.
CREATE TABLE organization_directory (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    search_text TEXT NOT NULL,
    synced_at INTEGER NOT NULL
);

-- Every change attempted through the console.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    actor_user_id TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    persona TEXT NOT NULL,
    org_id TEXT,
    org_name TEXT,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT,
    request_id TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX audit_log_by_org ON audit_log (org_id, id);

-- A sign-in under way: what the callback must check (ten minutes).
CREATE TABLE pending_logins (
    state_sha256 TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
