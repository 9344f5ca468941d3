namespace DigitalTwin.Server.Reports;

/// <summary>The reports' log lines; event ids 5000-5999 (see docs/operations.md, "Logs").</summary>
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Information, "Placed the cases in the area layers in {Seconds:F1} s")]
    public static partial void CasesPlaced(ILogger logger, double seconds);

    [LoggerMessage(5002, LogLevel.Warning, "Placing cases in the area layers failed; trying again in {Seconds} s")]
    public static partial void PlacementFailed(ILogger logger, Exception e, double seconds);
}
