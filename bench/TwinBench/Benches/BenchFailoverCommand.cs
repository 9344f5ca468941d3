using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-failover</c>: against the running <c>./twin cluster</c>, Open311 posts at a steady rate through the
/// balancer, each with its own idempotency key and tried again with the same key until acknowledged (as a real client
/// does), and GraphQL look-ups beside them; meanwhile one server node is killed (SIGKILL) and started again, then the
/// primary PostgreSQL with its pg_autoctl (pg_auto_failover promotes the standby), and the old primary is started again
/// to come back as the standby; then one of the two balancers (HAProxy), whose twin takes every new connection, and it
/// too is started again. Then: every acknowledged post has one case (none lost, none doubled), the longest time
/// without an acknowledged post (the write outage) and without an answered look-up (the read outage), latencies
/// outside the outages, and the standby's lag.
/// </summary>
internal static class BenchFailoverCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "The cluster's folder (.twin/cluster).", Required = true };
        var url = new Option<string>("--url") { Description = "The balancer.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seconds = new Option<int>("--seconds") { Description = "Seconds of load; the kills come at set fractions of it.", DefaultValueFactory = _ => 120 };
        // 20 a second: what the whole cluster on one shared 2-core machine takes with room to spare (50 saturated it, and
        // a saturated cluster measures its queue, not its failover); 30 times NYC311's average of all contacts.
        var rate = new Option<int>("--rate") { Description = "Open311 posts per second.", DefaultValueFactory = _ => 20 };
        var simulator = new Option<string>("--simulator") { Description = "The contractor simulator of ./twin cluster up --demo, whose /received counts the forwards.", DefaultValueFactory = _ => "http://127.0.0.1:5099" };
        var noKills = new Option<bool>("--no-kills") { Description = "The same load with nothing killed: the cluster's behaviour without faults, to compare with." };
        var command = new Command("bench-failover", "Posts and look-ups through the cluster while a server node and the primary are killed.")
        {
            cluster, url, seconds, rate, noKills, simulator,
        };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            var run = new Run(Path.GetFullPath(parse.GetValue(cluster)!), parse.GetValue(url)!, parse.GetValue(seconds), parse.GetValue(rate), parse.GetValue(noKills), parse.GetValue(simulator)!);
            return await run.ExecuteAsync(dataSource, ct);
        }, cancellationToken));
        return command;
    }

    private sealed class Run(string folder, string url, int seconds, int rate, bool noKills, string simulator)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly string prefix = $"failover-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-";
        private readonly ConcurrentBag<(double At, double Ms, bool First)> posts = [];
        private readonly ConcurrentBag<(double At, double Ms)> lookups = [];
        private readonly ConcurrentBag<string> acknowledged = [];
        private readonly ConcurrentQueue<string> events = new();
        // Why tries failed, counted by reason (status and code, or the exception), with the first answer of each kind.
        private readonly ConcurrentDictionary<string, long> postFailureReasons = new(), lookupFailureReasons = new();
        private readonly ConcurrentDictionary<string, string> failureSamples = new();
        private long postFailures, postsRetried, lookupFailures, maxLagBytes;
        private double maxReplayLagMs;

        private double Now => clock.Elapsed.TotalSeconds;

        /// <summary>When the load began and when it was told to stop: an outage runs to the end if nothing came after it.</summary>
        private double loadStart, loadEnd;

        public async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
        {
            var citizen = await BenchKeys.KeyAsync(dataSource, "bench-failover", TwinRoles.CitizenApp, cancellationToken);
            var integration = await BenchKeys.KeyAsync(dataSource, "bench-failover-lookups", TwinRoles.Integration, cancellationToken);
            var ports = int.Parse(File.ReadAllText(Path.Combine(folder, "ports")).Trim(), CultureInfo.InvariantCulture);
            var user = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Username ?? "postgres";
            int[] dataPorts = [ports + 1, ports + 2];

            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5), UseCookies = false })
            {
                BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"{rate} Open311 posts a second and GraphQL look-ups through {url} for {seconds} s; kills at set times:");
            loadStart = Now;
            var load = new List<Task> { PostAllAsync(http, citizen, stop.Token), WatchLagAsync(dataPorts, user, stop.Token) };
            for (var worker = 0; worker < 4; worker++) load.Add(LookUpAsync(http, integration, worker, stop.Token));

            // The plan, in fractions of the run: a server node, then the primary, then the old primary back, then a balancer.
            if (noKills)
            {
                Say("no kills (--no-kills): the same load on a healthy cluster");
                await At(1.0, cancellationToken);
                loadEnd = Now;
                await stop.CancelAsync();
                await Task.WhenAll(load);
                return await ReportAsync(dataSource, rejoined: true, cancellationToken);
            }
            await At(0.125, cancellationToken);
            var server = Kill("server1");
            await At(0.21, cancellationToken);
            Restart(server);
            await At(0.375, cancellationToken);
            var primaryPort = await ClusterNodes.PrimaryPortAsync(dataPorts, user, 10, cancellationToken);
            var primaryName = primaryPort == dataPorts[0] ? "node1" : "node2";
            var node = Kill(primaryName);
            await At(0.625, cancellationToken);
            Restart(node);
            await At(0.75, cancellationToken);
            var balancer = Kill("haproxy");
            await At(0.85, cancellationToken);
            Restart(balancer);
            await At(1.0, cancellationToken);
            loadEnd = Now;
            await stop.CancelAsync();
            // Posts still unacknowledged are tried on for a little while, as a client would.
            await Task.WhenAll(load);

            AnsiConsole.MarkupLine("Waiting for the old primary to follow as the standby...");
            var rejoined = await StandbyBackAsync(dataPorts, user, TimeSpan.FromSeconds(90), cancellationToken);
            return await ReportAsync(dataSource, rejoined, cancellationToken);
        }

        private async Task At(double fraction, CancellationToken cancellationToken)
        {
            var wait = TimeSpan.FromSeconds(seconds * fraction) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
        }

        private void Say(string what)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{Now,6:F1} s  {what}");
            events.Enqueue(line);
            Console.WriteLine(line);
        }

        /// <summary>What ./twin cluster started as NAME: the process group, its command line, environment and folder.</summary>
        private sealed record Piece(string Name, string[] Arguments, Dictionary<string, string> Environment, string WorkingDirectory);

        /// <summary>SIGKILL to the whole process group of NAME (pg_autoctl and its PostgreSQL die together, as with the machine).</summary>
        private Piece Kill(string name)
        {
            var runFile = Path.Combine(folder, "run", name);
            if (!File.Exists(runFile)) throw new BenchException($"The cluster has no {name} running ({runFile}): ./twin cluster up first.");
            var group = int.Parse(File.ReadAllText(runFile).Trim(), CultureInfo.InvariantCulture);
            var arguments = File.ReadAllText($"/proc/{group}/cmdline").TrimEnd('\0').Split('\0');
            var environment = File.ReadAllText($"/proc/{group}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => v.Split('=', 2)).Where(v => v.Length == 2).ToDictionary(v => v[0], v => v[1]);
            var directory = new DirectoryInfo($"/proc/{group}/cwd").ResolveLinkTarget(true)?.FullName ?? "/";
            using (var kill = Process.Start("kill", ["-KILL", "--", $"-{group}"])) kill.WaitForExit();
            Say($"kill -9 {name} (process group {group})");
            return new Piece(name, arguments, environment, directory);
        }

        /// <summary>Starts a killed piece again as ./twin cluster did: the same command, in a process group of its own, logging where it logged.</summary>
        private void Restart(Piece piece)
        {
            var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = piece.WorkingDirectory, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec setsid \"$@\" >>\"$TWIN_BENCH_LOG\" 2>&1 </dev/null");
            start.ArgumentList.Add("sh");
            foreach (var a in piece.Arguments) start.ArgumentList.Add(a);
            start.Environment.Clear();
            // Not what HAProxy's master set in its own environment to re-execute itself (HAPROXY_MWORKER_REEXEC and
            // the like): started again with those, it takes itself for a re-executed master and its worker exits.
            foreach (var (k, v) in piece.Environment.Where(e => !e.Key.StartsWith("HAPROXY_", StringComparison.Ordinal))) start.Environment[k] = v;
            start.Environment["TWIN_BENCH_LOG"] = Path.Combine(folder, "logs", piece.Name + ".log");
            var process = Process.Start(start)!;
            File.WriteAllText(Path.Combine(folder, "run", piece.Name), process.Id.ToString(CultureInfo.InvariantCulture));
            Say($"{piece.Name} started again (process group {process.Id})");
        }

        /// <summary>Starts a post every 1/rate s until the end; each is tried again with its key until acknowledged.</summary>
        private async Task PostAllAsync(HttpClient http, string key, CancellationToken stop)
        {
            var inFlight = new List<Task>();
            var interval = TimeSpan.FromSeconds(1.0 / rate);
            var next = clock.Elapsed;
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                inFlight.Add(PostOneAsync(http, key, n));
                next += interval;
                var wait = next - clock.Elapsed;
                try
                {
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            await Task.WhenAll(inFlight);
        }

        private async Task PostOneAsync(HttpClient http, string key, long n)
        {
            var idempotency = prefix + n.ToString(CultureInfo.InvariantCulture);
            var (lat, lon) = (59.3075 + ClusterNodes.Jitter(n, 0.001), 18.0765 + ClusterNodes.Jitter(n + 1, 0.002));
            var deadline = Now + seconds + 60;
            for (var attempt = 0; Now < deadline; attempt++)
            {
                var started = Now;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
                    {
                        Content = new FormUrlEncodedContent(new Dictionary<string, string>
                        {
                            ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = lat.ToString("F7", CultureInfo.InvariantCulture),
                            ["long"] = lon.ToString("F7", CultureInfo.InvariantCulture), ["description"] = "failover bench report", ["locale"] = "en",
                        }),
                    };
                    request.Headers.Add("Idempotency-Key", idempotency);
                    using var response = await http.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        posts.Add((Now, (Now - started) * 1000, attempt == 0));
                        acknowledged.Add(idempotency);
                        return;
                    }
                    var answer = await response.Content.ReadAsStringAsync();
                    if ((int)response.StatusCode is >= 400 and < 500 and not 429 and not 409)
                        throw new BenchException($"A post was refused: {(int)response.StatusCode} {answer}");
                    Failed(postFailureReasons, $"{(int)response.StatusCode}", answer);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The node died under it or the balancer had none: as a client would, try again with the same key.
                    Failed(postFailureReasons, Reason(e), e.Message);
                }
                Interlocked.Increment(ref postFailures);
                if (attempt == 0) Interlocked.Increment(ref postsRetried);
                // Again soon, then less often (250 ms, 500 ms, at most 1 s): a client's back-off, which bounds how much
                // the measured outage can overstate the real one.
                await Task.Delay(Math.Min(1000, 250 << Math.Min(attempt, 2)));
            }
        }

        private async Task LookUpAsync(HttpClient http, string key, int worker, CancellationToken stop)
        {
            for (long n = worker; !stop.IsCancellationRequested; n += 4)
            {
                var started = Now;
                try
                {
                    var body = ClusterNodes.LookupBody(n);
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Authorization = new("Bearer", key);
                    using var response = await http.SendAsync(request, stop);
                    var text = await response.Content.ReadAsStringAsync(stop);
                    if (response.IsSuccessStatusCode && !text.Contains("\"errors\"", StringComparison.Ordinal))
                    {
                        lookups.Add((Now, (Now - started) * 1000));
                    }
                    else
                    {
                        Interlocked.Increment(ref lookupFailures);
                        Failed(lookupFailureReasons, $"{(int)response.StatusCode} {ErrorCode(text)}".TrimEnd(), text);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref lookupFailures);
                    Failed(lookupFailureReasons, Reason(e), e.Message);
                }
                try
                {
                    await Task.Delay(40, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private void Failed(ConcurrentDictionary<string, long> reasons, string reason, string answer)
        {
            reasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
            failureSamples.TryAdd(reason, answer.Length > 300 ? answer[..300] + "…" : answer);
        }

        private static string Reason(Exception e) => e switch
        {
            TaskCanceledException => "no answer within 10 s",
            HttpRequestException { HttpRequestError: var error } => $"{e.GetType().Name} ({error})",
            _ => e.GetType().Name,
        };

        /// <summary>The first GraphQL error's code, when the answer has one.</summary>
        private static string ErrorCode(string text)
        {
            var at = text.IndexOf("\"code\":\"", StringComparison.Ordinal);
            if (at < 0) return "";
            var start = at + "\"code\":\"".Length;
            var end = text.IndexOf('"', start);
            return end > start ? text[start..end] : "";
        }

        private static string Tally(ConcurrentDictionary<string, long> reasons) =>
            reasons.IsEmpty ? "none" : string.Join("; ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key}: {r.Value:N0}"));

        /// <summary>Every second, the standby's lag as the primary sees it (bytes of WAL not yet replayed, and replay_lag).</summary>
        private async Task WatchLagAsync(int[] ports, string user, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var primary = await ClusterNodes.PrimaryPortAsync(ports, user, 10, stop);
                    await using var connection = ClusterNodes.Node(primary, user);
                    await connection.OpenAsync(stop);
                    await using var command = new NpgsqlCommand(
                        "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint, " +
                        "coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0)::float8 FROM pg_stat_replication WHERE state = 'streaming'", connection);
                    await using var reader = await command.ExecuteReaderAsync(stop);
                    if (await reader.ReadAsync(stop))
                    {
                        maxLagBytes = Math.Max(maxLagBytes, reader.GetInt64(0));
                        maxReplayLagMs = Math.Max(maxReplayLagMs, reader.GetDouble(1));
                    }
                }
                catch (Exception e) when (e is NpgsqlException or BenchException or InvalidOperationException)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    await Task.Delay(1000, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task<bool> StandbyBackAsync(int[] ports, string user, TimeSpan within, CancellationToken cancellationToken)
        {
            var until = Now + within.TotalSeconds;
            while (Now < until)
            {
                try
                {
                    var primary = await ClusterNodes.PrimaryPortAsync(ports, user, 10, cancellationToken);
                    await using var connection = ClusterNodes.Node(primary, user);
                    await connection.OpenAsync(cancellationToken);
                    await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')", connection);
                    if ((long)(await command.ExecuteScalarAsync(cancellationToken))! > 0)
                    {
                        Say("the old primary follows as the synchronous standby");
                        return true;
                    }
                }
                catch (Exception e) when (e is NpgsqlException or BenchException)
                {
                }
                await Task.Delay(1000, cancellationToken);
            }
            return false;
        }

        /// <summary>
        /// The run's forwards (the cluster of <c>./twin cluster up --demo</c> forwards clear cases at once) against what
        /// the contractor simulator received: every forward's idempotency key once, none twice. Waits up to a minute
        /// for the outbox to drain first.
        /// </summary>
        private async Task<(string Text, bool Measured, bool Met)> ForwardsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                await http.GetStringAsync(simulator + "/received", cancellationToken);
            }
            catch (HttpRequestException)
            {
                return ($"not measured: no contractor simulator at {simulator} (./twin cluster up --demo starts one)", false, false);
            }
            var forwards = new Dictionary<Guid, string>();
            for (var wait = 0; wait < 60; wait++)
            {
                forwards.Clear();
                await using var command = dataSource.CreateCommand(
                    "SELECT o.idempotency_key, o.state FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.idempotency_key LIKE $1");
                command.Parameters.AddWithValue(prefix + "%");
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken)) forwards[reader.GetGuid(0)] = reader.GetString(1);
                }
                if (forwards.Values.All(state => state != "pending")) break;
                await Task.Delay(1000, cancellationToken);
            }
            var received = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(simulator + "/received", cancellationToken)).RootElement
                .EnumerateArray().ToDictionary(r => r.GetProperty("idempotencyKey").GetString()!, r => r.GetProperty("times").GetInt32(), StringComparer.OrdinalIgnoreCase);
            var once = forwards.Keys.Count(k => received.GetValueOrDefault(k.ToString()) == 1);
            var twice = forwards.Keys.Count(k => received.GetValueOrDefault(k.ToString()) > 1);
            var missing = forwards.Keys.Count(k => !received.ContainsKey(k.ToString()));
            var states = string.Join(", ", forwards.Values.GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}"));
            return ($"{once:N0} of {forwards.Count:N0} forwards received once; twice or more {twice:N0}; not received {missing:N0} (outbox: {states})",
                true, forwards.Count > 0 && once == forwards.Count);
        }

        /// <summary>
        /// The longest time without a success, over the whole load: from its start to the first success and from the
        /// last to its end count too, so that writes that never came back after a kill are an outage, not none.
        /// </summary>
        private (double Gap, double From) LongestGap(IEnumerable<double> times)
        {
            var sorted = times.Append(loadStart).Append(loadEnd).Order().ToList();
            var (gap, from) = (0.0, 0.0);
            for (var i = 1; i < sorted.Count; i++)
            {
                if (sorted[i] - sorted[i - 1] > gap) (gap, from) = (sorted[i] - sorted[i - 1], sorted[i - 1]);
            }
            return (gap, from);
        }

        private async Task<int> ReportAsync(NpgsqlDataSource dataSource, bool rejoined, CancellationToken cancellationToken)
        {
            var cases = new Dictionary<string, long>();
            await using (var command = dataSource.CreateCommand("SELECT idempotency_key, count(*) FROM cases WHERE idempotency_key LIKE $1 GROUP BY 1"))
            {
                command.Parameters.AddWithValue(prefix + "%");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) cases[reader.GetString(0)] = reader.GetInt64(1);
            }
            var acked = acknowledged.ToHashSet();
            var lost = acked.Count(k => !cases.ContainsKey(k));
            var doubled = cases.Count(c => c.Value > 1);
            var unacknowledgedWithCase = cases.Keys.Count(k => !acked.Contains(k));

            var (writeGap, writeFrom) = LongestGap(posts.Select(p => p.At));
            var (readGap, readFrom) = LongestGap(lookups.Select(l => l.At));
            // Latency outside the outages: requests that ended more than 1 s away from either outage.
            bool Outside(double at) => !(at >= writeFrom - 1 && at <= writeFrom + writeGap + 1) && !(at >= readFrom - 1 && at <= readFrom + readGap + 1);
            var latencies = posts.Where(p => p.First && Outside(p.At)).Select(p => p.Ms).Concat(lookups.Where(l => Outside(l.At)).Select(l => l.Ms)).Order().ToList();
            var (p50, p99) = (Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.99));

            string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("measured").AddColumn("target").AddColumn("verdict");
            table.AddRow("posts acknowledged", $"{acked.Count:N0} ({postsRetried:N0} needed more than one try; failed tries {postFailures:N0}: {Tally(postFailureReasons)})", "", "");
            table.AddRow("lost (acknowledged, no case)", lost.ToString(CultureInfo.InvariantCulture), "0", Statistics.Verdict(lost == 0));
            table.AddRow("doubled (two cases for one key)", doubled.ToString(CultureInfo.InvariantCulture), "0", Statistics.Verdict(doubled == 0));
            table.AddRow("cases of posts never acknowledged", unacknowledgedWithCase.ToString(CultureInfo.InvariantCulture), "", "");
            table.AddRow("write outage (longest gap between acknowledged posts)", $"{F(writeGap)} s (from {F(writeFrom)} s)", "< 15 s (aim < 5 s)", Statistics.Verdict(writeGap < 15));
            table.AddRow("read outage (longest gap between answered look-ups)", $"{F(readGap)} s (from {F(readFrom)} s); look-ups answered {lookups.Count:N0}, failed {lookupFailures:N0}", "0 (no gap over 1 s)", Statistics.Verdict(readGap < 1));
            table.AddRow("look-ups that failed, why", Tally(lookupFailureReasons), "", "");
            table.AddRow("latency outside the outages", $"p50 {F(p50)} ms, p99 {F(p99)} ms ({latencies.Count:N0} requests)", "", "");
            table.AddRow("replication lag (max seen by the primary)", $"{maxLagBytes:N0} bytes, replay_lag {F(maxReplayLagMs)} ms", "", "");
            table.AddRow("old primary back as the synchronous standby", rejoined ? "yes" : "no (within 90 s)", "yes", Statistics.Verdict(rejoined));
            var forwards = await ForwardsAsync(dataSource, cancellationToken);
            table.AddRow("forwards delivered once (each forward's idempotency key received once)", forwards.Text, forwards.Measured ? "all, none twice" : "", forwards.Measured ? Statistics.Verdict(forwards.Met) : "");
            AnsiConsole.Write(table);
            foreach (var (reason, sample) in failureSamples.OrderBy(f => f.Key, StringComparer.Ordinal))
                Console.WriteLine($"  first answer of '{reason}': {sample.ReplaceLineEndings(" ")}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"failover: lost {lost}, doubled {doubled} (target 0 and 0: {Statistics.Verdict(lost == 0 && doubled == 0)}); write outage {writeGap:F1} s (target < 15 s: {Statistics.Verdict(writeGap < 15)}); read outage {readGap:F1} s (target 0: {Statistics.Verdict(readGap < 1)})"));
            return lost == 0 && doubled == 0 && writeGap < 15 && rejoined ? 0 : 1;
        }
    }
}
