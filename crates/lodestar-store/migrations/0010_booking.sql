-- Booking a mentor's free time: their availability (one row per person who publishes
-- it), and a row per session booked from it.
--
-- weekly, exceptions and durations are JSON in the API's own shape ([{"day": "tue",
-- "from": "09:00", "to": "11:00"}], [{"kind": "off", "date": "2026-12-25"}], [30, 60]),
-- checked by the domain before they are written. Times in them are local to time_zone.
-- one_off_monthly_limit: how many one-off conversations a month the mentor offers (0:
-- none); busy_calendar_url: the address of their own calendar, whose busy times block
-- slots.
CREATE TABLE availability (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    time_zone TEXT NOT NULL,
    weekly TEXT NOT NULL DEFAULT '[]',
    exceptions TEXT NOT NULL DEFAULT '[]',
    min_notice_hours BIGINT NOT NULL DEFAULT 0,
    buffer_minutes BIGINT NOT NULL DEFAULT 0,
    durations TEXT NOT NULL DEFAULT '[]',
    busy_calendar_url TEXT,
    one_off_monthly_limit BIGINT NOT NULL DEFAULT 0 CHECK (one_off_monthly_limit BETWEEN 0 AND 100),
    updated_at BIGINT NOT NULL
);

-- A session booked from a mentor's slots. The booking transaction locks the mentor's
-- person row and checks the slot against every scheduled session of theirs before it
-- inserts; the partial unique index is the last line: two active bookings of one mentor
-- can never start at the same instant. Cancelling or moving the session clears `active`,
-- which frees the slot. one_off: a one-off conversation, counted against the mentor's
-- monthly limit while active.
CREATE TABLE bookings (
    meeting_id TEXT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    mentor_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    booked_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    one_off BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bookings_one_per_start ON bookings (mentor_id, starts_at) WHERE active = 1;
CREATE INDEX bookings_one_off_by_month ON bookings (mentor_id, one_off, active, starts_at);

-- A one-off conversation (flash mentoring) is a mentorship of its own kind: one session,
-- its notes and thread, no place of the mentor's capacity, ended after the session.
ALTER TABLE mentorships ADD COLUMN kind TEXT NOT NULL DEFAULT 'ongoing' CHECK (kind IN ('ongoing', 'flash'));
