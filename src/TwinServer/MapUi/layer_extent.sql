-- The extent of a layer's serving version as a GeoJSON polygon in WGS84 (NULL: no such layer, or no geometry).
-- $1 layer name.
SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_Extent(o.geom)::geometry, twin_storage_srid()), 4326), 6)
FROM layers l
JOIN map_objects o ON o.version_id = l.current_version
WHERE l.name = $1;
