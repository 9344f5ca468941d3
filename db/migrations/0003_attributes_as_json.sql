-- Source attributes are kept as json, not jsonb: they are shown as the file had them, in the file's field order
-- (jsonb sorts keys), and they are read, not searched. json also costs the server less on every imported row.
-- The views read map_objects.*, so they are dropped and made again around the change.
DROP VIEW responsibilities;
DROP VIEW subcontracts;
DROP VIEW contracts;
DROP VIEW current_map_objects;

ALTER TABLE map_objects ALTER COLUMN attributes DROP DEFAULT;
ALTER TABLE map_objects ALTER COLUMN attributes TYPE json USING attributes::json;
ALTER TABLE map_objects ALTER COLUMN attributes SET DEFAULT '{}'::json;

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
