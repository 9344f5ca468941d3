-- Reports for planning and contractor oversight (issue 7): what comes in, where, and how fast it is handled.
--
-- A case keeps its own milestones, set by a trigger on every path that changes it (intake, forward, status,
-- rejection), so that handling times and overdue cases are read from one row per case, not from timelines.

-- Response times on contracts and subcontracts: task type (or '*' for every task the contract covers) → seconds.
ALTER TABLE map_objects ADD COLUMN response_times jsonb;

-- The views expand o.* when they are made: made again to carry the new column.
CREATE OR REPLACE VIEW current_map_objects AS
SELECT o.layer || ':' || o.source_id AS id, o.*
FROM map_objects o
JOIN layers l ON l.current_version = o.version_id;

CREATE OR REPLACE VIEW contracts AS
SELECT id, layer, source_id, name, contractor, commissioner, task_types, valid, covers, geom, response_times
FROM current_map_objects
WHERE kind = 'contract';

CREATE OR REPLACE VIEW subcontracts AS
SELECT id, layer, source_id, name, contract_ref, subcontractor, task_types, valid, geom, response_times
FROM current_map_objects
WHERE kind = 'subcontract';

ALTER TABLE cases
    -- The first forward: intake to forward is the contact centre's own time.
    ADD COLUMN forwarded_at timestamptz,
    -- The latest forward: the recipient's clock starts here.
    ADD COLUMN assigned_at  timestamptz,
    -- When the recipient (or the handler) last marked it done, or closed it without that.
    ADD COLUMN done_at      timestamptz,
    -- assigned_at plus the response time of the recipient's contract for the category; NULL: no response time.
    ADD COLUMN due_at       timestamptz,
    -- How many times it was forwarded: once and never rejected is a case resolved at first contact.
    ADD COLUMN forwards     smallint NOT NULL DEFAULT 0,
    -- The recipients that sent it back as not theirs, in order.
    ADD COLUMN rejected_by  text[];

-- The two handling times, in seconds, as stored numbers: a report sorts them (for its percentiles) without working
-- them out from timestamps for every case it counts.
ALTER TABLE cases
    ADD COLUMN forward_seconds double precision GENERATED ALWAYS AS (date_part('epoch', forwarded_at - created_at)) STORED,
    ADD COLUMN done_seconds    double precision GENERATED ALWAYS AS (date_part('epoch', done_at - assigned_at)) STORED;

-- Everything a report reads of a case, in the order cases came in: a report over a period reads a range of this index
-- and not the cases' wide rows (descriptions, suggestions), once the table's pages are all-visible (after a vacuum).
CREATE INDEX cases_report ON cases (created_at)
    INCLUDE (id, category, status, assignee, object_id, geom, forward_seconds, done_seconds, done_at, due_at, forwards, rejected_by);
-- With a long history the open cases are a small part of all: the inbox finds them, and their likely duplicates
-- nearby, without reading the closed ones (a million closed cases made the inbox take a minute).
CREATE INDEX cases_open_created ON cases (created_at, id) WHERE status NOT IN ('done', 'closed');
CREATE INDEX cases_open_geom ON cases USING gist (geom) WHERE status NOT IN ('done', 'closed', 'rejected');

-- The same for the few cases sent back, which a report reads a second time to count each rejection for its recipient.
CREATE INDEX cases_report_rejected ON cases (created_at)
    INCLUDE (id, category, status, assignee, object_id, geom, forward_seconds, done_seconds, done_at, due_at, forwards, rejected_by)
    WHERE rejected_by IS NOT NULL;

-- The response time a case's recipient owes under the contract or subcontract that the routing suggestion named. A
-- subcontractor owes its subcontract's time for the category (or the subcontract's time for the rest), else its
-- contract's; a contractor its contract's. A recipient the suggestion did not name (the handler chose another) owes
-- none.
CREATE FUNCTION case_response_time(c cases) RETURNS interval
LANGUAGE plpgsql STABLE AS $$
-- PL/pgSQL, not SQL: its plans are kept between calls (a SQL function is planned again on every intake).
DECLARE
    ref text;
    kind text;
    holder text;
    seconds double precision;
    subcontractor text;
