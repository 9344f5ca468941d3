using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text;
using DigitalTwin.Data.Database;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-lookup</c>: the responsibility lookup through /graphql against the same lookup as raw SQL with pgbench,
/// side by side in one run, on 1,000,000 parcels, 500,000 buildings and 10,000 contract areas (product contract section 7).
/// The data is generated and loaded once (layers bench-lookup-*); later runs reuse it.
/// </summary>
internal static class BenchLookupCommand
{
    private const double Step = BenchCity.Step, RowStep = BenchCity.RowStep;
    private const string Query =
        "query ($x: Float!, $y: Float!) { responsibility(at: {x: $x, y: $y}, taskType: \"graffiti\") " +
        "{ target { id } manager { key } contract { sourceId contractor { key } } recipient { key } recipientRole } }";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Path of TwinServer.dll.", Required = true };
        var pgbench = new Option<string>("--pgbench") { Description = "Path of pgbench.", Required = true };
        var wrk = new Option<string>("--wrk") { Description = "Path of wrk, the HTTP load generator.", Required = true };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for pgbench.", Required = true };
        var seconds = new Option<int>("--seconds") { Description = "Seconds of load for each side.", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients for each side.", DefaultValueFactory = _ => 4 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds of each side; the medians are compared.", DefaultValueFactory = _ => 3 };
        var parcels = new Option<int>("--parcels") { Description = "Parcels to generate (buildings: half, contracts: one per 100 parcels).", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("bench-lookup", "The responsibility lookup through /graphql against raw SQL with pgbench.")
        {
            server, pgbench, wrk, psqlUrl, seconds, clients, rounds, parcels,
        };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            var count = parse.GetValue(parcels);
            await BenchCity.EnsureAsync(dataSource, count, ct);

            var (clientCount, secondCount, roundCount) = (parse.GetValue(clients), parse.GetValue(seconds), parse.GetValue(rounds));
            var key = await BenchKeys.KeyAsync(dataSource, "bench-lookup", TwinRoles.Integration, ct);
            using var twin = await BenchServer.StartAsync(parse.GetValue(server)!, parse.GetValue(psqlUrl)!, ct);
            try
            {
                // JIT tiering and the connection pools settle during the warm-up.
                AnsiConsole.MarkupLineInterpolated($"warm-up: /graphql with wrk, {WarmUpSeconds} s");
                await RunWrkAsync(parse.GetValue(wrk)!, key, count, clientCount, WarmUpSeconds, ct);
                // Alternating rounds, so that a noisy neighbour on a shared machine hits both sides alike.
                var sql = new List<Result>();
                var graphql = new List<Result>();
                for (var round = 1; round <= roundCount; round++)
                {
                    AnsiConsole.MarkupLineInterpolated($"round {round} of {roundCount}: pgbench, then /graphql with wrk; {clientCount} clients, {secondCount} s each");
                    sql.Add(await RunPgbenchAsync(parse.GetValue(pgbench)!, parse.GetValue(psqlUrl)!, count, clientCount, secondCount, ct));
                    graphql.Add(await RunWrkAsync(parse.GetValue(wrk)!, key, count, clientCount, secondCount, ct));
                }

                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn("round").AddColumn("raw SQL (pgbench)/s").AddColumn("p50").AddColumn("p99")
                    .AddColumn("/graphql/s").AddColumn("p50").AddColumn("p99").AddColumn("errors").AddColumn("ratio");
                for (var i = 0; i < roundCount; i++) AddRow(table, (i + 1).ToString(CultureInfo.InvariantCulture), sql[i], graphql[i]);
                var (medianSql, medianGraphQL) = (Median(sql), Median(graphql));
                AddRow(table, "median", medianSql, medianGraphQL);
                AnsiConsole.Write(table);
                // The contract's targets (docs/contract.md, section 7): at least 0.7 of raw SQL (aim 0.8), p99 under 25 ms.
                var ratio = medianGraphQL.PerSecond / medianSql.PerSecond;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"throughput ratio (/graphql ÷ raw SQL, medians): {ratio:F2}  (target ≥ 0.7, aim 0.8: {Statistics.Verdict(ratio >= 0.7)}); " +
                    $"/graphql p99 {medianGraphQL.P99:F1} ms (target < 25 ms: {Statistics.Verdict(medianGraphQL.P99 < 25)})"));
                return graphql.Sum(r => r.Errors) == 0 ? 0 : 1;
            }
            finally
            {
                await BenchServer.StopAsync(twin);
            }
        }, cancellationToken));
        return command;
    }

    private sealed record Result(int Clients, double PerSecond, double P50, double P99, long Errors);

    private static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static void AddRow(Table table, string label, Result sql, Result graphql) => table.AddRow(label,
        sql.PerSecond.ToString("N0", CultureInfo.InvariantCulture), Ms(sql.P50), Ms(sql.P99),
        graphql.PerSecond.ToString("N0", CultureInfo.InvariantCulture), Ms(graphql.P50), Ms(graphql.P99),
        graphql.Errors.ToString(CultureInfo.InvariantCulture), (graphql.PerSecond / sql.PerSecond).ToString("F2", CultureInfo.InvariantCulture));

    /// <summary>The median of each figure, each on its own.</summary>
    private static Result Median(List<Result> results) =>
        new(results[0].Clients, Statistics.Median(results.Select(r => r.PerSecond)), Statistics.Median(results.Select(r => r.P50)), Statistics.Median(results.Select(r => r.P99)),
            results.Sum(r => r.Errors));

    /// <summary>
    /// The baseline: the statement the resolver sends for one lookup (lookup.sql: the stack with its context, the
    /// contracts of its organisations with their subcontracts, and those organisations, in one round trip), with a
    /// random point inside a random building. It is the best SQL we know for the whole answer; the server adds the
    /// rules that choose from it, GraphQL and HTTP.
    /// </summary>
    private static async Task<Result> RunPgbenchAsync(string pgbench, string url, int parcels, int clients, int seconds, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("twin-pgbench").FullName;
        var side = (int)Math.Ceiling(Math.Sqrt(parcels));
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"\\set i random(0, {parcels / 2 - 1}) * 2")
            .AppendLine(CultureInfo.InvariantCulture, $"\\set x 24.5 + (:i % {side}) * {Step} + {Step * 0.45}")
            .AppendLine(CultureInfo.InvariantCulture, $"\\set y 60.0 + (:i / {side}) * {RowStep} + {RowStep * 0.45}")
            .AppendLine(OneLine(Repository.BenchSql("lookup_whole.sql").Replace("$1", ":x", StringComparison.Ordinal).Replace("$2", ":y", StringComparison.Ordinal)
                .Replace("$3", "4326", StringComparison.Ordinal).Replace("$4", "10", StringComparison.Ordinal)
                .Replace("$5", "now()", StringComparison.Ordinal).Replace("$6", "'graffiti'", StringComparison.Ordinal)
                .Replace("$7", "current_date", StringComparison.Ordinal).Replace("$8", "NULL", StringComparison.Ordinal)
                .Replace("$9", "'{}'", StringComparison.Ordinal)));
        var scriptPath = Path.Combine(folder, "lookup.sql");
        await File.WriteAllTextAsync(scriptPath, script.ToString(), cancellationToken);
        var start = new ProcessStartInfo(pgbench) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        // The same session settings as the server's lookup connections (no parallel plans, generic plans).
        start.Environment["PGOPTIONS"] = TwinDatabase.GenericPlanSessionOptions;
        foreach (var a in new[] { "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", scriptPath, "-l", "--log-prefix", Path.Combine(folder, "log"), url })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new BenchException($"pgbench failed: {output}");
        // Each log line: client transaction latency(µs) script epoch epoch_µs.
        var latencies = Directory.GetFiles(folder, "log*")
            .SelectMany(File.ReadLines)
            .Select(line => double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture) / 1000.0)
            .Order()
            .ToList();
        Directory.Delete(folder, recursive: true);
        return new Result(clients, latencies.Count / (double)seconds, Statistics.Percentile(latencies, 0.50), Statistics.Percentile(latencies, 0.99), 0);
    }

    /// <summary>pgbench takes one SQL command per line: drop comments, join lines.</summary>
    private static string OneLine(string sql) =>
        string.Join(' ', sql.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal))).TrimEnd(';') + ";";

    private const int WarmUpSeconds = 20;

    /// <summary>
    /// wrk (C, light on the CPU that the server and PostgreSQL share) posts the same random points as pgbench asks
    /// about; its Lua script counts answers without the expected contractor, and prints its percentiles.
    /// </summary>
    private static async Task<Result> RunWrkAsync(string wrk, string key, int parcels, int clients, int seconds, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("twin-wrk").FullName;
        try
        {
            var side = (int)Math.Ceiling(Math.Sqrt(parcels));
            var body = JsonSerializer.Serialize(new { query = Query, variables = new { x = 0.0, y = 0.0 } })
                .Replace("\"x\":0", "\"x\":%.9f", StringComparison.Ordinal).Replace("\"y\":0", "\"y\":%.9f", StringComparison.Ordinal);
            var script = string.Create(CultureInfo.InvariantCulture, $$"""
                local threads = {}
                local counter = 0
                function setup(thread)
                  counter = counter + 1
                  thread:set("seed", counter)
                  table.insert(threads, thread)
                end
                function init(args)
                  math.randomseed(seed)
                  bad = 0
                  sample = nil
                end
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["X-Api-Key"] = "{{key}}"
                request = function()
                  local i = math.random(0, {{parcels / 2 - 1}}) * 2
                  local x = 24.5 + (i % {{side}}) * {{Step}} + {{Step * 0.45}}
                  local y = 60.0 + math.floor(i / {{side}}) * {{RowStep}} + {{RowStep * 0.45}}
                  return wrk.format(nil, "/graphql", nil, string.format([[{{body}}]], x, y))
                end
                response = function(status, headers, body)
                  if status ~= 200 or body:find('"errors"', 1, true) or not body:find("bench-contractor", 1, true) then
                    bad = bad + 1
                    if sample == nil then sample = body end
                  end
                end
                done = function(summary, latency, requests)
                  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
                  for _, thread in ipairs(threads) do
                    errors = errors + thread:get("bad")
                    local s = thread:get("sample")
                    if s ~= nil then io.write("unexpected answer: " .. s .. "\n") end
                  end
                  io.write(string.format("twin-result %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
                    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
                end
                """);
            var scriptPath = Path.Combine(folder, "lookup.lua");
            await File.WriteAllTextAsync(scriptPath, script, cancellationToken);
            var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-t", Math.Min(2, clients).ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture),
                         "-d", $"{seconds}s", "--timeout", "10s", "-s", scriptPath, BenchServer.Address })
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("twin-result ", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null) throw new BenchException($"wrk failed: {output}");
            foreach (var unexpected in output.Split('\n').Where(l => l.StartsWith("unexpected answer", StringComparison.Ordinal)).Take(1))
            {
                Console.Error.WriteLine(unexpected);
            }
            var f = line.Split(' ');
            var requests = long.Parse(f[1], CultureInfo.InvariantCulture);
            var duration = double.Parse(f[2], CultureInfo.InvariantCulture) / 1e6;
            // No answer at all has no latency to judge: a server that hangs must not read as a tail of 0 ms.
            if (requests == 0) throw new BenchException($"/graphql answered no look-up in {seconds} s ({clients} wrk connections): {output.Trim()}");
            return new Result(clients, requests / duration, double.Parse(f[3], CultureInfo.InvariantCulture), double.Parse(f[4], CultureInfo.InvariantCulture),
                long.Parse(f[5], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
