-- What each case was taken in with, as a fingerprint: SHA-256 of its fields in a fixed order (CaseStore.Fingerprint).
-- A retry under the same idempotency key is answered with the case it made; another request that reuses the key is
-- told apart by its fingerprint and refused (422), as the Idempotency-Key draft has it
-- (draft-ietf-httpapi-idempotency-key-header, "Idempotency Fingerprint" and "Error Scenarios").
-- Cases taken in before have none: a retry of one of them is taken for what it says it is.
ALTER TABLE cases ADD COLUMN request_fingerprint bytea;
