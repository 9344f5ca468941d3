-- The bounding box of a layer version in WGS84 longitude and latitude (CRS84): the extent in the storage CRS,
-- densified so that its edges follow the curves they become, then transformed. $1 version id. NULLs: no geometry.
WITH e AS (
    SELECT ST_SetSRID(ST_Extent(o.geom)::geometry, twin_storage_srid()) AS box
    FROM map_objects o
    WHERE o.version_id = $1
), w AS (
    SELECT ST_Transform(ST_Segmentize(box, greatest(ST_XMax(box) - ST_XMin(box), ST_YMax(box) - ST_YMin(box)) / 16 + 1e-9), 4326) AS g
    FROM e
    WHERE box IS NOT NULL
)
SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g) FROM w;
