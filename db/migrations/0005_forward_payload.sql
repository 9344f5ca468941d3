-- What a recipient's system gets when a case is forwarded to it: the case, never the reporter's contact details
-- (the recipient answers through us). One definition, used by a handler's forward and by intake's forward at once.
CREATE FUNCTION case_forward_payload(c cases, note text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'service_request_id', c.service_request_id,
        'service_code', c.category,
        'description', c.description,
        'lat', c.lat,
        'long', c.lon,
        'address_string', c.address,
        'media_url', c.media_url,
        'object_id', c.object_id,
        'requested_datetime', c.created_at,
        'note', note)
$$;
