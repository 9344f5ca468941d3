-- Every parcel, building, asset and area within the tolerance of a point, from the given layer versions.
-- $1 point (EPSG:3035), $2 tolerance in metres, $3 layer version ids.
-- Order (SPEC 3.1): asset, building, area, parcel; within a kind nearest first, then smallest.
SELECT o.layer || ':' || o.source_id AS id, o.layer, o.kind, o.type, o.name, o.address, o.owner, o.manager,
       o.task_types, ST_Distance(o.geom, $1) AS distance, ST_Area(o.geom) AS area,
       ST_AsGeoJSON(ST_Transform(o.geom, 4326), 7) AS geojson, o.attributes::text AS attributes
FROM map_objects o
WHERE o.version_id = ANY ($3)
  AND o.kind IN ('asset', 'building', 'area', 'parcel')
  AND ST_DWithin(o.geom, $1, $2)
ORDER BY CASE o.kind WHEN 'asset' THEN 0 WHEN 'building' THEN 1 WHEN 'area' THEN 2 ELSE 3 END,
         ST_Distance(o.geom, $1), ST_Area(o.geom), o.layer, o.source_id;
