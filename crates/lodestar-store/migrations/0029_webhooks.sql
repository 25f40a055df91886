-- Webhooks: endpoints an instance admin registers, each subscribed to some events, and one
-- delivery row per endpoint and event, written in the event's transaction and sent by the
-- webhook sender as the outbox's e-mail is (claim with a lease, backoff, give up).
-- events: a JSON list of event names. secret: the signing key, kept as it was shown once
-- (the server signs with it, so it cannot be hashed). active: 0/1.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

-- payload: the JSON body as it is sent, every attempt alike. next_attempt_at is the
-- outbox's GAVE_UP (i64::MAX) once given up; last_status is the last answer's HTTP status
-- (NULL when none came: a timeout, a refused connection).
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    delivered_at BIGINT,
    last_status BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    last_attempt_at BIGINT
);

-- The sender's claim of due deliveries.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL;
-- An endpoint's deliveries, newest first, for the admin.
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
