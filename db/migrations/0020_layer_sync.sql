-- Layers kept in step with a city's GIS service (WFS, OGC API Features): what to read and how often, and every run.
-- ./twin sync runs them; each run is an import with the same checks and atomic replace, and one that finds the data
-- unchanged (same checksum of what was read, with the same settings) makes no new version.
CREATE TABLE layer_syncs (
    layer        text PRIMARY KEY CHECK (layer ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    kind         text NOT NULL,
    -- The service, with GDAL's prefix (WFS:https://..., OAPIF:https://...); http or https only.
    url          text NOT NULL CHECK (url ~* '^(WFS|OAPIF):https?://'),
    -- The WFS type name or OGC API collection, when the service has more than one.
    source_layer text,
    -- The mapping file's content, or null for the conventional names.
    mapping      json,
    crs          text,
    -- How often ./twin sync --every runs it; null: at every round.
    every        interval CHECK (every > interval '0'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL
);

CREATE TABLE layer_sync_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer         text NOT NULL REFERENCES layer_syncs (layer) ON DELETE CASCADE,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    -- loaded: a new version serves; unchanged: the data had not changed, no version made; rejected: features failed
    -- the checks; failed: the service or the database could not be read. The last two leave the old version serving.
    result        text NOT NULL CHECK (result IN ('loaded', 'unchanged', 'rejected', 'failed')),
    version       integer,
    features_read bigint,
    loaded        bigint,
    errors        integer,
    error         text
);

CREATE INDEX layer_sync_runs_by_layer ON layer_sync_runs (layer, started_at DESC);
