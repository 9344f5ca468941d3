using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-scale</c>: against the running <c>./twin cluster</c>, GraphQL look-ups through the balancer from a fixed
/// number of clients, first with one server node (the others set to maintenance in both balancers, through their
/// admin sockets), then with every node, side by side in one run; the nodes read look-ups from the standby
/// (<c>Database:LookupsFromStandby</c>, as <c>./twin cluster up</c> starts them). Besides the look-ups a second, each
/// phase measures the CPU each process spent (utime + stime from /proc/PID/stat: every server node, and the primary's
/// and the standby's PostgreSQL with all their backends) divided by the look-ups answered: the cost of a look-up
/// where it is paid, which is what says how many machines a city needs when, as here, all of them share two cores.
/// </summary>
internal static class BenchScaleCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "The cluster's folder (.twin/cluster).", Required = true };
        var url = new Option<string>("--url") { Description = "The balancer.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seconds = new Option<int>("--seconds") { Description = "Seconds of look-ups in each phase.", DefaultValueFactory = _ => 30 };
        var clients = new Option<int>("--clients") { Description = "Clients asking at once, each its next look-up when the last is answered.", DefaultValueFactory = _ => 16 };
        var command = new Command("bench-scale", "Look-ups through the balancer with one server node against all of them, with the CPU each process spends per look-up.")
        {
            cluster, url, seconds, clients,
        };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            return await RunAsync(dataSource, Path.GetFullPath(parse.GetValue(cluster)!), parse.GetValue(url)!, parse.GetValue(seconds), parse.GetValue(clients), ct);
        }, cancellationToken));
        return command;
    }

    private sealed record Phase(string Name, long Answered, long Failed, double Seconds, List<double> Latencies, Dictionary<string, double> CpuSeconds);

    private static async Task<int> RunAsync(NpgsqlDataSource dataSource, string folder, string url, int seconds, int clients, CancellationToken cancellationToken)
    {
        var key = await BenchKeys.KeyAsync(dataSource, "bench-scale", TwinRoles.Integration, cancellationToken);
        var nodes = int.Parse(File.ReadAllText(Path.Combine(folder, "nodes")).Trim(), CultureInfo.InvariantCulture);
        if (nodes < 2) throw new BenchException("The cluster runs one server node: ./twin cluster down, then ./twin cluster up (two nodes) to compare.");
        var basePort = int.Parse(File.ReadAllText(Path.Combine(folder, "ports")).Trim(), CultureInfo.InvariantCulture);
        var user = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Username ?? "postgres";
        var primaryPort = await ClusterNodes.PrimaryPortAsync([basePort + 1, basePort + 2], user, 1, cancellationToken);
        var standbyPort = primaryPort == basePort + 1 ? basePort + 2 : basePort + 1;
        // Both balancers share :5080 (./twin cluster), so each is told: with one left alone, its half of the
        // connections would still reach every node.
        string[] sockets = [Path.Combine(folder, "run", "haproxy.sock"), Path.Combine(folder, "run", "haproxy2.sock")];

        // No cookies: HAProxy's TWINNODE would keep every look-up on the first node, as it keeps a browser on its circuit's.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseCookies = false }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        AnsiConsole.MarkupLineInterpolated($"{clients} clients asking look-ups through {url}, {seconds} s with 1 server node, then {seconds} s with {nodes}; look-ups read from the standby (:{standbyPort}).");
        var phases = new List<Phase>();
        try
        {
            for (var n = 2; n <= nodes; n++) await HaproxyAsync(sockets, $"set server servers/node{n} state maint");
            await Task.Delay(1000, cancellationToken);
            await LookUpAsync(http, key, clients, 3, cancellationToken); // warm the node's pools
            phases.Add(await MeasureAsync("1 node", http, key, clients, seconds, nodes, primaryPort, standbyPort, folder, cancellationToken));
        }
        finally
        {
            for (var n = 2; n <= nodes; n++) await HaproxyAsync(sockets, $"set server servers/node{n} state ready");
        }
        await Task.Delay(3000, cancellationToken); // HAProxy's checks take the nodes back (rise 2)
        await LookUpAsync(http, key, clients, 3, cancellationToken);
        phases.Add(await MeasureAsync($"{nodes} nodes", http, key, clients, seconds, nodes, primaryPort, standbyPort, folder, cancellationToken));

        var table = new Table().Border(TableBorder.Rounded).AddColumn("");
        foreach (var phase in phases) table.AddColumn(phase.Name);
        table.AddRow([new Markup("look-ups answered a second"), .. phases.Select(p => new Markup((p.Answered / p.Seconds).ToString("N1", CultureInfo.InvariantCulture)))]);
        table.AddRow([new Markup("failed"), .. phases.Select(p => new Markup(p.Failed.ToString("N0", CultureInfo.InvariantCulture)))]);
        table.AddRow([new Markup("latency p50 / p99"), .. phases.Select(p =>
        {
            var sorted = p.Latencies.Order().ToList();
            return new Markup(string.Create(CultureInfo.InvariantCulture, $"{Statistics.Percentile(sorted, 0.5):F1} / {Statistics.Percentile(sorted, 0.99):F1} ms"));
        })]);
        foreach (var process in phases.SelectMany(p => p.CpuSeconds.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            table.AddRow([new Markup(Markup.Escape($"CPU per look-up: {process}")), .. phases.Select(p => new Markup(p.CpuSeconds.TryGetValue(process, out var cpu) && p.Answered > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{cpu * 1000 / p.Answered:F2} ms ({cpu:F1} s)")
                : "–"))]);
        }
        table.AddRow([new Markup("CPU per look-up, all of them"), .. phases.Select(p => new Markup(p.Answered > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{p.CpuSeconds.Values.Sum() * 1000 / p.Answered:F2} ms")
            : "–"))]);
        AnsiConsole.Write(table);
        var (one, all) = (phases[0], phases[^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: 1 node {one.Answered / one.Seconds:F1} look-ups/s, {nodes} nodes {all.Answered / all.Seconds:F1} look-ups/s (x{all.Answered / all.Seconds / Math.Max(0.001, one.Answered / one.Seconds):F2}); CPU per look-up {one.CpuSeconds.Values.Sum() * 1000 / Math.Max(1, one.Answered):F2} ms and {all.CpuSeconds.Values.Sum() * 1000 / Math.Max(1, all.Answered):F2} ms (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
        return one.Failed + all.Failed == 0 ? 0 : 1;
    }

    private static async Task<Phase> MeasureAsync(string name, HttpClient http, string key, int clients, int seconds, int nodes, int primaryPort, int standbyPort,
        string folder, CancellationToken cancellationToken)
    {
        var before = CpuSeconds(folder, nodes, primaryPort, standbyPort);
        var clock = Stopwatch.StartNew();
        var latencies = new ConcurrentBag<double>();
        long answered = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            for (long n = client; !stop.IsCancellationRequested; n += clients)
            {
                var started = clock.Elapsed.TotalMilliseconds;
                if (await OneAsync(http, key, n, CancellationToken.None))
                {
                    Interlocked.Increment(ref answered);
                    latencies.Add(clock.Elapsed.TotalMilliseconds - started);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var after = CpuSeconds(folder, nodes, primaryPort, standbyPort);
        var spent = after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));
        AnsiConsole.MarkupLineInterpolated($"  {name}: {answered:N0} look-ups answered in {elapsed:F1} s, {failed:N0} failed");
        return new Phase(name, answered, failed, elapsed, [.. latencies], spent);
    }

    private static async Task LookUpAsync(HttpClient http, string key, int clients, int each, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, clients * each).Select(n => OneAsync(http, key, n, cancellationToken)));

    private static async Task<bool> OneAsync(HttpClient http, string key, long n, CancellationToken cancellationToken)
    {
        try
        {
            var body = ClusterNodes.LookupBody(n);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode && !text.Contains("\"errors\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// CPU seconds so far of each server node (its process group: dotnet), and of each data node's PostgreSQL (the
    /// postmaster and every child: backends, WAL sender or receiver, startup process); children that ended count
    /// in the parent's cutime/cstime.
    /// </summary>
    private static Dictionary<string, double> CpuSeconds(string folder, int nodes, int primaryPort, int standbyPort)
    {
        var ticks = 100.0; // USER_HZ: 100 on Linux
        var stats = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(d => d.All(char.IsAsciiDigit))
            .Select(pid => ReadStat(pid)).Where(s => s is not null).Select(s => s!.Value).ToList();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var n = 1; n <= nodes; n++)
        {
            var run = Path.Combine(folder, "run", $"server{n}");
            if (!File.Exists(run)) continue;
            var group = int.Parse(File.ReadAllText(run).Trim(), CultureInfo.InvariantCulture);
            result[$"server node{n}"] = stats.Where(s => s.Group == group).Sum(s => s.Own + s.Children) / ticks;
        }
        foreach (var (role, port) in new[] { ("PostgreSQL primary", primaryPort), ("PostgreSQL standby", standbyPort) })
        {
            var node = port == int.Parse(File.ReadAllText(Path.Combine(folder, "ports")).Trim(), CultureInfo.InvariantCulture) + 1 ? "node1" : "node2";
            var pidFile = Path.Combine(folder, node, "postmaster.pid");
            if (!File.Exists(pidFile)) continue;
            var postmaster = int.Parse(File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
            result[$"{role} (:{port})"] = stats.Where(s => s.Pid == postmaster || s.Parent == postmaster).Sum(s => s.Pid == postmaster ? s.Own + s.Children : s.Own) / ticks;
        }
        return result;
    }

    private static (int Pid, int Parent, int Group, long Own, long Children)? ReadStat(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // After the name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) cutime(16) cstime(17), numbered from 1.
            return (int.Parse(pid, CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null; // ended meanwhile
        }
    }

    /// <summary>One command to each balancer's admin socket (./twin cluster makes them with level admin).</summary>
    private static async Task HaproxyAsync(IEnumerable<string> socketPaths, string command)
    {
        foreach (var socketPath in socketPaths) await HaproxyAsync(socketPath, command);
    }

    private static async Task HaproxyAsync(string socketPath, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"));
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer);
        var answer = Encoding.ASCII.GetString(buffer, 0, read).Trim();
        if (answer.Length > 0) throw new BenchException($"HAProxy refused '{command}': {answer}");
    }
}
