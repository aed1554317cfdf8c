-- An /authorize request waiting for the person to sign in (ten minutes).
CREATE TABLE login_transactions (
    id TEXT PRIMARY KEY NOT NULL,
    request TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Failed sign-ins, counted per account and per client address.
CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, at);

-- The provider's single sign-on sessions (its own cookie).
CREATE TABLE provider_sessions (
    id_sha256 TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    auth_time BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- What one sign-in granted a client: codes, refresh tokens and access tokens
-- belong to a grant, and revoking the grant revokes them all.
CREATE TABLE grants (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    org_id TEXT,
    scope TEXT NOT NULL,
    audience TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE authorization_codes (
    code_sha256 TEXT PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Rotating refresh tokens: using one marks it used; using a used one again
-- revokes its whole grant.
CREATE TABLE refresh_tokens (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
