-- The network generation's triggers (SQLite), and connections for the mentorships made
-- before connections existed: every mentor with every mentee of each mentorship that is not
-- cancelled.
CREATE TRIGGER connections_network_insert AFTER INSERT ON connections
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;
CREATE TRIGGER connections_network_update AFTER UPDATE ON connections
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;
CREATE TRIGGER connections_network_delete AFTER DELETE ON connections
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;
CREATE TRIGGER persons_network_update AFTER UPDATE OF hide_connections ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;
CREATE TRIGGER persons_network_delete AFTER DELETE ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;

INSERT INTO connections (id, low_id, high_id, requested_by, state, source, created_at, accepted_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
             || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
             || '-' || hex(randomblob(6))),
       low_id, high_id, NULL, 'accepted', 'mentorship', MIN(joined_at), MIN(joined_at)
FROM (
    SELECT CASE WHEN a.person_id < b.person_id THEN a.person_id ELSE b.person_id END AS low_id,
           CASE WHEN a.person_id < b.person_id THEN b.person_id ELSE a.person_id END AS high_id,
           m.created_at AS joined_at
    FROM mentorships m
    JOIN mentorship_members a ON a.mentorship_id = m.id AND a.role = 'mentor'
    JOIN mentorship_members b ON b.mentorship_id = m.id AND b.role = 'mentee'
    WHERE m.state <> 'cancelled' AND a.person_id <> b.person_id
) pairs
GROUP BY low_id, high_id;
