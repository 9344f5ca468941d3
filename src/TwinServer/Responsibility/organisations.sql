-- Every organisation, with the count of changes they are as of (migration 0033), for ContractCatalog.
SELECT c.changes, o.key, o.kind, o.name_fi, o.name_sv, o.name_en, o.webhook_url, o.open311_endpoint, o.email
FROM organisation_changes c
LEFT JOIN organisations o ON true;
