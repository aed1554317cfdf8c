-- What the console sent on someone's behalf, for its rate limits (see
-- server/domain/src/limits.rs): one row per key (an actor, an organization
-- and address), taken as a lock by each reservation so that two console
-- processes never both take the last of a budget; and what each
-- reservation spent, when (ms), pruned once out of its window.
CREATE TABLE send_budget_keys (
    budget_key TEXT PRIMARY KEY NOT NULL,
    touched_at_ms BIGINT NOT NULL
);
CREATE TABLE send_budget_spent (
    budget_key TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    amount BIGINT NOT NULL
);
CREATE INDEX send_budget_spent_by_key ON send_budget_spent (budget_key, at_ms);
