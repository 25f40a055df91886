-- A mentorship made in a programme belongs to it: its sessions, goals, check-ins and
-- feedback count in the programme's report.
ALTER TABLE mentorships ADD COLUMN programme_id TEXT REFERENCES programmes (id) ON DELETE SET NULL;
CREATE INDEX mentorships_by_programme ON mentorships (programme_id);

-- A programme's cohort match run: started by an admin, solved in the background (state
-- 'running', with its stage in words), then a 'draft' the admins review — locking pairs,
-- forbidding pairs, re-solving — and 'published' once its mentorships are made; 'failed'
-- when the solve could not finish. edits: {"lock": [[mentee, mentor]…], "forbid": […],
-- "history": [{"lock"|"forbid"|"release", mentee, mentor, "cost"}…]}; result: the draft
-- (assignments with their reasons, the unmatched and why, the quality report) as JSON.
-- One run at a time solves for a programme: the partial unique index.
CREATE TABLE match_runs (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('running', 'draft', 'failed', 'published')),
    objective TEXT NOT NULL CHECK (objective IN ('max_total', 'max_participation', 'max_min')),
    min_score BIGINT NOT NULL CHECK (min_score BETWEEN 0 AND 100),
    stage TEXT NOT NULL DEFAULT '',
    edits TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    error TEXT,
    created_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT,
    mentorships_created BIGINT
);
CREATE INDEX match_runs_by_programme ON match_runs (programme_id, created_at);
CREATE UNIQUE INDEX match_runs_one_solving ON match_runs (programme_id) WHERE state = 'running';
