namespace DigitalTwin.Server.Layers;

/// <summary>Layer imports' log lines; event ids 4000-4999 (see docs/operations.md, "Logs").</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "{Who} imported {File} into {Layer}: {Outcome}")]
    public static partial void Imported(ILogger logger, string who, string file, string layer, string outcome);

    [LoggerMessage(4002, LogLevel.Information, "{Who} rolled {Layer} back to version {Restored}: version {Version}, {Objects} objects")]
    public static partial void RolledBack(ILogger logger, string who, string layer, int restored, int version, long objects);
}
