-- Opportunities and insights. closes_on: 'YYYY-MM-DD' (the last day it takes interest); an
-- insight may have none. visibility: 'everyone', 'connections' (the author's accepted
-- connections) or 'mentees' (the author's mentees in an active or paused mentorship).
-- state: 'open', 'closed' (by its author) or 'removed' (by an admin). industry_key and
-- location_key are the lower-cased industry and location, for matching.
CREATE TABLE opportunities (
    id TEXT PRIMARY KEY,
    author_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('job', 'stretch_project', 'event', 'course', 'speaking', 'volunteering', 'insight')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    industry TEXT NOT NULL DEFAULT '',
    industry_key TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    location_key TEXT NOT NULL DEFAULT '',
    remote BIGINT NOT NULL DEFAULT 0 CHECK (remote IN (0, 1)),
    closes_on TEXT,
    visibility TEXT NOT NULL CHECK (visibility IN ('everyone', 'connections', 'mentees')),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'removed')),
    pinned BIGINT NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX opportunities_by_state ON opportunities (state, created_at);
CREATE INDEX opportunities_by_author ON opportunities (author_id, created_at);

CREATE TABLE opportunity_skills (
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id),
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (opportunity_id, skill_id)
);
CREATE INDEX opportunity_skills_by_skill ON opportunity_skills (skill_id, opportunity_id);

-- Someone shares an opportunity with a person, with a note; once per sharer and person.
CREATE TABLE opportunity_shares (
    id TEXT PRIMARY KEY,
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    from_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (opportunity_id, from_id, to_id),
    CHECK (from_id <> to_id)
);
CREATE INDEX opportunity_shares_by_to ON opportunity_shares (to_id, created_at);

-- A person's mark on an opportunity, and how an application went; a won one is recorded as
-- a career outcome (outcome_id) once.
CREATE TABLE opportunity_marks (
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('saved', 'interested', 'applied', 'not_for_me')),
    outcome TEXT CHECK (outcome IN ('got_it', 'did_not')),
    outcome_id TEXT REFERENCES outcomes (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (opportunity_id, person_id),
    CHECK (outcome IS NULL OR status = 'applied')
);
CREATE INDEX opportunity_marks_by_person ON opportunity_marks (person_id, updated_at);

-- The weekly digest of new fitting opportunities: off unless a person turns it on.
ALTER TABLE persons ADD COLUMN opportunity_digest BIGINT NOT NULL DEFAULT 0 CHECK (opportunity_digest IN (0, 1));
ALTER TABLE persons ADD COLUMN digest_sent_at BIGINT;

-- Every write to opportunities or their skills moves this generation, so the in-memory
-- index "For you" ranks from knows when it is stale (triggers in the next migration).
INSERT INTO generations (name, value) VALUES ('opportunities', 0);
