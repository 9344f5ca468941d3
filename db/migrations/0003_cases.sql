-- Cases (SPEC section 6): intake through Open311 and GraphQL, the routing suggestion, every event on a timeline,
-- and forwarding through a transactional outbox: the outbox row is written in the same transaction as the case
-- change, so a case is never forwarded without its record, nor recorded as forwarded without an outbox row.

-- Keys of systems (citizen apps, contractors' systems): only a SHA-256 hash is kept; the key is shown once.
CREATE TABLE api_keys (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL CHECK (role IN ('citizen-app', 'contractor', 'integration')),
    -- A contractor's key acts for one organisation, and sees and updates only the cases sent to it.
    organisation text REFERENCES organisations (key),
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CHECK ((role = 'contractor') = (organisation IS NOT NULL))
);

-- The secret a receiver checks our webhook signatures with (HMAC-SHA256); set per organisation.
ALTER TABLE organisations ADD COLUMN webhook_secret text;

CREATE SEQUENCE case_numbers;

CREATE TABLE cases (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Open311's service_request_id: what the citizen is told and what the contractor's system refers to.
    service_request_id text NOT NULL UNIQUE,
    category           text NOT NULL REFERENCES task_types (code),
    description        text,
    lon                double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat                double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    geom               geometry(Point, 3035) NOT NULL,
    address            text,
    media_url          text,
    -- Personal data of the reporter: only handlers (and the case's own channel to the citizen) see it.
    email              text,
    first_name         text,
    last_name          text,
    phone              text,
    language           text NOT NULL DEFAULT 'en' CHECK (language IN ('fi', 'sv', 'en')),
    -- Where it came from, and the client's key that makes a retried post the same case.
    channel            text NOT NULL CHECK (channel IN ('open311', 'graphql')),
    api_key_id         integer REFERENCES api_keys (id),
    idempotency_key    text,
    status             text NOT NULL DEFAULT 'received'
                       CHECK (status IN ('received', 'assigned', 'forwarded', 'in_progress', 'done', 'closed', 'rejected')),
    -- The routing suggestion made at intake (SPEC 3), and the object it is about.
    suggested_to       text REFERENCES organisations (key),
    suggested_role     text,
    suggestion         jsonb,
    object_id          text,
    -- Who has it now: the organisation it was forwarded to.
    assignee           text REFERENCES organisations (key),
    -- The latest note for the citizen (Open311's status_notes).
    status_notes       text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cases_idempotency ON cases (channel, coalesce(api_key_id, 0), idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX cases_geom ON cases USING gist (geom);
CREATE INDEX cases_updated ON cases (updated_at);
CREATE INDEX cases_open ON cases (category, object_id) WHERE status NOT IN ('done', 'closed', 'rejected');

-- Every change of a case, in order: who (a user, a key, the system), what, when.
CREATE TABLE case_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id),
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    kind    text NOT NULL,
    data    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Status updates from recipients' systems, by their own update id: a repeated update_id changes nothing.
CREATE TABLE case_updates (
    organisation text NOT NULL REFERENCES organisations (key),
    update_id    text NOT NULL,
    case_id      bigint NOT NULL REFERENCES cases (id),
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation, update_id)
);

-- The transactional outbox: one row per delivery to a recipient's channel, drained by the server's worker.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    recipient       text NOT NULL REFERENCES organisations (key),
    channel         text NOT NULL CHECK (channel IN ('webhook', 'open311', 'email')),
    target          text NOT NULL,
    -- Sent with every attempt, so that the receiver can tell a retry from a new case.
    idempotency_key uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    external_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_case ON outbox (case_id);
