SELECT key, kind, name_fi, name_sv, name_en, webhook_url, open311_endpoint, email
FROM organisations
WHERE ($1::text IS NULL OR kind = $1)
  AND ($2::text IS NULL
       OR key ILIKE '%' || $2 || '%' OR name_fi ILIKE '%' || $2 || '%'
       OR name_sv ILIKE '%' || $2 || '%' OR name_en ILIKE '%' || $2 || '%')
ORDER BY key;
