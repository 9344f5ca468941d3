-- One Mapbox vector tile of the basemap (migration 0021), in EPSG:3857: one MVT layer 'basemap' whose features carry
-- class (water, park, block, street) and name, in drawing order (water at the bottom, streets on top).
-- $1 z, $2 x, $3 y. The features are stored in EPSG:3857 already, so nothing is transformed per tile.
WITH bounds AS (
    SELECT ST_TileEnvelope($1, $2, $3) AS envelope,
           ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096) AS margin
)
SELECT ST_AsMVT(t, 'basemap', 4096, 'geom')
FROM (
    SELECT f.class, f.name, ST_AsMVTGeom(f.geom, b.envelope, 4096, 64, true) AS geom
    FROM basemap_features f, bounds b
    WHERE f.geom && b.margin
    ORDER BY array_position(ARRAY['water', 'park', 'block', 'street'], f.class), f.id
) t;
