-- The status changes of cases that anyone may read (Open311's GET servicerequestupdates, in FixMyStreet's shape): a
-- status set by a recipient or a handler, a case closed at first contact, a case reopened. Oldest first, for polling.
-- $1 from (inclusive), $2 to (exclusive), $3 case numbers (null: all), $4 at most this many.
SELECT e.id, c.service_request_id, e.kind, e.at, e.data ->> 'to', e.data ->> 'note', e.data ->> 'resolution', e.data ->> 'answer'
FROM case_events e
JOIN cases c ON c.id = e.case_id
WHERE e.kind IN ('status', 'closed', 'reopened')
  AND e.at >= $1 AND e.at < $2
  AND ($3::text[] IS NULL OR c.service_request_id = ANY ($3))
ORDER BY e.at, e.id
LIMIT $4;
