-- The handler's desk: a case changes only as the handler saw it, every case has a way out, and a phone call is a case.

-- A case's version counts the changes a handler or a recipient can see (status, who has it, what and where it is,
-- its suggestion, its notes). A change that carries the version it was shown refuses when the case has moved on
-- since: a forward never goes where the handler did not see it go.
ALTER TABLE cases ADD COLUMN version integer NOT NULL DEFAULT 1;

CREATE FUNCTION case_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.status, NEW.assignee, NEW.category, NEW.lon, NEW.lat, NEW.object_id, NEW.suggested_to, NEW.suggestion,
        NEW.status_notes, NEW.description, NEW.address, NEW.resolution, NEW.awaiting_citizen)
       IS DISTINCT FROM
       (OLD.status, OLD.assignee, OLD.category, OLD.lon, OLD.lat, OLD.object_id, OLD.suggested_to, OLD.suggestion,
        OLD.status_notes, OLD.description, OLD.address, OLD.resolution, OLD.awaiting_citizen) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- How a case was closed at first contact, without a forward: not the city's, already fixed, passed to the state,
-- answered, a duplicate of another case. Such a case counts as resolved at first contact in the reports.
ALTER TABLE cases ADD COLUMN resolution text
    CHECK (resolution IN ('not-the-citys', 'already-fixed', 'passed-to-state', 'answered', 'duplicate'));
-- The handler asked the citizen something and waits for the answer (by phone, e-mail or a new report).
ALTER TABLE cases ADD COLUMN awaiting_citizen boolean NOT NULL DEFAULT false;
-- Whether the reporter agreed to be contacted at the details they left (noted by the handler on a call).
ALTER TABLE cases ADD COLUMN contact_consent boolean;

-- How the citizen reached the city: a citizen app (Open311), a call, a visit, an e-mail, a web form, or another
-- system. Cases a system made through GraphQL before this migration are 'other'.
ALTER TABLE cases DROP CONSTRAINT cases_channel_check;
UPDATE cases SET channel = 'other' WHERE channel = 'graphql';
ALTER TABLE cases ADD CONSTRAINT cases_channel_check CHECK (channel IN ('open311', 'phone', 'walk-in', 'email', 'web', 'other'));

CREATE TRIGGER cases_version BEFORE UPDATE ON cases
FOR EACH ROW EXECUTE FUNCTION case_version();

-- A delivery the handler replaced (another recipient or channel while it was still failing) is cancelled, never sent.
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'delivered', 'dead', 'cancelled'));

-- The reports read a case's resolution with its other figures, from their covering indexes: made again to carry it.
DROP INDEX cases_report;
CREATE INDEX cases_report ON cases (created_at)
    INCLUDE (id, category, status, assignee, object_id, geom, forward_seconds, done_seconds, done_at, due_at, forwards, rejected_by, resolution);
DROP INDEX cases_report_rejected;
CREATE INDEX cases_report_rejected ON cases (created_at)
    INCLUDE (id, category, status, assignee, object_id, geom, forward_seconds, done_seconds, done_at, due_at, forwards, rejected_by, resolution)
    WHERE rejected_by IS NOT NULL;
