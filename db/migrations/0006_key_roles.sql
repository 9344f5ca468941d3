-- Keys for the city's own tools too: a case system acting as a handler, a GIS tool, an administrator's script.
-- People sign in; systems use keys. Every role is checked on the server, per route and per GraphQL field.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
    CHECK (role IN ('handler', 'gis', 'admin', 'contractor', 'integration', 'citizen-app'));
