-- Every organisation, with the count of changes they are as of (migration 0033; -1 if its row is missing, which makes
-- every lookup read them again rather than trust a copy), for ContractCatalog.
SELECT coalesce((SELECT changes FROM organisation_changes), -1), o.key, o.kind, o.name_fi, o.name_sv, o.name_en,
       o.webhook_url, o.open311_endpoint, o.email
FROM (VALUES (1)) one (x)
LEFT JOIN organisations o ON true;
