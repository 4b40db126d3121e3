-- Mail programs answer by Message-ID (In-Reply-To): finding the message a reply answers must not
-- scan every message.
CREATE INDEX messages_message_id_header ON messages (message_id_header);
