-- Mentors' own calendars (an .ics URL), whose busy times block their booking slots.
--
-- busy_calendars: one per person. next_fetch_at is when the calendar is due; a fetcher
-- claims it by moving next_fetch_at past its lease in one conditional update, so several
-- processes never fetch it at once. last_status / last_error are shown to the mentor;
-- etag / last_modified make the next fetch a conditional GET, until read_at (the last
-- time the whole file was read) is too old for the stored intervals to reach far enough
-- ahead; failures counts failed fetches in a row, for the backoff.
CREATE TABLE busy_calendars (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_fetch_at BIGINT NOT NULL,
    last_fetched_at BIGINT,
    last_success_at BIGINT,
    read_at BIGINT,
    last_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (last_status IN ('pending', 'ok', 'not_modified', 'error')),
    last_error TEXT NOT NULL DEFAULT '',
    failures BIGINT NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    event_count BIGINT NOT NULL DEFAULT 0,
    truncated BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX busy_calendars_due ON busy_calendars (next_fetch_at);

-- The busy intervals of a person's calendar, epoch ms, replaced as a whole by each
-- successful fetch. Removing the calendar removes them.
CREATE TABLE busy_times (
    person_id TEXT NOT NULL REFERENCES busy_calendars (person_id) ON DELETE CASCADE,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    CONSTRAINT busy_times_not_empty CHECK (ends_at > starts_at)
);
CREATE INDEX busy_times_by_person ON busy_times (person_id, starts_at);
