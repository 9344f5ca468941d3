-- The version of each layer that answers a question about a moment: the one that served then; for a moment before
-- a layer was first loaded, its first version (the earliest state we know). One definition, used by every query
-- that reads map objects as of a date. A single-SELECT SQL function, so the planner inlines it.
CREATE FUNCTION served_versions(moment timestamptz)
RETURNS TABLE (id integer, layer text, before_first_load boolean, first_loaded timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT DISTINCT ON (v.layer) v.id, v.layer, lower(v.served) > moment, lower(v.served)
    FROM layer_versions v
    WHERE v.served @> moment OR lower(v.served) > moment
    ORDER BY v.layer, v.served @> moment DESC, v.version
$$;

-- A point given in some CRS, in the storage CRS (EPSG:3035). No row: the CRS is unknown. point NULL: a geographic
-- CRS with x/y outside longitude/latitude (the wrong CRS was given). The transform reads the row's srid, not the
-- argument, so that the planner cannot fold it (and fail) before the row is found.
CREATE FUNCTION storage_point(x double precision, y double precision, srid integer)
RETURNS TABLE (geographic boolean, point geometry)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT s.srtext LIKE 'GEOGCS%',
           CASE WHEN s.srtext LIKE 'GEOGCS%' AND (x NOT BETWEEN -180 AND 180 OR y NOT BETWEEN -90 AND 90) THEN NULL
                ELSE ST_Transform(ST_SetSRID(ST_MakePoint(x, y), s.srid), 3035)
           END
    FROM spatial_ref_sys s
    WHERE s.srid = storage_point.srid
$$;
