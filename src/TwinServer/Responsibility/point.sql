-- A point given in some CRS, in the storage CRS, in one round trip. $1 x, $2 y, $3 srid.
-- No row: the CRS is unknown. point NULL: a geographic CRS with x/y outside longitude/latitude (wrong CRS given).
-- The transform reads the row's srid, not $3, so that the planner cannot fold it (and fail) before the row is found.
SELECT srtext LIKE 'GEOGCS%' AS geographic,
       CASE WHEN srtext LIKE 'GEOGCS%' AND ($1 NOT BETWEEN -180 AND 180 OR $2 NOT BETWEEN -90 AND 90) THEN NULL
            ELSE ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), srid), 3035)
       END AS point
FROM spatial_ref_sys
WHERE srid = $3;