BEGIN
    IF c.suggestion IS NULL OR c.assignee IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH ref IN ARRAY ARRAY[c.suggestion ->> 'subcontract', c.suggestion ->> 'contract'] LOOP
        CONTINUE WHEN ref IS NULL;
        SELECT o.kind, coalesce(o.subcontractor, o.contractor),
               (coalesce(o.response_times ->> c.category, o.response_times ->> '*'))::double precision
        INTO kind, holder, seconds
        FROM layers l
        JOIN map_objects o ON o.version_id = l.current_version AND o.source_id = substr(ref, length(split_part(ref, ':', 1)) + 2)
        WHERE l.name = split_part(ref, ':', 1);
        CONTINUE WHEN NOT FOUND;
        IF kind = 'subcontract' THEN
            subcontractor := holder;
        END IF;
        IF seconds IS NOT NULL AND (holder = c.assignee OR kind = 'contract' AND subcontractor = c.assignee) THEN
            RETURN make_interval(secs => seconds);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- The milestones, kept by every path that changes a case. A forward is a case going to a recipient (from received,
-- assigned or sent back, or to another recipient); done is when a recipient (or the handler) says so, or when the
-- handler closes a case a recipient still had. A case sent back owes nothing more to the recipient that sent it, and
-- a case taken up again is not done. A row inserted with its milestones already set (a generated history) keeps them.
CREATE FUNCTION case_milestones() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'forwarded'
       AND (TG_OP = 'INSERT' AND NEW.assigned_at IS NULL
            OR TG_OP = 'UPDATE' AND (OLD.status IN ('received', 'assigned', 'rejected') OR OLD.assignee IS DISTINCT FROM NEW.assignee)) THEN
        NEW.forwards := NEW.forwards + 1;
        NEW.forwarded_at := coalesce(NEW.forwarded_at, now());
        NEW.assigned_at := now();
        NEW.done_at := NULL;
        NEW.due_at := now() + case_response_time(NEW);
    ELSIF TG_OP = 'INSERT' THEN
        NULL;
    ELSIF NEW.status = 'done' AND OLD.status <> 'done' THEN
        NEW.done_at := now();
    ELSIF NEW.status = 'closed' AND OLD.status IN ('forwarded', 'in_progress') THEN
        NEW.done_at := now();
    ELSIF NEW.status = 'rejected' AND OLD.status <> 'rejected' THEN
        IF OLD.assignee IS NOT NULL THEN
            NEW.rejected_by := array_append(NEW.rejected_by, OLD.assignee);
        END IF;
        NEW.due_at := NULL;
        NEW.done_at := NULL;
    ELSIF NEW.status NOT IN ('done', 'closed') AND OLD.status IN ('done', 'closed') THEN
        NEW.done_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_milestones BEFORE INSERT OR UPDATE OF status, assignee ON cases
FOR EACH ROW EXECUTE FUNCTION case_milestones();

-- The cases taken in before this migration get their milestones from their timelines: the first and the latest
-- forward, how many, who sent them back, and, for a case done or closed now, the first time it was done or closed
-- after its latest forward. No due times: no contract had a response time before this migration.
UPDATE cases c SET
    forwarded_at = m.first_forward,
    assigned_at  = m.last_forward,
    done_at      = CASE WHEN c.status IN ('done', 'closed') THEN
                       (SELECT min(e.at) FROM case_events e
                        WHERE e.case_id = c.id AND e.kind = 'status' AND e.data ->> 'to' IN ('done', 'closed')
                          AND (m.last_forward IS NULL OR e.at >= m.last_forward)) END,
    forwards     = m.forwards,
    rejected_by  = m.rejected_by
FROM (
    SELECT e.case_id,
           min(e.at) FILTER (WHERE e.kind = 'forwarded') AS first_forward,
           max(e.at) FILTER (WHERE e.kind = 'forwarded') AS last_forward,
           count(*) FILTER (WHERE e.kind = 'forwarded') AS forwards,
           array_agg(e.data ->> 'by' ORDER BY e.id) FILTER (WHERE e.kind = 'rejected' AND e.data ->> 'by' IS NOT NULL) AS rejected_by
    FROM case_events e
    GROUP BY e.case_id
) m
WHERE m.case_id = c.id;

