-- A point given in some CRS, in the storage CRS (see storage_point() in db/migrations). $1 x, $2 y, $3 srid.
-- No row: the CRS is unknown. point NULL: a geographic CRS with x/y outside longitude/latitude.
SELECT geographic, point FROM storage_point($1, $2, $3);
