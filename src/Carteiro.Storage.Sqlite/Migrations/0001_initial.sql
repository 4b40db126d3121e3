-- Ids are AUTOINCREMENT so that an id, once shown to someone, never comes back meaning another row.

-- Accounts: names are unique by their case-folded key.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    name_key      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Saved-login tokens: only their SHA-256 is kept.
CREATE TABLE tokens (
    digest     BLOB    PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_account ON tokens (account_id);

-- Folders carry the IMAP bookkeeping: UIDs only grow; counts are kept, not computed.
CREATE TABLE folders (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    name_key       TEXT    NOT NULL,
    special        TEXT,
    uid_validity   INTEGER NOT NULL,
    uid_next       INTEGER NOT NULL DEFAULT 1,
    highest_modseq INTEGER NOT NULL DEFAULT 1,
    total          INTEGER NOT NULL DEFAULT 0,
    unread         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name_key)
);
CREATE INDEX folders_special ON folders (special, account_id);

-- A message is stored once, however many folders it is filed in. The large columns come last:
-- SQLite reads a row's columns in order, so a list that needs only the summary columns never
-- walks through a body or document (or its overflow pages) to reach them.
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id         INTEGER,
    sender_name       TEXT    NOT NULL,
    client_id         TEXT,
    date              INTEGER NOT NULL,
    subject           TEXT    NOT NULL,
    snippet           TEXT    NOT NULL,
    to_names          TEXT    NOT NULL,
    cc_names          TEXT    NOT NULL,
    bcc_names         TEXT    NOT NULL,
    everyone          INTEGER NOT NULL,
    attachment_count  INTEGER NOT NULL,
    size              INTEGER NOT NULL,
    in_reply_to       INTEGER,
    thread_id         INTEGER,
    message_id_header TEXT    NOT NULL,
    names             TEXT    NOT NULL,
    attachments       TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    mime              BLOB    NOT NULL
);
CREATE UNIQUE INDEX messages_client_id ON messages (sender_id, client_id) WHERE client_id IS NOT NULL;

-- A message filed in a folder: the unit IMAP sees (folder, uid) and native clients see (id).
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    folder_id  INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    flags      INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    UNIQUE (folder_id, uid)
);
CREATE INDEX entries_message ON entries (message_id);
CREATE INDEX entries_account ON entries (account_id, id);

-- UIDs that left a folder, for IMAP's expunge reporting.
CREATE TABLE expunged (
    folder_id INTEGER NOT NULL,
    uid       INTEGER NOT NULL,
    modseq    INTEGER NOT NULL,
    PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    subject, body, names,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
