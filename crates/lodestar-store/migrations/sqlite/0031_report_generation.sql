-- The reports generation (SQLite): programmes' reports are kept in memory per programme and
-- day under it, so every write to what a report counts moves it. What a report counts: a
-- programme, its enrolments, its mentorships and their members, sessions and requests, and
-- its mentees' goals, check-ins, assessments, wanted skills and outcomes (and skills' names).
INSERT INTO generations (name, value) VALUES ('reports', 0);
CREATE TRIGGER programmes_reports_insert AFTER INSERT ON programmes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER programmes_reports_update AFTER UPDATE ON programmes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER programmes_reports_delete AFTER DELETE ON programmes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER programme_enrolments_reports_insert AFTER INSERT ON programme_enrolments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER programme_enrolments_reports_update AFTER UPDATE ON programme_enrolments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER programme_enrolments_reports_delete AFTER DELETE ON programme_enrolments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorships_reports_insert AFTER INSERT ON mentorships
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorships_reports_update AFTER UPDATE ON mentorships
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorships_reports_delete AFTER DELETE ON mentorships
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_members_reports_insert AFTER INSERT ON mentorship_members
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_members_reports_update AFTER UPDATE ON mentorship_members
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_members_reports_delete AFTER DELETE ON mentorship_members
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER meetings_reports_insert AFTER INSERT ON meetings
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER meetings_reports_update AFTER UPDATE ON meetings
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER meetings_reports_delete AFTER DELETE ON meetings
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_requests_reports_insert AFTER INSERT ON mentorship_requests
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_requests_reports_update AFTER UPDATE ON mentorship_requests
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER mentorship_requests_reports_delete AFTER DELETE ON mentorship_requests
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER goals_reports_insert AFTER INSERT ON goals
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER goals_reports_update AFTER UPDATE ON goals
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER goals_reports_delete AFTER DELETE ON goals
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER check_ins_reports_insert AFTER INSERT ON check_ins
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER check_ins_reports_update AFTER UPDATE ON check_ins
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER check_ins_reports_delete AFTER DELETE ON check_ins
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skill_assessments_reports_insert AFTER INSERT ON skill_assessments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skill_assessments_reports_update AFTER UPDATE ON skill_assessments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skill_assessments_reports_delete AFTER DELETE ON skill_assessments
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER person_skills_reports_insert AFTER INSERT ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER person_skills_reports_update AFTER UPDATE ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER person_skills_reports_delete AFTER DELETE ON person_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER outcomes_reports_insert AFTER INSERT ON outcomes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER outcomes_reports_update AFTER UPDATE ON outcomes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER outcomes_reports_delete AFTER DELETE ON outcomes
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skills_reports_insert AFTER INSERT ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skills_reports_update AFTER UPDATE ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
CREATE TRIGGER skills_reports_delete AFTER DELETE ON skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'reports'; END;
-- A programme's mentorships by state. Partial: most mentorships belong to no programme,
-- and an index over all of them tells the planner that one programme holds half the table
-- (every NULL counted as one value), which can make it scan a programme's mentorships once
-- per mentee. The index it replaces covered the same lookups.
DROP INDEX mentorships_by_programme;
CREATE INDEX mentorships_in_programme ON mentorships (programme_id, state)
    WHERE programme_id IS NOT NULL;
