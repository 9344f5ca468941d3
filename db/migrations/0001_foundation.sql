-- The foundation: organisations, task types, layers with their versions, and the map objects of every layer.
--
-- Storage CRS: EPSG:3035 (ETRS89 / LAEA Europe). One metric CRS for every city we serve, so that a tolerance of
-- 10 m and an area in m² mean the same in Stockholm and Helsinki; equal-area, so coverage gaps are measured truly.
-- Vector tiles transform the few hundred objects of a tile to EPSG:3857 and are cached; a stored 3857 copy would
-- double what every import reprojects, writes and indexes. GeoJSON goes out as WGS84.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE organisations (
    key              text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9._-]*$'),
    kind             text NOT NULL CHECK (kind IN ('administration', 'company', 'contractor', 'private', 'state', 'other')),
    name_fi          text,
    name_sv          text,
    name_en          text,
    -- How cases reach the organisation: at most one channel is used, the first present in this order.
    webhook_url      text,
    open311_endpoint text,
    email            text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE task_types (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]*$'),
    name_fi    text,
    name_sv    text,
    name_en    text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE layers (
    name            text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
    kind            text NOT NULL CHECK (kind IN ('parcel', 'building', 'asset', 'area', 'contract', 'subcontract')),
    -- The version that serves now; NULL until the first import commits.
    current_version integer,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE layer_versions (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer          text NOT NULL REFERENCES layers (name) ON DELETE CASCADE,
    version        integer NOT NULL,
    source_file    text NOT NULL,
    source_format  text NOT NULL,
    source_crs     text NOT NULL,
    checksum       text NOT NULL,
    feature_count  integer NOT NULL,
    skipped_count  integer NOT NULL DEFAULT 0,
    repaired_count integer NOT NULL DEFAULT 0,
    loaded_by      text NOT NULL,
    loaded_at      timestamptz NOT NULL DEFAULT now(),
    -- While this version was (or is) the one serving: past dates are answered from the version valid then.
    served         tstzrange NOT NULL,
    UNIQUE (layer, version)
);

ALTER TABLE layers
    ADD CONSTRAINT layers_current_version_fkey FOREIGN KEY (current_version) REFERENCES layer_versions (id);

-- Each layer version is its own partition: an import fills a fresh table, indexes it, and attaches it in the
-- same transaction that makes it current. Until that commits nobody sees it; if it fails, nothing changed.
CREATE TABLE map_objects (
    version_id    integer NOT NULL,
    layer         text NOT NULL,
    source_id     text NOT NULL,
    feature_no    bigint NOT NULL,
    kind          text NOT NULL,
    type          text,
    name          text,
    address       text,
    owner         text,
    manager       text,
    contractor    text,
    commissioner  text,
    subcontractor text,
    -- Subcontracts: the stable id ('layer:id') of the contract they belong to.
    contract_ref  text,
    -- Contracts: stable ids of the objects of other layers that the contract covers by name.
    covers        text[],
    -- NULL means every task type.
    task_types    text[],
    valid         daterange NOT NULL DEFAULT '(,)',
    -- The source attributes as the file had them, in its field order (json, not jsonb: read, not searched).
    attributes    json NOT NULL DEFAULT '{}',
    geom          geometry(Geometry, 3035),
    PRIMARY KEY (version_id, source_id)
) PARTITION BY LIST (version_id);

CREATE INDEX map_objects_geom_idx ON map_objects USING gist (geom);
-- Contracts by the objects they name, and subcontracts by their contract: partial, so layers without them pay nothing.
CREATE INDEX map_objects_covers_idx ON map_objects USING gin (covers) WHERE covers IS NOT NULL;
CREATE INDEX map_objects_contract_ref_idx ON map_objects (contract_ref) WHERE contract_ref IS NOT NULL;

-- What serves now: the current version of every layer.
CREATE VIEW current_map_objects AS
SELECT o.layer || ':' || o.source_id AS id, o.*
FROM map_objects o
JOIN layers l ON l.current_version = o.version_id;

CREATE VIEW contracts AS
SELECT id, layer, source_id, name, contractor, commissioner, task_types, valid, covers, geom
FROM current_map_objects
WHERE kind = 'contract';

CREATE VIEW subcontracts AS
SELECT id, layer, source_id, name, contract_ref, subcontractor, task_types, valid, geom
FROM current_map_objects
WHERE kind = 'subcontract';

-- Every responsibility the current layers state: an object (or area) to an organisation in a role.
CREATE VIEW responsibilities AS
SELECT id AS object_id, owner AS organisation, 'owner' AS role, NULL::text[] AS task_types, valid
FROM current_map_objects WHERE owner IS NOT NULL
UNION ALL
SELECT id, manager, 'manager', CASE WHEN kind = 'area' THEN task_types END, valid
FROM current_map_objects WHERE manager IS NOT NULL
UNION ALL
SELECT id, contractor, 'maintainer', task_types, valid
FROM current_map_objects WHERE kind = 'contract' AND contractor IS NOT NULL
UNION ALL
SELECT id, subcontractor, 'maintainer', task_types, valid
FROM current_map_objects WHERE kind = 'subcontract' AND subcontractor IS NOT NULL;
