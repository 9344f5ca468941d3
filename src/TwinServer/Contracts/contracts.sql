-- Contracts of the given layer versions, filtered; every filter is optional (NULL). $1 layer version ids,
-- $2 contractor, $3 commissioner, $4 task type, $5 active on (date), $6 area to intersect (EPSG:3035),
-- $7 only these ids, $8 at most this many.
SELECT twin_object_id(o.layer, o.source_id) AS id, o.source_id, o.name, o.contractor, o.commissioner, o.task_types,
       lower(o.valid) AS valid_from, upper(o.valid) AS valid_until, o.covers,
       coalesce(ST_AsGeoJSON(ST_Transform(o.geom, 4326), 7), 'null') AS geojson,
       coalesce(ST_Area(o.geom), 0) AS area
FROM map_objects o
WHERE o.version_id = ANY ($1)
  AND o.kind = 'contract'
  AND ($2::text IS NULL OR o.contractor = $2)
  AND ($3::text IS NULL OR o.commissioner = $3)
  AND ($4::text IS NULL OR o.task_types IS NULL OR $4 = ANY (o.task_types))
  AND ($5::date IS NULL OR o.valid @> $5)
  AND ($6::geometry IS NULL OR ST_Intersects(o.geom, $6))
  AND ($7::text[] IS NULL OR twin_object_id(o.layer, o.source_id) = ANY ($7))
ORDER BY o.layer, o.source_id
LIMIT $8;
