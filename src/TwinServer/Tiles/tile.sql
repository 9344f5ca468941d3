-- One Mapbox vector tile of one layer version, in EPSG:3857, with the attributes the map draws and picks by.
-- $1 layer version id, $2 z, $3 x, $4 y, $5 the MVT layer's name (the layer's). An object's id is
-- '{layer}:{source_id}': the tile carries only source_id, since a value unique to each feature is stored once per
-- feature, and the layer's name in each would make a dense tile half as large again.
-- The objects are found by the tile's envelope in the storage CRS (EPSG:3035): the envelope, with a margin of 64 of
-- 4096 units for lines and outlines that cross its edge, is densified before the transform so that its edges
-- follow the curve they become, then only the objects found are transformed.
WITH bounds AS (
    SELECT e.envelope,
           ST_Transform(ST_Segmentize(e.margin, (ST_XMax(e.margin) - ST_XMin(e.margin)) / 16), twin_storage_srid()) AS storage
    FROM (SELECT ST_TileEnvelope($2, $3, $4) AS envelope,
                 ST_TileEnvelope($2, $3, $4, margin => 64.0 / 4096) AS margin) e
)
SELECT ST_AsMVT(t, $5, 4096, 'geom', 'fid')
FROM (
    SELECT o.feature_no AS fid, o.source_id, o.kind, o.type, o.name, o.address,
           o.owner, o.manager, o.contractor, o.commissioner, o.subcontractor,
           array_to_string(o.task_types, ',') AS task_types,
           ST_AsMVTGeom(ST_Transform(o.geom, 3857), b.envelope, 4096, 64, true) AS geom
    FROM map_objects o, bounds b
    WHERE o.version_id = $1
      AND o.geom && b.storage
) t;
-- (ST_AsMVT skips the NULL geometries of objects clipped away; a WHERE on t.geom would make PostgreSQL compute
-- ST_AsMVTGeom twice per object, once to filter and once to output: a third more time for a dense tile.)
