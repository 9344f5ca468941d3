-- A case's failing and dead deliveries are tried again now, from their first attempt. $1 the case.
UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = now()
WHERE case_id = $1 AND state IN ('pending', 'dead') AND attempts > 0
RETURNING id, coalesce(recipient, 'citizen'), last_error
