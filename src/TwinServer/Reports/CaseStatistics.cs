using System.Globalization;
using System.Text;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Reports;

/// <summary>
/// Reports on cases for planning and contractor oversight, computed in PostgreSQL from each case's milestones
/// (migration 0009): counts by category, district or any area layer, recipient, status, object and period, with
/// handling-time percentiles, overdue cases against contract response times, and rejections.
/// </summary>
public sealed class CaseStatistics(NpgsqlDataSource dataSource, TimeProvider time, Microsoft.Extensions.Options.IOptions<ReportOptions> options,
    CaseAreaPlacement placement)
{
    public const int MaxGroups = 10_000, MaxCells = 20_000;

    /// <summary>Where days, weeks and months begin unless a report says otherwise (Reports:TimeZone).</summary>
    public string TimeZone => options.Value.TimeZone;

    public async Task<CaseStatisticsResult> QueryAsync(CaseStatisticsQuery query, CancellationToken cancellationToken)
    {
        var dimensions = query.GroupBy.Distinct().ToList();
        if (query.First is < 1 or > MaxGroups)
            throw new TwinException(ErrorCodes.BadPageSize, $"first must be 1 to {MaxGroups:N0}; it was {query.First}.");
        if (dimensions.Count(d => d is CaseDimension.Day or CaseDimension.Week or CaseDimension.Month) > 1)
            throw new TwinException(ErrorCodes.BadGrouping, "Group by one period at most: DAY, WEEK or MONTH.");
        if (dimensions.Contains(CaseDimension.District) && dimensions.Contains(CaseDimension.Area))
            throw new TwinException(ErrorCodes.BadGrouping, "Group by DISTRICT or by AREA, not both.");
        if (dimensions.Contains(CaseDimension.Area) && query.AreaLayer is null)
            throw new TwinException(ErrorCodes.BadGrouping, "Grouping by AREA needs areaLayer: the area layer whose areas to count in.");
        var timeZone = query.TimeZone ?? TimeZone;
        CheckFilter(query.Filter, timeZone);
        await CheckAreaAsync(query.Filter, cancellationToken);

        int? areaVersion = null;
        if (dimensions.Contains(CaseDimension.Area))
        {
            await using var layer = dataSource.CreateCommand("SELECT kind, current_version FROM layers WHERE name = $1");
            layer.Parameters.AddWithValue(query.AreaLayer!);
            await using var reader = await layer.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(1))
                throw new TwinException(ErrorCodes.UnknownLayer, $"There is no layer '{query.AreaLayer}' serving.");
            if (reader.GetString(0) != "area")
                throw new TwinException(ErrorCodes.BadGrouping, $"'{query.AreaLayer}' is a {reader.GetString(0)} layer; cases are counted by the areas of an area layer.");
            areaVersion = reader.GetInt32(1);
        }
        // A freshly imported area layer is placed for every case first (once; later cases are placed as they come in).
        if (dimensions.Contains(CaseDimension.District) || areaVersion is not null) await placement.EnsurePlacedAsync(cancellationToken);

        // The total and the groups are two statements, run side by side on their own connections: each sorts only its
        // own handling times, and the machine's cores share the work.
        var now = time.GetUtcNow();
        async Task<List<CaseStatisticsGroup>> RunAsync(IReadOnlyList<CaseDimension> by)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The handling times are sorted in memory rather than on disk.
            await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '64MB'", connection, transaction)) await memory.ExecuteNonQueryAsync(cancellationToken);
            await using var command = new NpgsqlCommand(Sql(by, query.WithTimes), connection, transaction);
            AddFilterParameters(command, query.Filter, query.Organisation, timeZone);
            command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz }); // $10
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)areaVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer }); // $11
            command.Parameters.AddWithValue(query.First + 1); // $12
            var rows = new List<CaseStatisticsGroup>();
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = new CaseGroupKey(
                        reader.GetStringOrNull(0), reader.GetStringOrNull(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetStringOrNull(5), reader.GetStringOrNull(6),
                        reader.GetStringOrNull(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8));
                    rows.Add(new CaseStatisticsGroup(key, ReadCounts(reader, GathersTimes(by))));
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidParameterValue && e.MessageText.Contains("time zone", StringComparison.Ordinal))
            {
                throw new TwinException(ErrorCodes.BadTimeZone, $"PostgreSQL does not know the time zone '{timeZone}': {e.MessageText}");
            }
            catch (PostgresException e) when (query.Filter.Within is not null && e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.InvalidParameterValue)
            {
                throw TwinException.UnreadableArea(e.MessageText);
            }
            return rows;
        }
        var totalTask = query.WithTotal || dimensions.Count == 0 ? RunAsync([]) : Task.FromResult(new List<CaseStatisticsGroup>());
        var groupsTask = dimensions.Count > 0 ? RunAsync(dimensions) : Task.FromResult(new List<CaseStatisticsGroup>());
        await Task.WhenAll(totalTask, groupsTask);
        var total = totalTask.Result.Select(r => r.Counts).FirstOrDefault() ?? Empty;
        var groups = groupsTask.Result;
        var truncated = groups.Count > query.First;
        if (truncated) groups.RemoveAt(groups.Count - 1);
        return new CaseStatisticsResult(total, groups, truncated, now);
    }

    /// <summary>
    /// Cases counted in square cells of an equal-area grid (the storage CRS, EPSG:3035), for a heat map: cells of the same size hold the
    /// same ground everywhere, so their counts compare. Only cells with cases are returned.
    /// </summary>
    public async Task<CaseDensity> DensityAsync(CaseStatisticsFilter filter, double cellMetres, string? organisation, CancellationToken cancellationToken)
    {
        if (!double.IsFinite(cellMetres) || cellMetres is < 10 or > 100_000)
            throw new TwinException(ErrorCodes.BadCellSize, $"cellMetres is 10 to 100,000; it was {cellMetres.ToString(CultureInfo.InvariantCulture)}.");
        CheckFilter(filter, "UTC");
        await CheckAreaAsync(filter, cancellationToken);
        await using var command = dataSource.CreateCommand($"""
            WITH {FilteredCases},
            cells AS (
                SELECT floor(ST_X(f.geom) / $10) AS i, floor(ST_Y(f.geom) / $10) AS j, count(*) AS cases
                FROM f
                WHERE ($8::text IS NULL OR f.assignee = $8) AND ($7::text[] IS NULL OR f.assignee = ANY ($7))
                  AND ($4::text[] IS NULL OR f.status = ANY ($4))
                GROUP BY 1, 2
            )
            SELECT ST_X(p), ST_Y(p), cases, sum(cases) OVER ()
            FROM cells, ST_Transform(ST_SetSRID(ST_MakePoint((i + 0.5) * $10, (j + 0.5) * $10), twin_storage_srid()), 4326) AS p
            ORDER BY cases DESC
            LIMIT {MaxCells + 1}
            """);
        AddFilterParameters(command, filter, organisation, "UTC");
        command.Parameters.AddWithValue(cellMetres); // $10
        var cells = new List<DensityCell>();
        long all = 0;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cells.Add(new DensityCell(Math.Round(reader.GetDouble(0), 6), Math.Round(reader.GetDouble(1), 6), reader.GetInt64(2)));
                all = (long)reader.GetDecimal(3);
            }
        }
        catch (PostgresException e) when (filter.Within is not null && e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.InvalidParameterValue)
        {
            throw TwinException.UnreadableArea(e.MessageText);
        }
        if (cells.Count > MaxCells)
            throw new TwinException(ErrorCodes.TooManyCells, $"Those cases fill more than {MaxCells:N0} cells of {cellMetres.ToString(CultureInfo.InvariantCulture)} m; ask for larger cells or a smaller area.");
        return new CaseDensity(cellMetres, all, cells);
    }

    private static readonly CaseCounts Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null);

    /// <summary>
    /// The cases the filter keeps, as the CTE <c>f</c> (inlined where it is used: the cases' rows once, and the few sent
    /// back through their own partial index, rather than every case copied aside first). $1 from, $2 until, $3 categories, $5 area object id,
    /// $6 GeoJSON area, $7 recipients, $8 the contractor asking, $9 the time zone; $4 (statuses) is applied where the
    /// cases are counted, since a rejection counts as rejected whatever became of its case.
    /// </summary>
    private const string FilteredCases = """
        area AS (
            SELECT o.geom, o.version_id, o.source_id,
                   l.kind = 'area' AND EXISTS (SELECT FROM case_area_marks m WHERE m.version_id = o.version_id) AS placed
            FROM map_objects o JOIN layers l ON l.current_version = o.version_id
            WHERE l.name = twin_object_layer($5) AND o.source_id = twin_object_source($5)
        ),
        f AS NOT MATERIALIZED (
            SELECT c.id, c.category, c.assignee, c.status, c.object_id, c.geom, c.created_at, c.forward_seconds, c.done_seconds,
                   c.done_at, c.due_at, c.forwards, c.rejected_by, c.resolution
            FROM cases c
            WHERE ($1::timestamptz IS NULL OR c.created_at >= $1)
              AND ($2::timestamptz IS NULL OR c.created_at < $2)
              AND ($3::text[] IS NULL OR c.category = ANY ($3))
              -- An area of a placed area layer: its cases are those placed in it (the same test, made once per case at
              -- intake); any other object (a contract area, a park): tested here.
              AND ($5::text IS NULL OR CASE WHEN (SELECT placed FROM area)
                  THEN c.id IN (SELECT ca.case_id FROM case_areas ca JOIN area a ON ca.version_id = a.version_id AND ca.area = a.source_id
                                WHERE ($1::timestamptz IS NULL OR ca.created_at >= $1) AND ($2::timestamptz IS NULL OR ca.created_at < $2))
                       -- The cases still queued for placement (migration 0026), tested here as placing them will.
                       OR c.id IN (SELECT p.case_id FROM case_areas_pending p) AND ST_Intersects(c.geom, (SELECT geom FROM area))
                  ELSE ST_Intersects(c.geom, (SELECT geom FROM area)) END)
              AND ($6::text IS NULL OR ST_Intersects(c.geom, (SELECT ST_Transform(ST_GeomFromGeoJSON($6), twin_storage_srid()))))
              AND ($7::text[] IS NULL OR c.assignee = ANY ($7) OR c.rejected_by && $7)
              AND ($8::text IS NULL OR c.assignee = $8 OR $8 = ANY (c.rejected_by))
        )
        """;

    /// <summary>
    /// The report's SQL for these dimensions: only whitelisted expressions are put together here; every value is a
    /// parameter. One row per case, and one per rejection (counted for the recipient that made it); no dimensions: the
    /// total. Named areas and objects are joined to the few groups kept, at the end.
    /// </summary>
    private static string Sql(IReadOnlyList<CaseDimension> dimensions, bool withTimes)
    {
        string Expression(CaseDimension d) => d switch
        {
            CaseDimension.Category => "r.category",
            CaseDimension.Recipient => "r.recipient",
            CaseDimension.Status => "r.status",
            CaseDimension.District => "dd.district",
            CaseDimension.Area => "aa.area",
            CaseDimension.Object => "r.object_id",
            _ => throw new ArgumentOutOfRangeException(nameof(d)),
        };
        string Column(CaseDimension d) => dimensions.Contains(d) ? Expression(d) : "NULL";
        // A period (one at most) is not an expression per case: each period is counted on its own (below).
        CaseDimension? period = dimensions.Any(IsPeriod) ? dimensions.First(IsPeriod) : null;
        var periodic = period is not null;

        var sql = new StringBuilder();
        sql.Append("WITH ").Append(FilteredCases).Append("""
            ,
            -- The districts: the areas of type district of the serving area layers (a handful of rows). Read layer by
            -- layer (OFFSET 0 keeps the subquery apart), so that only the area layers' partitions are read: joined
            -- whole, every partition was scanned, a second and a half of a city's million parcels and buildings.
            districts AS MATERIALIZED (
                SELECT o.version_id, o.source_id, twin_object_id(o.layer, o.source_id) AS id, o.geom
                FROM layers l
                CROSS JOIN LATERAL (SELECT * FROM map_objects o WHERE o.version_id = l.current_version AND o.type = 'district' OFFSET 0) o
                WHERE l.kind = 'area'
            ),
            -- A row per case (its recipient: who has it now), and a row per rejection (its recipient: who sent it back,
            -- its status: rejected, whatever became of the case since; it counts only as a rejection).
            r AS (
                SELECT f.id, f.category, f.status, f.object_id, f.created_at, f.forward_seconds, f.done_seconds, f.done_at, f.due_at,
                       f.forwards, f.rejected_by, f.resolution, f.assignee AS recipient, false AS rejection
                FROM f
                WHERE ($4::text[] IS NULL OR f.status = ANY ($4))
                  AND ($7::text[] IS NULL OR f.assignee = ANY ($7)) AND ($8::text IS NULL OR f.assignee = $8)
                UNION ALL
                SELECT f.id, f.category, 'rejected', f.object_id, f.created_at, NULL, NULL, NULL, NULL, f.forwards, f.rejected_by, NULL, x.recipient, true
                FROM f CROSS JOIN LATERAL unnest(f.rejected_by) AS x (recipient)
                WHERE f.rejected_by IS NOT NULL AND ($4::text[] IS NULL OR 'rejected' = ANY ($4))
                  AND ($7::text[] IS NULL OR x.recipient = ANY ($7)) AND ($8::text IS NULL OR x.recipient = $8)
            ),

            """).Append('\n');
        // By day, week or month: the periods are made first (from the report's period, or the history's first and
        // last case), and each is counted on its own, its cases read as one range of cases_report. So no case's
        // time is truncated in the time zone (a second for a million cases) and the million are not sorted by
        // period before being counted.
        if (periodic)
        {
            var (field, step) = period switch { CaseDimension.Day => ("day", "1 day"), CaseDimension.Week => ("week", "1 week"), _ => ("month", "1 month") };
            sql.Append(CultureInfo.InvariantCulture, $"""
                periods AS MATERIALIZED (
                    SELECT s::date AS period, s AT TIME ZONE $9 AS since, (s + interval '{step}') AT TIME ZONE $9 AS until
                    FROM generate_series(
                        date_trunc('{field}', greatest($1::timestamptz, (SELECT min(created_at) FROM cases)), $9) AT TIME ZONE $9,
                        least($2::timestamptz, (SELECT max(created_at) FROM cases)) AT TIME ZONE $9,
                        interval '{step}') AS s
                ),
                g AS (
                    SELECT x.*, pe.period AS k_period
                    FROM periods pe CROSS JOIN LATERAL (
                    SELECT

                """);
        }
        else
        {
            sql.Append("g AS (\n    SELECT\n");
        }
        var keys = new[] { CaseDimension.Category, CaseDimension.Recipient, CaseDimension.Status, CaseDimension.District, CaseDimension.Area, CaseDimension.Object };
        foreach (var key in keys) sql.Append(Column(key)).Append(" AS k_").Append(key.ToString().ToLowerInvariant()).Append(", ");
        if (!periodic) sql.Append("NULL::date AS k_period,");
        sql.Append('\n');
        sql.Append("""
                    count(*) FILTER (WHERE NOT r.rejection) AS cases,
                    count(*) FILTER (WHERE NOT r.rejection AND r.status NOT IN ('done', 'closed')) AS open,
                    count(*) FILTER (WHERE NOT r.rejection AND r.status IN ('done', 'closed')) AS resolved,
                    count(*) FILTER (WHERE NOT r.rejection AND r.forwards > 0) AS forwarded,
                    -- Resolved at first contact: forwarded once to the right recipient, or answered and closed by the handler.
                    count(*) FILTER (WHERE NOT r.rejection AND (r.forwards = 1 AND r.rejected_by IS NULL OR r.resolution IS NOT NULL)) AS first_contact,
                    count(*) FILTER (WHERE NOT r.rejection AND r.resolution IS NOT NULL) AS answered,
                    count(*) FILTER (WHERE NOT r.rejection AND r.due_at IS NOT NULL) AS with_deadline,
                    count(*) FILTER (WHERE NOT r.rejection AND r.status IN ('forwarded', 'in_progress') AND r.due_at < $10) AS overdue,
                    count(*) FILTER (WHERE NOT r.rejection AND r.done_at > r.due_at) AS late,
                    count(*) FILTER (WHERE r.rejection) AS rejections,
            """).Append('\n');
        // The handling times' percentiles. Of groups, from each group's times gathered here and worked out on our side
        // (Percentiles) for the groups kept: an ordered-set aggregate such as percentile_cont cannot be hashed, so it
        // had every case sorted by its group first (a million rows, for a question over the whole history), worked
        // out times for groups then dropped, and sorted each group's times again. Without groups (the total, or each
        // period on its own) nothing is sorted but the times, and percentile_cont does that at once.
        var grouped = dimensions.Where(d => d != period).Select(Expression).ToList();
        sql.Append(!withTimes ? "NULL::float8[] AS forward_seconds, NULL::float8[] AS done_seconds"
            : GathersTimes(dimensions)
                ? """
                    array_agg(r.forward_seconds) FILTER (WHERE NOT r.rejection AND r.forward_seconds IS NOT NULL) AS forward_seconds,
                    array_agg(r.done_seconds) FILTER (WHERE NOT r.rejection AND r.done_seconds IS NOT NULL) AS done_seconds
                  """
                : """
                    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY r.forward_seconds) FILTER (WHERE NOT r.rejection AND r.forward_seconds IS NOT NULL) AS forward_seconds,
                    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY r.done_seconds) FILTER (WHERE NOT r.rejection AND r.done_seconds IS NOT NULL) AS done_seconds
                  """).Append('\n');
        sql.Append("FROM r\n");
        // A case's district or area, from case_areas: only its rows of the report's period are read (each row carries
        // its case's intake time), so a short period stays quick on a long history. The cases still queued for
        // placement (the last second's, migration 0026) are placed here as placing them will (in the same snapshot: a
        // case is either queued or placed), except where a placement of a new layer version has placed them already.
        var areaPeriod = "($1::timestamptz IS NULL OR ca.created_at >= $1) AND ($2::timestamptz IS NULL OR ca.created_at < $2)"
            + (periodic ? " AND ca.created_at >= pe.since AND ca.created_at < pe.until" : "");
        if (dimensions.Contains(CaseDimension.District))
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                LEFT JOIN (
                    SELECT ca.case_id, d.id AS district
                    FROM case_areas ca JOIN districts d ON d.version_id = ca.version_id AND d.source_id = ca.area
                    WHERE {areaPeriod}
                    UNION ALL
                    SELECT p.case_id, d.id
                    FROM case_areas_pending p JOIN cases pc ON pc.id = p.case_id JOIN districts d ON ST_Intersects(d.geom, pc.geom)
                    WHERE NOT EXISTS (SELECT FROM case_areas x WHERE x.version_id = d.version_id AND x.case_id = p.case_id AND x.area = d.source_id)
                ) dd ON dd.case_id = r.id

                """);
        }
        if (dimensions.Contains(CaseDimension.Area))
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                LEFT JOIN (
                    SELECT ca.case_id, ca.area FROM case_areas ca WHERE ca.version_id = $11 AND {areaPeriod}
                    UNION ALL
                    SELECT p.case_id, o.source_id
                    FROM case_areas_pending p JOIN cases pc ON pc.id = p.case_id
                    JOIN map_objects o ON o.version_id = $11 AND ST_Intersects(o.geom, pc.geom)
                    WHERE NOT EXISTS (SELECT FROM case_areas x WHERE x.version_id = $11 AND x.case_id = p.case_id AND x.area = o.source_id)
                ) aa ON aa.case_id = r.id

                """);
        }
        if (periodic) sql.Append("WHERE r.created_at >= pe.since AND r.created_at < pe.until\n");
        if (grouped.Count > 0) sql.Append(CultureInfo.InvariantCulture, $"GROUP BY {string.Join(", ", grouped)}\n");
        // A period without cases has no row, as when grouped (a count without groups would give it one).
        if (periodic) sql.Append("HAVING count(*) > 0\n) x\n");
        sql.Append(")\n");

        // Names of the areas and objects of the groups kept; $11 is the area layer's version.
        var areaName = dimensions.Contains(CaseDimension.District)
            ? "(SELECT o.name FROM map_objects o JOIN layers l ON l.current_version = o.version_id WHERE l.name = twin_object_layer(g.k_district) AND o.source_id = twin_object_source(g.k_district))"
            : dimensions.Contains(CaseDimension.Area)
                ? "(SELECT o.name FROM map_objects o WHERE o.version_id = $11 AND o.source_id = g.k_area)"
                : "NULL";
        var areaId = dimensions.Contains(CaseDimension.District) ? "g.k_district"
            : dimensions.Contains(CaseDimension.Area) ? "twin_object_id((SELECT layer FROM layer_versions WHERE id = $11), g.k_area)" : "NULL";
        // In time order when grouped by a period, else the biggest first; the cases in no area or about no object last.
        var order = (periodic ? "g.k_period, " : "") + "g.k_district IS NULL, g.k_area IS NULL, g.k_object IS NULL, g.cases DESC, g.rejections DESC";
        sql.Append(CultureInfo.InvariantCulture, $"""
            SELECT g.k_category, g.k_recipient, g.k_status, {areaId}, {areaName}, g.k_object, ob.name, ob.type, g.k_period,
                   g.cases, g.open, g.resolved, g.forwarded, g.first_contact, g.with_deadline, g.overdue, g.late, g.rejections,
                   g.forward_seconds, g.done_seconds, g.answered
            FROM (SELECT * FROM g ORDER BY {order.Replace("g.", "", StringComparison.Ordinal)} LIMIT $12) g
            LEFT JOIN LATERAL (
                SELECT o.name, o.type FROM map_objects o JOIN layers l ON l.current_version = o.version_id
                WHERE g.k_object IS NOT NULL AND l.name = twin_object_layer(g.k_object)
                  AND o.source_id = twin_object_source(g.k_object)
            ) ob ON true
            ORDER BY {order}
            """);
        return sql.ToString();
    }

    /// <summary>An area asked for must be a map object that serves now: an unknown id is an error, not zero cases.</summary>
    private async Task CheckAreaAsync(CaseStatisticsFilter filter, CancellationToken cancellationToken)
    {
        if (filter.AreaId is not { } id) return;
        await using var command = dataSource.CreateCommand("""
            SELECT EXISTS (SELECT FROM map_objects o JOIN layers l ON l.current_version = o.version_id
                           WHERE l.name = twin_object_layer($1) AND o.source_id = twin_object_source($1) AND o.geom IS NOT NULL)
            """);
        command.Parameters.AddWithValue(id);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            throw new TwinException(ErrorCodes.BadArea, $"There is no map object '{id}' with a geometry serving now (area is layer:id, e.g. sthlm-areas:SDO-SODERMALM).");
    }

    private static void CheckFilter(CaseStatisticsFilter filter, string timeZone)
    {
        if (filter.From is { } from && filter.Until is { } until && until <= from)
            throw new TwinException(ErrorCodes.BadPeriod, $"until ({until:O}) must be after from ({from:O}).");
        if (filter.Statuses?.FirstOrDefault(s => !CaseStatus.All.Contains(s)) is { } status)
            throw new TwinException(ErrorCodes.BadStatus, $"'{status}' is not a status; one of {string.Join(", ", CaseStatus.All)}.");
        if (filter.Within is { } area && (string.IsNullOrWhiteSpace(area) || area.Length > CaseFilter.MaxAreaLength))
            throw new TwinException(ErrorCodes.BadArea, $"The area is a GeoJSON geometry of 1 to {CaseFilter.MaxAreaLength:N0} characters; it was {area.Length:N0}.");
        if (filter.AreaId is { } id && (id.IndexOf(':', StringComparison.Ordinal) <= 0 || id.Length > 1000))
            throw new TwinException(ErrorCodes.BadArea, $"area is a map object's stable id, layer:id; '{id}' is not.");
        // An IANA name, as PostgreSQL knows them (.NET would also take Windows names, which PostgreSQL refuses).
        if (timeZone.Length > 64 || !TimeZoneInfo.TryConvertIanaIdToWindowsId(timeZone, out _))
            throw new TwinException(ErrorCodes.BadTimeZone, $"'{timeZone}' is not a time zone; use an IANA name such as Europe/Stockholm.");
    }

    private static void AddFilterParameters(NpgsqlCommand command, CaseStatisticsFilter filter, string? organisation, string timeZone)
    {
        NpgsqlParameter Texts(IReadOnlyList<string>? values) =>
            new() { Value = (object?)values?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
        NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
        // Npgsql writes timestamptz from UTC only: a moment given with its local offset is the same moment in UTC.
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.From?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Until?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Texts(filter.Categories));
        command.Parameters.Add(Texts(filter.Statuses));
        command.Parameters.Add(Text(filter.AreaId));
        command.Parameters.Add(Text(filter.Within));
        command.Parameters.Add(Texts(filter.Recipients));
        command.Parameters.Add(Text(organisation));
        command.Parameters.Add(Text(timeZone));
    }

    private static bool IsPeriod(CaseDimension d) => d is CaseDimension.Day or CaseDimension.Week or CaseDimension.Month;

    /// <summary>Whether a question's groups gather every handling time (grouped by more than a period) rather than get their percentiles from PostgreSQL.</summary>
    private static bool GathersTimes(IReadOnlyList<CaseDimension> dimensions) => dimensions.Any(d => !IsPeriod(d));

    /// <summary>A group's counts; its handling times as every time of the group (gathered) or as the two percentiles.</summary>
    private static CaseCounts ReadCounts(NpgsqlDataReader r, bool gathered)
    {
        (double? Median, double? P90) Times(int ordinal)
        {
            if (r.IsDBNull(ordinal)) return (null, null);
            var seconds = r.GetFieldValue<double[]>(ordinal);
            if (!gathered) return (seconds[0], seconds[1]);
            Array.Sort(seconds);
            return (Percentiles.Continuous(seconds, 0.5), Percentiles.Continuous(seconds, 0.9));
        }
        var forward = Times(18);
        var done = Times(19);
        return new CaseCounts(r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14), r.GetInt64(15),
            r.GetInt64(16), r.GetInt64(17), forward.Median, forward.P90, done.Median, done.P90, r.GetInt64(20));
    }
}

/// <summary>A contract's response time for a task type (null: its other task types).</summary>
public sealed record ResponseTime(string? TaskType, double Hours);

/// <summary>Settings of the reports (section Reports).</summary>
public sealed class ReportOptions
{
    /// <summary>Where days, weeks and months begin, unless a report names another time zone.</summary>
    public string TimeZone { get; set; } = "Europe/Stockholm";

    /// <summary>How often the server sweeps for cases not yet placed in the area layers (and places new area layers).</summary>
    public double PlacementSweepSeconds { get; set; } = 120;

    /// <summary>How often the server places the new cases queued by their insert in the area layers (migration 0026).</summary>
    public double QueueSweepMilliseconds { get; set; } = 1000;
}
