-- The handler's inbox: open cases (and those a recipient sent back), oldest first, with the state of their latest
-- forward's delivery (attempts, last error, next try), the latest message to the citizen, for a rejected case who
-- rejected it and why, and the likely duplicate (product contract 6): an earlier open case of the same category on the same
-- object, else the nearest within 50 m. No reporter's contact details.
-- desk_case.sql reads one case with the same columns: a column added here goes there too.
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, d.state, d.last_error, r.data ->> 'by', r.data ->> 'reason',
       (SELECT e.service_request_id FROM cases e
        WHERE e.category = c.category AND e.id < c.id AND e.status NOT IN ('done', 'closed', 'rejected')
          AND ((c.object_id IS NOT NULL AND e.object_id = c.object_id) OR ST_DWithin(e.geom, c.geom, 50))
        ORDER BY e.object_id IS NOT DISTINCT FROM c.object_id DESC, ST_Distance(e.geom, c.geom), e.id
        LIMIT 1) AS duplicate_of,
       c.language, c.version, c.channel, d.attempts, d.next_attempt_at, c.suggestion::text, c.awaiting_citizen,
       c.rejected_by, m.state, m.last_error
FROM cases c
LEFT JOIN LATERAL (SELECT o.state, o.last_error, o.attempts, o.next_attempt_at FROM outbox o
                   WHERE o.case_id = c.id AND o.recipient IS NOT NULL AND o.state <> 'cancelled'
                   ORDER BY o.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT o.state, o.last_error FROM outbox o
                   WHERE o.case_id = c.id AND o.recipient IS NULL
                   ORDER BY o.id DESC LIMIT 1) m ON true
LEFT JOIN LATERAL (SELECT e.data FROM case_events e WHERE e.case_id = c.id AND e.kind = 'rejected' ORDER BY e.id DESC LIMIT 1) r ON c.status = 'rejected'
WHERE c.status NOT IN ('done', 'closed')
ORDER BY c.created_at, c.id
LIMIT $1;
