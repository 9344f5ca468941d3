-- The layers page (issue 17 part 7): rolling a layer back to an earlier version makes a version of its own, a copy of
-- the earlier one (based_on names it), switched in like any import. The earlier versions keep their own serving
-- ranges, so a question about a past date still answers from the version that served then; and since the copy has a
-- new version id, every tile cached of the version it replaces is out of use at once.
ALTER TABLE layer_versions DROP CONSTRAINT layer_versions_import_mode_check;
ALTER TABLE layer_versions
    ADD CONSTRAINT layer_versions_import_mode_check CHECK (import_mode IN ('replace', 'append', 'update', 'rollback'));

-- An object's domain fields by the names mapping files give them (the geometry and source attributes apart), to compare
-- two versions of it; validity as inclusive days, as files give them.
CREATE FUNCTION layer_object_fields(m map_objects)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT jsonb_build_object(
        'type', m.type, 'name', m.name, 'address', m.address, 'owner', m.owner, 'manager', m.manager,
        'contractor', m.contractor, 'commissioner', m.commissioner, 'subcontractor', m.subcontractor,
        'contract', m.contract_ref, 'objects', m.covers, 'taskTypes', m.task_types,
        'validFrom', lower(m.valid), 'validTo', upper(m.valid) - 1, 'responseTimes', m.response_times)
$$;

-- What changed between two versions of a layer, object by object, matched by source id: added, removed, moved (the
-- geometry differs by at least `tolerance` metres: the Hausdorff distance, the farthest any part moved, in the storage
-- CRS), and changed fields (the domain's: name, owner, validity, ...; and the source attributes, by key). One
-- definition for the page of changes and for their counts; a single-SELECT SQL function, so the planner inlines it and
-- leaves out what a caller does not read (the counts do not build the fields' values). Rows come in source id order,
-- from just after `after` (null: the start); objects that did not change are rows too (no flag set), for the counts.
CREATE FUNCTION layer_changes(older integer, newer integer, after text, tolerance double precision)
RETURNS TABLE (source_id text, added boolean, removed boolean, moved double precision, changed boolean, fields jsonb,
               before_geom geometry, after_geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT p.source_id, p.o_id IS NULL, p.n_id IS NULL,
           -- Exactly equal geometries (the usual case) are not measured at all.
           CASE WHEN p.o_geom IS NOT NULL AND p.n_geom IS NOT NULL AND p.o_geom IS DISTINCT FROM p.n_geom
                     AND ST_HausdorffDistance(p.o_geom, p.n_geom) >= tolerance
                THEN ST_HausdorffDistance(p.o_geom, p.n_geom) END,
           p.o_id IS NOT NULL AND p.n_id IS NOT NULL
               AND (p.o_fields <> p.n_fields OR p.o_attributes <> p.n_attributes OR (p.o_geom IS NULL) <> (p.n_geom IS NULL)),
           -- Each changed field with its value before and after; source attributes by their own names.
           CASE WHEN p.o_id IS NOT NULL AND p.n_id IS NOT NULL THEN coalesce((
               SELECT jsonb_agg(c ORDER BY c->>'attribute', c->>'field')
               FROM (
                   SELECT jsonb_build_object('field', f.key, 'attribute', false, 'before', f.value, 'after', p.n_fields -> f.key) AS c
                   FROM jsonb_each(p.o_fields) f
                   WHERE f.value IS DISTINCT FROM p.n_fields -> f.key
                   UNION ALL
                   SELECT jsonb_build_object('field', k.key, 'attribute', true, 'before', p.o_attributes -> k.key, 'after', p.n_attributes -> k.key)
                   FROM (SELECT jsonb_object_keys(p.o_attributes) UNION SELECT jsonb_object_keys(p.n_attributes)) k (key)
                   WHERE p.o_attributes -> k.key IS DISTINCT FROM p.n_attributes -> k.key
                   UNION ALL
                   SELECT jsonb_build_object('field', 'geometry', 'attribute', false,
                                             'before', CASE WHEN p.o_geom IS NULL THEN NULL ELSE to_jsonb(GeometryType(p.o_geom)) END,
                                             'after', CASE WHEN p.n_geom IS NULL THEN NULL ELSE to_jsonb(GeometryType(p.n_geom)) END)
                   WHERE (p.o_geom IS NULL) <> (p.n_geom IS NULL)
               ) changes), '[]') END,
           p.o_geom, p.n_geom
    FROM (
        SELECT coalesce(n.source_id, o.source_id) AS source_id, o.source_id AS o_id, n.source_id AS n_id,
               o.geom AS o_geom, n.geom AS n_geom, o.fields AS o_fields, n.fields AS n_fields,
               o.attributes AS o_attributes, n.attributes AS n_attributes
        FROM (SELECT m.source_id, m.geom, m.attributes::jsonb AS attributes, layer_object_fields(m) AS fields
              FROM map_objects m WHERE m.version_id = older AND (after IS NULL OR m.source_id > after)) o
        FULL JOIN (SELECT m.source_id, m.geom, m.attributes::jsonb AS attributes, layer_object_fields(m) AS fields
                   FROM map_objects m WHERE m.version_id = newer AND (after IS NULL OR m.source_id > after)) n
            ON n.source_id = o.source_id
    ) p
$$;
