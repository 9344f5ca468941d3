using System.Runtime.CompilerServices;
using Npgsql;

namespace DigitalTwin.Data.Database;

/// <summary>
/// Opens the project's PostGIS database: one <see cref="NpgsqlDataSource"/> per process, with NetTopologySuite types.
/// </summary>
public static class TwinDatabase
{
    /// <summary>The environment variable that names the database, as a postgres:// URL or an Npgsql connection string.</summary>
    public const string UrlVariable = "TWIN_DATABASE_URL";

    /// <summary>
    /// Session settings of the server's connections. The server answers many small questions: a parallel plan's worker
    /// start-up (tens of ms) would cost more than the whole index look-up it parallelises, and the planner picks one
    /// when a spatial estimate is rough. No JIT: PostgreSQL compiles a statement whose estimated cost passes
    /// <c>jit_above_cost</c>, and a small question's estimate passes it as the data grows: the look-up's generic plan
    /// over a parcel layer with ten kept versions (its partitions are pruned only when it runs) was compiled at every
    /// execution, 0.8 s for a 16 ms answer; the inbox over tens of thousands of open cases, 0.5 to 1.7 s. The reports,
    /// the one place it could pay, measured no faster with it (docs/performance.md).
    /// </summary>
    public const string ServerSessionOptions = "-c max_parallel_workers_per_gather=0 -c jit=off";

    /// <summary>The data sources made here, while they live, with the target they were made for: what <see cref="ClearWritingPools"/> clears.</summary>
    private static readonly ConditionalWeakTable<NpgsqlDataSource, string> Created = [];

    /// <summary>Targets of pools that only read, from a standby when there is one: a primary that became a standby changes nothing for them.</summary>
    private static readonly HashSet<string> ReadingTargets = new(StringComparer.OrdinalIgnoreCase) { "prefer-standby", "standby", "read-only" };

    /// <summary>
    /// Closes the idle connections of every pool made by <see cref="CreateDataSource"/> that writes (all but those made
    /// for a standby's reads; Npgsql's <c>NpgsqlConnection.ClearAllPools</c> clears only pools made from connection
    /// strings, never a data source's), so that the next connection looks for the primary again; connections in use
    /// close when they are given back. The reading pools keep theirs: each new session costs the database tens of
    /// milliseconds of CPU (PostGIS and PROJ loaded again), which look-ups would wait for.
    /// </summary>
    public static void ClearWritingPools()
    {
        foreach (var (dataSource, target) in Created)
        {
            if (ReadingTargets.Contains(target)) continue;
            try
            {
                dataSource.Clear();
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: nothing of it is left to clear.
            }
        }
    }

    /// <summary>
    /// Session settings for statements whose best plan does not depend on their parameters' values, such as the
    /// responsibility lookup: planned once per session instead of at every execution. (PostgreSQL keeps re-planning
    /// a prepared spatial statement when its generic plan's estimate looks worse than the custom plans', and planning
    /// then costs more than running it.)
    /// </summary>
    public const string GenericPlanSessionOptions = ServerSessionOptions + " -c plan_cache_mode=force_generic_plan";

