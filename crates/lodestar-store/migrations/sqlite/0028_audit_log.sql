-- The audit log: one row per admin action (who, what, when), appended in the action's own
-- transaction. The actor is kept by id and by the name they had then, with no foreign key,
-- so a record outlives the account. `detail` is JSON of the fields the action changed.
-- Ids are UUIDv7 text, so they sort by time: newest first is `ORDER BY id DESC`, and a
-- page continues with `id < $before`.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_target ON audit_log (target_kind, target_id, id);

-- Append-only: the database refuses to change or remove a record, whoever asks.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
