-- The subcontracts under a contract. $1 layer version ids, $2 contract id.
SELECT twin_object_id(o.layer, o.source_id) AS id, o.source_id, o.name, o.subcontractor
FROM map_objects o
WHERE o.version_id = ANY ($1) AND o.kind = 'subcontract' AND o.contract_ref IS NOT NULL AND o.contract_ref = $2
ORDER BY o.layer, o.source_id;
