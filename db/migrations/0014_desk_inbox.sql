-- The handler's desk, part 2: an inbox for hundreds of cases (the desk's view of a case, filtered, sorted and
-- counted in the database), who at the city works a case, notes that stay inside, who has a case open, saved views,
-- and each person's language.

-- People on the desk are named as on the timeline: `user:NAME` for a person of the users table, `oidc:NAME` for one
-- signed in through the city's identity provider (who has no row there).

-- The person at the city who works the case (not its recipient, which is `assignee`): null while nobody took it.
ALTER TABLE cases ADD COLUMN handler text CHECK (length(handler) <= 200);
-- The date the recipient promised in its status update (Open311's expected_datetime), shown beside the due time.
ALTER TABLE cases ADD COLUMN promised_at timestamptz;
-- A duplicate merged into its original: closed as a duplicate, and its reporter hears when the original is done.
-- Never a chain: an original is not itself merged (CaseStore checks it under the cases' locks).
ALTER TABLE cases ADD COLUMN merged_into bigint REFERENCES cases (id);
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- Whom a person gave cases to lately: their shortlist of colleagues comes first when they give one again.
CREATE INDEX case_events_handler ON case_events (actor, at) WHERE kind = 'handler';

-- The version counts who works the case and the recipient's promise too: an action shown before a colleague took the
-- case is refused as stale, as for any other change.
CREATE OR REPLACE FUNCTION case_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.status, NEW.assignee, NEW.category, NEW.lon, NEW.lat, NEW.object_id, NEW.suggested_to, NEW.suggestion,
        NEW.status_notes, NEW.description, NEW.address, NEW.resolution, NEW.awaiting_citizen, NEW.handler, NEW.promised_at)
       IS DISTINCT FROM
       (OLD.status, OLD.assignee, OLD.category, OLD.lon, OLD.lat, OLD.object_id, OLD.suggested_to, OLD.suggestion,
        OLD.status_notes, OLD.description, OLD.address, OLD.resolution, OLD.awaiting_citizen, OLD.handler, OLD.promised_at) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- The desk's view of a case: what the inbox lists and the case box shows, with the state of its latest forward's
-- delivery (attempts, last error, next try), the latest message to the citizen, for a rejected case who rejected it
-- and why, and the likely duplicate (product contract 6): an earlier open case of the same category on the same
-- object, else the nearest within 50 m. No reporter's contact details. One definition, read by Cases/inbox.sql and
-- Cases/desk_case.sql; a filter on `id` or `status` reaches the cases table's indexes through it (cases_open_created
-- lists the open cases in the order of intake).
CREATE VIEW desk_cases AS
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, d.state AS delivery_state, d.last_error AS delivery_error,
       r.data ->> 'by' AS rejected_by_last, r.data ->> 'reason' AS reject_reason,
       (SELECT e.service_request_id FROM cases e
        WHERE e.category = c.category AND e.id < c.id AND e.status NOT IN ('done', 'closed', 'rejected')
          AND ((c.object_id IS NOT NULL AND e.object_id = c.object_id) OR ST_DWithin(e.geom, c.geom, 50))
        ORDER BY e.object_id IS NOT DISTINCT FROM c.object_id DESC, ST_Distance(e.geom, c.geom), e.id
        LIMIT 1) AS duplicate_of,
       c.language, c.version, c.channel, d.attempts AS delivery_attempts, d.next_attempt_at, c.suggestion, c.awaiting_citizen,
       c.rejected_by, m.state AS citizen_message_state, m.last_error AS citizen_message_error,
       c.handler, c.due_at, c.promised_at, c.geom,
       (SELECT o.service_request_id FROM cases o WHERE o.id = c.merged_into) AS merged_into,
       (SELECT count(*) FROM cases d WHERE d.merged_into = c.id) AS merged_duplicates,
       c.media_url
FROM cases c
LEFT JOIN LATERAL (SELECT o.state, o.last_error, o.attempts, o.next_attempt_at FROM outbox o
                   WHERE o.case_id = c.id AND o.recipient IS NOT NULL AND o.state <> 'cancelled'
                   ORDER BY o.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT o.state, o.last_error FROM outbox o
                   WHERE o.case_id = c.id AND o.recipient IS NULL
                   ORDER BY o.id DESC LIMIT 1) m ON true
LEFT JOIN LATERAL (SELECT e.data FROM case_events e WHERE e.case_id = c.id AND e.kind = 'rejected' ORDER BY e.id DESC LIMIT 1) r ON c.status = 'rejected';

-- Who has which case open on the desk, and since when it last said so (every few seconds while open): another
-- handler opening the same case is warned, whichever server node each of them is on.
CREATE TABLE case_viewers (
    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    person  text NOT NULL CHECK (length(person) <= 200),
    name    text NOT NULL CHECK (length(name) <= 200),
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, person)
);

-- A handler's saved inbox views: a name and the filter, sorting included, as the desk writes it.
CREATE TABLE inbox_views (
    person text NOT NULL CHECK (length(person) <= 200),
    name   text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    filter jsonb NOT NULL,
    PRIMARY KEY (person, name)
);

-- What a person chose for themselves: the language the pages open in, on any machine.
CREATE TABLE person_settings (
    person   text PRIMARY KEY CHECK (length(person) <= 200),
    language text CHECK (language IN ('fi', 'sv', 'en'))
);
