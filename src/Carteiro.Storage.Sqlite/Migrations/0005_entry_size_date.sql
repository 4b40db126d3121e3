-- Each entry carries its message's size and date: numbering a whole folder (IMAP SELECT, the POP3
-- maildrop) then reads one index range of small rows, never the wide message rows (a page or more
-- each). Both are fixed once a message is stored, so the copies never go stale.
ALTER TABLE entries ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN date INTEGER NOT NULL DEFAULT 0;
UPDATE entries SET size = (SELECT m.size FROM messages m WHERE m.id = entries.message_id),
                   date = (SELECT m.date FROM messages m WHERE m.id = entries.message_id);
