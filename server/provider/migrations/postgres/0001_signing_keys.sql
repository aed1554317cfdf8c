-- RS256 keys that sign the provider's tokens. A rotated key keeps being
-- published (retired_at set) so tokens it signed still verify.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    private_key_pem TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
