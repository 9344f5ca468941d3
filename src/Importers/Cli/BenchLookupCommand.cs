using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DigitalTwin.Importers.Pipeline;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Importers.Cli;

/// <summary>
/// <c>bench-lookup</c>: the responsibility lookup through /graphql against the same lookup as raw SQL with pgbench,
/// side by side in one run, on 1,000,000 parcels, 500,000 buildings and 10,000 contract areas (SPEC section 7).
/// The data is generated and loaded once (layers bench-lookup-*); later runs reuse it.
/// </summary>
internal static class BenchLookupCommand
{
    private const int Side = 1000; // parcels per row: Side × Side parcels
    private const double Step = 0.0003, RowStep = 0.00015;
    private const string Query =
        "query ($x: Float!, $y: Float!) { responsibility(at: {x: $x, y: $y}, taskType: \"graffiti\") " +
        "{ target { id } manager { key } contract { sourceId contractor { key } } recipient { key } recipientRole } }";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Path of TwinServer.dll.", Required = true };
        var pgbench = new Option<string>("--pgbench") { Description = "Path of pgbench.", Required = true };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for pgbench.", Required = true };
        var seconds = new Option<int>("--seconds") { Description = "Seconds of load for each side.", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients for each side.", DefaultValueFactory = _ => 4 };
        var parcels = new Option<int>("--parcels") { Description = "Parcels to generate (buildings: half, contracts: one per 100 parcels).", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("bench-lookup", "The responsibility lookup through /graphql against raw SQL with pgbench.")
        {
            server, pgbench, psqlUrl, seconds, clients, parcels,
        };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            var count = parse.GetValue(parcels);
            await EnsureDataAsync(dataSource, count, ct);
            var versions = await CurrentVersionsAsync(dataSource, ct);

            var sql = await RunPgbenchAsync(parse.GetValue(pgbench)!, parse.GetValue(psqlUrl)!, versions, count, parse.GetValue(clients), parse.GetValue(seconds), ct);
            var graphql = await RunGraphQLAsync(parse.GetValue(server)!, parse.GetValue(psqlUrl)!, count, parse.GetValue(clients), parse.GetValue(seconds), ct);

            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("lookup").AddColumn("clients").AddColumn("per second").AddColumn("p50").AddColumn("p99").AddColumn("errors");
            table.AddRow("raw SQL (pgbench)", sql.Clients.ToString(CultureInfo.InvariantCulture), sql.PerSecond.ToString("N0", CultureInfo.InvariantCulture), Ms(sql.P50), Ms(sql.P99), sql.Errors.ToString(CultureInfo.InvariantCulture));
            table.AddRow("/graphql", graphql.Clients.ToString(CultureInfo.InvariantCulture), graphql.PerSecond.ToString("N0", CultureInfo.InvariantCulture), Ms(graphql.P50), Ms(graphql.P99), graphql.Errors.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput ratio (/graphql ÷ raw SQL): {graphql.PerSecond / sql.PerSecond:F2}  (target ≥ 0.5); /graphql p99 {graphql.P99:F1} ms (target < 25 ms)"));
            return graphql.Errors == 0 ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    private sealed record Result(int Clients, double PerSecond, double P50, double P99, long Errors);

    private static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A random point inside a random building (so the lookup goes building → owner → contract area).</summary>
    private static (double X, double Y) RandomPoint(Random random, int parcels)
    {
        var i = random.Next(parcels / 2) * 2;
        var side = (int)Math.Ceiling(Math.Sqrt(parcels));
        return (24.5 + i % side * Step + Step * 0.45, 60.0 + i / side * RowStep + RowStep * 0.45);
    }

    private static async Task EnsureDataAsync(NpgsqlDataSource dataSource, int parcels, CancellationToken cancellationToken)
    {
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM layers WHERE name IN ('bench-lookup-parcels', 'bench-lookup-buildings', 'bench-lookup-contracts')"))
        {
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == 3)
            {
                AnsiConsole.MarkupLine("The bench layers are loaded already (./twin drop-layer bench-lookup-parcels ... to regenerate).");
                return;
            }
        }
        await using (var seed = dataSource.CreateCommand(
            """
            INSERT INTO task_types (code, name_en) VALUES ('graffiti', 'Graffiti removal'), ('damage', 'Damage') ON CONFLICT DO NOTHING;
            INSERT INTO organisations (key, kind, name_en) VALUES ('bench-city', 'administration', 'Bench city'), ('bench-housing', 'company', 'Bench housing')
            ON CONFLICT DO NOTHING;
            INSERT INTO organisations (key, kind, name_en)
            SELECT 'bench-contractor-' || n, 'contractor', 'Bench contractor ' || n FROM generate_series(1, 20) n ON CONFLICT DO NOTHING;
            """))
        {
            await seed.ExecuteNonQueryAsync(cancellationToken);
        }
        var folder = Directory.CreateTempSubdirectory("twin-bench-lookup").FullName;
        try
        {
            var side = (int)Math.Ceiling(Math.Sqrt(parcels));
            var files = new (string Name, LayerKind Kind, Action<Utf8JsonWriter> Features)[]
            {
                ("bench-lookup-parcels", LayerKind.Parcel, w =>
                {
                    for (var i = 0; i < parcels; i++)
                        Feature(w, $"P{i}", [("owner", "bench-city")], Square(i, side, 0, 0.94));
                }),
                ("bench-lookup-buildings", LayerKind.Building, w =>
                {
                    for (var i = 0; i < parcels; i += 2)
                        Feature(w, $"B{i}", [("owner", "bench-housing"), ("name", $"Talo {i}")], Square(i, side, 0.2, 0.6));
                }),
                ("bench-lookup-contracts", LayerKind.Contract, w =>
                {
                    for (var by = 0; by < (side + 9) / 10; by++)
                    for (var bx = 0; bx < (side + 9) / 10; bx++)
                    {
                        double x0 = 24.5 + bx * 10 * Step, y0 = 60.0 + by * 10 * RowStep;
                        Feature(w, $"C{bx}_{by}",
                            [("contractor", $"bench-contractor-{(bx + by) % 20 + 1}"), ("commissioner", "bench-housing"), ("task_types", "graffiti;damage"),
                             ("valid_from", "2020-01-01"), ("valid_to", "2035-12-31")],
                            [(x0, y0), (x0 + 10 * Step, y0), (x0 + 10 * Step, y0 + 10 * RowStep), (x0, y0 + 10 * RowStep), (x0, y0)]);
                    }
                }),
            };
            foreach (var (name, kind, features) in files)
            {
                var path = Path.Combine(folder, name + ".geojson");
                AnsiConsole.MarkupLineInterpolated($"Generating and loading {name}");
                using (var stream = File.Create(path))
                using (var json = new Utf8JsonWriter(stream))
                {
                    json.WriteStartObject();
                    json.WriteString("type", "FeatureCollection");
                    json.WriteStartArray("features");
                    features(json);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                var result = await new LayerImporter(dataSource).ImportAsync(new ImportOptions(path, name, kind) { LoadedBy = "bench" }, null, cancellationToken);
                if (!result.Committed) throw new CliException($"{name}: the generated layer was rejected: {string.Join("; ", result.Report.FirstProblems)}");
                AnsiConsole.MarkupLineInterpolated($"  {result.Report.Loaded:N0} objects in {result.Elapsed.TotalSeconds:F1} s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double, double)[] Square(int i, int side, double inset, double size)
    {
        double x0 = 24.5 + (i % side + inset) * Step, y0 = 60.0 + (i / side + inset) * RowStep;
        double x1 = x0 + size * Step, y1 = y0 + size * RowStep;
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    }

    private static void Feature(Utf8JsonWriter json, string id, (string Key, string Value)[] properties, (double X, double Y)[] ring)
    {
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("properties");
        json.WriteString("id", id);
        foreach (var (key, value) in properties) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartObject("geometry");
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        json.WriteStartArray();
        foreach (var (x, y) in ring)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(x, 8));
            json.WriteNumberValue(Math.Round(y, 8));
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        if (json.BytesPending > 1 << 16) json.Flush();
    }

    private static async Task<string> CurrentVersionsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT string_agg(current_version::text, ',') FROM layers WHERE current_version IS NOT NULL");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The baseline: the queries the resolver sends for one lookup (task type, served versions, stack, contracts,
    /// subcontracts, organisations), as one pgbench transaction with a random point inside a random building.
    /// </summary>
    private static async Task<Result> RunPgbenchAsync(string pgbench, string url, string versions, int parcels, int clients, int seconds, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("twin-pgbench").FullName;
        var side = (int)Math.Ceiling(Math.Sqrt(parcels));
        var point = "ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 3035)";
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"\\set i random(0, {parcels / 2 - 1}) * 2")
            .AppendLine(CultureInfo.InvariantCulture, $"\\set x 24.5 + (:i % {side}) * {Step} + {Step * 0.45}")
            .AppendLine(CultureInfo.InvariantCulture, $"\\set y 60.0 + (:i / {side}) * {RowStep} + {RowStep * 0.45}")
            .AppendLine("SELECT count(*) FROM task_types WHERE code = 'graffiti';")
            .AppendLine(OneLine(Sql("served_versions.sql").Replace("$1", "now()", StringComparison.Ordinal)))
            .AppendLine(OneLine(Sql("stack.sql").Replace("$1", point, StringComparison.Ordinal).Replace("$2", "10", StringComparison.Ordinal).Replace("$3", $"ARRAY[{versions}]", StringComparison.Ordinal)))
            .AppendLine(OneLine(Sql("contracts.sql").Replace("$1", "'bench-housing'", StringComparison.Ordinal).Replace("$2", "'graffiti'", StringComparison.Ordinal)
                .Replace("$3", "NULL::text", StringComparison.Ordinal).Replace("$4", point, StringComparison.Ordinal).Replace("$5", $"ARRAY[{versions}]", StringComparison.Ordinal)))
            // (pgbench reads ":name" as a variable even inside a string, hence chr(58) for the colon of the id.)
            .AppendLine(OneLine(Sql("subcontracts.sql").Replace("$1", "'bench-lookup-contracts' || chr(58) || 'C0_0'", StringComparison.Ordinal).Replace("$2", "'graffiti'", StringComparison.Ordinal)
                .Replace("$3", point, StringComparison.Ordinal).Replace("$4", $"ARRAY[{versions}]", StringComparison.Ordinal).Replace("$5", "current_date", StringComparison.Ordinal)))
            .AppendLine("SELECT key, kind, name_fi, name_sv, name_en, webhook_url, open311_endpoint, email FROM organisations WHERE key = ANY (ARRAY['bench-housing', 'bench-city', 'bench-contractor-1']);");
        var scriptPath = Path.Combine(folder, "lookup.sql");
        await File.WriteAllTextAsync(scriptPath, script.ToString(), cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"pgbench: {clients} clients, {seconds} s");
        var start = new ProcessStartInfo(pgbench) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        // The same session settings as the server's connections (no parallel plans for point look-ups).
        start.Environment["PGOPTIONS"] = "-c max_parallel_workers_per_gather=0";
        foreach (var a in new[] { "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", scriptPath, "-l", "--log-prefix", Path.Combine(folder, "log"), url })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new CliException($"pgbench failed: {output}");
        // Each log line: client transaction latency(µs) script epoch epoch_µs.
        var latencies = Directory.GetFiles(folder, "log*")
            .SelectMany(File.ReadLines)
            .Select(line => double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture) / 1000.0)
            .Order()
            .ToList();
        Directory.Delete(folder, recursive: true);
        return new Result(clients, latencies.Count / (double)seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), 0);
    }

    private static string Sql(string name)
    {
        using var stream = typeof(BenchLookupCommand).Assembly.GetManifestResourceStream($"bench/{name}")
            ?? throw new InvalidOperationException($"No embedded SQL bench/{name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>pgbench takes one SQL command per line: drop comments, join lines.</summary>
    private static string OneLine(string sql) =>
        string.Join(' ', sql.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal))).TrimEnd(';') + ";";

    /// <summary>The same lookups through /graphql on a server started for the run.</summary>
    private static async Task<Result> RunGraphQLAsync(string serverDll, string url, int parcels, int clients, int seconds, CancellationToken cancellationToken)
    {
        const string address = "http://127.0.0.1:5097";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(serverDll);
        start.Environment["TWIN_DATABASE_URL"] = url;
        start.Environment["ASPNETCORE_URLS"] = address;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        using var server = Process.Start(start)!;
        _ = server.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = server.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > deadline || server.HasExited) throw new CliException("TwinServer did not become ready within 60 s.");
                await Task.Delay(200, cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"/graphql: {clients} clients, {seconds} s (after a 3 s warm-up)");
            await LoadAsync(http, parcels, clients, TimeSpan.FromSeconds(3), cancellationToken);
            var (latencies, errors) = await LoadAsync(http, parcels, clients, TimeSpan.FromSeconds(seconds), cancellationToken);
            latencies.Sort();
            return new Result(clients, latencies.Count / (double)seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), errors);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<(List<double> Latencies, long Errors)> LoadAsync(HttpClient http, int parcels, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long errors = 0;
        var all = new List<double>();
        var workers = Enumerable.Range(0, clients).Select(n => Task.Run(async () =>
        {
            var random = new Random(n);
            var latencies = new List<double>();
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var (x, y) = RandomPoint(random, parcels);
                var begun = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/graphql", new { query = Query, variables = new { x, y } }, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                if (!response.IsSuccessStatusCode || body.Contains("\"errors\"", StringComparison.Ordinal) || !body.Contains("bench-contractor", StringComparison.Ordinal))
                {
                    if (Interlocked.Increment(ref errors) == 1) Console.Error.WriteLine($"unexpected answer: {body}");
                }
            }
            lock (all) all.AddRange(latencies);
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return (all, errors);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
