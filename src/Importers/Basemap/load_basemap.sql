-- Replaces the basemap features of one source file with those of a GeoJSON FeatureCollection (RFC 7946, WGS84),
-- each feature with the properties class (water, park, block, street) and name.
-- $1 the source's name (its file), $2 the FeatureCollection. The DELETE and the INSERT see the same snapshot, so
-- the file's old features go and its new ones come in one statement.
WITH gone AS (
    DELETE FROM basemap_features WHERE source = $1
)
INSERT INTO basemap_features (source, class, name, geom)
SELECT $1, f -> 'properties' ->> 'class', NULLIF(f -> 'properties' ->> 'name', ''),
       ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4326), 3857)
FROM json_array_elements($2::json -> 'features') f;
