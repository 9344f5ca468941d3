-- State that every server node must share (issue 19 part 3): the data-protection key ring, and word to the other
-- nodes when a key or a user changes, so that their caches forget at once what was revoked.

-- ASP.NET Core's data-protection key ring (Cluster/DatabaseKeyRing.cs): the keys that sign and encrypt the session
-- cookie and the antiforgery tokens, one XML element per key or revocation, as ASP.NET writes them. They are secrets:
-- whoever can read this table can forge a session of anyone. Only the server's own role needs it (PostgreSQL grants
-- nothing on a new table to other roles); keep it out of copies that leave the city's hands. Elements are never
-- updated or deleted by ASP.NET: a key expires (90 days), a new one is made two days before, and old ones stay to read
-- what they protected.
CREATE TABLE data_protection_keys (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text NOT NULL,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A key revoked or a user disabled, wherever that happens (./twin key revoke, ./twin user disable, a change in psql):
-- every node listening on twin_access forgets what it remembered of that table. One notice per statement, and only
-- on these two small tables that change rarely, never on the intake path. A node that misses it (its listening
-- connection was down) still forgets within the cache's own time: 10 s for keys, Access:RecheckSeconds for users.
CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('twin_access', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed();

-- Sign-in attempts of the last minute, per address (Access/SignInAttempts.cs): the limit on guessing passwords holds
-- across every node, rather than once per node behind a balancer that spreads the guesses. An attempt over the limit
-- is not written, so a flood adds nothing; rows older than the window are deleted at each attempt.
CREATE TABLE sign_in_attempts (
    address text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_by_address ON sign_in_attempts (address, at);
