namespace DigitalTwin.Server.Access;

/// <summary>Access's log lines; event ids 3000-3999 (see docs/operations.md, "Logs").</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Error, "Unhandled error for {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception? e, string method, string path);

    [LoggerMessage(3001, LogLevel.Information, "Forgot {Count} audit log entries older than {Days} days.")]
    public static partial void AuditForgotten(ILogger logger, int count, double days);

    [LoggerMessage(3002, LogLevel.Warning, "The audit log's retention could not run; it tries again in an hour.")]
    public static partial void AuditRetentionFailed(ILogger logger, Exception e);
}
