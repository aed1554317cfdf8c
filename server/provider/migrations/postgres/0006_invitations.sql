-- Where an application's sign-in starts (Auth0's initiate_login_uri): the
-- links of invitations to the application begin there.
ALTER TABLE clients ADD COLUMN initiate_login_uri TEXT;

-- Invitations to join an organization. An accepted invitation is deleted, as
-- Auth0 deletes it; an expired one stays (and lists) until it is deleted.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The secret of the invitation link. The Management API returns it (as
    -- Auth0 does), so it is kept as is; it works only for the invited email.
    ticket_id TEXT NOT NULL UNIQUE,
    inviter_name TEXT NOT NULL,
    invitee_email TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    connection_id TEXT,
    invitation_url TEXT NOT NULL,
    app_metadata TEXT NOT NULL DEFAULT '{}',
    user_metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL, -- milliseconds since the epoch
    expires_at BIGINT NOT NULL  -- milliseconds since the epoch
);
CREATE INDEX invitations_by_org ON invitations (org_id, created_at);

-- The roles an invitation gives in its organization, in the order asked for.
CREATE TABLE invitation_roles (
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (invitation_id, role_id)
);

-- Emails kept in the provider's database when no SMTP server is configured.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at BIGINT NOT NULL -- milliseconds since the epoch
);
CREATE INDEX outbox_by_time ON outbox (created_at);
