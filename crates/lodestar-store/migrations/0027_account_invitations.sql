-- An account made for someone by an admin (a programme's participant import) has no
-- password (`persons.password_hash` is empty, which no password matches) until its person
-- sets one through the link e-mailed to them. One live invitation per account: importing
-- the person again after it expired replaces it. token_hash: the SHA-256 of the link's
-- secret, which is never stored. Setting the password deletes the row.
CREATE TABLE account_invitations (
    person_id TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES persons (id) ON DELETE SET NULL,
    programme_id TEXT REFERENCES programmes (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
