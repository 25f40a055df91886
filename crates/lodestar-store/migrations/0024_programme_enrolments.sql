-- Enrolment in programmes. invitation_code: the secret of a programme's invitation link
-- (`/programmes/{id}?invitation=…`), which an admin may replace; an invitation-only
-- programme takes enrolments only with it.
ALTER TABLE programmes ADD COLUMN invitation_code TEXT NOT NULL DEFAULT '';

-- A person's enrolment in a programme, as mentee, mentor or both. answers: the enrolment
-- form's answers as a JSON object keyed by question number, as they were sent (a text, a
-- list of texts or a number), read back through the form's checks. state: 'pending'
-- (waiting for a programme admin's approval), 'approved', 'declined' (by an admin) or
-- 'withdrawn' (by the person, or removed by an admin). One live enrolment (pending or
-- approved) per person and programme, whatever races: the partial unique index.
CREATE TABLE programme_enrolments (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'both')),
    answers TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    decided_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    decided_at BIGINT
);
CREATE UNIQUE INDEX programme_enrolments_live ON programme_enrolments (programme_id, person_id)
    WHERE state IN ('pending', 'approved');
CREATE INDEX programme_enrolments_by_programme ON programme_enrolments (programme_id, state, created_at);
CREATE INDEX programme_enrolments_by_person ON programme_enrolments (person_id, created_at);
