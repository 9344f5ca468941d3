-- A case routed again by the handler (its pin dragged, another category or object chosen), with the suggestion made
-- again for its category at its place. $1 case id, $2 lon, $3 lat, $4 suggested recipient, $5 its role,
-- $6 the suggestion (jsonb), $7 the object it is about now, $8 its category.
UPDATE cases
SET lon = $2, lat = $3, geom = ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4326), twin_storage_srid()),
    suggested_to = (SELECT key FROM organisations WHERE key = $4), suggested_role = $5, suggestion = $6, object_id = $7,
    category = $8, awaiting_citizen = false, updated_at = now()
WHERE id = $1;
