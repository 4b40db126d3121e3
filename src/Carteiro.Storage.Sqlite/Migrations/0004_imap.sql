-- IMAP subscriptions (LSUB): a folder starts subscribed.
ALTER TABLE folders ADD COLUMN subscribed INTEGER NOT NULL DEFAULT 1;

-- CONDSTORE/QRESYNC: what changed in a folder since a modification sequence is read from these
-- without scanning the folder (entries) or every UID it ever lost (expunged).
CREATE INDEX entries_modseq ON entries (folder_id, modseq);
CREATE INDEX expunged_modseq ON expunged (folder_id, modseq);

-- A new folder's UID validity stays above every one handed out before: found by this index, not
-- by scanning every folder of every account.
CREATE INDEX folders_uid_validity ON folders (uid_validity);
