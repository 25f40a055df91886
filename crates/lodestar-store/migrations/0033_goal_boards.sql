-- A goal's owner may put it on the board of the mentorship it belongs to (a circle's shared
-- goal board): everyone in that mentorship then sees its title, status, target date and
-- progress — not why, how it is measured, its milestones or its comments, which stay with
-- those it is shared with. on_board: 1 or 0; only a goal with a mentorship is on a board.
ALTER TABLE goals ADD COLUMN on_board BIGINT NOT NULL DEFAULT 0 CHECK (on_board IN (0, 1));
CREATE INDEX goals_on_board ON goals (mentorship_id, created_at) WHERE on_board = 1;
