-- An entry's references to its folder and its message are checked when the transaction commits
-- instead of when each statement ends. Checked per statement, a statement that files many
-- entries (a message to everyone files one per inbox; a single recipient's INSERT ... SELECT may
-- file many as far as SQLite knows) had to be undoable on its own should a reference turn out
-- missing at its end, so SQLite copied every page it touched into a statement journal first
-- (with the NOT NULL checks, which OR FAIL now spares, a tenth of the writer's time in a send or
-- in a message to a thousand people). Checked at commit, nothing is copied; a missing folder or
-- message still fails the write (the writer then reruns each write of the batch alone, and only
-- the faulty one fails). ON DELETE CASCADE still acts at once.
--
-- Only a rebuild changes a table's constraints; the table, its id counter and its indexes come
-- back as 0010 left them.
CREATE TABLE entries_rebuilt (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    folder_id  INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    uid        INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED,
    flags      INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    date       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO entries_rebuilt (id, account_id, folder_id, uid, message_id, flags, modseq, size, date)
    SELECT id, account_id, folder_id, uid, message_id, flags, modseq, size, date FROM entries ORDER BY id;

DELETE FROM sqlite_sequence WHERE name = 'entries_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'entries_rebuilt', seq FROM sqlite_sequence WHERE name = 'entries';

DROP TABLE entries;
ALTER TABLE entries_rebuilt RENAME TO entries;
CREATE INDEX entries_message ON entries (message_id);
CREATE INDEX entries_folder ON entries (folder_id, uid, modseq);
