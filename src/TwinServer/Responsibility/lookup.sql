-- A lookup's stack from the database in one round trip (product contract 3.1): the objects within the tolerance in the
-- layer versions serving at the moment, with what the resolver needs to read the contracts. The contracts and the
-- organisations are not read here: a layer version never changes once loaded, so each node keeps the contract layers'
-- versions in memory (ContractCatalog), and the organisations with the count of their changes (migration 0033).
-- $1 x, $2 y, $3 srid, $4 tolerance in metres, $5 moment, $6 task type.
-- Columns 0–12 are a stack object (NULL id: nothing within the tolerance), ordered as product contract 3.1 says: asset,
-- building, area, parcel; within a kind nearest first, then smallest. Then, the same on every row: 13 task type
-- known, 14 CRS known, 15 point (NULL: x/y are not longitude/latitude), 16 layer version ids, 17 layers first
-- loaded after the moment, 18 the contract and subcontract layers' version ids, 19 the organisations' change count
-- (-1: its row is missing, and the organisations are read again for every lookup).
-- No stack is searched for an unknown task type.
--
-- bench/TwinBench/lookup_whole.sql reads the whole answer (contracts, subcontracts, organisations) in SQL: it is the
-- lookup bench's baseline, and the tests hold the catalog's choice of contracts to it.
WITH served AS (
    SELECT s.id, s.layer, s.before_first_load, l.kind
    FROM served_versions($5) s
    JOIN layers l ON l.name = s.layer
),
ctx AS MATERIALIZED (
    SELECT EXISTS (SELECT FROM task_types WHERE code = $6) AS task_known,
           p.geographic IS NOT NULL AS crs_known,
           p.point,
           ARRAY(SELECT id FROM served) AS versions,
           ARRAY(SELECT id FROM served WHERE kind IN ('contract', 'subcontract') ORDER BY id) AS contract_versions,
           ARRAY(SELECT layer FROM served WHERE before_first_load ORDER BY layer) AS late,
           coalesce((SELECT changes FROM organisation_changes), -1) AS organisation_changes
    FROM (VALUES (1)) one (x) LEFT JOIN storage_point($1, $2, $3) p ON true
),
stack AS MATERIALIZED (
    SELECT twin_object_id(o.layer, o.source_id) AS id, o.layer, o.kind, o.type, o.name, o.address, o.owner, o.manager,
           o.task_types, ST_Distance(o.geom, c.point) AS distance, ST_Area(o.geom) AS area,
           ST_AsGeoJSON(ST_Transform(o.geom, 4326), 7) AS geojson, o.attributes::text AS attributes,
           CASE o.kind WHEN 'asset' THEN 0 WHEN 'building' THEN 1 WHEN 'area' THEN 2 ELSE 3 END AS rank,
           o.source_id
    FROM ctx c
    JOIN map_objects o ON o.version_id = ANY (c.versions)
                      AND o.kind IN ('asset', 'building', 'area', 'parcel')
                      AND ST_DWithin(o.geom, c.point, $4)
    WHERE c.task_known
)
SELECT st.id, st.layer, st.kind, st.type, st.name, st.address, st.owner, st.manager, st.task_types, st.distance,
       st.area, st.geojson, st.attributes,
       c.task_known, c.crs_known, c.point, c.versions, c.late, c.contract_versions, c.organisation_changes
FROM ctx c
LEFT JOIN stack st ON true
ORDER BY st.rank, st.distance, st.area, st.layer, st.source_id;
