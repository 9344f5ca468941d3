-- What the inbox's filters would find among all open cases: per status, and the flags a handler acts on ($1 the
-- person asking, $2 now), and the cases newer than the newest the handler has seen ($3, a case id). One row of counts.
-- Counted on the cases themselves rather than through the desk's view (migration 0014), which works out every column
-- of every open case: here the latest delivery is read for forwarded cases only, and a likely duplicate is an EXISTS
-- (the view's duplicate_of, without finding and sorting every earlier case near it). The same numbers; on 43,593 open
-- cases, 1.6 s instead of 2.0 (docs/performance.md, The desk with tens of thousands of open cases).
SELECT count(*) AS open,
       count(*) FILTER (WHERE c.status = 'received') AS received,
       count(*) FILTER (WHERE c.status = 'assigned') AS assigned,
       count(*) FILTER (WHERE c.status = 'forwarded') AS forwarded,
       count(*) FILTER (WHERE c.status = 'in_progress') AS in_progress,
       count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
       count(*) FILTER (WHERE c.status IN ('forwarded', 'in_progress') AND c.due_at < $2) AS overdue,
       count(*) FILTER (WHERE d.state = 'dead' OR d.state = 'pending' AND d.attempts > 0) AS failing,
       count(*) FILTER (WHERE c.handler IS NULL) AS unassigned,
       count(*) FILTER (WHERE c.handler = $1) AS mine,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM cases e
           WHERE e.category = c.category AND e.id < c.id AND e.status NOT IN ('done', 'closed', 'rejected')
             AND ((c.object_id IS NOT NULL AND e.object_id = c.object_id) OR ST_DWithin(e.geom, c.geom, 50)))) AS duplicates,
       count(*) FILTER (WHERE c.id > $3) AS newer,
       coalesce(max(c.id), 0) AS latest
FROM cases c
-- The delivery to the recipient that counts (the view's): the latest that was not cancelled, of a forwarded case.
LEFT JOIN LATERAL (SELECT o.state, o.attempts FROM outbox o
                   WHERE c.status = 'forwarded' AND o.case_id = c.id AND o.recipient IS NOT NULL AND o.state <> 'cancelled'
                   ORDER BY o.id DESC LIMIT 1) d ON true
WHERE c.status NOT IN ('done', 'closed');
