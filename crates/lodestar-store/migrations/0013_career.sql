-- Career paths: the role catalogue, each person's current and target roles, and their
-- plan of steps.
--
-- roles: source 'esco' for the shipped catalogue (derived from ESCO, keyed by slug, so
-- seeding again adds only what is new), 'organisation' for the roles admins add. A
-- retired role is kept for the paths that name it, but no longer offered.
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('esco', 'organisation')),
    esco_uri TEXT,
    retired BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_slug_key ON roles (slug);
CREATE INDEX roles_by_title ON roles (retired, title_key, id);

-- The skills a role needs, each at a level, in the role's order.
CREATE TABLE role_skills (
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL REFERENCES skills (id),
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (role_id, skill_id)
);
CREATE INDEX role_skills_by_skill ON role_skills (skill_id, role_id);

-- A person's current role (none until they say), one row per person who set a path.
CREATE TABLE career_paths (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    current_role_id TEXT REFERENCES roles (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

-- The roles a person aims for, in their order.
CREATE TABLE career_targets (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (person_id, role_id)
);

-- The plan: steps with a kind, a date and, optionally, the skill they grow. goal_id is the
-- goal a step became (the goals module makes it); no foreign key, so this table does not
-- depend on the order the two were added in.
CREATE TABLE career_steps (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('learn', 'practise', 'stretch_project', 'introduction', 'opportunity')),
    title TEXT NOT NULL,
    skill_id TEXT REFERENCES skills (id),
    due_on TEXT NOT NULL,
    done_at BIGINT,
    goal_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX career_steps_by_person ON career_steps (person_id, due_on, id);
