-- A worker takes a batch of due deliveries and keeps them locked while it sends them (SKIP LOCKED: other workers
-- and nodes take other rows). $1 the batch size, $2 now by the server's clock, $3 the deliveries this node sent and
-- has yet to record (OutboxWorker: not sent twice), $4 the oldest next attempt to take (for a while after the database
-- was away, only what came due since: another node may have sent what was due before).
SELECT o.id, o.case_id, coalesce(o.recipient, 'citizen'), o.channel, o.target, o.idempotency_key, o.payload::text, o.attempts, org.webhook_secret
FROM outbox o LEFT JOIN organisations org ON org.key = o.recipient
WHERE o.state = 'pending' AND o.next_attempt_at <= $2 AND o.id <> ALL($3::bigint[]) AND ($4 IS NULL OR o.next_attempt_at > $4)
ORDER BY o.next_attempt_at, o.id
FOR UPDATE OF o SKIP LOCKED
LIMIT $1
