-- A block concerns the two people in it, not everyone: it no longer moves the directory
-- generation (which would make every viewer's cached recommendations stale). The
-- recommendations read the viewer's blocks, both ways, on each request; the index serves
-- the "who blocks me" half of that read.
DROP TRIGGER blocks_directory_insert;
DROP TRIGGER blocks_directory_delete;
CREATE INDEX blocks_blocked ON blocks (blocked_id);
