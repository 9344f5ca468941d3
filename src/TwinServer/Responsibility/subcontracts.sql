-- Subcontracts under a contract for a task type, valid on the date, with whether their own area (if any) covers
-- the point. $1 contract id, $2 task type, $3 point, $4 layer version ids, $5 date.
SELECT o.layer || ':' || o.source_id AS id, o.source_id, o.name, o.subcontractor,
       o.geom IS NULL OR ST_Intersects(o.geom, $3) AS covers_point
FROM map_objects o
WHERE o.version_id = ANY ($4)
  AND o.kind = 'subcontract'
  AND o.contract_ref IS NOT NULL AND o.contract_ref = $1
  AND (o.task_types IS NULL OR $2 = ANY (o.task_types))
  AND o.valid @> $5::date
ORDER BY o.geom IS NULL, o.layer, o.source_id;
