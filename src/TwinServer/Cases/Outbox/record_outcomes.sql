-- The outcomes of a batch in one statement: each delivery's state, attempts, error and next attempt, and an event
-- on each case's timeline. $1-$9 arrays, one element per delivery: id, attempts, state, error, the receiver's id,
-- the wait before the next attempt (seconds), case id, event kind, event data; $10 now by the server's clock.
WITH outcome AS (
    SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::bigint[], $8::text[], $9::jsonb[])
        AS o (id, attempts, state, error, external_id, wait_seconds, case_id, kind, data)
), updated AS (
    UPDATE outbox SET attempts = o.attempts, state = o.state, last_error = o.error, external_id = coalesce(o.external_id, outbox.external_id),
                      next_attempt_at = $10 + make_interval(secs => o.wait_seconds),
                      delivered_at = CASE WHEN o.state = 'delivered' THEN $10 END
    FROM outcome o WHERE outbox.id = o.id
)
INSERT INTO case_events (case_id, actor, kind, data)
SELECT case_id, 'system', kind, data FROM outcome ORDER BY id
