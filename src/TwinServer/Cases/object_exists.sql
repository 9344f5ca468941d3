-- Whether a map object is on the map now: its stable id ('layer:source id', split at the first colon, as
-- Responsibility/object.sql splits it: source ids may hold colons) in a layer version serving at the moment.
-- $1 id, $2 moment (now).
SELECT EXISTS (
    SELECT FROM map_objects o
    WHERE o.version_id = ANY (ARRAY(SELECT id FROM served_versions($2)))
      AND o.layer = twin_object_layer($1)
      AND o.source_id = twin_object_source($1));
