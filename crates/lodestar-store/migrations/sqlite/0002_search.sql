-- Full-text search over what others may see of a person (persons.search_text), SQLite side:
-- an FTS5 index kept in step with the table by triggers.
CREATE VIRTUAL TABLE persons_search USING fts5(
    search_text,
    content = 'persons',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER persons_search_insert AFTER INSERT ON persons BEGIN
    INSERT INTO persons_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TRIGGER persons_search_delete AFTER DELETE ON persons BEGIN
    INSERT INTO persons_search (persons_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;

CREATE TRIGGER persons_search_update AFTER UPDATE OF search_text ON persons BEGIN
    INSERT INTO persons_search (persons_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO persons_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

INSERT INTO persons_search (rowid, search_text) SELECT rowid, search_text FROM persons;
