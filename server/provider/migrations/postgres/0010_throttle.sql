-- Failed authentication of people (passwords) and clients (secrets), counted
-- per principal, per (principal, address) and per address; subjects are
-- SHA-256 digests, so no email or address is kept in clear.
DROP TABLE login_failures;
CREATE TABLE auth_failures (
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX auth_failures_by_subject ON auth_failures (subject, at);
CREATE INDEX auth_failures_by_time ON auth_failures (at);
