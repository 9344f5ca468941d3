-- Where EPSG says each of its CRSs may be used, from PROJ's database (proj.db, Debian's proj-data), for the importer's
-- check of coordinates: PostGIS's spatial_ref_sys does not carry it. Regenerate AreasOfUse.tsv beside this file with
--   sqlite3 /usr/share/proj/proj.db < src/Importers/Reprojection/AreasOfUse.sql > src/Importers/Reprojection/AreasOfUse.tsv
-- (AreasOfUseTests runs this query against the machine's proj.db and compares.)
--
-- One row per EPSG geographic 2D or projected CRS: its area (the union of the bounding boxes of its usages, in degrees;
-- one that crosses the antimeridian counts as every longitude) and, where it differs, the area of its series of zones:
-- the CRSs on the same geographic CRS with the same projection method and parameters but the central meridian and the
-- false easting (the UTM zones, the Finnish GK zones, the SWEREF 99 local zones). EPSG's zones are nominal: a
-- municipality may use one zone over its whole extent, and Norway and Denmark use one UTM zone nationwide, so the
-- importer refuses only coordinates outside the series' area. Finally the name of the largest of the CRS's extents.
.mode tabs
.headers on
WITH crs AS (
    SELECT 'geodetic_crs' AS tbl, code, deprecated, NULL AS series
    FROM geodetic_crs
    WHERE auth_name = 'EPSG' AND type = 'geographic 2D'
    UNION ALL
    SELECT 'projected_crs', p.code, p.deprecated,
           -- Longitudes of origin (8802, 8812, 8822, 8833) and false eastings (8806, 8816, 8826) tell zones apart; a zero is
           -- a zero whatever its unit.
           p.geodetic_crs_auth_name || ':' || p.geodetic_crs_code || ' ' || c.method_code
           || ' ' || coalesce(CASE WHEN c.param1_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param1_value = 0 THEN c.param1_code || '=0' ELSE c.param1_code || '=' || c.param1_value || c.param1_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param2_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param2_value = 0 THEN c.param2_code || '=0' ELSE c.param2_code || '=' || c.param2_value || c.param2_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param3_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param3_value = 0 THEN c.param3_code || '=0' ELSE c.param3_code || '=' || c.param3_value || c.param3_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param4_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param4_value = 0 THEN c.param4_code || '=0' ELSE c.param4_code || '=' || c.param4_value || c.param4_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param5_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param5_value = 0 THEN c.param5_code || '=0' ELSE c.param5_code || '=' || c.param5_value || c.param5_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param6_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param6_value = 0 THEN c.param6_code || '=0' ELSE c.param6_code || '=' || c.param6_value || c.param6_uom_code END, '')
           || ' ' || coalesce(CASE WHEN c.param7_code IN (8802, 8812, 8822, 8833, 8806, 8816, 8826) THEN '' WHEN c.param7_value = 0 THEN c.param7_code || '=0' ELSE c.param7_code || '=' || c.param7_value || c.param7_uom_code END, '')
    FROM projected_crs p
    JOIN conversion_table c ON c.auth_name = p.conversion_auth_name AND c.code = p.conversion_code
    WHERE p.auth_name = 'EPSG'
),
extents AS (
    SELECT crs.code, crs.deprecated, crs.series, e.name, e.south_lat AS south, e.north_lat AS north,
           CASE WHEN e.west_lon > e.east_lon THEN -180 ELSE e.west_lon END AS west,
           CASE WHEN e.west_lon > e.east_lon THEN 180 ELSE e.east_lon END AS east
    FROM crs
    JOIN usage u ON u.object_table_name = crs.tbl AND u.object_auth_name = 'EPSG' AND u.object_code = crs.code
    JOIN extent e ON e.auth_name = u.extent_auth_name AND e.code = u.extent_code
    -- A few deprecated extents have no bounds.
    WHERE e.west_lon IS NOT NULL AND e.south_lat IS NOT NULL AND e.east_lon IS NOT NULL AND e.north_lat IS NOT NULL
),
own AS (
    SELECT code, deprecated, series, min(west) AS west, min(south) AS south, max(east) AS east, max(north) AS north,
           (SELECT x.name FROM extents x WHERE x.code = extents.code ORDER BY (x.east - x.west) * (x.north - x.south) DESC, x.name LIMIT 1) AS area
    FROM extents
    GROUP BY code
),
series AS (
    SELECT series, min(west) AS west, min(south) AS south, max(east) AS east, max(north) AS north
    FROM own
    WHERE series IS NOT NULL
    GROUP BY series
)
SELECT own.code, own.deprecated, own.west, own.south, own.east, own.north,
       CASE WHEN (s.west, s.south, s.east, s.north) IS NOT (own.west, own.south, own.east, own.north) THEN s.west END AS series_west,
       CASE WHEN (s.west, s.south, s.east, s.north) IS NOT (own.west, own.south, own.east, own.north) THEN s.south END AS series_south,
       CASE WHEN (s.west, s.south, s.east, s.north) IS NOT (own.west, own.south, own.east, own.north) THEN s.east END AS series_east,
       CASE WHEN (s.west, s.south, s.east, s.north) IS NOT (own.west, own.south, own.east, own.north) THEN s.north END AS series_north,
       own.area
FROM own
LEFT JOIN series s ON s.series = own.series
ORDER BY CAST(own.code AS INTEGER);
