-- Growth, second part: skill assessments over time, structured feedback between the two
-- sides of a mentorship, and requests for feedback on a skill.
--
-- An assessment belongs to the person assessed. Their own (self) assessments are seen by
-- their mentors while `shared` says so; a mentor's assessment is seen by the person and by
-- the mentor who wrote it. Feedback is seen by its giver and its receiver only. Admins
-- read none of it.

-- by: 'self' (assessor_id is the person) or 'mentor' (assessor_id mentors the person in
-- mentorship_id). level: 1–5, the catalogue's levels. evidence: what the level rests on.
CREATE TABLE skill_assessments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    assessor_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    assessed_by TEXT NOT NULL CHECK (assessed_by IN ('self', 'mentor')),
    mentorship_id TEXT REFERENCES mentorships (id) ON DELETE SET NULL,
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    evidence TEXT NOT NULL,
    shared BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE INDEX skill_assessments_by_person ON skill_assessments (person_id, skill_id, created_at);

-- A request for feedback on a skill, from one side of a mentorship to the other.
-- answered_at: when feedback answering it was given.
CREATE TABLE feedback_requests (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    from_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    answered_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_requests_to ON feedback_requests (to_id, answered_at, created_at);
CREATE INDEX feedback_requests_from ON feedback_requests (from_id, created_at);

-- Structured feedback: on a skill, what the situation was, what the receiver did, what it
-- led to, and what to try next. meeting_id: the session it is about, if any.
-- acknowledged_at / reply: the receiver's acknowledgement. goal_id / step_id: what the
-- receiver turned its suggestion into.
CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    from_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
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
CREATE INDEX feedback_to ON feedback (to_id, created_at);
CREATE INDEX feedback_from ON feedback (from_id, created_at);
CREATE INDEX feedback_by_mentorship ON feedback (mentorship_id, created_at);
