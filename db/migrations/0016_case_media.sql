-- Photos of a case that a handler attaches (a phone case: the caller sends a picture by e-mail or chat). Kept in the
-- database with the case, so that every server node serves them, a backup holds them, and the case's access rules
-- decide who sees them. The citizen's own media_url (a link from their app) stays where it is.
CREATE TABLE case_media (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    bytes        bytea NOT NULL CHECK (length(bytes) BETWEEN 1 AND 10485760),
    sha256       bytea NOT NULL,
    added_by     text NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, sha256)
);
CREATE INDEX case_media_case ON case_media (case_id, id);
