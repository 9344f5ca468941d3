using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Database;

/// <summary>
/// What a failure of the database means for a request. The database away (stopped, restarting, failing over, read-only
/// while a standby takes over), out of connections, or too slow for the command timeout is not the server's error:
/// every transport answers 503 with Retry-After and the code <see cref="Code"/>, never 500, and the caller tries again.
/// Each transport maps it in one place: the exception handler (<c>Access/Hardening</c>) for Open311 and the REST
/// routes, the GraphQL endpoint for errors in its execution.
/// </summary>
internal static class DatabaseFaults
{
    /// <summary>The code a client acts on: in GraphQL's extensions and in problem+json.</summary>
    public const string Code = "DATABASE_UNAVAILABLE";

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);
    private static long nextReport;

    /// <summary>Whether trying again later can succeed where this failed: Npgsql's transient failures, and writes refused by a read-only database.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction }) return true;
        }
        return false;
    }

    /// <summary>The seconds a 503 asks the caller to wait (Database:RetryAfterSeconds).</summary>
    public static int RetryAfterSeconds(IServiceProvider services) => services.GetRequiredService<IOptions<DatabaseOptions>>().Value.RetryAfterSeconds;

    /// <summary>What the answer says.</summary>
    public static string Message(int retryAfterSeconds) => $"The database is unavailable or busy; try again in {retryAfterSeconds} s.";

    /// <summary>Sets the answer's Retry-After and returns the sentence that says it.</summary>
    public static string Answer(HttpContext http)
    {
        var seconds = RetryAfterSeconds(http.RequestServices);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Message(seconds);
    }

    /// <summary>
    /// Logs that requests meet an unavailable database: once, then at most every 10 s while it lasts, so that an
    /// outage under load is a few lines in the log rather than one per request.
    /// </summary>
    public static void Report(ILogger logger, Exception exception)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref nextReport);
        if (now < next || Interlocked.CompareExchange(ref nextReport, now + (long)ReportEvery.TotalMilliseconds, next) != next) return;
        Log.DatabaseUnavailable(logger, exception.GetType().Name, exception.Message);
    }
}
