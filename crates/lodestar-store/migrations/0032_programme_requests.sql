-- Requests made inside a programme whose mentees ask its mentors (self-service or
-- admin-assisted). programme_id: the programme the request, and the mentorship it starts,
-- belong to. review: NULL for a request nobody reviews; in an admin-assisted programme
-- 'waiting' until one of its admins decides, then 'approved' (the mentor sees it from then
-- on, and it expires from then on) or 'rejected' (the request is declined with the admin's
-- reason). A waiting request is the mentee's and the admins' only: the mentor is not in
-- its thread, its lists or its counts, and it does not expire.
ALTER TABLE mentorship_requests ADD COLUMN programme_id TEXT REFERENCES programmes (id) ON DELETE SET NULL;
ALTER TABLE mentorship_requests ADD COLUMN review TEXT CHECK (review IN ('waiting', 'approved', 'rejected'));
ALTER TABLE mentorship_requests ADD COLUMN reviewed_by TEXT REFERENCES persons (id) ON DELETE SET NULL;
ALTER TABLE mentorship_requests ADD COLUMN reviewed_at BIGINT;
CREATE INDEX mentorship_requests_in_programme ON mentorship_requests (programme_id, review, created_at)
    WHERE programme_id IS NOT NULL;
