using System.Diagnostics;
using Npgsql;

namespace DigitalTwin.Testing;

/// <summary>
/// A PostgreSQL cluster of one test's own, for tests that stop and start the database under load: the shared test
/// server (<see cref="PostgisServer"/>) must never go down under the other tests. Made as <c>./twin test</c> makes its
/// cluster (initdb into a temporary folder, pg_ctl on a free loopback port, durability traded for speed), with
/// PostgreSQL's default max_connections of 100, which the server's connection budget must fit. As root it runs as
/// the postgres system user, since initdb refuses root.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string folder;
    private readonly string bin;
    private readonly string user;
    private readonly int maxConnections;

    private PrivateCluster(string folder, string bin, string user, int port, int maxConnections)
    {
        (this.folder, this.bin, this.user, Port, this.maxConnections) = (folder, bin, user, port, maxConnections);
    }

    public int Port { get; }

    private string Data => Path.Combine(folder, "data");

    /// <summary>A connection string to a database of the cluster, as its superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = user, Database = database, Pooling = false }.ConnectionString;

    /// <summary>Initialises a cluster in a new temporary folder and starts it (about two seconds).</summary>
    public static async Task<PrivateCluster> StartNewAsync(int maxConnections = 100)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (./twin test installs them).");
        var folder = Directory.CreateTempSubdirectory("twin-cluster-").FullName;
        // The postgres system user reaches the data folder through this one (the cluster's tools are Unix's only).
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var cluster = new PrivateCluster(folder, bin, Environment.IsPrivilegedProcess ? "postgres" : Environment.UserName, LoopbackPort.Take(), maxConnections);
        try
        {
            Directory.CreateDirectory(cluster.Data);
            if (Environment.IsPrivilegedProcess) await RunAsync("chown", "postgres:", cluster.Data);
            await cluster.AsOwnerAsync("initdb", "-D", cluster.Data, "-A", "trust", "-U", cluster.user, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            await cluster.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped cluster and returns once it accepts connections.</summary>
    public Task StartAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-l", Path.Combine(Data, "server.log"), "-o",
        $"-h 127.0.0.1 -p {Port} -k {Data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections={maxConnections}", "start");

    /// <summary>Stops the cluster as <c>./twin down</c> does (fast: sessions are ended, the server shuts down cleanly).</summary>
    public Task StopAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "stop");

    /// <summary>Creates a database in the cluster and returns its connection string (pooled, for the test's own questions).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(ConnectionString());
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Pooling = true }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            try
            {
                await AsOwnerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder goes either way.
            }
        }
        Directory.Delete(folder, recursive: true);
    }

    private Task AsOwnerAsync(string program, params string[] arguments) =>
        Environment.IsPrivilegedProcess ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, program), .. arguments])
            : RunAsync(Path.Combine(bin, program), arguments);

    /// <summary>Runs a program from / and waits; its output goes into the exception when it fails.</summary>
    internal static async Task RunAsync(string program, params string[] arguments)
    {
        // From / so that a private working folder does not bother the postgres user.
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
    }
}
