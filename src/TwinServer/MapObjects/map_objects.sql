-- The objects of the layers that serve at a moment, with what a list needs. {where}, {order} and the paging are
-- filled in by MapObjectSearch from fixed fragments; every value is a parameter. $1 layer version ids,
-- $2 the point distances are measured from (EPSG:3035, or NULL).
SELECT twin_object_id(o.layer, o.source_id) AS id, o.layer, o.kind, o.type, o.name, o.address, o.owner, o.manager,
       o.task_types, CASE WHEN $2::geometry IS NULL THEN NULL ELSE ST_Distance(o.geom, $2) END AS distance,
       coalesce(ST_Area(o.geom), 0) AS area,
       coalesce(ST_AsGeoJSON(ST_Transform(o.geom, 4326), 7), 'null') AS geojson,
       o.attributes::text AS attributes
FROM map_objects o
WHERE o.version_id = ANY ($1)
