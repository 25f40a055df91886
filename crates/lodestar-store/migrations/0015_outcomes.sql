-- Growth, career outcomes: the events a person records along their career — a promotion,
-- a new role or job, a certification, a stretch assignment, a talk given — each on the day
-- it happened, optionally credited to one of their mentorships and tied to one of their
-- goals. Programme reports count them by kind and date, and by mentorship.
--
-- Like the rest of a growth record, an outcome is its owner's. share_with_mentors: the
-- owner's mentors (within the grace period after a mentorship ends) see it; admins never
-- read it one by one.

-- kind: the domain's OutcomeKind. happened_on: YYYY-MM-DD, not after the day it was
-- recorded. note: free text, may be empty.
CREATE TABLE outcomes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('promotion', 'new_role', 'new_job', 'certification', 'stretch_assignment', 'talk_given', 'other')),
    happened_on TEXT NOT NULL,
    title TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    mentorship_id TEXT REFERENCES mentorships (id) ON DELETE SET NULL,
    goal_id TEXT REFERENCES goals (id) ON DELETE SET NULL,
    share_with_mentors BIGINT NOT NULL DEFAULT 1 CHECK (share_with_mentors IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outcomes_by_person ON outcomes (person_id, happened_on, id);
CREATE INDEX outcomes_by_kind ON outcomes (kind, happened_on);
CREATE INDEX outcomes_by_mentorship ON outcomes (mentorship_id, happened_on) WHERE mentorship_id IS NOT NULL;
CREATE INDEX outcomes_by_goal ON outcomes (goal_id) WHERE goal_id IS NOT NULL;
