-- Takes a case in with one statement (one round trip, one transaction): the case, its timeline's first events and,
-- when intake forwards it at once (Cases:AutoForward), its outbox row; and, where the city acknowledges reports
-- (Cases:Acknowledge), the acknowledgement to the reporter's e-mail address through the outbox.
-- $1 category, $2 description, $3 lon, $4 lat, $5 address, $6 media URL, $7 e-mail, $8 first name, $9 last name,
-- $10 phone, $11 language, $12 channel, $13 API key id, $14 idempotency key, $15 suggested recipient, $16 its role,
-- $17 the suggestion (jsonb), $18 the object it is about, $19 who takes it in (the timeline's actor),
-- $20 the recipient to forward to at once, or null, $21 whether the reporter agreed to be contacted (null: not asked),
-- $22 the request's fingerprint (SHA-256 of what it was taken in with), $23 the year of intake (the case number's),
-- $24 whether to acknowledge it by e-mail.
-- No row: a case with the same idempotency key from the same client exists (a retried post, or a reuse of the key that
-- the caller tells apart by the fingerprint), and nothing was written.
-- A recipient with no channel (no webhook, Open311 endpoint or e-mail) is not forwarded to: the case waits, received.
WITH forward_to AS (
    SELECT key,
           CASE WHEN webhook_url IS NOT NULL THEN 'webhook' WHEN open311_endpoint IS NOT NULL THEN 'open311' ELSE 'email' END AS channel,
           coalesce(webhook_url, open311_endpoint, email) AS target
    FROM organisations
    WHERE key = $20 AND coalesce(webhook_url, open311_endpoint, email) IS NOT NULL
), new_case AS (
    INSERT INTO cases (service_request_id, category, description, lon, lat, geom, address, media_url, email, first_name,
                       last_name, phone, language, channel, api_key_id, idempotency_key, suggested_to, suggested_role,
                       suggestion, object_id, status, assignee, contact_consent, request_fingerprint)
    -- The number: the year and at least six digits (more after the millionth case; lpad alone would cut them off).
    SELECT $23::int || '-' || lpad(num.n, greatest(6, length(num.n)), '0'), $1, $2, $3, $4,
           ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), twin_storage_srid()), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
           (SELECT key FROM organisations WHERE key = $15), $16, $17, $18,
           CASE WHEN f.key IS NULL THEN 'received' ELSE 'forwarded' END, f.key, $21, $22
    FROM (SELECT nextval('case_numbers')::text AS n) AS num LEFT JOIN forward_to f ON true
    -- Only a retried post (the same client key) is not a new case; any other conflict is an error, never a silent no.
    ON CONFLICT (channel, (coalesce(api_key_id, 0)), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING cases AS c
), events AS (
    INSERT INTO case_events (case_id, actor, kind, data)
    SELECT (n.c).id, e.actor, e.kind, e.data
    FROM new_case n
    CROSS JOIN LATERAL (VALUES
        (1, $19::text, 'received', jsonb_build_object('channel', $12::text, 'category', $1::text)),
        (2, 'system', 'suggested', jsonb_build_object('recipient', $15::text, 'role', $16::text, 'target', $18::text)),
        (3, 'system:auto-forward', 'forwarded', jsonb_build_object('recipient', (n.c).assignee, 'channel', (SELECT channel FROM forward_to), 'note', NULL))
    ) AS e (step, actor, kind, data)
    WHERE e.step = 1 OR (e.step = 2 AND $17::jsonb IS NOT NULL) OR (e.step = 3 AND (n.c).assignee IS NOT NULL)
    ORDER BY e.step
), delivery AS (
    INSERT INTO outbox (case_id, recipient, channel, target, payload)
    SELECT (n.c).id, f.key, f.channel, f.target, case_forward_payload(n.c, NULL)
    FROM new_case n JOIN forward_to f ON f.key = (n.c).assignee
), acknowledgement AS (
    INSERT INTO outbox (case_id, recipient, channel, target, payload)
    SELECT (n.c).id, NULL, 'citizen-email', (n.c).email,
           jsonb_build_object('kind', 'received', 'service_request_id', (n.c).service_request_id, 'service_code', (n.c).category,
                              'language', (n.c).language, 'status_notes', NULL)
    FROM new_case n
    WHERE $24::boolean AND (n.c).email IS NOT NULL
)
SELECT (c).id, (c).service_request_id, (c).assignee FROM new_case;
