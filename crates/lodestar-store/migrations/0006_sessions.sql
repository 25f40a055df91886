-- Sessions a person can see and end: when and where each began, when it was last used.
-- public_id names a session in pages and the API; the id itself is the cookie's secret and
-- is never shown. Existing sessions were given 14 days of idle time, so that is when they
-- were last seen.
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
UPDATE sessions SET public_id = id, created_at = expires_at - 1209600000, last_seen_at = expires_at - 1209600000;
CREATE INDEX sessions_by_public_id ON sessions (public_id);

-- Secrets the installation keeps for itself, shared by every server process (such as the
-- key that signs the log-in and registration forms' CSRF tokens).
CREATE TABLE installation_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The one-time link that creates the first admin. At most one is live: `serve` replaces it
-- on every start while no admin exists. Only a SHA-256 of the token is kept.
CREATE TABLE setup_tokens (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Periodic work shared by several server processes: whoever holds a task's lease runs it.
CREATE TABLE housekeeping_leases (
    task TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX api_tokens_by_expiry ON api_tokens (expires_at);
CREATE INDEX api_tokens_by_revocation ON api_tokens (revoked_at);
