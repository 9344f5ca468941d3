namespace DigitalTwin.Server.MapUi;

internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Information, "The layers' boxes are left for the first map to work out: {Reason}")]
    public static partial void ExtentsDeferred(ILogger logger, string reason);
}
