using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace DigitalTwin.Data.Database;

/// <summary>
/// How many connections each of our processes may hold, and how long anything waits on the database: configuration
/// section <c>Database:Connections</c>, which the server reads with the rest of its configuration and the command line
/// from the environment (<c>Database__Connections__ServerPool=20</c>, ...), so that one setting reaches both.
/// </summary>
/// <remarks>
/// The pools of every server that shares the database, the command line's pool, PostgreSQL's
/// <c>superuser_reserved_connections</c> and a reserve for administrators must fit in <c>max_connections</c>. A budget
/// that does not fit works until the first burst and then fails with "too many clients"; the server therefore compares
/// it with the database at start-up (<see cref="Misfit"/>) and refuses to start.
/// </remarks>
public sealed class ConnectionBudget
{
    /// <summary>Where the server's configuration keeps it; the environment's names put <c>__</c> for the colons.</summary>
    public const string Section = "Database:Connections";

    /// <summary>The server's main pool: cases, the catalog, tiles, reports, the outbox, imports over HTTP.</summary>
    [Range(1, 1000)]
    public int ServerPool { get; set; } = 30;

    /// <summary>The server's pool for the responsibility look-up (generic plans; see the server's DatabaseExtensions).</summary>
    [Range(1, 1000)]
    public int LookupPool { get; set; } = 15;

    /// <summary>The command line's pool (<c>./twin import</c>, <c>key</c>, <c>user</c>, ...); an import uses two.</summary>
    [Range(1, 100)]
    public int ImporterPool { get; set; } = 4;

    /// <summary>Server processes that share the database (the nodes of the high-availability shape), each with both pools and its listening connection.</summary>
    [Range(1, 64)]
    public int Servers { get; set; } = 1;

    /// <summary>Connections kept free beyond PostgreSQL's own <c>superuser_reserved_connections</c>: psql, backups, monitoring, a second import.</summary>
    [Range(0, 1000)]
    public int AdminReserve { get; set; } = 10;

    /// <summary>
    /// How long a statement waits for a connection, from an exhausted pool or being opened (Npgsql's <c>Timeout</c>);
    /// then the server answers 503 with Retry-After instead of letting requests queue without end.
    /// </summary>
    [Range(1, 120)]
    public int AcquireTimeoutSeconds { get; set; } = 5;

    /// <summary>How long one statement of the server may run (Npgsql's <c>Command Timeout</c>); then it is cancelled on the database.</summary>
    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How often an idle pooled connection is checked (Npgsql's <c>Keepalive</c>; 0: never). A connection that the
    /// database dropped (a restart, a failover) is then found while it waits in the pool, and Npgsql empties the
    /// pool, rather than a request finding it broken after the database is back.
    /// </summary>
    [Range(0, 3600)]
    public int KeepAliveSeconds { get; set; } = 5;

    /// <summary>
    /// Each server's one connection of its own that listens for the other nodes' word (LISTEN/NOTIFY), held for the
    /// server's life, outside its pools.
    /// </summary>
    public const int ListeningConnections = 1;

    /// <summary>The server's main pool.</summary>
    public PoolSettings Server => new(ServerPool, AcquireTimeoutSeconds, CommandTimeoutSeconds, KeepAliveSeconds);

    /// <summary>The server's look-up pool.</summary>
    public PoolSettings Lookup => new(LookupPool, AcquireTimeoutSeconds, CommandTimeoutSeconds, KeepAliveSeconds);

    /// <summary>The command line's pool. Its statements keep Npgsql's command timeout: an import's index build is long by nature.</summary>
    public PoolSettings Importer => new(ImporterPool, AcquireTimeoutSeconds, null, KeepAliveSeconds);

    /// <summary>The connections the budget needs of a database that reserves <paramref name="superuserReserved"/> for superusers.</summary>
    public int Needed(int superuserReserved) => Servers * (ServerPool + LookupPool + ListeningConnections) + ImporterPool + superuserReserved + AdminReserve;

    /// <summary>Why the budget does not fit a database with these settings, in words an operator can act on; null when it fits.</summary>
    public string? Misfit(int maxConnections, int superuserReserved)
    {
        var needed = Needed(superuserReserved);
        if (needed <= maxConnections) return null;
        var servers = Servers == 1 ? $"the server's pools and listener ({ServerPool} + {LookupPool} + {ListeningConnections})"
            : $"{Servers} servers' pools and listeners ({Servers} × ({ServerPool} + {LookupPool} + {ListeningConnections}))";
        return string.Create(CultureInfo.InvariantCulture,
            $"The connection budget does not fit the database: {servers}, the command line's ({ImporterPool}), PostgreSQL's " +
            $"superuser_reserved_connections ({superuserReserved}) and the administrators' reserve ({AdminReserve}) need {needed} connections, " +
            $"but max_connections is {maxConnections}. Lower {Section}:ServerPool, LookupPool, ImporterPool or AdminReserve " +
            $"(environment: Database__Connections__ServerPool, ...), or raise max_connections in postgresql.conf.");
    }

    /// <summary>
    /// The budget as the environment sets it (<c>Database__Connections__NAME</c>), for processes without the server's
    /// configuration: the command line. Validated as the server validates it.
    /// </summary>
    /// <exception cref="ValidationException">A value is not a whole number, or out of its range.</exception>
    public static ConnectionBudget FromEnvironment()
    {
        var budget = new ConnectionBudget();
        foreach (var property in typeof(ConnectionBudget).GetProperties().Where(p => p.PropertyType == typeof(int) && p.CanWrite))
        {
            var name = Section.Replace(":", "__", StringComparison.Ordinal) + "__" + property.Name;
            if (Environment.GetEnvironmentVariable(name) is not { Length: > 0 } text) continue;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw new ValidationException($"{name} must be a whole number; it is '{text}'.");
            property.SetValue(budget, value);
        }
        Validator.ValidateObject(budget, new ValidationContext(budget), validateAllProperties: true);
        return budget;
    }
}

/// <summary>One pool's size and waits, as <see cref="TwinDatabase.CreateDataSource"/> applies them.</summary>
/// <param name="MaxSize">Npgsql's <c>Maximum Pool Size</c>.</param>
/// <param name="AcquireTimeoutSeconds">Npgsql's <c>Timeout</c>: waiting for a connection, from the pool or being opened.</param>
/// <param name="CommandTimeoutSeconds">Npgsql's <c>Command Timeout</c>; null keeps Npgsql's (30 s).</param>
/// <param name="KeepAliveSeconds">Npgsql's <c>Keepalive</c> for idle connections; 0: none.</param>
public sealed record PoolSettings(int MaxSize, int AcquireTimeoutSeconds, int? CommandTimeoutSeconds, int KeepAliveSeconds);
