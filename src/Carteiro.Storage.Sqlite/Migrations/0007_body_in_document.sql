-- From here on, messages.body may hold a BLOB instead of text: the decimal digits of the byte
-- offset in messages.mime where the text starts, when the text is exactly the document's tail (a
-- plain-text message whose part needs no decoding, as most are). The text is then stored once
-- instead of twice; StoredBody.cs writes and reads it. No row changes here: old rows keep their
-- text, and this version only stops older programs, which would show the digits, from opening
-- the store.
SELECT 1
