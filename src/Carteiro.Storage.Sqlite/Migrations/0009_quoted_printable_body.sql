-- From here on, messages.body may hold a quoted-printable marker (StoredBody.cs): the text is
-- then read by decoding the document's tail, a text with a line longer than 998 characters or
-- any non-ASCII character being sent that way, and is no longer stored a second time. No row
-- changes here: this version only stops older programs, which would show the marker, from
-- opening the store.
SELECT 1
