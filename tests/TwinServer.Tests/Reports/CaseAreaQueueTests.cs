using System.Text.Json;
using Npgsql;

namespace DigitalTwin.Server.Tests.Reports;

/// <summary>
/// New cases are queued for placement in the area layers by their insert and placed every second (migration 0026):
/// reports by district or area count the queued cases as if placed, and stay exact while cases come in, change status
/// and are placed under them, counted against a direct spatial count.
/// </summary>
public sealed class CaseAreaQueueTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const double SodermalmLon = 18.076363, SodermalmLat = 59.305782; // Skanstullsbron: Södermalm district
    private const double TooloLon = 24.933337, TooloLat = 60.175849;         // Töölö district, Helsinki
    private const string Sodermalm = "sthlm-areas:SDO-SODERMALM", Toolo = "hki-areas:ETU-TOOLO";
    private const int PlacementLock = 7207001;

    private static async Task InsertAsync(NpgsqlConnection connection, string number, double lon, double lat, DateTimeOffset created, string status = "received")
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO cases (service_request_id, category, lon, lat, geom, channel, status, created_at, updated_at)
            VALUES ($1, 'litter', $2, $3, ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4326), 3035), 'other', $4, $5, $5)
            """, connection);
        insert.Parameters.AddWithValue(number);
        insert.Parameters.AddWithValue(lon);
        insert.Parameters.AddWithValue(lat);
        insert.Parameters.AddWithValue(status);
        insert.Parameters.AddWithValue(created);
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<JsonElement> ReportAsync(string arguments, object filter)
    {
        var query = $$"""query($filter: CaseStatisticsFilter) { caseStatistics(filter: $filter {{arguments}}) { total { cases } groups { areaId counts { cases } } } }""";
        var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(), query, new { filter });
        status.ShouldBe(200, body.ToString());
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data").GetProperty("caseStatistics");
    }

    private static SortedDictionary<string, long> Districts(JsonElement statistics) =>
        new(statistics.GetProperty("groups").EnumerateArray().ToDictionary(
            g => g.GetProperty("areaId").ValueKind == JsonValueKind.Null ? "" : g.GetProperty("areaId").GetString()!,
            g => g.GetProperty("counts").GetProperty("cases").GetInt64()), StringComparer.Ordinal);

    /// <summary>The cases of the prefix in each district of the serving area layers, by testing their points directly.</summary>
    private async Task<SortedDictionary<string, long>> DirectAsync(string prefix)
    {
        await using var command = server.Database.DataSource.CreateCommand("""
            SELECT coalesce(d.id, ''), count(*)
            FROM cases c
            LEFT JOIN (SELECT twin_object_id(o.layer, o.source_id) AS id, o.geom
                       FROM map_objects o JOIN layers l ON l.current_version = o.version_id AND l.kind = 'area'
                       WHERE o.type = 'district') d ON ST_Intersects(d.geom, c.geom)
            WHERE c.service_request_id LIKE $1 || '%'
            GROUP BY 1
            """);
        command.Parameters.AddWithValue(prefix);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private Task<long> QueuedAsync(string prefix) => server.Database.ScalarAsync<long>(
        "SELECT count(*) FROM case_areas_pending p JOIN cases c ON c.id = p.case_id WHERE c.service_request_id LIKE $1 || '%'", prefix);

    /// <summary>SQL: the case <paramref name="alias"/> is neither in the placement queue nor placed in a serving version.</summary>
    private static string Unplaced(string alias) => $"""
        NOT EXISTS (SELECT FROM case_areas_pending p WHERE p.case_id = {alias}.id)
        AND NOT EXISTS (SELECT FROM case_areas ca JOIN layers l ON l.current_version = ca.version_id WHERE ca.case_id = {alias}.id)
        """;

    /// <summary>What a failure needs to be understood: the marked versions, the serving ones, and the cases of the prefix now neither queued nor placed in a serving version.</summary>
    private async Task<string> PlacementStateAsync(string prefix) => await server.Database.ScalarAsync<string>($"""
        SELECT format('marked %s; serving %s; neither queued nor placed now: %s',
            (SELECT string_agg(version_id || ' through case ' || through_case, ', ') FROM case_area_marks),
            (SELECT string_agg(name || ' ' || current_version, ', ') FROM layers WHERE kind = 'area'),
            (SELECT coalesce(string_agg(c.service_request_id || ' ' || c.status, ', '), 'none') FROM cases c
             WHERE c.service_request_id LIKE $1 || '%'
               AND {Unplaced("c")}))
        """, prefix);

    /// <summary>
    /// Records, in this fixture's database only, every row queued, taken off the queue and placed, with its transaction,
    /// so that a case found neither queued nor placed can be followed: never queued, or taken off by a transaction that
    /// placed it nowhere.
    /// </summary>
    private async Task AuditPlacementAsync() => await server.Database.ScalarAsync<int>("""
        CREATE TABLE IF NOT EXISTS test_placement_audit (case_id bigint, what text, xid xid8, pid integer, at timestamptz);
        CREATE OR REPLACE FUNCTION test_placement_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'case_areas' THEN
                INSERT INTO test_placement_audit SELECT n.case_id, 'placed in ' || n.version_id, pg_current_xact_id(), pg_backend_pid(), clock_timestamp() FROM n;
            ELSIF TG_OP = 'INSERT' THEN
                INSERT INTO test_placement_audit SELECT n.case_id, 'queued', pg_current_xact_id(), pg_backend_pid(), clock_timestamp() FROM n;
            ELSE
                INSERT INTO test_placement_audit SELECT o.case_id, 'taken off the queue', pg_current_xact_id(), pg_backend_pid(), clock_timestamp() FROM o;
            END IF;
            RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER test_audit_queued AFTER INSERT ON case_areas_pending REFERENCING NEW TABLE AS n
            FOR EACH STATEMENT EXECUTE FUNCTION test_placement_audit();
        CREATE OR REPLACE TRIGGER test_audit_taken AFTER DELETE ON case_areas_pending REFERENCING OLD TABLE AS o
            FOR EACH STATEMENT EXECUTE FUNCTION test_placement_audit();
        CREATE OR REPLACE TRIGGER test_audit_placed AFTER INSERT ON case_areas REFERENCING NEW TABLE AS n
            FOR EACH STATEMENT EXECUTE FUNCTION test_placement_audit();
        SELECT 1;
        """);

    /// <summary>The audit's lines for the cases of the prefix now neither queued nor placed, each with its transaction's fate and the case row's own.</summary>
    private Task<string> AuditOfUnplacedAsync(string prefix) => server.Database.ScalarAsync<string>($$"""
        SELECT coalesce(string_agg(format('%s: %s by %s (pid %s, %s) at %s', c.service_request_id, a.what, a.xid, a.pid, pg_xact_status(a.xid), a.at), '; ' ORDER BY a.at), 'no audit lines')
            || format(' (the cases'' own rows: %s; now %s; %s audit lines in all)',
                (SELECT string_agg(c2.service_request_id || ' id ' || c2.id || ' xmin ' || c2.xmin, ', ') FROM cases c2
                 WHERE c2.service_request_id LIKE $1 || '%' AND {{Unplaced("c2")}}),
                clock_timestamp(), (SELECT count(*) FROM test_placement_audit))
        FROM cases c JOIN test_placement_audit a ON a.case_id = c.id
        WHERE c.service_request_id LIKE $1 || '%' AND {{Unplaced("c")}}
        """, prefix);

    private async Task WaitPlacedAsync(string prefix)
    {
        for (var i = 0; i < 300 && await QueuedAsync(prefix) > 0; i++) await Task.Delay(100);
        (await QueuedAsync(prefix)).ShouldBe(0, "the server places the queue every second");
    }

    [Fact]
    public async Task Queued_cases_are_counted_in_their_districts_and_areas_before_they_are_placed_and_after()
    {
        var period = new { from = "2024-05-01T00:00:00Z", until = "2024-06-01T00:00:00Z" };
        var created = new DateTimeOffset(2024, 5, 10, 9, 0, 0, TimeSpan.Zero);
        // Every serving area layer placed first: a refresh would wait on the lock held below.
        await ReportAsync(", groupBy: [DISTRICT]", period);

        await using (var holder = await server.Database.DataSource.OpenConnectionAsync())
        await using (var hold = await holder.BeginTransactionAsync())
        {
            // The placement waits on its lock: the new cases stay queued while the reports are asked.
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PlacementLock})", holder, hold)) await take.ExecuteNonQueryAsync();
            await using (var connection = await server.Database.DataSource.OpenConnectionAsync())
            {
                for (var i = 0; i < 3; i++) await InsertAsync(connection, $"AQ-S{i}", SodermalmLon, SodermalmLat, created.AddHours(i));
                for (var i = 0; i < 2; i++) await InsertAsync(connection, $"AQ-T{i}", TooloLon, TooloLat, created.AddHours(i));
                await InsertAsync(connection, "AQ-X0", 10.0, 52.0, created);
            }
            (await QueuedAsync("AQ-")).ShouldBe(6);
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_areas ca JOIN cases c ON c.id = ca.case_id WHERE c.service_request_id LIKE 'AQ-%'")).ShouldBe(0);

            var queued = Districts(await ReportAsync(", groupBy: [DISTRICT]", period));
            queued.ShouldBe(new SortedDictionary<string, long>(StringComparer.Ordinal) { [Sodermalm] = 3, [Toolo] = 2, [""] = 1 });
            queued.ShouldBe(await DirectAsync("AQ-"));
            (await ReportAsync("", new { period.from, period.until, area = Sodermalm })).GetProperty("total").GetProperty("cases").GetInt64().ShouldBe(3);
            var areas = Districts(await ReportAsync(", groupBy: [AREA], areaLayer: \"hki-areas\"", period));
            areas[Toolo].ShouldBe(2);
            await hold.RollbackAsync();
        }

        await WaitPlacedAsync("AQ-");
        (await server.Database.ScalarAsync<long>("SELECT count(DISTINCT ca.case_id) FROM case_areas ca JOIN cases c ON c.id = ca.case_id WHERE c.service_request_id LIKE 'AQ-%'")).ShouldBe(5);
        Districts(await ReportAsync(", groupBy: [DISTRICT]", period)).ShouldBe(new SortedDictionary<string, long>(StringComparer.Ordinal) { [Sodermalm] = 3, [Toolo] = 2, [""] = 1 });
        (await ReportAsync("", new { period.from, period.until, area = Sodermalm })).GetProperty("total").GetProperty("cases").GetInt64().ShouldBe(3);
        Districts(await ReportAsync(", groupBy: [AREA], areaLayer: \"hki-areas\"", period))[Toolo].ShouldBe(2);
    }

    [Fact]
    public async Task Under_concurrent_intake_status_changes_and_placement_every_report_counts_each_case_once_in_its_district()
    {
        var period = new { from = "2024-07-01T00:00:00Z", until = "2024-08-01T00:00:00Z" };
        var created = new DateTimeOffset(2024, 7, 10, 9, 0, 0, TimeSpan.Zero);
        await ReportAsync(", groupBy: [DISTRICT]", period);
        await AuditPlacementAsync();
        using var stop = new CancellationTokenSource();
        var made = 0;

        // Four writers: new cases in both districts, and status changes of earlier ones (a new row version each).
        async Task WriteAsync(int writer)
        {
            await using var connection = await server.Database.DataSource.OpenConnectionAsync();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (lon, lat) = i % 3 == 0 ? (TooloLon, TooloLat) : (SodermalmLon, SodermalmLat);
                // Counted before its insert: a report may see a case as soon as it commits.
                Interlocked.Increment(ref made);
                await InsertAsync(connection, $"CQ-{writer}-{i}", lon, lat, created.AddMinutes(i));
                await using var change = new NpgsqlCommand(
                    "UPDATE cases SET status = CASE status WHEN 'received' THEN 'in_progress' ELSE 'done' END WHERE service_request_id = $1", connection);
                change.Parameters.AddWithValue($"CQ-{writer}-{i / 2}");
                await change.ExecuteNonQueryAsync();
            }
        }
        // A second placer beside the server's own, as another node's would be.
        async Task PlaceAsync()
        {
            await using var connection = await server.Database.DataSource.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var place = new NpgsqlCommand("SELECT case_areas_place_pending()", connection);
                await place.ExecuteNonQueryAsync();
                await Task.Delay(37);
            }
        }
        var work = Enumerable.Range(0, 4).Select(WriteAsync).Append(PlaceAsync()).ToList();

        // Each report's one statement sees each case once: in its district, never in none (they all lie in one), never
        // twice; and no district loses a case from one report to the next.
        var seen = new Dictionary<string, long> { [Sodermalm] = 0, [Toolo] = 0 };
        var reports = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(8); DateTime.UtcNow < deadline || reports < 5; reports++)
        {
            var counts = Districts(await ReportAsync(", groupBy: [DISTRICT]", period));
            if (counts.ContainsKey("")) throw new Xunit.Sdk.XunitException($"a case counted in no district in report {reports}: {string.Join(", ", counts)}; {await PlacementStateAsync("CQ-")}; audit: {await AuditOfUnplacedAsync("CQ-")}");
            foreach (var (district, count) in counts)
            {
                count.ShouldBeGreaterThanOrEqualTo(seen[district], district);
                seen[district] = count;
            }
            (counts.Values.Sum()).ShouldBeLessThanOrEqualTo(Volatile.Read(ref made));
        }
        await stop.CancelAsync();
        await Task.WhenAll(work);
        made.ShouldBeGreaterThan(20);

        // At rest, some cases perhaps still queued: the report as the direct count; then placed, the same.
        var direct = await DirectAsync("CQ-");
        direct.Values.Sum().ShouldBe(made);
        Districts(await ReportAsync(", groupBy: [DISTRICT]", period)).ShouldBe(direct);
        await WaitPlacedAsync("CQ-");
        Districts(await ReportAsync(", groupBy: [DISTRICT]", period)).ShouldBe(direct);
        // Placed once in each area it lies in, as a direct test of its point says.
        (await server.Database.ScalarAsync<long>("""
            SELECT count(*) FROM (
                (SELECT ca.case_id, ca.version_id, ca.area FROM case_areas ca JOIN cases c ON c.id = ca.case_id WHERE c.service_request_id LIKE 'CQ-%'
                 EXCEPT ALL
                 SELECT c.id, m.version_id, a.source_id FROM cases c CROSS JOIN case_area_marks m
                 JOIN map_objects a ON a.version_id = m.version_id AND ST_Intersects(a.geom, c.geom) WHERE c.service_request_id LIKE 'CQ-%')
                UNION ALL
                (SELECT c.id, m.version_id, a.source_id FROM cases c CROSS JOIN case_area_marks m
                 JOIN map_objects a ON a.version_id = m.version_id AND ST_Intersects(a.geom, c.geom) WHERE c.service_request_id LIKE 'CQ-%'
                 EXCEPT ALL
                 SELECT ca.case_id, ca.version_id, ca.area FROM case_areas ca JOIN cases c ON c.id = ca.case_id WHERE c.service_request_id LIKE 'CQ-%')) x
            """)).ShouldBe(0);
    }
}
