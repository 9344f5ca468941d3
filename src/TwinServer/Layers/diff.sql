-- A page of what changed between two versions of a layer (layer_changes() in db/migrations/0023), in source id order,
-- with the geometries before and after as GeoJSON (WGS84, 7 decimals: about a centimetre) to draw them.
-- $1 the older version's layer_versions id, $2 the newer's, $3 after this source id (null: from the start),
-- $4 only these kinds of change (added, removed, moved, changed; null: any), $5 at most this many,
-- $6 metres below which a geometry counts as unmoved.
SELECT c.source_id, c.added, c.removed, c.moved, c.changed, c.fields::text,
       ST_AsGeoJSON(ST_Transform(c.before_geom, 4326), 7) AS before,
       ST_AsGeoJSON(ST_Transform(c.after_geom, 4326), 7) AS after
FROM layer_changes($1, $2, $3, $6) c
WHERE (c.added OR c.removed OR c.moved IS NOT NULL OR c.changed)
  AND ($4::text[] IS NULL
       OR (c.added AND 'added' = ANY ($4)) OR (c.removed AND 'removed' = ANY ($4))
       OR (c.moved IS NOT NULL AND 'moved' = ANY ($4)) OR (c.changed AND 'changed' = ANY ($4)))
ORDER BY c.source_id
LIMIT $5;
