-- The audit trail, newest first: $1 from, $2 to, $3 actor, $4 action, $5 subject (each null: any), $6 at most.
SELECT id, at, actor, role, action, subject, detail::text, remote_address FROM audit_trail
WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at <= $2)
  AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4) AND ($5::text IS NULL OR subject = $5)
ORDER BY at DESC, id DESC
LIMIT $6
