-- Deleting an account (issue 11) erases the person, not the row: tenants they created keep
-- their owner_id and the audit trail keeps its actor ids, while the e-mail, names and password
-- hash are overwritten and the e-mail is free for a new sign-up.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
