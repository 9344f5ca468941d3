namespace DigitalTwin.Server.Cases;

/// <summary>Cases' log lines; event ids 2000-2999, the outbox's 2100-2199 (see docs/operations.md, "Logs").</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "Case {Number} was not forwarded automatically: {Recipient} has no channel to receive it.")]
    public static partial void NotAutoForwarded(ILogger logger, string number, string recipient);

    [LoggerMessage(2002, LogLevel.Warning, "No routing suggestion for a {Category} case at {Lon} {Lat}: {Message}")]
    public static partial void NoSuggestion(ILogger logger, string category, double lon, double lat, string message);
}
