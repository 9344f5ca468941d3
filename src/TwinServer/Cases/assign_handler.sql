-- Who at the city works a case ($1): a person who works cases (handler or admin, not disabled) by username ($2), or
-- nobody ($2 null). The case is locked by the caller. Returns who had it before and who has it now; no row when the
-- person is not one who works cases.
WITH before AS (SELECT handler FROM cases WHERE id = $1),
     person AS (SELECT username FROM users WHERE username = $2 AND role IN ('handler', 'admin') AND disabled_at IS NULL)
UPDATE cases c SET handler = (SELECT username FROM person)
FROM before
WHERE c.id = $1 AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM person))
RETURNING before.handler, c.handler;
