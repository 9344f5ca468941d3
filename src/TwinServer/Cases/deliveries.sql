-- A case's deliveries, oldest first, as the case box and GraphQL show them. $1 the case.
SELECT id, coalesce(recipient, 'citizen'), channel, target, idempotency_key, state, attempts, next_attempt_at, last_error, external_id, delivered_at
FROM outbox WHERE case_id = $1 ORDER BY id
