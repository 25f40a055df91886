-- The opportunities generation's triggers (PostgreSQL: one bump per statement).
CREATE FUNCTION bump_opportunities_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generations SET value = value + 1 WHERE name = 'opportunities';
    RETURN NULL;
END
$$;
CREATE TRIGGER opportunities_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opportunities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_opportunities_generation();
CREATE TRIGGER opportunity_skills_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opportunity_skills
    FOR EACH STATEMENT EXECUTE FUNCTION bump_opportunities_generation();
