-- Generation counters: a write to what a cached view shows bumps the view's counter in the
-- same transaction, so every server process sharing the database knows when its cache is
-- stale. PostgreSQL side: one bump per statement, however many rows it writes.
CREATE TABLE generations (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO generations (name, value) VALUES ('directory', 0);

CREATE FUNCTION bump_directory_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generations SET value = value + 1 WHERE name = 'directory';
    RETURN NULL;
END
$$;

-- The directory shows persons (not their password, email or admin flag), their skills and
-- languages, and skill names.
CREATE TRIGGER persons_directory AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, name_key, headline, role_title, industry, industry_key, time_zone, utc_offset_minutes, languages, is_mentor, wants_mentor, mentor_capacity, availability_hours, hidden_fields, listed, search_text ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_generation();
CREATE TRIGGER person_skills_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_skills
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_generation();
CREATE TRIGGER person_languages_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_languages
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_generation();
CREATE TRIGGER skills_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_generation();
