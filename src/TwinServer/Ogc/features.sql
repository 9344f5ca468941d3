-- Features of one layer version for OGC API Features, with the geometry as GeoJSON in the CRS asked for. Ogc/FeaturePage
-- appends the order and the limit (source_id ascending, or descending for the page before a cursor): the primary key
-- (version_id, source_id) serves both, so a page deep in a million features costs what the first does (keyset paging,
-- never OFFSET). The same text, wrapped in count(*), counts numberMatched (the keyset bounds then NULL).
-- $1 version id; $2 output SRID; $3 swap the axes (a CRS whose first axis is northing, EPSG:4326's latitude);
-- $4 decimal places; $5..$9 bbox west, south, east, north and its SRID (NULL: no bbox); $10, $11 first and last day
-- the features' validity must touch (NULL: open); $12 after this source id; $13 before it; $14 this source id only;
-- $15..$20 kind, type, name, address, owner, manager equal to (NULL: any).
-- The bbox is densified before it is transformed to the storage CRS, so that its edges follow the curves they become.
WITH box AS (
    SELECT ST_Transform(ST_Segmentize(e.env, greatest(ST_XMax(e.env) - ST_XMin(e.env), ST_YMax(e.env) - ST_YMin(e.env)) / 16 + 1e-9),
                        twin_storage_srid()) AS storage
    FROM (SELECT ST_MakeEnvelope($5::float8, $6::float8, $7::float8, $8::float8, $9::integer) AS env) e
    WHERE $5::float8 IS NOT NULL
)
SELECT o.source_id, twin_object_id(o.layer, o.source_id) AS object_id, o.kind, o.type, o.name, o.address, o.owner, o.manager,
       o.contractor, o.commissioner, o.subcontractor, array_to_string(o.task_types, ',') AS task_types,
       lower(o.valid) AS valid_from, upper(o.valid) - 1 AS valid_to, o.attributes::text AS attributes,
       ST_AsGeoJSON(CASE WHEN $3::boolean THEN ST_FlipCoordinates(ST_Transform(o.geom, $2::integer)) ELSE ST_Transform(o.geom, $2::integer) END, $4::integer, 0) AS geometry
FROM map_objects o
WHERE o.version_id = $1::integer
  AND ($5::float8 IS NULL OR ST_Intersects(o.geom, (SELECT box.storage FROM box)))
  AND o.valid && daterange($10::date, $11::date, '[]')
  AND ($12::text IS NULL OR o.source_id > $12)
  AND ($13::text IS NULL OR o.source_id < $13)
  AND ($14::text IS NULL OR o.source_id = $14)
  AND ($15::text IS NULL OR o.kind = $15)
  AND ($16::text IS NULL OR o.type = $16)
  AND ($17::text IS NULL OR o.name = $17)
  AND ($18::text IS NULL OR o.address = $18)
  AND ($19::text IS NULL OR o.owner = $19)
  AND ($20::text IS NULL OR o.manager = $20)
