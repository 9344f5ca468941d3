-- A new case. $1 category, $2 description, $3 lon, $4 lat, $5 address, $6 media URL, $7 e-mail, $8 first name,
-- $9 last name, $10 phone, $11 language, $12 channel, $13 API key id, $14 idempotency key, $15 suggested recipient,
-- $16 its role, $17 the suggestion (jsonb), $18 the object it is about.
-- No row: a case with the same idempotency key from the same client exists (a retried post).
INSERT INTO cases (service_request_id, category, description, lon, lat, geom, address, media_url, email, first_name,
                   last_name, phone, language, channel, api_key_id, idempotency_key, suggested_to, suggested_role,
                   suggestion, object_id)
SELECT to_char(now(), 'YYYY') || '-' || lpad(nextval('case_numbers')::text, 6, '0'), $1, $2, $3, $4,
       ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), 3035), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
       (SELECT key FROM organisations WHERE key = $15), $16, $17, $18
ON CONFLICT DO NOTHING
RETURNING id, service_request_id;
