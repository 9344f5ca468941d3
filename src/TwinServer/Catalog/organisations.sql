-- $1 kind, or null for any; $2 a LikePattern.Containing pattern (%, _ and \ escaped), or null for no search.
SELECT key, kind, name_fi, name_sv, name_en, webhook_url, open311_endpoint, email
FROM organisations
WHERE ($1::text IS NULL OR kind = $1)
  AND ($2::text IS NULL
       OR key ILIKE $2 ESCAPE '\' OR name_fi ILIKE $2 ESCAPE '\'
       OR name_sv ILIKE $2 ESCAPE '\' OR name_en ILIKE $2 ESCAPE '\')
ORDER BY key;
