-- Who may appear on a path in the network moves the network generation too: being listed in
-- the directory, and being suspended (a person not listed, or suspended, is neither the end
-- of a path shown to someone else nor a step on one).
DROP TRIGGER persons_network_update;
CREATE TRIGGER persons_network_update AFTER UPDATE OF hide_connections, listed, suspended_at ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'network'; END;
