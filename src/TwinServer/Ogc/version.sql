-- The version of a layer that answers: the serving one, or the one that served at a moment (served_versions(), as
-- every question about a past date is answered; before the first load, the first version). Its id and feature count.
-- $1 layer name, $2 moment (NULL: now). No row: no such layer, or none serving.
SELECT v.id, v.feature_count
FROM layer_versions v
WHERE v.id = CASE WHEN $2::timestamptz IS NULL THEN (SELECT l.current_version FROM layers l WHERE l.name = $1)
                  ELSE (SELECT s.id FROM served_versions($2::timestamptz) s WHERE s.layer = $1) END;
