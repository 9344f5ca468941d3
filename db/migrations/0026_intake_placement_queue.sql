-- Intake with reports, cheaper (issue 18 part 2): a new case is no longer placed in the area layers by the statement
-- that inserts it. The insert queues it (one narrow row), and the server places the queue every second. Reports stay
-- exact: a report reads, in one snapshot, the placed cases from case_areas and the queued ones by testing their points
-- against the areas there and then (CaseStatistics); placing moves a case from the queue to case_areas in one
-- transaction, so a report sees each case once, on one side or the other.

-- The cases inserted but not yet placed. No index and no foreign key: it is written once per case and read whole.
CREATE TABLE case_areas_pending (
    case_id    bigint NOT NULL,
    created_at timestamptz NOT NULL
) WITH (autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_scale_factor = 0);

-- Replaces the placement at insert (migration 0009): the statement's new cases are queued.
CREATE OR REPLACE FUNCTION case_areas_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_areas_pending (case_id, created_at) SELECT n.id, n.created_at FROM inserted n;
    RETURN NULL;
END
$$;

-- The cases queued so far, placed in every version already marked (the cases of a version not yet marked are placed
-- by case_areas_refresh when it marks it), and taken off the queue, in one transaction. Under the placement's lock, so
-- that a move or a refresh under way is waited for; a case queued by a transaction still open is left for the next
-- call. Returns how many cases it placed.
CREATE FUNCTION case_areas_place_pending() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v integer;
    ids bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(7207001);
    WITH queued AS (DELETE FROM case_areas_pending RETURNING case_id)
    SELECT array_agg(DISTINCT case_id) INTO ids FROM queued;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    -- One placed version at a time, so that each join reads that version's partition and its index only.
    FOR v IN SELECT version_id FROM case_area_marks LOOP
        INSERT INTO case_areas (version_id, case_id, area, created_at)
        SELECT v, c.id, a.source_id, c.created_at
        FROM cases c
        JOIN map_objects a ON a.version_id = v AND ST_Intersects(a.geom, c.geom)
        WHERE c.id = ANY (ids)
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN cardinality(ids);
END
$$;

-- The cases already inserted by the old trigger are placed; there is nothing to queue for them.

-- Reports read the recent cases through cases_report's index only once their pages are marked all-visible, which
-- only a vacuum does. By default an insert-only table is vacuumed after a fifth of its size in new rows: 200,000 new
-- cases on a history of a million, so the recent months, which reports read most, were read from the table's wide
-- rows. Now after every 10,000 new cases (PostgreSQL's insert threshold) plus a hundredth of the history.
ALTER TABLE cases SET (autovacuum_vacuum_insert_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0.01);
