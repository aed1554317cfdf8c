-- Auth0's user metadata (JSON objects). Invitation acceptance writes them too.
ALTER TABLE users ADD COLUMN app_metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN user_metadata TEXT NOT NULL DEFAULT '{}';

-- An organization's members are listed and paged by user id: the primary key
-- (org_id, user_id) is that index, so a deep checkpoint page is one seek, and
-- a member's roles are found by the prefix of member_roles' primary key.

-- Deleting a role removes its assignments: find them without a scan.
CREATE INDEX member_roles_by_role ON member_roles (role_id);
CREATE INDEX user_roles_by_role ON user_roles (role_id);

-- Deleting a user removes their sessions and grants: find them without a scan.
CREATE INDEX provider_sessions_by_user ON provider_sessions (user_id);
CREATE INDEX grants_by_user ON grants (user_id);
