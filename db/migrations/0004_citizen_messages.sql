-- The citizen hears back (SPEC section 6): when a case is done, an e-mail to the address the reporter left goes
-- through the same outbox as the forwards, so that it is neither lost nor sent twice. It has no organisation.
ALTER TABLE outbox ALTER COLUMN recipient DROP NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('webhook', 'open311', 'email', 'citizen-email'));
ALTER TABLE outbox ADD CONSTRAINT outbox_recipient_check CHECK ((recipient IS NULL) = (channel = 'citizen-email'));
