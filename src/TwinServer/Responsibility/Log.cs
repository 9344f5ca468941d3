namespace DigitalTwin.Server.Responsibility;

/// <summary>The lookup's log lines; event ids 7000-7999 (see docs/operations.md, "Logs").</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Information, "Read contract layer version {Version} into memory: {Contracts} contracts, {Subcontracts} subcontracts in {Milliseconds:F0} ms")]
    public static partial void ContractVersionRead(ILogger logger, int version, int contracts, int subcontracts, double milliseconds);
}
