-- A person ($2, named as on the timeline, shown as $3) has a case ($1) open on the desk at $4, in a view of its own
-- ($5, migration 0031): recorded (so that others see it, on any server node), and the others who had it open in the
-- last 45 seconds returned. The desk says so every 15 seconds. The latest view to say so owns the row: only its
-- leaving removes it.
WITH seen AS (
    INSERT INTO case_viewers (case_id, person, name, seen_at, view_id) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (case_id, person) DO UPDATE SET name = EXCLUDED.name, seen_at = EXCLUDED.seen_at, view_id = EXCLUDED.view_id
)
SELECT v.person, v.name
FROM case_viewers v
WHERE v.case_id = $1 AND v.person <> $2 AND v.seen_at > $4 - interval '45 seconds'
ORDER BY v.person;
