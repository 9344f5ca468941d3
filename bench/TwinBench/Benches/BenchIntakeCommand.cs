using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-intake</c>: Open311 POSTs from wrk against a server that forwards clear cases at once (Cases:AutoForward)
/// to the contractor simulator, for a minute; then the count (every accepted post one case, none doubled, each
/// delivered once) and the forwarding lag from intake to the contractor's answer (product contract section 7: 500 a second).
/// </summary>
internal static class BenchIntakeCommand
{
    private static readonly string SimulatorAddress = $"http://127.0.0.1:{BenchServer.Port - 1}";
    private const string Secret = "bench-intake-secret";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Path of TwinServer.dll.", Required = true };
        var simulator = new Option<string>("--simulator") { Description = "Path of ContractorSimulator.dll.", Required = true };
        var wrk = new Option<string>("--wrk") { Description = "Path of wrk.", Required = true };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for the server.", Required = true };
        var seconds = new Option<int>("--seconds") { Description = "Seconds of posting.", DefaultValueFactory = _ => 60 };
        var clients = new Option<int>("--clients") { Description = "Concurrent connections.", DefaultValueFactory = _ => 16 };
        var warmUp = new Option<int>("--warm-up")
        {
            Description = "Seconds of posting before the measured run, as a node that has served for a while (its JIT done); not in the rate, checked like the rest.",
            DefaultValueFactory = _ => 20,
        };
        var command = new Command("bench-intake", "Open311 posts for a minute, forwarded at once; then count and forwarding lag.")
        {
            server, simulator, wrk, psqlUrl, seconds, clients, warmUp,
        };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            await BenchCity.EnsureAsync(dataSource, 1_000_000, ct);
            var key = await PrepareAsync(dataSource, ct);

