-- Contracts of a commissioner for a task type that name the target or whose area covers the point, from the given
-- layer versions, whatever their own validity (the resolver tells the valid from the ended and the not yet
-- started), each with its subcontracts for the task valid on the date.
-- $1 commissioner, $2 task type, $3 target id (or NULL), $4 point, $5 layer version ids, $6 date.
-- Two branches, each with its own index (GiST on the area, partial GIN on the named objects), rather than one OR.
-- subcontracts: a JSON array of [id, source id, name, subcontractor, covers the point], those with their own area
-- first; NULL when there are none.
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
),
found AS (
    SELECT twin_object_id(layer, source_id) AS id, layer, source_id, name, contractor, commissioner, task_types, valid,
           bool_or(by_name) AS lists_target, bool_or(NOT by_name) AS covers_point
    FROM matched
    GROUP BY layer, source_id, name, contractor, commissioner, task_types, valid
)
SELECT f.id, f.source_id, f.name, f.contractor, f.commissioner, f.task_types,
       lower(f.valid) AS valid_from, upper(f.valid) AS valid_until, f.lists_target, f.covers_point,
       (SELECT json_agg(json_build_array(twin_object_id(s.layer, s.source_id), s.source_id, s.name, s.subcontractor,
                                         s.geom IS NULL OR ST_Intersects(s.geom, $4))
                        ORDER BY s.geom IS NULL, s.layer, s.source_id)::text
        FROM map_objects s
        WHERE s.version_id = ANY ($5)
          AND s.kind = 'subcontract'
          AND s.contract_ref IS NOT NULL AND s.contract_ref = f.id
          AND (s.task_types IS NULL OR $2 = ANY (s.task_types))
          AND s.valid @> $6::date) AS subcontracts
FROM found f
ORDER BY f.layer, f.source_id;
