namespace DigitalTwin.Server.Database;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Applied {Count} database migration(s): {Names}")]
    public static partial void MigrationsApplied(ILogger logger, int count, string names);
}
