-- Applications that may ask the provider for tokens. Secrets are stored as
-- SHA-256 digests: they are long random strings, so a slow hash adds nothing.
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_sha256 TEXT,
    app_type TEXT NOT NULL,
    redirect_uris TEXT NOT NULL DEFAULT '[]',
    logout_urls TEXT NOT NULL DEFAULT '[]',
    organization_usage TEXT NOT NULL DEFAULT 'deny',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What a client may ask for with client_credentials: an audience and its scopes.
CREATE TABLE client_grants (
    client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    audience TEXT NOT NULL,
    scopes TEXT NOT NULL,
    PRIMARY KEY (client_id, audience)
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT,
    branding TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