    /// <param name="connectionStringOrUrl">A postgres:// URL or an Npgsql connection string.</param>
    /// <param name="applicationName">How the sessions show in pg_stat_activity.</param>
    /// <param name="sessionOptions">Server settings for every session (libpq's options), unless the connection string sets its own.</param>
    /// <param name="noResetOnClose">Skip the session reset when a connection goes back to the pool (only for statements that leave no state).</param>
    /// <param name="pool">The pool's size and waits from the <see cref="ConnectionBudget"/>; they override the connection string's. Null keeps Npgsql's.</param>
    /// <param name="target">
    /// For a database of several hosts (a primary and its standbys): which of them the sessions go to, in Npgsql's
    /// words (<c>read-write</c>, <c>prefer-standby</c>, ...). Null keeps the connection string's, and when it names
    /// none, <c>read-write</c>: Npgsql's own default, <c>any</c>, would send writes to whichever host answers first.
    /// </param>
    public static NpgsqlDataSource CreateDataSource(string connectionStringOrUrl, string applicationName = "twin", string? sessionOptions = null,
        bool noResetOnClose = false, PoolSettings? pool = null, string? target = null)
    {
        var builder = new NpgsqlDataSourceBuilder(ToConnectionString(connectionStringOrUrl));
        if (IsSeveralHosts(builder.ConnectionStringBuilder))
        {
            if (target is not null) builder.ConnectionStringBuilder.TargetSessionAttributes = target;
            else builder.ConnectionStringBuilder.TargetSessionAttributes ??= "read-write";
            // How long Npgsql believes what it learnt of a host (primary, standby, offline) before it asks again
            // (Npgsql's default: 10 s). It bounds how soon writes find a standby that was just promoted (until then it
            // is still "the standby") and how soon a host that failed once under load is tried again: a second each,
            // for the price of one pg_is_in_recovery() a second per pool.
            if (builder.ConnectionStringBuilder.HostRecheckSeconds == 10) builder.ConnectionStringBuilder.HostRecheckSeconds = 1;
        }
        if (pool is not null)
        {
            // The budget wins over a URL's own pool settings: the start-up check counts these numbers, not the URL's.
            builder.ConnectionStringBuilder.MaxPoolSize = pool.MaxSize;
            builder.ConnectionStringBuilder.Timeout = pool.AcquireTimeoutSeconds;
            if (pool.CommandTimeoutSeconds is { } commandTimeout) builder.ConnectionStringBuilder.CommandTimeout = commandTimeout;
            builder.ConnectionStringBuilder.KeepAlive = pool.KeepAliveSeconds;
        }
        if (noResetOnClose) builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (sessionOptions is not null && string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options)) builder.ConnectionStringBuilder.Options = sessionOptions;
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        // The same few statements run over and over (the resolver's, the catalog's): let Npgsql prepare them.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.UseNetTopologySuite();
        var dataSource = builder.Build();
        Created.Add(dataSource, target ?? "");
        return dataSource;
    }

    /// <summary>Whether the database is a primary and its standbys, named together (<c>Host=h1:p1,h2:p2</c>).</summary>
    public static bool IsSeveralHosts(string connectionStringOrUrl) => IsSeveralHosts(new NpgsqlConnectionStringBuilder(ToConnectionString(connectionStringOrUrl)));

    private static bool IsSeveralHosts(NpgsqlConnectionStringBuilder builder) => builder.Host?.Contains(',', StringComparison.Ordinal) == true;

    /// <summary>
    /// Accepts both <c>postgres://user:password@host:port/database?sslmode=...</c> and Npgsql's <c>Host=...;Database=...</c>.
    /// A URL may name several hosts, as libpq and <c>pg_autoctl show uri</c> write them
    /// (<c>postgres://h1:p1,h2:p2/twin?target_session_attrs=read-write</c>): Npgsql then tries them in turn and keeps the
    /// one whose role fits. libpq's parameter names are taken in Npgsql's words (<see cref="LibpqParameters"/>).
    /// </summary>
    public static string ToConnectionString(string connectionStringOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrUrl);
        var text = connectionStringOrUrl.Trim();
        var scheme = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ? "postgres://".Length
            : text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ? "postgresql://".Length
            : 0;
        if (scheme == 0) return new NpgsqlConnectionStringBuilder(text).ConnectionString;

        // System.Uri takes one host only, so the URL is cut by hand: [user[:password]@]hosts[/database][?query].
        var rest = text[scheme..];
        var query = "";
        if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        var database = "";
        if (rest.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0) (rest, database) = (rest[..slash], Uri.UnescapeDataString(rest[(slash + 1)..]));
        var builder = new NpgsqlConnectionStringBuilder { Database = database.Length > 0 ? database : "postgres" };
        if (rest.LastIndexOf('@') is var at and >= 0)
        {
            var parts = rest[..at].Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
            rest = rest[(at + 1)..];
        }
        var hosts = rest.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(HostAndPort).ToList();
        if (hosts.Count == 0) hosts.Add(("127.0.0.1", 5432));
        if (hosts.Count == 1)
        {
            (builder.Host, builder.Port) = (hosts[0].Host, hosts[0].Port);
        }
        else
        {
            // Npgsql's form of several hosts: each with its own port, in the Host keyword.
            builder.Host = string.Join(',', hosts.Select(h => $"{h.Host}:{h.Port}"));
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            builder[LibpqParameters.GetValueOrDefault(key.ToLowerInvariant(), key)] = value;
        }
        return builder.ConnectionString;
    }

    /// <summary>libpq's names of the URL parameters that Npgsql spells otherwise; other names pass as they are.</summary>
    private static readonly Dictionary<string, string> LibpqParameters = new()
    {
        ["sslmode"] = "SSL Mode",
        ["target_session_attrs"] = "Target Session Attributes",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["options"] = "Options",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
    };

    /// <summary>host, host:port, [v6] or [v6]:port; the port 5432 when none is given.</summary>
    private static (string Host, int Port) HostAndPort(string text)
    {
        text = Uri.UnescapeDataString(text);
        var colon = text.LastIndexOf(':');
        var closing = text.LastIndexOf(']');
        if (colon < 0 || colon < closing) return (text.Trim('[', ']') is { Length: > 0 } h ? h : "127.0.0.1", 5432);
        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"The database URL names the port '{text[(colon + 1)..]}' of {host}: not a port number.");
        return (host.Length > 0 ? host : "127.0.0.1", port);
    }
}
