-- The handler's inbox: open cases (and those a recipient sent back) from the desk's view (migration 0014), filtered,
-- sorted and paged, with the number of cases the filter matches. Each parameter null means "any".
--   $1 statuses, $2 categories, $3 recipient (the organisation it went to, or is suggested to go to),
--   $4 handler (the person who works it), $5 unassigned only, $6 created before, $7 overdue only (due before $15),
--   $8 delivery failing only, $9 likely duplicates only, $10 within an area (a map object id), $11 text (case number,
--   address or description, a LIKE pattern; accents and case folded, migration 0015), $12 order (oldest, newest, urgency, category), $13 limit, $14 offset,
--   $15 now.
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, c.delivery_state, c.delivery_error, c.rejected_by_last, c.reject_reason,
       c.duplicate_of, c.language, c.version, c.channel, c.delivery_attempts, c.next_attempt_at, c.suggestion::text,
       c.awaiting_citizen, c.rejected_by, c.citizen_message_state, c.citizen_message_error, c.handler, c.due_at,
       c.promised_at, c.merged_into, c.merged_duplicates, c.media_url, count(*) OVER () AS matched
FROM desk_cases c
WHERE c.status NOT IN ('done', 'closed')
  AND ($1::text[] IS NULL OR c.status = ANY ($1))
  AND ($2::text[] IS NULL OR c.category = ANY ($2))
  AND ($3::text IS NULL OR coalesce(c.assignee, c.suggested_to) = $3)
  AND ($4::text IS NULL OR c.handler = $4)
  AND (NOT coalesce($5::boolean, false) OR c.handler IS NULL)
  AND ($6::timestamptz IS NULL OR c.created_at < $6)
  AND (NOT coalesce($7::boolean, false) OR c.status IN ('forwarded', 'in_progress') AND c.due_at < $15)
  AND (NOT coalesce($8::boolean, false)
       OR c.status = 'forwarded' AND (c.delivery_state = 'dead' OR c.delivery_state = 'pending' AND c.delivery_attempts > 0))
  AND (NOT coalesce($9::boolean, false) OR c.duplicate_of IS NOT NULL)
  AND ($10::text IS NULL OR EXISTS (SELECT 1 FROM current_map_objects a WHERE a.id = $10 AND ST_Intersects(a.geom, c.geom)))
  AND ($11::text IS NULL OR twin_fold(c.service_request_id) LIKE twin_fold($11) ESCAPE '\'
       OR twin_fold(c.address) LIKE twin_fold($11) ESCAPE '\' OR twin_fold(c.description) LIKE twin_fold($11) ESCAPE '\')
ORDER BY
  -- urgency: overdue first (the longest overdue first), then failing deliveries, then cases sent back, then the oldest
  CASE WHEN $12 = 'urgency' AND c.status IN ('forwarded', 'in_progress') AND c.due_at < $15 THEN c.due_at END NULLS LAST,
  CASE WHEN $12 = 'urgency' THEN coalesce(c.status = 'forwarded' AND (c.delivery_state = 'dead' OR c.delivery_state = 'pending' AND c.delivery_attempts > 0), false) END DESC,
  CASE WHEN $12 = 'urgency' THEN c.status = 'rejected' END DESC,
  CASE WHEN $12 = 'newest' THEN c.created_at END DESC,
  CASE WHEN $12 = 'category' THEN c.category END,
  c.created_at, c.id
LIMIT $13 OFFSET $14;
