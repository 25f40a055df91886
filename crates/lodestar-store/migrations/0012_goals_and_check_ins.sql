-- Growth, first part: a person's goals (milestones, obstacles, skills, the mentors each is
-- shared with, and comments), and confidence check-ins on a cadence the person picks.
--
-- Everything here belongs to its owner. A goal is private until its owner shares it with
-- chosen mentors; a check-in is seen by the owner's mentors only if that check-in says
-- so. Admins read none of it: reports count it in aggregate only.

-- status: active becomes achieved, dropped or paused (the domain's GoalStatus).
-- stated_progress: what the owner says, used while the goal has no accepted milestones.
-- target_on: YYYY-MM-DD. due_notified_at: when the owner was told the target date came.
CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    mentorship_id TEXT REFERENCES mentorships (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL DEFAULT '',
    target_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'dropped', 'paused')),
    stated_progress BIGINT NOT NULL DEFAULT 0 CHECK (stated_progress BETWEEN 0 AND 100),
    achieved_at BIGINT,
    due_notified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX goals_by_owner ON goals (owner_id, created_at);
CREATE INDEX goals_due ON goals (status, due_notified_at, target_on);

CREATE TABLE goal_skills (
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, skill_id)
);

-- The mentors a goal is shared with. A share lasts while the person mentors the owner,
-- and for a grace period after their mentorship ends; the service checks that on read.
CREATE TABLE goal_shares (
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    shared_at BIGINT NOT NULL,
    PRIMARY KEY (goal_id, person_id)
);
CREATE INDEX goal_shares_by_person ON goal_shares (person_id);

-- state: accepted (part of the plan), suggested (by a mentor, waiting for the owner), or
-- declined. due_on: YYYY-MM-DD. due_notified_at: when the owner was told it is overdue.
CREATE TABLE goal_milestones (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due_on TEXT,
    done_at BIGINT,
    state TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted', 'suggested', 'declined')),
    suggested_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    due_notified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX goal_milestones_by_goal ON goal_milestones (goal_id, created_at);
CREATE INDEX goal_milestones_due ON goal_milestones (state, done_at, due_notified_at, due_on);

CREATE TABLE goal_obstacles (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    obstacle TEXT NOT NULL,
    plan TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX goal_obstacles_by_goal ON goal_obstacles (goal_id, created_at);

CREATE TABLE goal_comments (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX goal_comments_by_goal ON goal_comments (goal_id, created_at);

-- A person's check-in cadence. started_at: when the cadence was set, the start of the
-- first period. reminded_at: the last reminder, so each period reminds once.
CREATE TABLE check_in_plans (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    started_at BIGINT NOT NULL,
    reminded_at BIGINT
);

-- confidence: overall, 1–10. areas: JSON [{"area": "Speaking up in meetings",
-- "confidence": 6}], checked by the domain. share_scores: the owner's mentors see the
-- confidence and areas; share_notes: and the reflection (went_well, hard, need).
-- marked_drop: at least 3 below the average of the three check-ins before it.
CREATE TABLE check_ins (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    confidence BIGINT NOT NULL CHECK (confidence BETWEEN 1 AND 10),
    areas TEXT NOT NULL DEFAULT '[]',
    went_well TEXT NOT NULL DEFAULT '',
    hard TEXT NOT NULL DEFAULT '',
    need TEXT NOT NULL DEFAULT '',
    share_scores BIGINT NOT NULL DEFAULT 0,
    share_notes BIGINT NOT NULL DEFAULT 0 CHECK (share_notes <= share_scores),
    marked_drop BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX check_ins_by_person ON check_ins (person_id, created_at);
