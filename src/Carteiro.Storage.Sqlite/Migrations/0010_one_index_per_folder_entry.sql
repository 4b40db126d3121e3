-- Every entry was in two indexes that put it at its folder's place, (folder_id, uid) and
-- (folder_id, modseq): a message to a thousand people dirtied two thousand scattered index pages,
-- each written to the log and then to the database, and that writing was most of what such a
-- send cost. Now one index, (folder_id, uid, modseq), serves both: a folder's entries by UID as
-- before, and what changed since a modification sequence by reading the folder's range of that
-- index alone (small rows, never the table) instead of a range of its own.
--
-- The (folder_id, uid) pair was unique by a constraint on the table, which only a rebuild of the
-- table removes. It stays unique by construction: UIDs come only from folders.uid_next, which
-- only grows, and only the writer hands them out.
CREATE TABLE entries_rebuilt (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    folder_id  INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    flags      INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    date       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO entries_rebuilt (id, account_id, folder_id, uid, message_id, flags, modseq, size, date)
    SELECT id, account_id, folder_id, uid, message_id, flags, modseq, size, date FROM entries ORDER BY id;

-- An id once shown never comes back: the new table goes on from where the old one's counter
-- stood, even past ids whose entries are gone.
DELETE FROM sqlite_sequence WHERE name = 'entries_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'entries_rebuilt', seq FROM sqlite_sequence WHERE name = 'entries';

DROP TABLE entries;
ALTER TABLE entries_rebuilt RENAME TO entries;
CREATE INDEX entries_message ON entries (message_id);
CREATE INDEX entries_folder ON entries (folder_id, uid, modseq);
