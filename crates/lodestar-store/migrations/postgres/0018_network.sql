-- The network generation's triggers (PostgreSQL: one bump per statement), and connections
-- for the mentorships made before connections existed: every mentor with every mentee of
-- each mentorship that is not cancelled.
CREATE FUNCTION bump_network_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generations SET value = value + 1 WHERE name = 'network';
    RETURN NULL;
END
$$;
CREATE TRIGGER connections_network AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON connections
    FOR EACH STATEMENT EXECUTE FUNCTION bump_network_generation();
CREATE TRIGGER persons_network AFTER DELETE OR TRUNCATE OR UPDATE OF hide_connections ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION bump_network_generation();

INSERT INTO connections (id, low_id, high_id, requested_by, state, source, created_at, accepted_at)
SELECT gen_random_uuid()::text, low_id, high_id, NULL, 'accepted', 'mentorship', MIN(joined_at), MIN(joined_at)
FROM (
    SELECT CASE WHEN a.person_id COLLATE "C" < b.person_id COLLATE "C" THEN a.person_id ELSE b.person_id END AS low_id,
           CASE WHEN a.person_id COLLATE "C" < b.person_id COLLATE "C" THEN b.person_id ELSE a.person_id END AS high_id,
           m.created_at AS joined_at
    FROM mentorships m
    JOIN mentorship_members a ON a.mentorship_id = m.id AND a.role = 'mentor'
    JOIN mentorship_members b ON b.mentorship_id = m.id AND b.role = 'mentee'
    WHERE m.state <> 'cancelled' AND a.person_id <> b.person_id
) pairs
GROUP BY low_id, high_id;
