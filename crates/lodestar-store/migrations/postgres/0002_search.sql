-- Full-text search over what others may see of a person (persons.search_text), PostgreSQL
-- side: a generated tsvector with a GIN index.
ALTER TABLE persons
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX persons_search_vector ON persons USING GIN (search_vector);
