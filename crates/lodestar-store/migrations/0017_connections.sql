-- Network: connections between people. Two people connect by request and accept; a mentor
-- and a mentee are connected when their mentorship starts and stay connected after it ends,
-- unless either removes the connection (which deletes the row).
--
-- A pair has one row whatever its direction: low_id is the smaller of the two person ids
-- (compared byte by byte, by the application), high_id the larger. requested_by: who asked
-- (NULL for a connection a mentorship or an introduction made). source: how it came about.
-- A pending connection is a request that the other side has not answered; an accepted one
-- is a connection.
CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    low_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    high_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    requested_by TEXT REFERENCES persons (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    source TEXT NOT NULL CHECK (source IN ('request', 'mentorship', 'introduction')),
    created_at BIGINT NOT NULL,
    accepted_at BIGINT,
    CHECK (low_id <> high_id),
    UNIQUE (low_id, high_id)
);
CREATE INDEX connections_by_high ON connections (high_id, state);

-- Whether a person hides their connections: others then see none of them (not even those
-- they share), and no path to someone else is shown through them.
ALTER TABLE persons ADD COLUMN hide_connections BIGINT NOT NULL DEFAULT 0 CHECK (hide_connections IN (0, 1));

-- The network's generation: every change to who is connected with whom, or to who hides
-- their connections, moves it (triggers in the next migration), so an in-memory copy of the
-- graph knows when it is stale.
INSERT INTO generations (name, value) VALUES ('network', 0);
