-- The words SQL shares with C#, each defined once on each side (C#: DigitalTwin.Data.Domain.StorageCrs and
-- MapObjectId; a test checks that the two agree). Plain SQL functions, IMMUTABLE, so that the planner inlines them:
-- ST_Transform(g, twin_storage_srid()) is planned as ST_Transform(g, 3035), and an index on layer and source_id
-- still serves o.layer = twin_object_layer($1).

-- The CRS every geometry is stored in: ETRS89-extended / LAEA Europe, an equal-area projection in metres for all of
-- Europe (areas, distances within a city and grid cells come out right in one CRS, whatever the city).
CREATE FUNCTION twin_storage_srid() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 3035;

-- A map object's id: its layer's name, a colon, its id in the source (which may itself hold colons).
CREATE FUNCTION twin_object_id(layer text, source_id text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN layer || ':' || source_id;

-- The layer of a map object's id: up to the first colon (layer names have none).
CREATE FUNCTION twin_object_layer(id text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN split_part(id, ':', 1);

-- The source id of a map object's id: everything after the first colon.
CREATE FUNCTION twin_object_source(id text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN substr(id, length(split_part(id, ':', 1)) + 2);
