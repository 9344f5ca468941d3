-- The contracts and subcontracts of one layer version, for ContractCatalog. $1 the version's id.
SELECT kind, layer, source_id, name, contractor, commissioner, subcontractor, contract_ref, covers, task_types,
       lower(valid), upper(valid), isempty(valid), geom
FROM map_objects
WHERE version_id = $1 AND kind IN ('contract', 'subcontract');
