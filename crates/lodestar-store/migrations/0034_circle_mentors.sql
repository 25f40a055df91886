-- A programme of group circles may have two mentors lead each circle: mentors who share a
-- circle's focus co-mentor it. circle_mentors: 1 or 2 (1 for every other format).
ALTER TABLE programmes ADD COLUMN circle_mentors BIGINT NOT NULL DEFAULT 1
    CHECK (circle_mentors IN (1, 2));
