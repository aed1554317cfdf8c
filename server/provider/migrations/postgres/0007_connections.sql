-- Connections: where identities come from, as Auth0 has them. The strategy
-- is 'auth0' (a password database) or 'oidc' (an enterprise connection that
-- federates to a customer's OpenID provider).
CREATE TABLE connections (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    strategy TEXT NOT NULL,
    -- The options as a JSON object, without the client secret.
    options TEXT NOT NULL DEFAULT '{}',
    -- An enterprise connection's client secret at the upstream provider. It
    -- is sent only to that provider's token endpoint, never returned.
    client_secret TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL -- seconds since the epoch
);

-- The password database every organization signed in with so far.
INSERT INTO connections (id, name, strategy, created_at)
VALUES ('con_OrgdeskDatabase1', 'Username-Password-Authentication', 'auth0', 0);

-- The connections an organization's login page offers, with Auth0's flags
-- (0 or 1: sqlx's Any driver reads no SQLite BOOLEAN).
CREATE TABLE organization_connections (
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    assign_membership_on_login BIGINT NOT NULL DEFAULT 0,
    show_as_button BIGINT NOT NULL DEFAULT 1,
    is_signup_enabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, connection_id)
);
CREATE INDEX organization_connections_by_connection ON organization_connections (connection_id);

-- Every existing organization keeps the password form its login page had.
INSERT INTO organization_connections (org_id, connection_id, created_at)
SELECT id, 'con_OrgdeskDatabase1', 0 FROM organizations;

-- The identities a user signs in with: one per connection and subject (the
-- user's id at that connection). A returning person is found by these two,
-- never by email.
CREATE TABLE identities (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    -- The claims the connection last gave (JSON): email, email_verified, name.
    profile TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    last_login_at BIGINT,
    PRIMARY KEY (connection_id, subject)
);
CREATE INDEX identities_by_user ON identities (user_id);

-- Every user so far is a user of the password database.
INSERT INTO identities (connection_id, subject, user_id, created_at)
SELECT 'con_OrgdeskDatabase1', substr(user_id, 7), user_id, created_at FROM users;
