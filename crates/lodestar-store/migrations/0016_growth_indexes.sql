-- Indexes for the progress page and the career gap (issue 11's growth target), shaped by
-- what those reads ask for.

-- The progress page's confidence series (`created_at, confidence, marked_drop` in order of
-- `created_at, id`, perhaps only shared ones) and its newest check-ins: the index holds
-- the tie-break and the charted columns, so the series is read in order from the index
-- alone, without a sort. Replaces check_ins_by_person, its prefix.
CREATE INDEX check_ins_by_person_time ON check_ins (person_id, created_at, id, confidence, marked_drop, share_scores);
DROP INDEX check_ins_by_person;

-- Each goal read counts its accepted milestones and those done: from the index alone.
-- Replaces goal_milestones_by_goal; every read of a goal's milestones starts at its id.
CREATE INDEX goal_milestones_by_goal_state ON goal_milestones (goal_id, state, done_at);
DROP INDEX goal_milestones_by_goal;

-- The career gap counts the directory's mentors per skill: each person who mentors a
-- skill (person_skills_by_skill) is checked here, among listed mentors who are not
-- suspended, instead of in their row.
CREATE INDEX persons_listed_mentors ON persons (id) WHERE is_mentor = 1 AND listed = 1 AND suspended_at IS NULL;
