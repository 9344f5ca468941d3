-- Every layer with its serving version; versions newest first.
SELECT l.name, l.kind, l.created_at,
       v.version, v.source_file, v.source_format, v.source_crs, v.checksum,
       v.feature_count, v.skipped_count, v.repaired_count, v.loaded_by, v.loaded_at,
       lower(v.served) AS served_from, upper(v.served) AS served_until,
       v.id = l.current_version AS is_current
FROM layers l
LEFT JOIN layer_versions v ON v.layer = l.name
WHERE ($1::text IS NULL OR l.name = $1)
ORDER BY l.name, v.version DESC NULLS LAST;
