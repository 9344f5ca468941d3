using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Database;

/// <summary>
/// What a failure of the database means for a request. The database away (stopped, restarting, failing over, read-only
/// while a standby takes over), out of connections, or too slow for the command timeout is not the server's error:
/// every transport answers 503 with Retry-After and the code DATABASE_UNAVAILABLE, never 500, and the caller tries
/// again. Each transport maps it in one place: the exception handler (<c>Access/Hardening</c>) for Open311 and the
/// REST routes, GraphQL's mapper (<c>GraphQL/GraphQLErrors</c>) for errors in its execution, the map's
/// (<c>MapUi/UiErrors</c>) for the page. A statement whose pooled connection turns out to be broken (the database
/// restarted since the pool opened it) is run once more where running it twice cannot change anything twice
/// (<see cref="OnceMoreIfBrokenAsync{T}"/>).
/// </summary>
internal static class DatabaseFaults
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);
    private static long nextReport;
    private static long nextClear;

    /// <summary>
    /// Whether trying again later can succeed where this failed: Npgsql's transient failures, and writes refused by a
    /// read-only database. A question only: the transports' error mappers call <see cref="Handle"/>, which also acts.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => Chain(exception).Any(e =>
        e is NpgsqlException { IsTransient: true }
        || IsReadOnlyRefusal(e)
        // Several hosts and none fit (the primary lost, the standby not yet promoted): Npgsql gathers each host's
        // failure under one exception (an aggregate, whose failures Chain reaches too).
        || e is NpgsqlException n && n.Message.StartsWith("No suitable host", StringComparison.Ordinal));

    /// <summary>
    /// What each transport's one error mapper calls for a failure (the exception handler, GraphQL's mapper, the map's,
    /// the outbox's worker): whether it is the database being unavailable (<see cref="IsUnavailable"/>), and for a write
    /// refused as read-only, the writing pools' idle connections dropped (at most once a second, however many requests
    /// fail on them): they lead to a primary that became a standby (a switchover, or an old primary back as a standby
    /// before its sessions ended), and would refuse every write until they close; the next write then looks for the
    /// primary again.
    /// </summary>
    public static bool Handle(Exception exception)
    {
        if (!IsUnavailable(exception)) return false;
        if (Chain(exception).Any(IsReadOnlyRefusal))
        {
            var now = Environment.TickCount64;
            var due = Interlocked.Read(ref nextClear);
            if (now >= due && Interlocked.CompareExchange(ref nextClear, now + 1000, due) == due)
                DigitalTwin.Data.Database.TwinDatabase.ClearWritingPools();
        }
        return true;
    }

    private static bool IsReadOnlyRefusal(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction };

    /// <summary>The exception, its inner ones, and those an aggregate gathers (with theirs).</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException all)
                foreach (var inner in all.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }

    /// <summary>
    /// Whether the connection broke under the statement: the database ended the session (a restart or a failover) or
    /// the socket failed. Npgsql then empties the pool, so a second try gets a new connection; a database that is
    /// still away refuses that at once. Not a pool or command timeout: trying again would only add to the load.
    /// </summary>
    public static bool IsBrokenConnection(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException n => n.InnerException is IOException,
        _ => false,
    };

    /// <summary>
    /// Runs a statement, and once more if its connection broke under it. Only for statements that change nothing, or
    /// that a second run cannot repeat (an intake with its client's idempotency key finds the case the first made):
    /// a connection that breaks after the statement was sent leaves unknown whether it was done.
    /// </summary>
    public static async Task<T> OnceMoreIfBrokenAsync<T>(Func<Task<T>> statement)
    {
        try
        {
            return await statement();
        }
        catch (NpgsqlException e) when (IsBrokenConnection(e))
        {
            return await statement();
        }
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
