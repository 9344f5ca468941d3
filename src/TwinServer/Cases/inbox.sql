-- The handler's inbox: open cases (and those a recipient sent back), filtered, sorted and paged, with the number of
-- cases the filter matches; each page row as the desk's view (migration 0014) shows it. Each parameter null means "any".
--   $1 statuses, $2 categories, $3 recipient (the organisation it went to, or is suggested to go to),
--   $4 handler (the person who works it), $5 unassigned only, $6 created before, $7 overdue only (due before $15),
--   $8 delivery failing only, $9 likely duplicates only, $10 within an area (a map object id), $11 text (case number,
--   address or description, a LIKE pattern; accents and case folded, migration 0015), $12 order (oldest, newest, urgency, category), $13 limit, $14 offset,
--   $15 now.
-- The page is chosen on the cases themselves, reading only what the filter and the order need (the latest delivery
-- when failing deliveries are asked for or come first; a likely duplicate when asked for), and only the page's rows
-- are then worked out in full through the view: over tens of thousands of open cases, the view's every column for
-- every case was most of the time (docs/performance.md, The desk with tens of thousands of open cases).
WITH page AS (
    SELECT c.id, count(*) OVER () AS matched,
           -- the order's keys, kept for the rows' order below
           CASE WHEN $12 = 'urgency' AND c.status IN ('forwarded', 'in_progress') AND c.due_at < $15 THEN c.due_at END AS k1,
           CASE WHEN $12 = 'urgency' THEN coalesce(c.status = 'forwarded' AND (d.state = 'dead' OR d.state = 'pending' AND d.attempts > 0), false) END AS k2,
           CASE WHEN $12 = 'urgency' THEN c.status = 'rejected' END AS k3,
           CASE WHEN $12 = 'newest' THEN c.created_at END AS k4,
           CASE WHEN $12 = 'category' THEN c.category END AS k5,
           c.created_at AS k6
    FROM cases c
    -- The delivery to the recipient that counts (the view's): the latest not cancelled; read only when needed.
    LEFT JOIN LATERAL (SELECT o.state, o.attempts FROM outbox o
                       WHERE (coalesce($8::boolean, false) OR $12 = 'urgency')
                         AND o.case_id = c.id AND o.recipient IS NOT NULL AND o.state <> 'cancelled'
                       ORDER BY o.id DESC LIMIT 1) d ON true
    WHERE c.status NOT IN ('done', 'closed')
      AND ($1::text[] IS NULL OR c.status = ANY ($1))
      AND ($2::text[] IS NULL OR c.category = ANY ($2))
      AND ($3::text IS NULL OR coalesce(c.assignee, c.suggested_to) = $3)
      AND ($4::text IS NULL OR c.handler = $4)
      AND (NOT coalesce($5::boolean, false) OR c.handler IS NULL)
      AND ($6::timestamptz IS NULL OR c.created_at < $6)
      AND (NOT coalesce($7::boolean, false) OR c.status IN ('forwarded', 'in_progress') AND c.due_at < $15)
      AND (NOT coalesce($8::boolean, false)
           OR c.status = 'forwarded' AND (d.state = 'dead' OR d.state = 'pending' AND d.attempts > 0))
      -- a likely duplicate: the view's duplicate_of is not null
      AND (NOT coalesce($9::boolean, false) OR EXISTS (
           SELECT 1 FROM cases e
           WHERE e.category = c.category AND e.id < c.id AND e.status NOT IN ('done', 'closed', 'rejected')
             AND ((c.object_id IS NOT NULL AND e.object_id = c.object_id) OR ST_DWithin(e.geom, c.geom, 50))))
      AND ($10::text IS NULL OR EXISTS (SELECT 1 FROM current_map_objects a WHERE a.id = $10 AND ST_Intersects(a.geom, c.geom)))
      AND ($11::text IS NULL OR twin_fold(c.service_request_id) LIKE twin_fold($11) ESCAPE '\'
           OR twin_fold(c.address) LIKE twin_fold($11) ESCAPE '\' OR twin_fold(c.description) LIKE twin_fold($11) ESCAPE '\')
    -- urgency: overdue first (the longest overdue first), then failing deliveries, then cases sent back, then the oldest
    ORDER BY k1 NULLS LAST, k2 DESC, k3 DESC, k4 DESC, k5, k6, c.id
    LIMIT $13 OFFSET $14
)
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, c.delivery_state, c.delivery_error, c.rejected_by_last, c.reject_reason,
       c.duplicate_of, c.language, c.version, c.channel, c.delivery_attempts, c.next_attempt_at, c.suggestion::text,
       c.awaiting_citizen, c.rejected_by, c.citizen_message_state, c.citizen_message_error, c.handler, c.due_at,
       c.promised_at, c.merged_into, c.merged_duplicates, c.media_url, p.matched
FROM page p
JOIN desk_cases c ON c.id = p.id
ORDER BY p.k1 NULLS LAST, p.k2 DESC, p.k3 DESC, p.k4 DESC, p.k5, p.k6, p.id;
