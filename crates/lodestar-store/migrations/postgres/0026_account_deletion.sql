-- Deleting an account: what the person owns goes with them, and a mentorship the other
-- members share keeps their side. A member whose account is deleted stays in the
-- mentorship as a row without a person (the pages show "Deleted account"), so the others
-- keep the mentorship, its sessions and their own records of it; the row keeps nothing of
-- the deleted person's (no contact, reflection or rating), which the check holds.
-- Feedback a deleted person gave stays in its receiver's growth record, from nobody (as a
-- mentor's assessment already does); what they received goes with them.
--
-- The primary key (mentorship_id, person_id) becomes a unique index, which lets several
-- deleted members share one mentorship.
ALTER TABLE mentorship_members DROP CONSTRAINT mentorship_members_pkey;
ALTER TABLE mentorship_members ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE mentorship_members DROP CONSTRAINT mentorship_members_person_id_fkey;
ALTER TABLE mentorship_members ADD CONSTRAINT mentorship_members_person_id_fkey
    FOREIGN KEY (person_id) REFERENCES persons (id) ON DELETE SET NULL;
ALTER TABLE mentorship_members ADD CONSTRAINT mentorship_members_departed_keep_nothing
    CHECK (person_id IS NOT NULL OR (contact = '' AND reflection = '' AND rating IS NULL));
CREATE UNIQUE INDEX mentorship_members_once ON mentorship_members (mentorship_id, person_id);

ALTER TABLE feedback ALTER COLUMN from_id DROP NOT NULL;
ALTER TABLE feedback DROP CONSTRAINT feedback_from_id_fkey;
ALTER TABLE feedback ADD CONSTRAINT feedback_from_id_fkey
    FOREIGN KEY (from_id) REFERENCES persons (id) ON DELETE SET NULL;
