-- What the inbox's filters would find among all open cases: per status, and the flags a handler acts on ($1 the
-- person asking, $2 now), and the cases newer than the newest the handler has seen ($3, a case id). One row of counts.
SELECT count(*) AS open,
       count(*) FILTER (WHERE c.status = 'received') AS received,
       count(*) FILTER (WHERE c.status = 'assigned') AS assigned,
       count(*) FILTER (WHERE c.status = 'forwarded') AS forwarded,
       count(*) FILTER (WHERE c.status = 'in_progress') AS in_progress,
       count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
       count(*) FILTER (WHERE c.status IN ('forwarded', 'in_progress') AND c.due_at < $2) AS overdue,
       count(*) FILTER (WHERE c.status = 'forwarded'
                        AND (c.delivery_state = 'dead' OR c.delivery_state = 'pending' AND c.delivery_attempts > 0)) AS failing,
       count(*) FILTER (WHERE c.handler IS NULL) AS unassigned,
       count(*) FILTER (WHERE c.handler = $1) AS mine,
       count(*) FILTER (WHERE c.duplicate_of IS NOT NULL) AS duplicates,
       count(*) FILTER (WHERE c.id > $3) AS newer,
       coalesce(max(c.id), 0) AS latest
FROM desk_cases c
WHERE c.status NOT IN ('done', 'closed');
