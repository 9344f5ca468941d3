-- A person ($2) has a case ($1) open on the desk at $3: recorded (so that others see it, on any server node), and
-- the others who had it open in the last 45 seconds returned with their names. The desk says so every 15 seconds.
WITH seen AS (
    INSERT INTO case_viewers (case_id, username, seen_at) VALUES ($1, $2, $3)
    ON CONFLICT (case_id, username) DO UPDATE SET seen_at = EXCLUDED.seen_at
)
SELECT v.username, coalesce(u.display_name, v.username)
FROM case_viewers v
JOIN users u ON u.username = v.username
WHERE v.case_id = $1 AND v.username <> $2 AND v.seen_at > $3 - interval '45 seconds' AND u.disabled_at IS NULL
ORDER BY v.username;
