-- Contracts of a commissioner for a task type that name the target or whose area covers the point, from the given
-- layer versions, whatever their own validity (the resolver tells the valid from the ended and the not yet
-- started). $1 commissioner, $2 task type, $3 target id (or NULL), $4 point, $5 layer version ids.
SELECT o.layer || ':' || o.source_id AS id, o.source_id, o.name, o.contractor, o.commissioner, o.task_types,
       lower(o.valid) AS valid_from, upper(o.valid) AS valid_until,
       coalesce($3 = ANY (o.covers), false) AS lists_target,
       coalesce(ST_Intersects(o.geom, $4), false) AS covers_point
FROM map_objects o
WHERE o.version_id = ANY ($5)
  AND o.kind = 'contract'
  AND o.commissioner = $1
  AND (o.task_types IS NULL OR $2 = ANY (o.task_types))
  AND (($3 IS NOT NULL AND $3 = ANY (o.covers)) OR ST_Intersects(o.geom, $4))
ORDER BY o.layer, o.source_id;
