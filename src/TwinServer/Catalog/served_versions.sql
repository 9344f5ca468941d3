-- The version of each layer to answer from at a moment: the one that served then; for a moment before a layer was
-- first loaded, its first version (the earliest state we know). $1 moment (timestamptz).
SELECT DISTINCT ON (layer) id, layer, lower(served) > $1 AS before_first_load, lower(served) AS first_loaded
FROM layer_versions
WHERE served @> $1::timestamptz OR lower(served) > $1::timestamptz
ORDER BY layer, served @> $1::timestamptz DESC, version;
