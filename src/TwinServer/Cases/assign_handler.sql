-- Who at the city works a case ($1): the caller themselves ($3, as the timeline names them), or a person of the users
-- table who works cases (handler or admin, not disabled) named `user:NAME` ($2), or nobody ($2 null). The case is
-- locked by the caller. Returns who had it before and who has it now; no row when $2 is no such person.
WITH before AS (SELECT handler FROM cases WHERE id = $1)
UPDATE cases c SET handler = $2
FROM before
WHERE c.id = $1
  AND ($2::text IS NULL OR $2 = $3
       OR EXISTS (SELECT 1 FROM users u WHERE 'user:' || u.username = $2 AND u.role IN ('handler', 'admin') AND u.disabled_at IS NULL))
RETURNING before.handler, c.handler;
