-- A person can keep someone from ever being suggested to them or matched with them, in
-- either direction. Recommendations and matching read these, so a change moves the
-- directory generation (as a profile change does).
CREATE TABLE blocks (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, blocked_id),
    CHECK (person_id <> blocked_id)
);
CREATE TRIGGER blocks_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blocks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_generation();
