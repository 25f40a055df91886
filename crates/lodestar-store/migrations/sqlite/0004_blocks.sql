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
CREATE TRIGGER blocks_directory_insert AFTER INSERT ON blocks
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER blocks_directory_delete AFTER DELETE ON blocks
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
