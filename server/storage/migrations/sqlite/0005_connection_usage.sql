-- Which organizations enable which connection, as the console last read or
-- changed them: "who uses this connection" is one indexed query instead of
-- one Management API call per organization. Rows are replaced whenever the
-- console reads or changes an organization's connections.
CREATE TABLE connection_usage (
    connection_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, org_id)
);
CREATE INDEX connection_usage_by_org ON connection_usage (org_id);
