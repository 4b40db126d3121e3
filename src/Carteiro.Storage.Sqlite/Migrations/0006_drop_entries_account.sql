-- Every entry written changed this index too, at its account's place: a message to a thousand
-- people dirtied a thousand more pages (written to the log, then to the database) for an index
-- only the removal of an account read. That removal finds an account's entries through its
-- folders and the (folder_id, uid) index instead.
DROP INDEX entries_account;
