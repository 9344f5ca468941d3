-- The response times (hours) of contracts or subcontracts by their ids, as they serve now; the rest ("*") last.
-- $1 the ids.
SELECT ref.id, t.key, t.value::float8 / 3600
FROM unnest($1::text[]) AS ref (id)
JOIN layers l ON l.name = twin_object_layer(ref.id)
JOIN map_objects o ON o.version_id = l.current_version AND o.source_id = twin_object_source(ref.id)
CROSS JOIN LATERAL jsonb_each_text(o.response_times) AS t
ORDER BY ref.id, t.key = '*', t.key
