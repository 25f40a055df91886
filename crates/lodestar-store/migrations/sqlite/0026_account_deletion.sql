-- Deleting an account: what the person owns goes with them, and a mentorship the other
-- members share keeps their side. A member whose account is deleted stays in the
-- mentorship as a row without a person (the pages show "Deleted account"), so the others
-- keep the mentorship, its sessions and their own records of it; the row keeps nothing of
-- the deleted person's (no contact, reflection or rating), which the check holds.
-- Feedback a deleted person gave stays in its receiver's growth record, from nobody (as a
-- mentor's assessment already does); what they received goes with them.
--
-- SQLite cannot change a column's foreign key or nullability in place: the table is
-- rebuilt, its rows copied, and its indexes made again (nothing refers to either table
-- rebuilt here, and neither has triggers). The primary key (mentorship_id, person_id) becomes a unique index, which
-- lets several deleted members share one mentorship.
CREATE TABLE mentorship_members_rebuilt (
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    contact TEXT NOT NULL DEFAULT '',
    reflection TEXT NOT NULL DEFAULT '',
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    joined_at BIGINT NOT NULL,
    CONSTRAINT mentorship_members_departed_keep_nothing
        CHECK (person_id IS NOT NULL OR (contact = '' AND reflection = '' AND rating IS NULL))
);
INSERT INTO mentorship_members_rebuilt (mentorship_id, person_id, role, contact, reflection, rating, joined_at)
SELECT mentorship_id, person_id, role, contact, reflection, rating, joined_at FROM mentorship_members;
DROP TABLE mentorship_members;
ALTER TABLE mentorship_members_rebuilt RENAME TO mentorship_members;
CREATE UNIQUE INDEX mentorship_members_once ON mentorship_members (mentorship_id, person_id);
CREATE INDEX mentorship_members_by_person ON mentorship_members (person_id, role, mentorship_id);

CREATE TABLE feedback_rebuilt (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    from_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    to_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    meeting_id TEXT REFERENCES meetings (id) ON DELETE SET NULL,
    request_id TEXT REFERENCES feedback_requests (id) ON DELETE SET NULL,
    situation TEXT NOT NULL,
    behaviour TEXT NOT NULL,
    impact TEXT NOT NULL,
    suggestion TEXT NOT NULL DEFAULT '',
    acknowledged_at BIGINT,
    reply TEXT NOT NULL DEFAULT '',
    goal_id TEXT REFERENCES goals (id) ON DELETE SET NULL,
    step_id TEXT REFERENCES career_steps (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO feedback_rebuilt (id, mentorship_id, from_id, to_id, skill_id, meeting_id, request_id,
    situation, behaviour, impact, suggestion, acknowledged_at, reply, goal_id, step_id, created_at)
SELECT id, mentorship_id, from_id, to_id, skill_id, meeting_id, request_id,
    situation, behaviour, impact, suggestion, acknowledged_at, reply, goal_id, step_id, created_at
FROM feedback;
DROP TABLE feedback;
ALTER TABLE feedback_rebuilt RENAME TO feedback;
CREATE INDEX feedback_to ON feedback (to_id, created_at);
CREATE INDEX feedback_from ON feedback (from_id, created_at);
CREATE INDEX feedback_by_mentorship ON feedback (mentorship_id, created_at);
