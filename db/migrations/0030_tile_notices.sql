-- Word to every server node that a layer's serving version or the basemap changed, so that a node can keep which
-- version of each layer serves, and which basemap is loaded, without asking the database at every tile: it keeps them
-- only while it listens on twin_layers, forgets them at each notice, and asks again after a few seconds whatever it
-- heard (Tiles/TileStore.cs, Cluster/ClusterSignals.cs). One notice per statement; layers change at an import, a roll
-- back or a drop, so the lock a notifying transaction takes at its commit costs nothing that matters.
CREATE FUNCTION twin_notify_tiles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('twin_layers', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER layers_notify_tiles AFTER INSERT OR UPDATE OR DELETE ON layers
    FOR EACH STATEMENT EXECUTE FUNCTION twin_notify_tiles();

CREATE TRIGGER basemap_notify_tiles AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON basemap_features
    FOR EACH STATEMENT EXECUTE FUNCTION twin_notify_tiles();
