namespace DigitalTwin.Server.Database;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Applied {Count} database migration(s): {Names}")]
    public static partial void MigrationsApplied(ILogger logger, int count, string names);

    [LoggerMessage(1002, LogLevel.Information,
        "Connection budget: {Servers} server(s) × ({ServerPool} + {LookupPool} + 1 listening) + command line {ImporterPool} + superusers {SuperuserReserved} + reserve {AdminReserve} = {Needed} of max_connections {MaxConnections}")]
    public static partial void BudgetFits(ILogger logger, int servers, int serverPool, int lookupPool, int importerPool, int superuserReserved, int adminReserve,
        int needed, int maxConnections);

    [LoggerMessage(1003, LogLevel.Critical, "{Misfit}")]
    public static partial void BudgetDoesNotFit(ILogger logger, string misfit);

    [LoggerMessage(1004, LogLevel.Warning, "The database is unavailable; requests are answered 503 with Retry-After ({Kind}: {Reason})")]
    public static partial void DatabaseUnavailable(ILogger logger, string kind, string reason);

    [LoggerMessage(1005, LogLevel.Information, "Warmed up in {Milliseconds:F0} ms: connections open in each pool, the GraphQL schema built, a look-up answered")]
    public static partial void WarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(1006, LogLevel.Warning, "Warming up stopped after {Milliseconds:F0} ms ({Kind}: {Reason}); serving cold")]
    public static partial void WarmUpLeft(ILogger logger, double milliseconds, string kind, string reason);
}
