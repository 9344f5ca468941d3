-- People sign in (issue 6): handlers work cases and see citizens' contact details, GIS staff load layers, admins do
-- both and read the audit log. Passwords are kept only as PBKDF2-SHA256 hashes (TwinData PasswordHash).
CREATE TABLE users (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,99}$'),
    display_name  text,
    role          text NOT NULL CHECK (role IN ('handler', 'gis', 'admin')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- Who read which case's personal data, and who changed what (cases, layers, keys, users), when and from where.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    role           text,
    action         text NOT NULL,
    subject        text,
    detail         jsonb NOT NULL DEFAULT '{}',
    remote_address text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_subject ON audit_log (subject, at);
