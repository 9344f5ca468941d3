-- Search as people type: "gotgatan", "GÖTGATAN" and "Götgatan" find the same street, in names, addresses, object
-- ids, case numbers and descriptions. twin_fold is lower-case without accents (unaccent's rules: ä, å → a, ö → o,
-- é → e, ß → ss); IMMUTABLE, naming its dictionary with its schema, so that it may serve in an index.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION twin_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(unaccent('unaccent'::regdictionary, $1));
