using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DigitalTwin.Testing;

/// <summary>
/// A primary and its synchronous standby kept by pg_auto_failover, of one test's own: a monitor and two data nodes in a
/// temporary folder on free loopback ports, each <c>pg_autoctl run</c> in a process group of its own, so that a test
/// can kill one node whole (its keeper and its PostgreSQL, as with the machine) and watch the monitor promote the
/// other. Made as <c>./twin cluster up</c> makes its cluster, with the same failover settings (seconds, but not so
/// quick that a loaded machine fails over on its own). As root it runs as the postgres system user.
/// </summary>
public sealed class FailoverPair : IAsyncDisposable
{
    private readonly string folder;
    private readonly string bin;
    private readonly string user;
    private readonly Dictionary<string, int> groups = [];

    private FailoverPair(string folder, string bin, string user, int monitorPort, int[] ports)
    {
        (this.folder, this.bin, this.user, MonitorPort, Ports) = (folder, bin, user, monitorPort, ports);
    }

    public int MonitorPort { get; }

    /// <summary>The data nodes' ports: node1 (the first primary), node2.</summary>
    public int[] Ports { get; }

    /// <summary>The database <c>twin</c> on both nodes, as <c>pg_autoctl show uri</c> gives it: Npgsql finds the primary.</summary>
    public string Url => $"postgres://{user}@127.0.0.1:{Ports[0]},127.0.0.1:{Ports[1]}/twin?target_session_attrs=read-write";

    /// <summary>The URL of one data node's twin database, whatever its role.</summary>
    public string UrlOf(int port) => $"postgres://{user}@127.0.0.1:{port}/twin";

