-- Sign-ins waiting at a customer's OpenID provider (an enterprise
-- connection): what the callback needs to finish them. Found by the SHA-256
-- of the state sent upstream; used once; ten minutes at most.
CREATE TABLE federation_requests (
    state_sha256 TEXT PRIMARY KEY NOT NULL,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    -- The SHA-256 of the login transaction this sign-in continues, and its request (JSON).
    transaction_sha256 TEXT NOT NULL,
    request TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    -- From the upstream's discovery, checked when the sign-in started.
    issuer TEXT NOT NULL,
    token_endpoint TEXT NOT NULL,
    jwks_uri TEXT NOT NULL,
    -- client_secret_basic or client_secret_post
    auth_method TEXT NOT NULL,
    expires_at INTEGER NOT NULL -- seconds since the epoch
);
CREATE INDEX federation_requests_by_expiry ON federation_requests (expires_at);
