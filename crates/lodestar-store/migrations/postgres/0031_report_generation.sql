-- The reports generation (PostgreSQL: one bump per statement): programmes' reports are kept
-- in memory per programme and day under it, so every write to what a report counts moves
-- it. What a report counts: a programme, its enrolments, its mentorships and their members,
-- sessions and requests, and its mentees' goals, check-ins, assessments, wanted skills and
-- outcomes (and skills' names).
INSERT INTO generations (name, value) VALUES ('reports', 0);
CREATE FUNCTION bump_reports_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generations SET value = value + 1 WHERE name = 'reports';
    RETURN NULL;
END
$$;
CREATE TRIGGER programmes_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programmes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER programme_enrolments_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programme_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER mentorships_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentorships
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER mentorship_members_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentorship_members
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER meetings_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meetings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER mentorship_requests_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentorship_requests
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER goals_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON goals
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER check_ins_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON check_ins
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER skill_assessments_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skill_assessments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER person_skills_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_skills
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER outcomes_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
CREATE TRIGGER skills_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reports_generation();
-- A programme's mentorships by state. Partial: most mentorships belong to no programme,
-- and an index over all of them tells the planner that one programme holds half the table
-- (every NULL counted as one value), which can make it scan a programme's mentorships once
-- per mentee. The index it replaces covered the same lookups.
DROP INDEX mentorships_by_programme;
CREATE INDEX mentorships_in_programme ON mentorships (programme_id, state)
    WHERE programme_id IS NOT NULL;
