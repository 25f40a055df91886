-- Conversations: a thread per request, which the mentorship the request started continues
-- (a mentorship that came from no request has its own); its members with what each has
-- read and when each was last e-mailed about it; messages with their rendered HTML and a
-- tombstone when deleted; reports of a message to the admins and what the admins did;
-- account suspension; and whether a person shows that they have seen a message.

-- suspended_at: an admin suspended the account; it cannot log in until lifted.
-- show_seen: whether the others in a thread may see that this person read their messages
-- (and whether this person sees theirs: "seen" shows only when both have it on).
ALTER TABLE persons ADD COLUMN suspended_at BIGINT;
ALTER TABLE persons ADD COLUMN show_seen BIGINT NOT NULL DEFAULT 1;

-- A thread belongs to a request, a mentorship, or both (an accepted request's thread is
-- its mentorship's). last_activity_at orders a person's threads; closed_at: an admin
-- closed it to new messages.
CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES mentorship_requests (id) ON DELETE SET NULL,
    mentorship_id TEXT REFERENCES mentorships (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT REFERENCES persons (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX threads_request_key ON threads (request_id);
CREATE UNIQUE INDEX threads_mentorship_key ON threads (mentorship_id);

-- The parties of a thread. last_read_id: the newest message id they have read ('' for
-- none; message ids are UUIDv7 text, which sorts as they were written). email_due_at: when
-- the e-mail clock should next look at this member (set when someone else writes; cleared
-- when the clock finds nothing to send); last_emailed_at: the last nudge about this thread.
CREATE TABLE thread_members (
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    last_read_id TEXT NOT NULL DEFAULT '',
    last_read_at BIGINT,
    email_due_at BIGINT,
    last_emailed_at BIGINT,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (thread_id, person_id)
);
CREATE INDEX thread_members_by_person ON thread_members (person_id, thread_id);
CREATE INDEX thread_members_email_due ON thread_members (email_due_at) WHERE email_due_at IS NOT NULL;

-- Messages. body: the Markdown source; html: what the renderer of render_version made of
-- it (re-rendered on read when the renderer is newer). A deleted message keeps its row as a
-- tombstone with body and html emptied.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    render_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT
);
CREATE INDEX messages_by_thread ON messages (thread_id, id);

-- A party shares one message with the admins. body: the message as the reporter saw it,
-- kept with the report (the author deleting the message does not take back what was
-- reported). One report per message and reporter.
CREATE TABLE message_reports (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'harassment', 'inappropriate', 'other')),
    comment TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE UNIQUE INDEX message_reports_once ON message_reports (message_id, reporter_id);
CREATE INDEX message_reports_by_state ON message_reports (resolved_at, created_at);

-- Everything an admin does about a report, or to lift a suspension (no report then).
CREATE TABLE moderation_actions (
    id TEXT PRIMARY KEY,
    report_id TEXT REFERENCES message_reports (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES persons (id) ON DELETE CASCADE,
    admin_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    action TEXT NOT NULL CHECK (action IN ('warn', 'suspend', 'close_thread', 'dismiss', 'reinstate')),
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX moderation_actions_by_report ON moderation_actions (report_id, created_at);
CREATE INDEX moderation_actions_by_person ON moderation_actions (person_id, created_at);

-- Every request and mentorship already there gets its thread, under the id of the row
-- that owns it: a request's thread (with the mentorship it started, when that mentorship
-- names it back), then one for each mentorship not reached that way.
INSERT INTO threads (id, request_id, mentorship_id, created_at, last_activity_at)
SELECT r.id, r.id, m.id, r.created_at, r.created_at
FROM mentorship_requests r LEFT JOIN mentorships m ON m.id = r.mentorship_id AND m.request_id = r.id;

INSERT INTO threads (id, request_id, mentorship_id, created_at, last_activity_at)
SELECT m.id, NULL, m.id, m.created_at, m.created_at FROM mentorships m
WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.mentorship_id = m.id);

INSERT INTO thread_members (thread_id, person_id, joined_at)
SELECT r.id, r.mentor_id, r.created_at FROM mentorship_requests r;

INSERT INTO thread_members (thread_id, person_id, joined_at)
SELECT r.id, r.mentee_id, r.created_at FROM mentorship_requests r;

INSERT INTO thread_members (thread_id, person_id, joined_at)
SELECT t.id, mm.person_id, mm.joined_at
FROM threads t JOIN mentorship_members mm ON mm.mentorship_id = t.mentorship_id
WHERE NOT EXISTS (SELECT 1 FROM thread_members x WHERE x.thread_id = t.id AND x.person_id = mm.person_id);
