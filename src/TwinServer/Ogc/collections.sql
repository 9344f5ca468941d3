-- The layers that serve, as OGC API collections: kind, the serving version (id, number, feature count, source CRS)
-- and when the layer's first version began to serve (the start of its temporal extent). A layer whose first import
-- has not committed yet is no collection. $1 layer name, or NULL for every layer.
SELECT l.name, l.kind, v.id, v.version, v.feature_count, v.source_crs,
       (SELECT min(lower(f.served)) FROM layer_versions f WHERE f.layer = l.name) AS first_served
FROM layers l
JOIN layer_versions v ON v.id = l.current_version
WHERE $1::text IS NULL OR l.name = $1
ORDER BY l.name;
