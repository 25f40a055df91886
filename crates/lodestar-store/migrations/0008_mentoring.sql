-- The life of a mentorship: requests, mentorships and their members, the timeline,
-- meetings (the pages call them sessions; `sessions` is the log-in store), notes, action
-- items, in-app notifications, e-mail preferences, the e-mail outbox and calendar feeds.
--
-- A mentorship has members rather than a mentor and a mentee column, so that a circle (one
-- or two mentors with several mentees) is more rows, not a new schema: capacity counts a
-- mentor's mentee members in active and paused mentorships; meetings, notes and action
-- items belong to the mentorship and are seen by its members.

-- pending → accepted | declined | withdrawn | expired. initiator: who sent it (a mentee
-- asks; a mentor offers). skills: JSON array of skill ids; focus_areas: JSON array.
CREATE TABLE mentorship_requests (
    id TEXT PRIMARY KEY,
    mentor_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    mentee_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    initiator TEXT NOT NULL CHECK (initiator IN ('mentee', 'mentor')),
    message TEXT NOT NULL,
    skills TEXT NOT NULL DEFAULT '[]',
    focus_areas TEXT NOT NULL DEFAULT '[]',
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    duration_weeks BIGINT NOT NULL CHECK (duration_weeks BETWEEN 1 AND 104),
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn', 'expired')),
    decline_reason TEXT NOT NULL DEFAULT '',
    mentorship_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reminded_at BIGINT,
    decided_at BIGINT,
    CONSTRAINT mentorship_requests_not_self CHECK (mentor_id <> mentee_id)
);
-- One open request per pair, whoever sent it.
CREATE UNIQUE INDEX mentorship_requests_open_pair ON mentorship_requests (mentor_id, mentee_id) WHERE state = 'pending';
CREATE INDEX mentorship_requests_by_mentor ON mentorship_requests (mentor_id, state, created_at);
CREATE INDEX mentorship_requests_by_mentee ON mentorship_requests (mentee_id, state, created_at);
CREATE INDEX mentorship_requests_by_expiry ON mentorship_requests (state, expires_at);

-- Whether a mentor takes requests. No row: they do. After enough requests in a row expire
-- unanswered, `accepting` turns off (the mentor sees it and can turn it back on).
CREATE TABLE mentor_standing (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    accepting BIGINT NOT NULL DEFAULT 1,
    expired_in_a_row BIGINT NOT NULL DEFAULT 0,
    paused_reason TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

-- active → paused | completed | cancelled; paused → active | completed | cancelled.
-- Dates are ISO 8601 (YYYY-MM-DD) text; focus_areas and skills are JSON arrays.
CREATE TABLE mentorships (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES mentorship_requests (id) ON DELETE SET NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'completed', 'cancelled')),
    goals TEXT NOT NULL DEFAULT '',
    focus_areas TEXT NOT NULL DEFAULT '[]',
    skills TEXT NOT NULL DEFAULT '[]',
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    expected_end_on TEXT,
    resume_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    ended_at BIGINT,
    -- The last time a meeting was held or scheduled (or the start): stalled is measured from it.
    last_activity_at BIGINT NOT NULL,
    stalled_since BIGINT
);
CREATE INDEX mentorships_by_state ON mentorships (state, last_activity_at);

-- The people in a mentorship. contact: how to reach this member, shown to the others only
-- while the mentorship is active or paused. reflection and rating: given on completion;
-- the rating is never shown to the other members.
CREATE TABLE mentorship_members (
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    contact TEXT NOT NULL DEFAULT '',
    reflection TEXT NOT NULL DEFAULT '',
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (mentorship_id, person_id)
);
CREATE INDEX mentorship_members_by_person ON mentorship_members (person_id, role, mentorship_id);

-- Every change to a mentorship: who, when, what and why. Shown as its timeline.
CREATE TABLE mentorship_events (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX mentorship_events_by_mentorship ON mentorship_events (mentorship_id, at);

-- Meetings of a mentorship. starts_at is UTC epoch ms; time_zone is the scheduler's, as
-- entered. sequence grows on every reschedule (the iCalendar SEQUENCE).
-- scheduled → held | no_show | cancelled.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    organizer_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    location TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'held', 'no_show', 'cancelled')),
    cancel_reason TEXT NOT NULL DEFAULT '',
    sequence BIGINT NOT NULL DEFAULT 0,
    reminded_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_by_mentorship ON meetings (mentorship_id, starts_at);
CREATE INDEX meetings_by_start ON meetings (state, starts_at);

-- Notes on a meeting. A private note is read by its author alone, ever.
CREATE TABLE meeting_notes (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    private BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meeting_notes_by_meeting ON meeting_notes (meeting_id, created_at);

-- Action items of a mentorship, optionally raised in a meeting. due_on is YYYY-MM-DD.
CREATE TABLE action_items (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    meeting_id TEXT REFERENCES meetings (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    due_on TEXT,
    done_at BIGINT,
    due_notified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX action_items_by_mentorship ON action_items (mentorship_id, done_at, due_on);
CREATE INDEX action_items_by_owner ON action_items (owner_id, done_at, due_on);

-- The in-app inbox. kind: the event (request_received, session_scheduled, …); link: the
-- page it concerns.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_by_person ON notifications (person_id, created_at);
CREATE INDEX notifications_unread ON notifications (person_id, read_at);

-- E-mail per kind of event, on or off. No row: on.
CREATE TABLE notification_preferences (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    email BIGINT NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- E-mail waiting to be sent, written in the same transaction as the event it tells of.
-- A sender claims due rows (claimed_until), delivers, and marks them sent or schedules the
-- next attempt with backoff. calendar: an iCalendar object sent as a text/calendar part,
-- with calendar_method (REQUEST, CANCEL).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    person_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    calendar TEXT,
    calendar_method TEXT,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- A person's subscribable calendar: the secret in the feed's URL. Resetting it replaces
-- the row, so the old URL stops working.
CREATE TABLE calendar_feeds (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token_key ON calendar_feeds (token);
