-- A lookup's whole answer from the database in one statement: the stack (product contract 3.1) from the layer versions
-- serving at the moment, the contracts that any of its organisations commissioned for the task, and those
-- organisations. It was the server's statement until the contract layers moved into each node's memory
-- (ContractCatalog); it is now the lookup bench's baseline, the best SQL we know for the whole answer, and the oracle
-- the server's tests hold the catalog to (ContractCatalogTests).
-- $1 x, $2 y, $3 srid, $4 tolerance in metres, $5 moment, $6 task type, $7 date (subcontracts valid then),
-- $8 the asked object's id (NULL: a point was asked), $9 the asked object's owner and manager (text[]).
-- Columns 0–12 are a stack object (NULL id: nothing within the tolerance), ordered as product contract 3.1 says: asset,
-- building, area, parcel; within a kind nearest first, then smallest. Then, the same on every row: 13 task type
-- known, 14 CRS known, 15 point (NULL: x/y are not longitude/latitude), 16 layer version ids, 17 layers first
-- loaded after the moment, 18 contracts, 19 organisations (both JSON, below). No stack is searched for an unknown
-- task type.
--
-- The manager is one of the organisations named in the stack (a target's manager or owner, an area's manager, the land
-- owner) or the asked object's, so the contracts of all of them are read at once, and the resolver keeps the
-- manager's. A contract counts when its area covers the point or it lists the target by id; the target is not known
-- here, so those listing any object of the stack (or the asked object) come with the ids they list.
-- 18: [[id, source id, name, contractor, commissioner, task types, lower(valid), upper(valid), listed ids,
--       covers the point, subcontracts], ...], each subcontract [id, source id, name, subcontractor, covers the point]
--     (those with an area of their own first), or NULL: none.
-- 19: [[key, kind, name fi, name sv, name en, webhook url, open311 endpoint, e-mail], ...] of every organisation
--     above, or NULL: none.
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
           -- Contracts are searched only where they are (a layer's objects are all of its kind).
           ARRAY(SELECT id FROM served WHERE kind IN ('contract', 'subcontract')) AS contract_versions,
           ARRAY(SELECT layer FROM served WHERE before_first_load ORDER BY layer) AS late
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
),
asked AS MATERIALIZED (
    SELECT ARRAY(SELECT DISTINCT k
                 FROM (SELECT owner FROM stack UNION ALL SELECT manager FROM stack UNION ALL SELECT unnest($9::text[])) named (k)
                 WHERE k IS NOT NULL) AS commissioners,
           ARRAY(SELECT id FROM stack UNION SELECT $8::text WHERE $8::text IS NOT NULL) AS ids
),
-- Two branches, each with its own index (GiST on the area, partial GIN on the named objects), rather than one OR.
matched AS (
    SELECT o.layer, o.source_id, o.name, o.contractor, o.commissioner, o.task_types, o.valid, NULL::text[] AS listed
    FROM ctx c, asked a, map_objects o
    WHERE c.task_known
      AND o.version_id = ANY (c.contract_versions) AND o.kind = 'contract' AND o.commissioner = ANY (a.commissioners)
      AND (o.task_types IS NULL OR $6 = ANY (o.task_types))
      AND ST_Intersects(o.geom, c.point)
    UNION ALL
    SELECT o.layer, o.source_id, o.name, o.contractor, o.commissioner, o.task_types, o.valid,
           ARRAY(SELECT unnest(o.covers) INTERSECT SELECT unnest(a.ids))
    FROM ctx c, asked a, map_objects o
    WHERE c.task_known
      AND o.version_id = ANY (c.contract_versions) AND o.kind = 'contract' AND o.commissioner = ANY (a.commissioners)
      AND (o.task_types IS NULL OR $6 = ANY (o.task_types))
      AND o.covers IS NOT NULL AND o.covers && a.ids
),
found AS MATERIALIZED (
    SELECT twin_object_id(layer, source_id) AS id, layer, source_id, name, contractor, commissioner, task_types, valid,
           -- The branch by name gives one row at most, with the ids of the stack it names; the area's has none.
           bool_or(listed IS NULL) AS covers_point,
           max(listed) AS listed
    FROM matched
    GROUP BY layer, source_id, name, contractor, commissioner, task_types, valid
),
subs AS MATERIALIZED (
    SELECT f.id AS contract, twin_object_id(s.layer, s.source_id) AS id, s.layer, s.source_id, s.name, s.subcontractor,
           s.geom IS NULL AS whole, s.geom IS NULL OR ST_Intersects(s.geom, c.point) AS covers
    FROM found f, ctx c, map_objects s
    WHERE s.version_id = ANY (c.contract_versions)
      AND s.kind = 'subcontract'
      AND s.contract_ref IS NOT NULL AND s.contract_ref = f.id
      AND (s.task_types IS NULL OR $6 = ANY (s.task_types))
      AND s.valid @> $7::date
),
contracts AS (
    SELECT json_agg(json_build_array(f.id, f.source_id, f.name, f.contractor, f.commissioner, f.task_types,
                                     lower(f.valid), upper(f.valid), f.listed, f.covers_point,
                                     (SELECT json_agg(json_build_array(s.id, s.source_id, s.name, s.subcontractor, s.covers)
                                                      ORDER BY s.whole, s.layer, s.source_id)
                                      FROM subs s WHERE s.contract = f.id))
                    ORDER BY f.layer, f.source_id)::text AS list
    FROM found f
),
organisations AS (
    SELECT json_agg(json_build_array(g.key, g.kind, g.name_fi, g.name_sv, g.name_en, g.webhook_url, g.open311_endpoint,
                                     g.email))::text AS list
    FROM organisations g
    WHERE g.key = ANY (ARRAY(SELECT unnest(a.commissioners) FROM asked a
                             UNION SELECT contractor FROM found
                             UNION SELECT subcontractor FROM subs))
)
SELECT st.id, st.layer, st.kind, st.type, st.name, st.address, st.owner, st.manager, st.task_types, st.distance,
       st.area, st.geojson, st.attributes,
       c.task_known, c.crs_known, c.point, c.versions, c.late, k.list AS contracts, g.list AS organisations
FROM ctx c
CROSS JOIN contracts k
CROSS JOIN organisations g
LEFT JOIN stack st ON true
ORDER BY st.rank, st.distance, st.area, st.layer, st.source_id;
