-- Programmes: a cohort with dates, purposes, a matching mode, a format, rules and its own
-- enrolment form. The four dates are 'YYYY-MM-DD' (so they compare as text, in order);
-- purposes are purpose keys, comma-separated, in the catalogue's order; questions are the
-- form's questions as a JSON array, each as it would be typed again (kind, text, options,
-- scale_max, required, match_rule, weight). circle_size is 1 unless the format is
-- 'circle'; mentor_capacity NULL leaves each mentor's own capacity. invitation_only 0 means
-- open to everyone. archived_at: set by an instance admin; only admins see it then.
CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    purposes TEXT NOT NULL,
    enrolment_opens TEXT NOT NULL,
    enrolment_closes TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    matching TEXT NOT NULL CHECK (matching IN ('self_service', 'admin_assisted', 'cohort')),
    format TEXT NOT NULL CHECK (format IN ('one_to_one', 'circle', 'peer', 'reverse')),
    different_department BIGINT NOT NULL DEFAULT 0 CHECK (different_department IN (0, 1)),
    min_score BIGINT NOT NULL DEFAULT 0 CHECK (min_score BETWEEN 0 AND 100),
    mentor_capacity BIGINT CHECK (mentor_capacity BETWEEN 1 AND 20),
    circle_size BIGINT NOT NULL DEFAULT 1 CHECK (circle_size BETWEEN 1 AND 12),
    invitation_only BIGINT NOT NULL DEFAULT 0 CHECK (invitation_only IN (0, 1)),
    needs_approval BIGINT NOT NULL DEFAULT 0 CHECK (needs_approval IN (0, 1)),
    questions TEXT NOT NULL DEFAULT '[]',
    created_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT,
    CHECK (enrolment_opens <= enrolment_closes AND enrolment_opens <= starts_on
        AND starts_on < ends_on AND enrolment_closes <= ends_on)
);
CREATE INDEX programmes_by_created ON programmes (created_at);

-- A programme's own admins: instance users with rights over this programme only.
CREATE TABLE programme_admins (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    PRIMARY KEY (programme_id, person_id)
);
CREATE INDEX programme_admins_by_person ON programme_admins (person_id, programme_id);
