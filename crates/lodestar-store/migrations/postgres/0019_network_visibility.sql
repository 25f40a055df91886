-- Who may appear on a path in the network moves the network generation too: being listed in
-- the directory, and being suspended (a person not listed, or suspended, is neither the end
-- of a path shown to someone else nor a step on one).
DROP TRIGGER persons_network ON persons;
CREATE TRIGGER persons_network AFTER DELETE OR TRUNCATE OR UPDATE OF hide_connections, listed, suspended_at ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION bump_network_generation();
