-- How many objects two versions of a layer differ by (layer_changes() in db/migrations/0023): added, removed, moved,
-- with changed fields, and unchanged. An object both moved and changed counts in both.
-- $1 the older version's layer_versions id, $2 the newer's, $3 metres below which a geometry counts as unmoved.
SELECT count(*) FILTER (WHERE added) AS added,
       count(*) FILTER (WHERE removed) AS removed,
       count(*) FILTER (WHERE moved IS NOT NULL) AS moved,
       count(*) FILTER (WHERE changed) AS changed,
       count(*) FILTER (WHERE NOT added AND NOT removed AND moved IS NULL AND NOT changed) AS unchanged
FROM layer_changes($1, $2, NULL, $3);
