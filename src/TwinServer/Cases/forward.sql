-- A forward's delivery: the case as the recipient gets it (no reporter's contact details: case_forward_payload).
-- $1 the case, $2 the recipient, $3 the channel, $4 where to (URL, endpoint or address), $5 the handler's note.
INSERT INTO outbox (case_id, recipient, channel, target, payload)
SELECT c.id, $2, $3, $4, case_forward_payload(c, $5) FROM cases c WHERE c.id = $1
