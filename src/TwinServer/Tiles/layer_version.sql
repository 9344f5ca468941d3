-- The version of a layer that serves now (its id, and its number within the layer), and the layer's kind.
-- $1 layer name. No row: there is no such layer. NULL version: no import has committed yet.
SELECT l.current_version, l.kind, v.version
FROM layers l
LEFT JOIN layer_versions v ON v.id = l.current_version
WHERE l.name = $1;
