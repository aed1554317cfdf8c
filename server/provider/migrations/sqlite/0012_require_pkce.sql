-- Orgdesk's extension to Auth0's clients: /authorize refuses a client that
-- requires PKCE when the request has no code_challenge (public clients
-- always need one). 0 or 1: sqlx's Any driver reads no SQLite BOOLEAN.
ALTER TABLE clients ADD COLUMN require_pkce INTEGER NOT NULL DEFAULT 0;
