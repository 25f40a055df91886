-- Attempts counted for rate limits: log-ins per (account, client address), log-ins per
-- address, registrations per address. One row per scope (a hash of what is counted for
-- whom), updated by one upsert that returns the new count, so that requests racing each
-- other are each counted before any of them is let through.
CREATE TABLE throttle (
    scope TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    previous_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX throttle_by_last_at ON throttle (last_at);

-- Replaced by throttle: one row per failure, counted with a read before the write, let a
-- parallel burst slip past the limit.
DROP TABLE login_failures;