    /// <summary>Makes and starts the monitor and both nodes; returns once the monitor has a primary and a secondary (about 30 s).</summary>
    public static async Task<FailoverPair> StartNewAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (./twin test installs them).");
        if (!File.Exists("/usr/bin/pg_autoctl"))
            throw new InvalidOperationException("pg_autoctl is missing: ./twin test installs it (apt-get install postgresql-15-auto-failover).");
        var folder = Directory.CreateTempSubdirectory("twin-failover-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var pair = new FailoverPair(folder, bin, Environment.IsPrivilegedProcess ? "postgres" : Environment.UserName, LoopbackPort.Take(), [LoopbackPort.Take(), LoopbackPort.Take()]);
        try
        {
            if (Environment.IsPrivilegedProcess) await RunAsync("chown", "postgres:", folder);
            await pair.AutoctlAsync("create", "monitor", "--pgdata", pair.Data("monitor"), "--pgport", Invariant(pair.MonitorPort), "--hostname", "127.0.0.1",
                "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(bin, "pg_ctl"));
            await File.AppendAllTextAsync(Path.Combine(pair.Data("monitor"), "postgresql.conf"), """

                listen_addresses = '127.0.0.1'
                shared_buffers = '32MB'
                fsync = off
                pgautofailover.health_check_period = 1000
                pgautofailover.health_check_timeout = 3000
                pgautofailover.health_check_max_retries = 2
                pgautofailover.health_check_retry_delay = 500
                pgautofailover.node_considered_unhealthy_timeout = 3000
                pgautofailover.primary_demote_timeout = 2000

                """);
            pair.Run("monitor");
            await pair.EventuallyAsync(async () => await pair.ScalarAsync<int>(pair.MonitorPort, "pg_auto_failover", "SELECT 1") == 1, "the monitor answers");
            for (var i = 0; i < 2; i++)
            {
                var name = $"node{i + 1}";
                await pair.AutoctlAsync("create", "postgres", "--pgdata", pair.Data(name), "--pgport", Invariant(pair.Ports[i]), "--hostname", "127.0.0.1",
                    "--name", name, "--monitor", $"postgres://autoctl_node@127.0.0.1:{pair.MonitorPort}/pg_auto_failover?sslmode=prefer",
                    "--auth", "trust", "--no-ssl", "--dbname", "twin", "--pgctl", Path.Combine(bin, "pg_ctl"));
                await File.AppendAllTextAsync(Path.Combine(pair.Data(name), "postgresql.conf"), """

                    listen_addresses = '127.0.0.1'
                    shared_buffers = '64MB'
                    wal_keep_size = '128MB'
                    max_connections = 200

                    """);
                await pair.AutoctlAsync("config", "set", "--pgdata", pair.Data(name), "timeout.prepare_promotion_walreceiver", "1");
                pair.Run(name);
                if (i == 0) await pair.EventuallyAsync(async () => await pair.ScalarAsync<bool>(pair.Ports[0], "twin", "SELECT NOT pg_is_in_recovery()"), "the first node runs as the primary");
            }
            await pair.EventuallyAsync(async () => await pair.StreamingAsync() > 0, "the standby streams synchronously");
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the node that takes writes now, or null while none does.</summary>
    public async Task<int?> PrimaryPortAsync()
    {
        foreach (var port in Ports)
        {
            try
            {
                if (await ScalarAsync<bool>(port, "postgres", "SELECT NOT pg_is_in_recovery()")) return port;
            }
            catch (NpgsqlException)
            {
            }
        }
        return null;
    }

    /// <summary>
    /// The primary's port, asked again every 250 ms for up to <paramref name="within"/>: on a loaded machine one answer
    /// can miss its 2 s connect timeout while a keeper or the suite is busy, and a single miss says nothing.
    /// </summary>
    public async Task<int> WaitForPrimaryAsync(TimeSpan within, int? other = null)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            if (await PrimaryPortAsync() is { } port && port != other) return port;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No data node said it was the primary{(other is null ? "" : $" (other than :{other})")} within {within.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL to a data node's keeper and PostgreSQL together: the machine lost, as far as the database can tell.</summary>
    public async Task KillAsync(int port)
    {
        var name = port == Ports[0] ? "node1" : "node2";
        await KillGroupAsync(name, groups[name]);
        groups.Remove(name);
    }

    /// <summary>Synchronous standbys streaming from the primary (0 while there is none, or no primary).</summary>
    public async Task<long> StreamingAsync()
    {
        try
        {
            return await PrimaryPortAsync() is { } primary
                ? await ScalarAsync<long>(primary, "postgres", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')")
                : 0;
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    private string Data(string name) => Path.Combine(folder, name);

    /// <summary>
    /// SIGKILL to a node's process group, and to its PostgreSQL's children: each of them runs in a session of its own
    /// (so that the postmaster can signal theirs), outside the group, and the monitor's health-check worker does not
    /// notice its postmaster's death; without this it and the logger outlive every test run.
    /// </summary>
    private async Task KillGroupAsync(string name, int group)
    {
        var children = PostmasterChildren(name);
        using (var kill = Process.Start("kill", ["-KILL", "--", "-" + Invariant(group)])!)
            await kill.WaitForExitAsync();
        foreach (var child in children)
        {
            try
            {
                child.Kill();
            }
            catch (InvalidOperationException)
            {
                // Gone already.
            }
            child.Dispose();
        }
    }

    private List<Process> PostmasterChildren(string name)
    {
        var pidFile = Path.Combine(Data(name), "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var postmaster)) return [];
        var children = new List<Process>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                // pid (comm) state ppid ...: comm may hold spaces, so the fields are counted after its closing parenthesis.
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster)
                    children.Add(Process.GetProcessById(int.Parse(text[..text.IndexOf(' ')], CultureInfo.InvariantCulture)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                // Not a process, or one that ended meanwhile.
            }
        }
        return children;
    }

    private void Run(string name)
    {
        // setsid: a process group of its own, which KillAsync and DisposeAsync end whole (pg_autoctl would start a
        // PostgreSQL killed alone again).
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = "/", RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in AutoctlCommand("run", "--pgdata", Data(name))) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        groups[name] = process.Id;
    }

    private string[] AutoctlCommand(params string[] arguments) =>
    [
        .. Environment.IsPrivilegedProcess ? new[] { "runuser", "-u", "postgres", "--" } : [],
        "env", $"XDG_CONFIG_HOME={folder}/config", $"XDG_DATA_HOME={folder}/share", $"PATH={bin}:/usr/bin:/bin", "pg_autoctl", .. arguments,
    ];

    private Task AutoctlAsync(params string[] arguments)
    {
        var command = AutoctlCommand(arguments);
        return RunAsync(command[0], command[1..]);
    }

    private async Task<T> ScalarAsync<T>(int port, string database, string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username={user};Database={database};Pooling=false;Timeout=2");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await condition()) return;
            }
            catch (NpgsqlException)
            {
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"pg_auto_failover: {what} did not happen within 90 s (folder {folder}).");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, group) in groups) await KillGroupAsync(name, group);
        groups.Clear();
        await Task.Delay(300);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A PostgreSQL still writing as it dies; the temporary folder is left to the system.
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Task RunAsync(string program, params string[] arguments) => PrivateCluster.RunAsync(program, arguments);
}
