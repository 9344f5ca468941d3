-- A queued case leaves the queue only with its placement (replaces migration 0026's case_areas_place_pending).
--
-- 0026 took the whole queue off first and then placed the cases it had taken with a join the planner was free to drive
-- from the areas: for each area, a scan of the cases' spatial index (cases_geom) filtered by the taken ids. Under
-- concurrent intake and status changes (new index entries on the same points, page splits) a test caught a case taken
-- off the queue by a committed placement that placed it nowhere, although its point lies in a district
-- (CaseAreaQueueTests, about one run in ten of the whole suite); the report then counted it in no district.
--
-- Now the queued cases are first read by their key; each is placed by testing its own point against the areas of every
-- marked version (the areas' index, which only an import writes); and the queue rows of exactly the cases read are
-- taken off, in the same transaction. A queued case not read (its row not visible yet) stays queued for the next call.
CREATE OR REPLACE FUNCTION case_areas_place_pending() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v integer;
    found bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(7207001);
    -- The queued cases, read by their key. Only this function takes rows off the queue, under the lock, and a case
    -- row once read stays readable (cases are never deleted), so each statement below sees these cases.
    SELECT array_agg(c.id) INTO found FROM cases c WHERE c.id IN (SELECT p.case_id FROM case_areas_pending p);
    IF found IS NULL THEN
        RETURN 0;
    END IF;
    -- One marked version at a time (its partition only), each case's point tested against its areas. OFFSET 0 keeps
    -- the probe per case: the planner may not turn the join into a scan of the cases' spatial index per area.
    FOR v IN SELECT version_id FROM case_area_marks LOOP
        INSERT INTO case_areas (version_id, case_id, area, created_at)
        SELECT v, c.id, a.source_id, c.created_at
        FROM cases c
        CROSS JOIN LATERAL (
            SELECT o.source_id FROM map_objects o WHERE o.version_id = v AND ST_Intersects(o.geom, c.geom) OFFSET 0
        ) a
        WHERE c.id = ANY (found)
        ON CONFLICT DO NOTHING;
    END LOOP;
    DELETE FROM case_areas_pending WHERE case_id = ANY (found);
    RETURN cardinality(found);
END
$$;
