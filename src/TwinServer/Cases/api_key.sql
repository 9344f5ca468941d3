-- A key that works now, by its hash (SHA-256): not revoked, not expired. $1 the hash.
SELECT id, name, role, organisation FROM api_keys
WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