            using var receiver = await BenchServer.StartProcessAsync(parse.GetValue(simulator)!,
                new Dictionary<string, string> { ["ASPNETCORE_URLS"] = SimulatorAddress, ["SIMULATOR_SECRET"] = Secret }, SimulatorAddress + "/received", ct);
            Process twin;
            try
            {
                twin = await BenchServer.StartAsync(parse.GetValue(server)!, parse.GetValue(psqlUrl)!, ct,
                    new Dictionary<string, string> { ["Cases__AutoForward"] = "true", ["Outbox__Workers"] = "4", ["Outbox__PollMilliseconds"] = "20" });
            }
            catch
            {
                // The simulator goes with the run, however the server's start failed.
                await BenchServer.StopAsync(receiver);
                throw;
            }
            using var _ = twin;
            try
            {
                var started = DateTimeOffset.UtcNow;
                // A server just started spends the first tens of seconds compiling its hot code again and again (tiered
                // JIT, a tenth of its CPU under this load); a node in service did that long ago. Its posts are counted
                // and checked with the rest, only not in the rate.
                var (warmAccepted, warmFailed, warmRate) = (0L, 0L, 0.0);
                if (parse.GetValue(warmUp) is > 0 and var warm)
                {
                    AnsiConsole.MarkupLineInterpolated($"Warm-up: Open311 POSTs with wrk, {parse.GetValue(clients)} connections, {warm} s (not in the rate)");
                    (warmAccepted, warmFailed, warmRate) = await PostAsync(parse.GetValue(wrk)!, key, "bench-warm-", parse.GetValue(clients), warm, ct);
                }
                AnsiConsole.MarkupLineInterpolated($"Open311 POSTs with wrk: {parse.GetValue(clients)} connections, {parse.GetValue(seconds)} s");
                var (accepted, failed, rate) = await PostAsync(parse.GetValue(wrk)!, key, "bench-", parse.GetValue(clients), parse.GetValue(seconds), ct);
                accepted += warmAccepted;
                failed += warmFailed;

                // Retries of accepted posts, with their keys: none may make a case.
                var before = await CountAsync(dataSource, started, ct);
                var replayed = await ReplayAsync(key, dataSource, started, ct);
                var after = await CountAsync(dataSource, started, ct);

                AnsiConsole.MarkupLine("Waiting for the outbox to drain...");
                var drained = await DrainAsync(dataSource, started, TimeSpan.FromSeconds(180), ct);
                using var http = new HttpClient();
                var received = JsonDocument.Parse(await http.GetStringAsync(SimulatorAddress + "/received", ct)).RootElement;
                var redelivered = received.EnumerateArray().Count(r => r.GetProperty("times").GetInt32() > 1);
                var (p50, p99, forwarded, distinctKeys) = await LagAsync(dataSource, started, ct);

                var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("");
                table.AddRow("posts accepted (2xx)", accepted.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("posts refused or failed", failed.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("posts per second (sustained)", warmRate > 0 ? $"{rate:N0} (in the warm-up: {warmRate:N0})" : rate.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("cases made", $"{before:N0} (idempotency keys: {distinctKeys:N0})");
                table.AddRow("retried posts (same keys)", $"{replayed:N0}, new cases from them: {after - before:N0}");
                table.AddRow("forwarded at once", forwarded.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("received by the contractor", $"{received.GetArrayLength():N0} (received again after a retry: {redelivered:N0})");
                table.AddRow("outbox drained", drained ? "yes" : "no (within 3 minutes)");
                table.AddRow("forwarding lag, intake → contractor's answer", $"p50 {p50:N0} ms, p99 {p99:N0} ms");
                AnsiConsole.Write(table);
                var lost = accepted > before;
                // Each count that disagrees is named, so that a failed run says what to look for.
                var doubling = new List<string>();
                if (before != distinctKeys) doubling.Add($"{before:N0} cases for {distinctKeys:N0} idempotency keys");
                if (after != before) doubling.Add($"{after - before:N0} new cases from retried posts");
                if (received.GetArrayLength() != forwarded) doubling.Add($"{received.GetArrayLength():N0} deliveries received by the contractor, {forwarded:N0} recorded as delivered");
                var doubled = doubling.Count > 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rate:F0} posts/s (target ≥ 500 for 60 s); lost: {(lost ? "YES" : "none")}; doubled: {(doubled ? "YES" : "none")}"));
                if (lost) AnsiConsole.MarkupLineInterpolated($"[red]{accepted:N0} posts accepted but {before:N0} cases made[/]");
                foreach (var problem in doubling) AnsiConsole.MarkupLineInterpolated($"[red]{problem}[/]");
                return lost || doubled || !drained ? 1 : 0;
            }
            finally
            {
                twin.Kill(entireProcessTree: true);
                receiver.Kill(entireProcessTree: true);
                await twin.WaitForExitAsync(CancellationToken.None);
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>A citizen app's key for the bench, and the bench contractors receiving through the simulator.</summary>
    private static async Task<string> PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var key = await BenchKeys.KeyAsync(dataSource, "bench-intake", TwinRoles.CitizenApp, cancellationToken);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"UPDATE organisations SET webhook_url = '{SimulatorAddress}/webhooks/' || key, webhook_secret = '{Secret}' WHERE key LIKE 'bench-contractor-%'"));
        // Deliveries an earlier, interrupted run left pending would reach the simulator during this one, and count twice.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "UPDATE outbox SET state = 'dead', last_error = 'left by an earlier bench run' WHERE state = 'pending' AND recipient LIKE 'bench-contractor-%'"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO task_types (code, name_en) VALUES ('graffiti', 'Graffiti removal') ON CONFLICT DO NOTHING"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return key;
    }

    /// <summary>wrk posts graffiti reports at random buildings of the bench city, each with its own idempotency key (the prefix and a count).</summary>
    private static async Task<(long Accepted, long Failed, double Rate)> PostAsync(string wrk, string key, string keyPrefix, int clients, int seconds,
        CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("twin-intake").FullName;
        try
        {
            var script = string.Create(CultureInfo.InvariantCulture, $$"""
                local counter = 0
                local threads = {}
                function setup(thread)
                  counter = counter + 1
                  thread:set("id", counter)
                  table.insert(threads, thread)
                end
                function init(args)
                  n = 0
                  ok = 0
                  bad = 0
                  math.randomseed(id * 7919)
                end
                request = function()
                  n = n + 1
                  local i = math.random(0, 499999) * 2
                  local x = 24.5 + (i % 1000) * 0.0003 + 0.000135
                  local y = 60.0 + math.floor(i / 1000) * 0.00015 + 0.0000675
                  local body = string.format("api_key={{key}}&service_code=graffiti&lat=%.7f&long=%.7f&description=bench+report&locale=fi", y, x)
                  return wrk.format("POST", "/open311/v2/requests.json",
                    { ["Content-Type"] = "application/x-www-form-urlencoded", ["Idempotency-Key"] = "{{keyPrefix}}" .. id .. "-" .. n }, body)
                end
                response = function(status, headers, body)
                  if status == 200 then ok = ok + 1 else bad = bad + 1 end
                end
                done = function(summary, latency, requests)
                  local accepted, refused = 0, 0
                  for _, t in ipairs(threads) do
                    accepted = accepted + t:get("ok")
                    refused = refused + t:get("bad")
                  end
                  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
                  io.write(string.format("twin-intake %d %d %d\n", accepted, refused + errors, summary.duration))
                end
                """);
            var path = Path.Combine(folder, "intake.lua");
            await File.WriteAllTextAsync(path, script, cancellationToken);
            var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-t", "2", "-c", clients.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--timeout", "10s", "-s", path, BenchServer.Address })
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("twin-intake ", StringComparison.Ordinal))
                ?? throw new BenchException($"wrk failed: {output}");
            var f = line.Split(' ');
            var accepted = long.Parse(f[1], CultureInfo.InvariantCulture);
            return (accepted, long.Parse(f[2], CultureInfo.InvariantCulture), accepted / (double.Parse(f[3], CultureInfo.InvariantCulture) / 1e6));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Posts 200 of the run's idempotency keys again, as an app retrying after a lost answer would: the same request
    /// (wrk's fields), since the same key with another request is refused.
    /// </summary>
    private static async Task<int> ReplayAsync(string key, NpgsqlDataSource dataSource, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT idempotency_key, lat, lon FROM cases WHERE created_at >= $1 AND idempotency_key LIKE 'bench-%' ORDER BY random() LIMIT 200");
        command.Parameters.AddWithValue(since);
        var earlier = new List<(string Key, double Lat, double Lon)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) earlier.Add((reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2)));
        }
        using var http = new HttpClient { BaseAddress = new Uri(BenchServer.Address) };
        foreach (var (idempotency, lat, lon) in earlier)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = lat.ToString(CultureInfo.InvariantCulture), ["long"] = lon.ToString(CultureInfo.InvariantCulture),
                    ["description"] = "bench report", ["locale"] = "fi",
                }),
            };
            request.Headers.Add("Idempotency-Key", idempotency);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode) throw new BenchException($"A retried post was refused: {(int)response.StatusCode}");
        }
        return earlier.Count;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM cases WHERE created_at >= $1 AND idempotency_key LIKE 'bench-%'");
        command.Parameters.AddWithValue(since);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> DrainAsync(NpgsqlDataSource dataSource, DateTimeOffset since, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM outbox WHERE created_at >= $1 AND state = 'pending'");
            command.Parameters.AddWithValue(since);
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0) return true;
            await Task.Delay(500, cancellationToken);
        }
        return false;
    }

    /// <summary>Lag from the case's intake to the contractor's answer, over the run's delivered forwards.</summary>
    private static async Task<(double P50, double P99, long Forwarded, long DistinctKeys)> LagAsync(NpgsqlDataSource dataSource, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.delivered_at - c.created_at) * 1000), 0),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM o.delivered_at - c.created_at) * 1000), 0),
                   count(o.id),
                   (SELECT count(DISTINCT idempotency_key) FROM cases WHERE created_at >= $1 AND idempotency_key LIKE 'bench-%')
            FROM cases c JOIN outbox o ON o.case_id = c.id AND o.state = 'delivered'
            WHERE c.created_at >= $1 AND c.idempotency_key LIKE 'bench-%'
            """);
        command.Parameters.AddWithValue(since);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetDouble(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetInt64(3));
    }
}
