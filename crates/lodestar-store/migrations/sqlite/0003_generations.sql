-- Generation counters: a write to what a cached view shows bumps the view's counter in the
-- same transaction, so every server process sharing the database knows when its cache is
-- stale. SQLite side: row triggers (SQLite has no statement triggers).
CREATE TABLE generations (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO generations (name, value) VALUES ('directory', 0);

-- The directory shows persons (not their password, email or admin flag), their skills and
-- languages, and skill names.
CREATE TRIGGER persons_directory_insert AFTER INSERT ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER persons_directory_update AFTER UPDATE OF name, name_key, headline, role_title, industry, industry_key, time_zone, utc_offset_minutes, languages, is_mentor, wants_mentor, mentor_capacity, availability_hours, hidden_fields, listed, search_text ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER persons_directory_delete AFTER DELETE ON persons
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_skills_directory_insert AFTER INSERT ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_skills_directory_update AFTER UPDATE ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_skills_directory_delete AFTER DELETE ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_languages_directory_insert AFTER INSERT ON person_languages
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_languages_directory_update AFTER UPDATE ON person_languages
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER person_languages_directory_delete AFTER DELETE ON person_languages
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER skills_directory_insert AFTER INSERT ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER skills_directory_update AFTER UPDATE ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
CREATE TRIGGER skills_directory_delete AFTER DELETE ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'directory'; END;
