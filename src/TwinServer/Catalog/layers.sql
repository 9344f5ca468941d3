-- Every layer with its versions, newest first: where each came from, how it was made (replace, append, update,
-- rollback, and the version it was based on), and while it served.
SELECT l.name, l.kind, l.created_at,
       v.version, v.source_file, v.source_format, v.source_crs, v.checksum,
       v.feature_count, v.skipped_count, v.repaired_count, v.loaded_by, v.loaded_at,
       lower(v.served) AS served_from, upper(v.served) AS served_until,
       v.id = l.current_version AS is_current,
       v.id, v.import_mode, b.version AS based_on, v.source_filter
FROM layers l
LEFT JOIN layer_versions v ON v.layer = l.name
-- based_on is a layer_versions id; what people read is the version number within the layer.
LEFT JOIN layer_versions b ON b.id = v.based_on
WHERE ($1::text IS NULL OR l.name = $1)
ORDER BY l.name, v.version DESC NULLS LAST;
