-- A sign-in attempt from an address, counted against the limit over the last window on every node: one row back when
-- it is allowed (and written), none when the address has used up the window. $1 the address, $2 attempts allowed per
-- window, $3 the window in seconds. Old attempts of any address are forgotten on the way (the table stays a minute long).
WITH forgotten AS (
    DELETE FROM sign_in_attempts WHERE at < now() - make_interval(secs => $3)
), recent AS (
    SELECT count(*) AS attempts FROM sign_in_attempts WHERE address = $1 AND at >= now() - make_interval(secs => $3)
)
INSERT INTO sign_in_attempts (address)
SELECT $1 FROM recent WHERE attempts < $2
RETURNING 1
