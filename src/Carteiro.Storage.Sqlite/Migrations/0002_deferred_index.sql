-- Messages stored but not yet in the full-text index. A send records its message here in its own
-- transaction; the writer indexes pending messages in batches once sends are acknowledged, and a
-- search first indexes whatever is still pending, so results stay exact. What a crash leaves here
-- is indexed after the next start.
CREATE TABLE fts_pending (
    message_id INTEGER PRIMARY KEY
);
