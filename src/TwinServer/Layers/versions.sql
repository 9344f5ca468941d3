-- The layer_versions ids of versions of a layer, by their numbers; and the one serving now.
-- $1 layer name, $2 version numbers. No row: there is no such layer.
SELECT l.current_version, c.version AS current_number,
       coalesce(array_agg(v.version ORDER BY v.version) FILTER (WHERE v.id IS NOT NULL), '{}') AS numbers,
       coalesce(array_agg(v.id ORDER BY v.version) FILTER (WHERE v.id IS NOT NULL), '{}') AS ids
FROM layers l
LEFT JOIN layer_versions c ON c.id = l.current_version
LEFT JOIN layer_versions v ON v.layer = l.name AND v.version = ANY ($2)
WHERE l.name = $1
GROUP BY l.current_version, c.version;
