-- What basemap is loaded: the highest feature id (ids are never reused, so any load changes it); 0 when none is.
SELECT coalesce(max(id), 0) FROM basemap_features;