-- Which area (of every area layer's serving version) each case lies in, for reports by district or any area layer.
-- A layer version is placed whole once (case_areas_refresh, by the server in the background after an import) and
-- marked; from then on each new case is placed as it is inserted (one join per statement: an intake, or a COPY of a
-- generated history), and a case that moves is placed again at once (the triggers below).
CREATE TABLE case_areas (
    version_id integer NOT NULL REFERENCES layer_versions (id) ON DELETE CASCADE,
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    area       text NOT NULL,
    -- The case's intake time (which never changes), so that a report over a period reads only that period's rows.
    created_at timestamptz NOT NULL,
    PRIMARY KEY (version_id, case_id, area)
);
CREATE INDEX case_areas_case ON case_areas (case_id);
CREATE INDEX case_areas_created ON case_areas (created_at) INCLUDE (case_id, version_id, area);

CREATE TABLE case_area_marks (
    version_id   integer PRIMARY KEY REFERENCES layer_versions (id) ON DELETE CASCADE,
    through_case bigint NOT NULL
);

-- Places the cases not yet placed in the serving versions of the area layers. Cases taken in during the last five
-- minutes are placed again on every call (the server calls it every few minutes), so that a case whose transaction
-- was still open when its version was marked is never skipped.
CREATE FUNCTION case_areas_refresh() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v integer;
    mark bigint;
    settled bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7207001);
    -- Versions that no longer serve (a layer imported again) are forgotten.
    FOR v IN DELETE FROM case_area_marks m
             WHERE NOT EXISTS (SELECT 1 FROM layers l WHERE l.current_version = m.version_id AND l.kind = 'area')
             RETURNING m.version_id LOOP
        DELETE FROM case_areas WHERE version_id = v;
    END LOOP;
    SELECT coalesce(max(id), 0) INTO settled FROM cases WHERE created_at < now() - interval '5 minutes';
    FOR v IN SELECT current_version FROM layers WHERE kind = 'area' AND current_version IS NOT NULL LOOP
        SELECT through_case INTO mark FROM case_area_marks WHERE version_id = v;
        mark := coalesce(mark, 0);
        INSERT INTO case_areas (version_id, case_id, area, created_at)
        SELECT v, c.id, a.source_id, c.created_at
        FROM cases c
        JOIN map_objects a ON a.version_id = v AND ST_Intersects(a.geom, c.geom)
        WHERE c.id > mark
        ON CONFLICT DO NOTHING;
        INSERT INTO case_area_marks (version_id, through_case) VALUES (v, greatest(mark, settled))
        ON CONFLICT (version_id) DO UPDATE SET through_case = excluded.through_case;
    END LOOP;
END
$$;

-- New cases are placed in the versions already marked, a statement's rows in one join.
CREATE FUNCTION case_areas_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v integer;
BEGIN
    -- One placed version at a time, so that each join reads that version's partition and its index only.
    FOR v IN SELECT version_id FROM case_area_marks LOOP
        INSERT INTO case_areas (version_id, case_id, area, created_at)
        SELECT v, n.id, a.source_id, n.created_at
        FROM inserted n
        JOIN map_objects a ON a.version_id = v AND ST_Intersects(a.geom, n.geom)
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_areas_insert AFTER INSERT ON cases
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION case_areas_insert();

-- A case that moves is placed again in every version already marked. It waits for a placement under way (the same
-- lock), which may have read the case where it was: then its rows are replaced here, not left beside the new ones.
CREATE FUNCTION case_areas_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7207001);
    DELETE FROM case_areas WHERE case_id = NEW.id;
    INSERT INTO case_areas (version_id, case_id, area, created_at)
    SELECT m.version_id, NEW.id, a.source_id, NEW.created_at
    FROM case_area_marks m
    JOIN map_objects a ON a.version_id = m.version_id AND ST_Intersects(a.geom, NEW.geom)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_areas_move AFTER UPDATE OF geom ON cases
FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom) EXECUTE FUNCTION case_areas_move();
