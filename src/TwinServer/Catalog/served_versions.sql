-- The version of each layer to answer from at a moment (see served_versions() in db/migrations). $1 moment.
SELECT id, layer, before_first_load, first_loaded FROM served_versions($1);
