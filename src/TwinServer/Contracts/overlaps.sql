-- Pairs of contracts of one commissioner, both valid on the date, for a common task type, whose areas overlap:
-- a conflict the resolver will report (product contract 3.5). $1 layer version ids, $2 task type (NULL: any common one),
-- $3 date, $4 area to look in (EPSG:3035, or NULL).
WITH c AS (
    SELECT twin_object_id(o.layer, o.source_id) AS id, o.commissioner, o.task_types, o.geom
    FROM map_objects o
    WHERE o.version_id = ANY ($1) AND o.kind = 'contract' AND o.geom IS NOT NULL AND o.valid @> $3::date
      AND ($2::text IS NULL OR o.task_types IS NULL OR $2 = ANY (o.task_types))
      AND ($4::geometry IS NULL OR ST_Intersects(o.geom, $4))
)
SELECT a.id, b.id, shared.task_types,
       ST_AsGeoJSON(ST_Transform(x.overlap, 4326), 7) AS geojson, ST_Area(x.overlap) AS area
FROM c a
JOIN c b ON a.id < b.id AND a.commissioner = b.commissioner AND ST_Intersects(a.geom, b.geom)
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS overlap) x
CROSS JOIN LATERAL (
    SELECT CASE
             WHEN $2::text IS NOT NULL THEN ARRAY[$2::text]
             WHEN a.task_types IS NULL THEN b.task_types
             WHEN b.task_types IS NULL THEN a.task_types
             ELSE ARRAY(SELECT unnest(a.task_types) INTERSECT SELECT unnest(b.task_types) ORDER BY 1)
           END AS task_types) shared
WHERE ST_Area(x.overlap) > 0.01
  AND (shared.task_types IS NULL OR cardinality(shared.task_types) > 0)
ORDER BY ST_Area(x.overlap) DESC, a.id, b.id;
