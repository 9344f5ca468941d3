-- Coverage gaps for a task type on a date: the parts of what each manager manages (assets, buildings, and
-- management areas that cover the task) that none of the manager's valid contracts for the task covers, by area
-- or by naming the object. $1 layer version ids, $2 task type, $3 date, $4 area to look in (EPSG:3035, or NULL).
-- Contract areas count half a metre wider: areas drawn against the same base map leave slivers a few centimetres
-- wide between them, and a lamp post on a boundary may sit a hand's width outside; neither is a gap to report.
WITH managed AS (
    SELECT twin_object_id(o.layer, o.source_id) AS id, o.manager, o.geom
    FROM map_objects o
    WHERE o.version_id = ANY ($1) AND o.manager IS NOT NULL AND o.geom IS NOT NULL
      AND (o.kind IN ('asset', 'building') OR (o.kind = 'area' AND (o.task_types IS NULL OR $2 = ANY (o.task_types))))
      AND ($4::geometry IS NULL OR ST_Intersects(o.geom, $4))
), contract AS (
    SELECT o.commissioner, o.geom, o.covers
    FROM map_objects o
    WHERE o.version_id = ANY ($1) AND o.kind = 'contract' AND o.valid @> $3::date
      AND (o.task_types IS NULL OR $2 = ANY (o.task_types))
), uncovered AS (
    SELECT m.manager, m.id,
           ST_Difference(m.geom, coalesce(
               (SELECT ST_Buffer(ST_Union(c.geom), 0.5) FROM contract c WHERE c.commissioner = m.manager AND ST_DWithin(c.geom, m.geom, 0.5)),
               ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, twin_storage_srid()))) AS geom
    FROM managed m
    WHERE NOT EXISTS (SELECT 1 FROM contract c WHERE c.commissioner = m.manager AND m.id = ANY (c.covers))
)
SELECT manager, array_agg(id ORDER BY id) AS object_ids,
       ST_AsGeoJSON(ST_Transform(ST_Union(geom), 4326), 7) AS geojson,
       ST_Area(ST_Union(geom)) AS area
FROM uncovered
WHERE NOT ST_IsEmpty(geom)
GROUP BY manager
ORDER BY manager;
