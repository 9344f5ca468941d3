-- The people who work cases (handlers and admins of the users table, not disabled), to give a case to: the one asking
-- ($1, as the timeline names them) first, then those they gave cases to since $2 (the latest first: their
-- shortlist), then the rest by name. case_events_handler (migration 0014) finds the recent gifts.
SELECT 'user:' || u.username, coalesce(u.display_name, u.username)
FROM users u
LEFT JOIN (SELECT e.data ->> 'to' AS person, max(e.at) AS lately
           FROM case_events e
           WHERE e.kind = 'handler' AND e.actor = $1 AND e.at > $2
           GROUP BY 1) g ON g.person = 'user:' || u.username
WHERE u.role IN ('handler', 'admin') AND u.disabled_at IS NULL
ORDER BY 'user:' || u.username = $1 DESC, g.lately DESC NULLS LAST, 2, 1;
