-- The handler's inbox: open cases (and those a recipient sent back), oldest first, with the state of their latest
-- delivery and, for a rejected case, who rejected it and why. No reporter's contact details.
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, d.state, d.last_error, r.data ->> 'by', r.data ->> 'reason'
FROM cases c
LEFT JOIN LATERAL (SELECT o.state, o.last_error FROM outbox o WHERE o.case_id = c.id ORDER BY o.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT e.data FROM case_events e WHERE e.case_id = c.id AND e.kind = 'rejected' ORDER BY e.id DESC LIMIT 1) r ON c.status = 'rejected'
WHERE c.status NOT IN ('done', 'closed')
ORDER BY c.created_at, c.id
LIMIT $1;
