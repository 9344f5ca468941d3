-- Contracts of a commissioner for a task type that name the target or whose area covers the point, from the given
-- layer versions, whatever their own validity (the resolver tells the valid from the ended and the not yet
-- started). $1 commissioner, $2 task type, $3 target id (or NULL), $4 point, $5 layer version ids.
-- Two branches, each with its own index (GiST on the area, partial GIN on the named objects), rather than one OR.
WITH matched AS (
    SELECT o.layer, o.source_id, o.name, o.contractor, o.commissioner, o.task_types, o.valid, false AS by_name
    FROM map_objects o
    WHERE o.version_id = ANY ($5) AND o.kind = 'contract' AND o.commissioner = $1
      AND (o.task_types IS NULL OR $2 = ANY (o.task_types))
      AND ST_Intersects(o.geom, $4)
    UNION ALL
    SELECT o.layer, o.source_id, o.name, o.contractor, o.commissioner, o.task_types, o.valid, true
    FROM map_objects o
    WHERE $3::text IS NOT NULL AND o.version_id = ANY ($5) AND o.kind = 'contract' AND o.commissioner = $1
      AND (o.task_types IS NULL OR $2 = ANY (o.task_types))
      AND o.covers IS NOT NULL AND o.covers @> ARRAY[$3::text]
)
SELECT layer || ':' || source_id AS id, source_id, name, contractor, commissioner, task_types,
       lower(valid) AS valid_from, upper(valid) AS valid_until,
       bool_or(by_name) AS lists_target, bool_or(NOT by_name) AS covers_point
FROM matched
GROUP BY layer, source_id, name, contractor, commissioner, task_types, valid
ORDER BY layer, source_id;
