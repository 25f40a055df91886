-- Accounts, profiles, skills, sessions and API tokens.
-- One migration set for SQLite and PostgreSQL: ids are TEXT (UUIDs made by the
-- application), booleans are BIGINT 0/1, timestamps are BIGINT epoch milliseconds.

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BIGINT NOT NULL DEFAULT 0,
    headline TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    role_title TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    industry_key TEXT NOT NULL DEFAULT '',
    years_experience BIGINT,
    location TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    utc_offset_minutes BIGINT NOT NULL DEFAULT 0,
    languages TEXT NOT NULL DEFAULT 'en',
    is_mentor BIGINT NOT NULL DEFAULT 0,
    wants_mentor BIGINT NOT NULL DEFAULT 0,
    mentor_capacity BIGINT NOT NULL DEFAULT 0,
    availability_hours BIGINT NOT NULL DEFAULT 0,
    focus_areas TEXT NOT NULL DEFAULT '',
    hidden_fields TEXT NOT NULL DEFAULT 'email',
    listed BIGINT NOT NULL DEFAULT 1,
    search_text TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT persons_capacity_range CHECK (mentor_capacity BETWEEN 0 AND 20),
    CONSTRAINT persons_availability_range CHECK (availability_hours BETWEEN 0 AND 160)
);
CREATE UNIQUE INDEX persons_email_key ON persons (email);
CREATE INDEX persons_by_name ON persons (listed, name_key, id);
CREATE INDEX persons_mentors_by_name ON persons (is_mentor, listed, name_key, id);
CREATE INDEX persons_mentees_by_name ON persons (wants_mentor, listed, name_key, id);
CREATE INDEX persons_by_industry ON persons (industry_key, listed);
CREATE INDEX persons_by_offset ON persons (utc_offset_minutes);

-- The first account registered becomes admin: the one row this table can hold is the claim.
CREATE TABLE first_admin_claim (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    person_id TEXT NOT NULL,
    claimed_at BIGINT NOT NULL
);

CREATE TABLE person_languages (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    PRIMARY KEY (person_id, language)
);
CREATE INDEX person_languages_by_language ON person_languages (language, person_id);

CREATE TABLE skills (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('technical', 'soft')),
    category TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    level_descriptions TEXT NOT NULL DEFAULT '[]',
    retired BIGINT NOT NULL DEFAULT 0,
    merged_into TEXT REFERENCES skills (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX skills_slug_key ON skills (slug);
CREATE UNIQUE INDEX skills_name_key ON skills (name_key);

-- relation: 'mentors' (can mentor on it at this level) or 'grows' (wants to grow it, now at this level).
CREATE TABLE person_skills (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('mentors', 'grows')),
    skill_id TEXT NOT NULL REFERENCES skills (id),
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, relation, skill_id)
);
CREATE INDEX person_skills_by_skill ON person_skills (skill_id, relation, level, person_id);

-- Browser sessions (tower-sessions records); person_id is copied out of the data so that a
-- password change can end a person's other sessions.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    person_id TEXT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_person ON sessions (person_id);

-- Bearer tokens for the JSON API. Only a SHA-256 of the secret is stored.
-- kind: 'personal' (made by the person, until revoked) or 'login' (from POST /auth/login, expires).
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'login')),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_person ON api_tokens (person_id, created_at);

-- Failed log-ins, counted per account and per client address over a sliding window.
CREATE TABLE login_failures (
    scope TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_scope ON login_failures (scope, failed_at);
