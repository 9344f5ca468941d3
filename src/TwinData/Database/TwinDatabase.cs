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
    /// when a spatial estimate is rough.
    /// </summary>
    public const string ServerSessionOptions = "-c max_parallel_workers_per_gather=0";

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
    public static NpgsqlDataSource CreateDataSource(string connectionStringOrUrl, string applicationName = "twin", string? sessionOptions = null,
        bool noResetOnClose = false, PoolSettings? pool = null)
    {
        var builder = new NpgsqlDataSourceBuilder(ToConnectionString(connectionStringOrUrl));
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
        return builder.Build();
    }

    /// <summary>
    /// Accepts both <c>postgres://user:password@host:port/database?sslmode=...</c> and Npgsql's <c>Host=...;Database=...</c>.
    /// </summary>
    public static string ToConnectionString(string connectionStringOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrUrl);
        var text = connectionStringOrUrl.Trim();
        if (!text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(text).ConnectionString;
        }

        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "127.0.0.1" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
        }
        return builder.ConnectionString;
    }
}
