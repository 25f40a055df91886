-- Introductions: someone introduces two of their connections to each other, with a note on
-- why. Each side answers privately; only when both accept are they connected (a connection
-- with source 'introduction'). A decline is never shown as such: to everyone but the one who
-- declined, the introduction reads "not now".
--
-- a_id < b_id (compared byte by byte, as connections' low_id and high_id). state: 'open'
-- while an answer is missing and nobody declined, 'connected' once both accepted, 'not_now'
-- once either declined. One open introduction per pair, whoever made it.
CREATE TABLE introductions (
    id TEXT PRIMARY KEY,
    introducer_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    a_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    b_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    a_answer TEXT NOT NULL DEFAULT 'waiting' CHECK (a_answer IN ('waiting', 'accepted', 'declined')),
    b_answer TEXT NOT NULL DEFAULT 'waiting' CHECK (b_answer IN ('waiting', 'accepted', 'declined')),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'connected', 'not_now')),
    ask_id TEXT,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    CHECK (a_id < b_id),
    CHECK (introducer_id <> a_id AND introducer_id <> b_id)
);
CREATE UNIQUE INDEX introductions_open_pair ON introductions (a_id, b_id) WHERE state = 'open';
CREATE INDEX introductions_by_a ON introductions (a_id, created_at);
CREATE INDEX introductions_by_b ON introductions (b_id, created_at);
CREATE INDEX introductions_by_introducer ON introductions (introducer_id, created_at);

-- Asking a connection for an introduction: to someone who matches what the asker looks for
-- (a skill at a level, an organisation, an industry, a role), or to one person found on a
-- path. The connection sees suggestions from their own connections. state: 'open', then
-- 'introduced' (they made an introduction for it), 'not_now' (they declined; the asker sees
-- "not now") or 'withdrawn' (the asker took it back).
CREATE TABLE introduction_asks (
    id TEXT PRIMARY KEY,
    asker_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    target_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    skill_id TEXT REFERENCES skills (id),
    min_level BIGINT CHECK (min_level BETWEEN 1 AND 5),
    mentors BIGINT NOT NULL DEFAULT 0 CHECK (mentors IN (0, 1)),
    organisation TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'introduced', 'not_now', 'withdrawn')),
    created_at BIGINT NOT NULL,
    answered_at BIGINT,
    CHECK (asker_id <> connector_id)
);
CREATE INDEX introduction_asks_by_connector ON introduction_asks (connector_id, state, created_at);
CREATE INDEX introduction_asks_by_asker ON introduction_asks (asker_id, created_at);
