-- The background map drawn under the layers for orientation (streets with their names, blocks, parks, water): a
-- picture, not data anyone is responsible for. Its own table, so that no query of responsibility, search, OGC API
-- or GraphQL's layers can ever meet it (docs/decisions.md, "The basemap is not a layer"). Stored in EPSG:3857, the
-- only CRS it is ever drawn in; /tiles/basemap/{z}/{x}/{y}.mvt serves it.
CREATE TABLE basemap_features (
    -- Never reused: a reload makes new ids, so max(id) names what is loaded (the tile cache's key).
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The file a feature came from (e.g. stockholm.geojson); loading that file again replaces its features.
    source text NOT NULL,
    class  text NOT NULL CHECK (class IN ('water', 'park', 'block', 'street')),
    name   text,
    geom   geometry(Geometry, 3857) NOT NULL
);

CREATE INDEX basemap_features_geom ON basemap_features USING gist (geom);
CREATE INDEX basemap_features_source ON basemap_features (source);
