-- One object by its stable id ('layer:source id', split at the first colon: source ids may hold colons), from the
-- layer versions serving at the moment, with a point on it (in the storage CRS) to stand for "where".
-- $1 id, $2 moment.
SELECT twin_object_id(o.layer, o.source_id) AS id, o.layer, o.kind, o.type, o.name, o.address, o.owner, o.manager,
       o.task_types, 0.0::float8 AS distance, ST_Area(o.geom) AS area,
       coalesce(ST_AsGeoJSON(ST_Transform(o.geom, 4326), 7), 'null') AS geojson, o.attributes::text AS attributes,
       ST_X(ST_PointOnSurface(o.geom)) AS x, ST_Y(ST_PointOnSurface(o.geom)) AS y
FROM map_objects o
WHERE o.version_id = ANY (ARRAY(SELECT id FROM served_versions($2)))
  AND o.layer = twin_object_layer($1)
  AND o.source_id = twin_object_source($1);
