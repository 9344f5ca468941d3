using System.Globalization;
using System.Text.Json;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.MapObjects;
using DigitalTwin.Server.Responsibility;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>
/// The lookup reads its stack from the database and the contracts, subcontracts and organisations from each node's
/// memory (ContractCatalog). The catalog must find exactly what the whole answer in SQL finds
/// (bench/TwinBench/lookup_whole.sql, the lookup bench's baseline): held here at every object of the sample city and at
/// every vertex of its contract and subcontract areas (the boundary counts), for every task type and at the dates
/// where contracts and subcontracts begin and end, with and without an asked object; with a contract layer added that
/// overlaps the sample's, one of its contracts for every task.
/// </summary>
public sealed class ContractCatalogTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    /// <summary>Two contracts over Södermalm's streets: one for graffiti only, for a year; one for every task (no task types) naming a sample building.</summary>
    private const string Extra = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"id":"CC-YEAR","contractor":"klotterfritt","commissioner":"trafikkontoret","task_types":"graffiti",
           "valid_from":"2025-06-01","valid_to":"2026-05-31"},
          "geometry":{"type":"Polygon","coordinates":[[[18.0725,59.3100],[18.0745,59.3100],[18.0745,59.3140],[18.0725,59.3140],[18.0725,59.3100]]]}},
         {"type":"Feature","properties":{"id":"CC-ALL","contractor":"gatudrift-soder","commissioner":"soderbostader",
           "objects":"sthlm-buildings:B3101"},
          "geometry":{"type":"Polygon","coordinates":[[[18.0700,59.3110],[18.0760,59.3110],[18.0760,59.3130],[18.0700,59.3130],[18.0700,59.3110]]]}}
        ]}
        """;

    [Fact]
    public async Task The_catalog_finds_what_the_whole_answer_in_SQL_finds_at_every_object_and_area_vertex_for_every_task_and_boundary_date()
    {
        await server.ImportLayerAsync(await server.KeyAsync("gis"), "cc-contracts", "contract", Extra);
        var catalog = server.Services.GetRequiredService<ContractCatalog>();
        var whole = await File.ReadAllTextAsync(Path.Combine(SampleCityServer.RepositoryRoot, "bench", "TwinBench", "lookup_whole.sql"));
        await using var connection = await server.Database.DataSource.OpenConnectionAsync();

        var points = new List<(double X, double Y)>();
        await using (var read = new NpgsqlCommand("""
            SELECT ST_X(p), ST_Y(p) FROM (
                SELECT ST_PointOnSurface(o.geom) AS p FROM map_objects o JOIN layers l ON l.current_version = o.version_id WHERE o.geom IS NOT NULL
                UNION ALL
                SELECT (ST_DumpPoints(o.geom)).geom FROM map_objects o JOIN layers l ON l.current_version = o.version_id
                WHERE o.kind IN ('contract', 'subcontract') AND o.geom IS NOT NULL) x
            ORDER BY 1, 2
            """, connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) points.Add((reader.GetDouble(0), reader.GetDouble(1)));
        }
        var tasks = await Strings(connection, "SELECT code FROM task_types ORDER BY code");
        var dates = (await Strings(connection, """
            SELECT DISTINCT d::text FROM map_objects o JOIN layers l ON l.current_version = o.version_id,
                LATERAL (VALUES (lower(o.valid)), (upper(o.valid)), (lower(o.valid) - 1), (upper(o.valid) - 1)) v (d)
            WHERE o.kind IN ('contract', 'subcontract') AND d IS NOT NULL ORDER BY 1
            """)).Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(DateOnly.FromDateTime(DateTime.UtcNow)).ToList();
        points.Count.ShouldBeGreaterThan(80);
        tasks.Count.ShouldBeGreaterThan(5);
        dates.Count.ShouldBeGreaterThan(10);

        var asked = 0;
        var withContracts = 0;
        var withSubcontracts = 0;
        for (var i = 0; i < points.Count; i++)
        {
            var (x, y) = points[i];
            var combinations = tasks.Select(t => (Task: t, On: dates[^1], Asked: false))
                .Concat(Enumerable.Range(0, 3).Select(k => (Task: tasks[(i + k) % tasks.Count], On: dates[(i + k) % dates.Count], Asked: false)))
                .Append((Task: tasks[i % tasks.Count], On: dates[^1], Asked: true));
            foreach (var (task, on, withAsked) in combinations)
            {
                var (point, stack, contractVersions, changes) = await StackAsync(connection, x, y, task);
                var target = withAsked ? stack.FirstOrDefault() : null;
                if (target is not null) asked++;
                var (rows, organisations) = await catalog.FindAsync(contractVersions, changes, point, task, on, stack, target, CancellationToken.None);
                var (expectedContracts, expectedOrganisations) = await WholeAsync(connection, whole, x, y, task, on, target);
                var where = $"at ({x} {y}) in EPSG:3035, {task}, {on:yyyy-MM-dd}{(target is null ? "" : $", asking about {target.Id}")}";
                Described(rows).ShouldBe(expectedContracts, where);
                Described(organisations.Values).ShouldBe(expectedOrganisations, where);
                if (rows.Count > 0) withContracts++;
                if (rows.Any(r => r.Contract.Subcontracts.Count > 0)) withSubcontracts++;
            }
        }
        // The sweep met what it is meant to hold the catalog to.
        asked.ShouldBeGreaterThan(50);
        withContracts.ShouldBeGreaterThan(100);
        withSubcontracts.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void The_whole_answer_in_SQL_reads_the_stack_with_the_servers_own_text()
    {
        // The baseline and the oracle must read the same stack as the server: the same served versions and stack.
        static string Part(string sql, string from, string to)
        {
            var start = sql.IndexOf(from, StringComparison.Ordinal);
            start.ShouldBeGreaterThanOrEqualTo(0, from);
            return sql[start..sql.IndexOf(to, start, StringComparison.Ordinal)];
        }
        var server = SqlResources.Get("Responsibility/lookup.sql");
        var whole = File.ReadAllText(Path.Combine(SampleCityServer.RepositoryRoot, "bench", "TwinBench", "lookup_whole.sql"));
        foreach (var (from, to) in new[] { ("WITH served AS (", "),\nctx AS"), ("stack AS MATERIALIZED (", "WHERE c.task_known\n)") })
        {
            Part(whole, from, to).ShouldBe(Part(server, from, to));
        }
    }

    [Fact]
    public async Task The_catalog_keeps_the_layer_versions_used_last_and_reads_a_forgotten_one_again()
    {
        var catalog = server.Services.GetRequiredService<ContractCatalog>();
        var point = new NetTopologySuite.Geometries.Point(4_700_000, 4_000_000) { SRID = 3035 };
        // Ids no layer version has (a version's contracts are read as none): each one used once, in order.
        var ids = Enumerable.Range(1_000_000, ContractCatalog.KeptVersions + 10).ToArray();
        foreach (var id in ids) await catalog.FindAsync([id], 0, point, "graffiti", DateOnly.FromDateTime(DateTime.UtcNow), [], null, CancellationToken.None);
        var kept = catalog.Versions.Where(v => v >= 1_000_000).Order().ToList();
        kept.Count.ShouldBe(ContractCatalog.KeptVersions);
        kept.ShouldBe(ids[^ContractCatalog.KeptVersions..]);
        // The first one again: read again, and the one used longest ago among those kept makes room.
        await catalog.FindAsync([ids[0]], 0, point, "graffiti", DateOnly.FromDateTime(DateTime.UtcNow), [], null, CancellationToken.None);
        catalog.Versions.ShouldContain(ids[0]);
        catalog.Versions.ShouldNotContain(ids[^ContractCatalog.KeptVersions]);
    }

    private static async Task<List<string>> Strings(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }

    /// <summary>Both statements' first parameters: the point in the storage CRS, a tolerance of 10 m, now, the task type.</summary>
    private static NpgsqlCommand Asking(string sql, NpgsqlConnection connection, double x, double y, string task)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(x);
        command.Parameters.AddWithValue(y);
        command.Parameters.AddWithValue(3035);
        command.Parameters.AddWithValue(10.0);
        command.Parameters.AddWithValue(DateTimeOffset.UtcNow);
        command.Parameters.AddWithValue(task);
        return command;
    }

    /// <summary>The server's own statement: the point, the stack, the contract layers' versions, the organisations' change count.</summary>
    private static async Task<(NetTopologySuite.Geometries.Point Point, List<StackObject> Stack, int[] ContractVersions, long Changes)> StackAsync(
        NpgsqlConnection connection, double x, double y, string task)
    {
        await using var command = Asking(SqlResources.Get("Responsibility/lookup.sql"), connection, x, y, task);
        await using var reader = await command.ExecuteReaderAsync();
        var stack = new List<StackObject>();
        (NetTopologySuite.Geometries.Point, int[], long)? context = null;
        while (await reader.ReadAsync())
        {
            context ??= (reader.GetFieldValue<NetTopologySuite.Geometries.Point>(15), reader.GetFieldValue<int[]>(18), reader.GetInt64(19));
            if (!reader.IsDBNull(0)) stack.Add(MapObjectSearch.Read(reader));
        }
        var (point, versions, changes) = context!.Value;
        return (point, stack, versions, changes);
    }

    /// <summary>The whole answer in SQL: its contracts and its organisations, each written as <see cref="Described(IEnumerable{ContractRow})"/> writes the catalog's.</summary>
    private static async Task<(List<string> Contracts, List<string> Organisations)> WholeAsync(
        NpgsqlConnection connection, string whole, double x, double y, string task, DateOnly on, StackObject? asked)
    {
        await using var command = Asking(whole, connection, x, y, task);
        command.Parameters.AddWithValue(on);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)asked?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = asked is null ? Array.Empty<string>() : new[] { asked.Owner, asked.Manager }.OfType<string>().ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        var contracts = new List<string>();
        if (!reader.IsDBNull(18))
        {
            using var json = JsonDocument.Parse(reader.GetString(18));
            foreach (var c in json.RootElement.EnumerateArray())
            {
                var subcontracts = c[10].ValueKind == JsonValueKind.Null ? [] : c[10].EnumerateArray()
                    .Select(s => Line(s[0].GetString(), s[1].GetString(), Text(s[2]), Text(s[3]), s[4].GetBoolean())).ToList();
                contracts.Add(Line(c[0].GetString(), c[1].GetString(), Text(c[2]), Text(c[3]), Text(c[4]), Texts(c[5]), Text(c[6]), Text(c[7]),
                    string.Join(",", (c[8].ValueKind == JsonValueKind.Null ? [] : c[8].EnumerateArray().Select(e => e.GetString()!)).Order(StringComparer.Ordinal)),
                    c[9].GetBoolean(), "[" + string.Join("; ", subcontracts) + "]"));
            }
        }
        var organisations = new List<string>();
        if (!reader.IsDBNull(19))
        {
            using var json = JsonDocument.Parse(reader.GetString(19));
            organisations.AddRange(json.RootElement.EnumerateArray().Select(o => Line(Enumerable.Range(0, 8).Select(k => Text(o[k])).ToArray())));
        }
        return (contracts, [.. organisations.Order(StringComparer.Ordinal)]);
    }

    private static List<string> Described(IEnumerable<ContractRow> rows) => [.. rows.Select(r => Line(
        r.Contract.Id, r.Contract.SourceId, r.Contract.Name, r.Contract.Contractor, r.Contract.Commissioner,
        r.Contract.TaskTypes is null ? null : string.Join(",", r.Contract.TaskTypes),
        r.Contract.ValidFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.Contract.ValidTo?.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string.Join(",", r.Listed.Order(StringComparer.Ordinal)), r.CoversPoint,
        "[" + string.Join("; ", r.Contract.Subcontracts.Select(s => Line(s.Id, s.SourceId, s.Name, s.Subcontractor, s.CoversPoint))) + "]"))];

    private static List<string> Described(IEnumerable<DigitalTwin.Server.Catalog.Organisation> organisations) => [.. organisations
        .Select(o => Line(o.Key, o.Kind, o.Name.Fi, o.Name.Sv, o.Name.En, o.WebhookUrl, o.Open311Endpoint, o.Email))
        .Order(StringComparer.Ordinal)];

    private static string Line(params object?[] values) =>
        string.Join(" | ", values.Select(v => v switch { null => "∅", bool b => b ? "yes" : "no", _ => Convert.ToString(v, CultureInfo.InvariantCulture) }));

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetString();

    private static string? Texts(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : string.Join(",", value.EnumerateArray().Select(e => e.GetString()));
}
