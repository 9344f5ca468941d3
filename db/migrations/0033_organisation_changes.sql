-- How many times the organisations have changed, in one row, counted by a statement trigger: every lookup reads it with
-- its stack, and a node that keeps the organisations in memory (ContractCatalog) reads them again when the count is
-- not the one it read them at. So a changed e-mail address or webhook is used by every node from the first lookup
-- that commits after the change, as if the lookup had read the organisations itself.
CREATE TABLE organisation_changes (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    changes bigint NOT NULL
);
INSERT INTO organisation_changes (changes) VALUES (0);

CREATE FUNCTION organisation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisation_changes SET changes = changes + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER organisations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
FOR EACH STATEMENT EXECUTE FUNCTION organisation_changed();
